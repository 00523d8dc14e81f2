import type { Session } from '../../test/harness.ts';
import { createOk, type Samples } from '../../test/samples.ts';

let n = 0;

/** A custom object "Project" with a select field, and one record of it. */
export async function sampleObject(s: Session) {
  const key = `project${++n}`;
  await createOk(s, '/objects', { key, label: 'Project', labelPlural: 'Projects', icon: 'folder' });
  await createOk(s, '/fields', { objectType: key, key: 'phase', label: 'Phase', type: 'select', options: ['plan', 'build', 'done'] });
  const record = await createOk(s, `/objects/${key}/records`, { name: 'Website relaunch', custom: { phase: 'plan' } });
  return { objectKey: key, record };
}

const withRecord = async (s: Session) => {
  const o = await sampleObject(s);
  return { objectKey: o.objectKey, id: o.record.id };
};
const trashedObject = async (s: Session) => {
  const key = `gone${++n}`;
  await createOk(s, '/objects', { key, label: 'Gone', labelPlural: 'Gones' });
  const { api } = await import('../../test/harness.ts');
  await api(s).delete(`/objects/${key}`);
  return { objectKey: key };
};

export const samples: Samples = {
  'GET /api/v1/objects': { setup: async (s) => ({ objectKey: (await sampleObject(s)).objectKey }) },
  'POST /api/v1/objects': { body: () => ({ key: `thing${++n}`, label: 'Thing', labelPlural: 'Things' }), ok: 201 },
  'PATCH /api/v1/objects/:objectKey': {
    setup: async (s) => ({ objectKey: (await sampleObject(s)).objectKey }),
    body: () => ({ label: 'Job', version: 1 }),
  },
  'DELETE /api/v1/objects/:objectKey': { setup: async (s) => ({ objectKey: (await sampleObject(s)).objectKey }), query: 'confirm=true' },
  'POST /api/v1/objects/:objectKey/restore': { setup: trashedObject, body: () => ({}) },
  'GET /api/v1/objects/:objectKey/records': { setup: withRecord },
  'GET /api/v1/objects/:objectKey/records/export': { setup: withRecord },
  'POST /api/v1/objects/:objectKey/records': {
    setup: async (s) => ({ objectKey: (await sampleObject(s)).objectKey }),
    body: () => ({ name: 'Office move', custom: { phase: 'build' } }),
    ok: 201,
  },
  'GET /api/v1/objects/:objectKey/records/:id': { setup: withRecord },
  'PATCH /api/v1/objects/:objectKey/records/:id': { setup: withRecord, body: () => ({ name: 'Renamed', version: 1 }) },
  'DELETE /api/v1/objects/:objectKey/records/:id': { setup: withRecord },
  'POST /api/v1/objects/:objectKey/records/:id/restore': { setup: withRecord, body: () => ({}) },
  'GET /api/v1/objects/:objectKey/records/:id/history': { setup: withRecord },
  'POST /api/v1/objects/:objectKey/records/bulk-update': {
    setup: withRecord,
    body: (s, p) => ({ ids: [p.id], set: { ownerId: s.memberId } }),
  },
};
