import { api, type Session } from '../../test/harness.ts';
import type { Samples } from '../../test/samples.ts';

const csv = 'First name,Last name,Email\r\nAda,Lovelace,ada@example.com\r\nCharles,Babbage,charles@example.com\r\n';
const companiesCsv = 'Company Name,Domain,Industry,Employees\r\nAnalytical Engines,engines.example,Computing,120\r\n';

async function imported(s: Session) {
  const r = await api(s).post('/imports/contacts', csv, { 'content-type': 'text/csv' });
  if (r.statusCode !== 201) throw new Error(`import → ${r.statusCode} ${r.body}`);
  return { id: r.json().importId as string };
}

export const samples: Samples = {
  'POST /api/v1/imports/contacts': { body: () => csv, contentType: 'text/csv', ok: 201 },
  'POST /api/v1/imports/companies': { body: () => companiesCsv, contentType: 'text/csv', ok: 201 },
  'GET /api/v1/imports': { setup: async (s) => ({ importId: (await imported(s)).id }) },
  'GET /api/v1/imports/:id': { setup: imported },
};
