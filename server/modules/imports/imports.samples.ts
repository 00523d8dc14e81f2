import { uuidv7 } from 'uuidv7';
import { api, type Session, testDatabase } from '../../test/harness.ts';
import { createOk, type Samples } from '../../test/samples.ts';

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

let n = 0;

export const samples: Samples = {
  'POST /api/v1/imports/contacts': { body: () => csv, contentType: 'text/csv', ok: 201 },
  'POST /api/v1/imports/leads': {
    body: () => 'First Name,Last Name,Email\r\nGrace,Hopper,grace@example.com\r\n',
    contentType: 'text/csv',
    ok: 201,
  },
  'POST /api/v1/imports/deals': {
    body: () => 'Deal Name,Amount,Close Date\r\nMainframe order,"12,500.00",2026-06-30\r\n',
    contentType: 'text/csv',
    ok: 201,
  },
  'POST /api/v1/imports/tasks': {
    body: () => 'Title,Due Date,Priority\r\nCall back,2026-06-30 10:00,High\r\n',
    contentType: 'text/csv',
    ok: 201,
  },
  'POST /api/v1/imports/activities': {
    setup: async (s) => {
      await createOk(s, '/contacts', { firstName: 'Ada', emails: [{ label: 'work', value: 'ada.sample@example.com' }] });
      return {};
    },
    body: () => 'Type,Subject,Contact\r\nCall,Intro call,ada.sample@example.com\r\n',
    contentType: 'text/csv',
    ok: 201,
  },
  'POST /api/v1/imports/objects/:objectKey': {
    setup: async (s) => {
      const key = `shipment${++n}`;
      await createOk(s, '/objects', { key, label: 'Shipment', labelPlural: 'Shipments' });
      return { objectKey: key };
    },
    body: () => 'Name\r\nCrate 1\r\n',
    contentType: 'text/csv',
    ok: 201,
  },
  'POST /api/v1/imports/companies': { body: () => companiesCsv, contentType: 'text/csv', ok: 201 },
  'POST /api/v1/imports/preview': { body: () => csv, contentType: 'text/csv', query: 'object=contact', ok: 200 },
  'POST /api/v1/imports/:id/cancel': { setup: queued, ok: 200 },
  'GET /api/v1/imports/:id/errors.csv': { setup: imported },
  'GET /api/v1/imports/:id/undo': { setup: imported },
  'POST /api/v1/imports/:id/undo': { setup: imported, body: () => ({}), ok: 202 },
  'GET /api/v1/imports': { setup: async (s) => ({ importId: (await imported(s)).id }) },
  'GET /api/v1/imports/:id': { setup: imported },
};
