import { bulkSample, recordSamples } from '../../test/samples.ts';

export const samples = {
  ...recordSamples('companies', () => ({ name: 'Initech', domain: 'initech.example' }), { industry: 'Software' }),
  ...bulkSample('companies', () => ({ name: 'Initrode' }), { size: '11-50', industry: 'Paper' }),
};
