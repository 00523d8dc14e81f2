import { uuidv7 } from 'uuidv7';
import { describe, expect, it } from 'vitest';
import { api, type Session, signUp, testDatabase } from '../../test/harness.ts';
import { failImport, runImport } from './imports.service.ts';

type Json = Record<string, unknown>;

async function importOk(s: Session, csv: string, query = '') {
  const r = await api(s).post(`/imports/contacts${query}`, csv, { 'content-type': 'text/csv' });
  expect(r.statusCode, r.body).toBe(201);
  return r.json() as Json & { importId: string };
}

/** Waits for an import's undo to finish and returns the import. */
async function undone(s: Session, id: string) {
  for (let i = 0; i < 400; i++) {
    const r = await api(s).get(`/imports/${id}`);
    const undo = r.json().undo;
    if (undo?.status === 'completed' || undo?.status === 'failed') return r.json();
    await new Promise((res) => setTimeout(res, 50));
  }
  throw new Error('the undo did not finish');
}

const contacts = async (s: Session, deleted = false) =>
  (await api(s).get(`/contacts?limit=200&sort=createdAt${deleted ? '&deleted=true' : ''}`)).json().data as Json[];
const emailsOf = (list: Json[]) => list.map((c) => (c.emails as { value: string }[])[0]?.value).sort();

describe('undoing an import', () => {
  it('previews, then trashes what it created and restores what it updated, keeping later edits by others', async () => {
    const s = await signUp();
    const c = api(s);
    const kept = await c.post('/contacts', {
      firstName: 'Old',
      lastName: 'Name',
      title: 'Clerk',
      emails: [{ value: 'kept@example.com' }],
      phones: [{ label: 'work', value: '+44 20 7946 0000' }],
    });
    expect(kept.statusCode).toBe(201);
    const other = await c.post('/contacts', { firstName: 'Other', title: 'Chief', emails: [{ value: 'other@example.com' }] });
    const csv =
      'First name,Last name,Email,Job title,Company,Phone\r\n' +
      'New,Name,kept@example.com,Director,,+44 20 7946 1111\r\n' +
      'Other,,other@example.com,Boss,,\r\n' +
      'Ada,Lovelace,ada@example.com,Analyst,Engines Ltd,\r\n' +
      'Bob,Babbage,bob@example.com,,,\r\n';
    const imp = await importOk(s, csv, '?dedupe=update');
    expect(imp).toMatchObject({ created: 2, updated: 2, companiesCreated: 1 });
    // Someone edits the title of one updated contact after the import: their value must stay.
    const now = (await c.get(`/contacts/${other.json().id}`)).json();
    expect((await c.patch(`/contacts/${now.id}`, { version: now.version, title: 'CEO' })).statusCode).toBe(200);

    const preview = await c.get(`/imports/${imp.importId}/undo`);
    expect(preview.statusCode, preview.body).toBe(200);
    expect(preview.json()).toMatchObject({
      possible: true,
      reason: null,
      willTrash: { contact: 2, company: 1 },
      // The other contact's only change by the import was its title, which is someone else's now.
      willRestore: { contact: 1, company: 0 },
      skippedCount: 1,
      skipped: [{ recordType: 'contact', recordId: now.id, field: 'title' }],
    });

    const started = await c.post(`/imports/${imp.importId}/undo`);
    expect(started.statusCode, started.body).toBe(202);
    expect(started.json().undo.status).toMatch(/queued|running|completed/);
    const done = await undone(s, imp.importId);
    expect(done.undo).toMatchObject({
      status: 'completed',
      trashed: { contact: 2, company: 1 },
      restored: { contact: 1 },
      skippedCount: 1,
    });

    // Created ones are in the trash, restorable; updated ones read as before the import.
    expect(emailsOf(await contacts(s))).toEqual(['kept@example.com', 'other@example.com']);
    expect(emailsOf(await contacts(s, true))).toEqual(['ada@example.com', 'bob@example.com']);
    const k = (await c.get(`/contacts/${kept.json().id}`)).json();
    expect(k).toMatchObject({ firstName: 'Old', lastName: 'Name', title: 'Clerk' });
    expect(k.phones.map((p: { value: string }) => p.value)).toEqual(['+44 20 7946 0000']);
    expect((await c.get(`/contacts/${now.id}`)).json()).toMatchObject({ firstName: 'Other', title: 'CEO' });
    expect((await c.get('/companies')).json().data).toEqual([]);
    // The undo's writes are history like any other, and a second undo is refused.
    const history = (await c.get(`/contacts/${kept.json().id}/history`)).json().data as Json[];
    expect(history[0]).toMatchObject({ action: 'update' });
    const again = await c.post(`/imports/${imp.importId}/undo`);
    expect(again.statusCode).toBe(409);
    expect((await c.get(`/imports/${imp.importId}/undo`)).json()).toMatchObject({
      possible: false,
      reason: 'The import has been undone already',
    });
    // Nothing is lost: a trashed contact comes back from the trash.
    const ada = (await contacts(s, true)).find((x) => (x.emails as { value: string }[])[0].value === 'ada@example.com') as Json;
    expect((await c.post(`/contacts/${ada.id}/restore`)).statusCode).toBe(200);
  });

  it('undoes what a stopped import committed, after its worker died and it was marked failed', async () => {
    const s = await signUp();
    const database = await testDatabase();
    const id = uuidv7();
    const rows = Array.from({ length: 7 }, (_, i) => `P${i},Stopped,p${i}@stopped.example`);
    const file = `First name,Last name,Email\r\n${rows.join('\r\n')}\r\n`;
    // An import as startImport stores it, but no job: this test is its worker, and dies after two batches.
    await database.query(
      `insert into imports (workspace_id, id, object_type, status, dedupe, counts, mapping, request_id, actor_type, actor_id, owner_id, total_rows, batch_rows, created_by)
       values ($1, $2, 'contact', 'queued', 'skip', '{}'::jsonb, $3::jsonb, $4, 'member', $5, $5, 7, 3, $5)`,
      [
        s.workspaceId,
        id,
        JSON.stringify({ columns: {}, ignoredColumns: [], file: { encoding: 'UTF-8', delimiter: 'comma', header: true }, country: null }),
        uuidv7(),
        s.memberId,
      ],
    );
    await database.query('insert into import_files (workspace_id, import_id, content) values ($1, $2, $3)', [s.workspaceId, id, file]);
    const stop = new AbortController();
    let batches = 0;
    await runImport(database, s.workspaceId, id, stop.signal, async () => {
      if (++batches === 2) stop.abort();
    });
    expect((await contacts(s)).length).toBe(6);
    // While it still runs (another worker would take it over), it cannot be undone.
    const running = await api(s).post(`/imports/${id}/undo`);
    expect(running.statusCode).toBe(409);
    expect(running.json().detail).toContain('still running');
    await failImport(database.db, s.workspaceId, id, 'The worker was killed');
    expect((await api(s).get(`/imports/${id}/undo`)).json()).toMatchObject({ possible: true, willTrash: { contact: 6 } });
    expect((await api(s).post(`/imports/${id}/undo`)).statusCode).toBe(202);
    expect((await undone(s, id)).undo).toMatchObject({ status: 'completed', trashed: { contact: 6, company: 0 } });
    expect(await contacts(s)).toEqual([]);
  });

  it('carries on after a stopped undo without trashing or restoring twice', async () => {
    const s = await signUp();
    const c = api(s);
    const csv = `First name,Email\r\n${Array.from({ length: 5 }, (_, i) => `N${i},n${i}@again.example`).join('\r\n')}\r\n`;
    const imp = await importOk(s, csv);
    // A first run that trashed two records and was killed: the rest is done by the next one.
    const two = (await contacts(s)).slice(0, 2);
    for (const x of two) expect((await c.delete(`/contacts/${x.id}`)).statusCode).toBe(200);
    expect((await c.get(`/imports/${imp.importId}/undo`)).json().willTrash).toEqual({
      contact: 3,
      company: 0,
      lead: 0,
      deal: 0,
      task: 0,
      activity: 0,
      custom_record: 0,
    });
    expect((await c.post(`/imports/${imp.importId}/undo`)).statusCode).toBe(202);
    expect((await undone(s, imp.importId)).undo.trashed).toEqual({
      contact: 3,
      company: 0,
      lead: 0,
      deal: 0,
      task: 0,
      activity: 0,
      custom_record: 0,
    });
    expect(await contacts(s)).toEqual([]);
  });

  it('gives companies a company import updated their earlier values back, custom fields included', async () => {
    const s = await signUp();
    const c = api(s);
    expect((await c.post('/fields', { objectType: 'company', key: 'tier', label: 'Tier', type: 'text' })).statusCode).toBe(201);
    const initech = await c.post('/companies', {
      name: 'Initech',
      domain: 'initech.example',
      industry: 'Software',
      custom: { tier: 'gold' },
    });
    expect(initech.statusCode).toBe(201);
    const csv = 'Company Name,Domain,Industry,Tier\r\nInitech,initech.example,Consulting,silver\r\nGlobex,globex.example,Energy,bronze\r\n';
    const r = await c.post('/imports/companies?dedupe=update', csv, { 'content-type': 'text/csv' });
    expect(r.statusCode, r.body).toBe(201);
    expect(r.json()).toMatchObject({ created: 1, updated: 1 });
    expect((await c.get(`/imports/${r.json().importId}/undo`)).json()).toMatchObject({
      willTrash: { company: 1 },
      willRestore: { company: 1 },
    });
    expect((await c.post(`/imports/${r.json().importId}/undo`)).statusCode).toBe(202);
    expect((await undone(s, r.json().importId)).undo).toMatchObject({
      status: 'completed',
      trashed: { company: 1 },
      restored: { company: 1 },
    });
    const list = (await c.get('/companies')).json().data;
    expect(list).toHaveLength(1);
    expect(list[0]).toMatchObject({ name: 'Initech', industry: 'Software', custom: { tier: 'gold' } });
  });

  it('answers 404 for another workspace’s import and for none', async () => {
    const s = await signUp();
    const t = await signUp();
    const imp = await importOk(s, 'Email\r\na@x.example\r\n');
    expect((await api(t).get(`/imports/${imp.importId}/undo`)).statusCode).toBe(404);
    expect((await api(t).post(`/imports/${imp.importId}/undo`)).statusCode).toBe(404);
    expect((await api(s).post(`/imports/${uuidv7()}/undo`)).statusCode).toBe(404);
  });
});
