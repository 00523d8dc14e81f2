import type { Samples } from '../../test/samples.ts';

export const samples: Samples = {
  'GET /api/v1/audit/changes': { query: 'objectType=contact&from=2020-01-01T00:00:00Z' },
  'GET /api/v1/audit/changes/export': { query: 'objectType=workspace' },
  'GET /api/v1/audit/sign-ins': { query: 'outcome=success' },
  'GET /api/v1/audit/sign-ins/export': {},
  'GET /api/v1/audit/security-events': { query: 'kind=member.created' },
  'GET /api/v1/audit/security-events/export': {},
  'GET /api/v1/audit/settings': {},
  'PUT /api/v1/audit/settings': { body: () => ({ retentionDays: 365 }) },
};
