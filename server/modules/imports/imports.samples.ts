import { uuidv7 } from 'uuidv7';
import { api, type Session, testDatabase } from '../../test/harness.ts';
import type { Samples } from '../../test/samples.ts';

const csv = 'First name,Last name,Email\r\nAda,Lovelace,ada@example.com\r\nCharles,Babbage,charles@example.com\r\n';
const companiesCsv = 'Company Name,Domain,Industry,Employees\r\nAnalytical Engines,engines.example,Computing,120\r\n';

async function imported(s: Session) {
  const r = await api(s).post('/imports/contacts', csv, { 'content-type': 'text/csv' });
  if (r.statusCode !== 201) throw new Error(`import → ${r.statusCode} ${r.body}`);
  return { id: r.json().importId as string };
}

/** An import still queued (no job runs it), so that it can be cancelled. */
async function queued(s: Session) {
  const id = uuidv7();
  await (await testDatabase()).query(
    `insert into imports (workspace_id, id, object_type, status, dedupe, counts, mapping, created_by)
     values ($1, $2, 'contact', 'queued', 'skip', '{}'::jsonb, '{"columns":{},"ignoredColumns":[]}'::jsonb, $3)`,
    [s.workspaceId, id, s.memberId],
  );
  return { id };
}

export const samples: Samples = {
  'POST /api/v1/imports/contacts': { body: () => csv, contentType: 'text/csv', ok: 201 },
  'POST /api/v1/imports/companies': { body: () => companiesCsv, contentType: 'text/csv', ok: 201 },
  'POST /api/v1/imports/preview': { body: () => csv, contentType: 'text/csv', query: 'object=contact', ok: 200 },
  'POST /api/v1/imports/:id/cancel': { setup: queued, ok: 200 },
  'GET /api/v1/imports/:id/errors.csv': { setup: imported },
  'GET /api/v1/imports': { setup: async (s) => ({ importId: (await imported(s)).id }) },
  'GET /api/v1/imports/:id': { setup: imported },
};
