import { recordSamples } from '../../test/samples.ts';

export const samples = recordSamples('companies', () => ({ name: 'Initech', domain: 'initech.example' }), { industry: 'Software' });
