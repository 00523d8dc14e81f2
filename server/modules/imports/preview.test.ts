import { readFileSync } from 'node:fs';
import iconv from 'iconv-lite';
import { beforeAll, describe, expect, it } from 'vitest';
import { addMember, api, countRows, type Session, signUp, testApp } from '../../test/harness.ts';
import { wholeLines } from './preview.ts';

type Json = Record<string, unknown>;
type Preview = {
  file: { encoding: string; delimiter: string; header: boolean };
  columns: { index: number; header: string; suggested: string | null; field: string | null; qualifies: string | null; samples: string[] }[];
  fields: string[];
  mapping: { columns: { index: number; field?: string }[]; constants: { field: string; value: string }[] };
  savedMapping: boolean;
  customFields: { key: string; label: string; type: string }[];
  problem: string | null;
  rows: { row: number; status: string; values: Record<string, string>; warnings: Json[]; errors: Json[] }[];
};

const corpus = (name: string) => readFileSync(new URL(`./corpus/${name}`, import.meta.url));

async function preview(s: Session, body: string | Buffer, query: Record<string, unknown> = {}, status = 200) {
  const q = new URLSearchParams({ object: 'contact' });
  for (const [k, v] of Object.entries(query)) q.set(k, typeof v === 'string' ? v : JSON.stringify(v));
  const r = await api(s).post(`/imports/preview?${q}`, body, { 'content-type': 'text/csv' });
  expect(r.statusCode, r.body).toBe(status);
  return r.json() as Preview;
}

const column = (p: Preview, header: string) => {
  const c = p.columns.find((x) => x.header === header);
  if (!c) throw new Error(`no column ${header}`);
  return c;
};

// Starting the app (PGlite, migrations) takes a while on a busy machine: not inside the first test's time.
beforeAll(() => testApp(), 120_000);

describe('preview', () => {
  it('reads a Google Contacts export: columns with suggestions and samples, rows as imported, warnings per cell', async () => {
    const s = await signUp();
    const p = await preview(s, corpus('google-contacts.csv'), { country: 'US' });
    expect(p.file).toEqual({ encoding: 'UTF-8', delimiter: 'comma', header: true });
    expect(column(p, 'First Name')).toMatchObject({ suggested: 'firstName', field: 'firstName', samples: ['Ada', 'José', 'Grace'] });
    expect(column(p, 'E-mail 1 - Label')).toMatchObject({ field: null, qualifies: 'email.label' });
    expect(column(p, 'Organization Name')).toMatchObject({ field: 'company' });
    expect(column(p, 'Photo').field).toBeNull();
    expect(p.savedMapping).toBe(false);
    expect(p.problem).toBeNull();
    expect(p.rows.length).toBeGreaterThanOrEqual(3);
    const ada = p.rows[0];
    expect(ada.row).toBe(2);
    expect(ada.values).toMatchObject({ firstName: 'Ada', lastName: 'Lovelace', company: 'Analytical Engines Ltd' });
    expect(ada.values.email).toContain('ada@engines.example (work)');
    // A UK national number read in the US is kept as typed, with a warning naming its column.
    expect(ada.status).toBe('warning');
    expect(ada.warnings).toContainEqual(expect.objectContaining({ field: 'phone', column: 'Phone 2 - Value', value: '020 7946 0958' }));
    expect(p.fields).toEqual(expect.arrayContaining(['firstName', 'lastName', 'email', 'phone', 'company']));
  });

  it('detects legacy encodings and a missing header, and takes an encoding and header given by hand', async () => {
    const s = await signUp();
    const file = corpus('contacts-iso-8859-2-no-header.csv');
    const p = await preview(s, file);
    expect(p.file).toMatchObject({ encoding: 'ISO-8859-2', delimiter: 'semicolon', header: false });
    expect(p.columns.map((c) => c.header)).toEqual(['Column 1', 'Column 2', 'Column 3', 'Column 4']);
    expect(p.rows[0]).toMatchObject({ row: 1, values: { firstName: 'Łukasz', lastName: 'Wróbel' } });
    // Read as Windows-1252 by hand, the Polish letters come out wrong: the reading follows the choice.
    const wrong = await preview(s, file, { encoding: 'windows-1252' });
    expect(wrong.file.encoding).toBe('windows-1252');
    expect(wrong.rows[0].values.firstName).not.toBe('Łukasz');
    // The first row taken as a header by hand becomes the columns' names.
    const headed = await preview(s, file, { header: 'true' });
    expect(headed.file.header).toBe(true);
    expect(headed.columns[0].header).toBe('Łukasz');

    const sjis = await preview(s, corpus('google-contacts-legacy-shift_jis.csv'));
    expect(sjis.file.encoding).toBe('Shift_JIS');
    const utf16 = await preview(s, corpus('excel-unicode-text-utf-16le.txt'));
    expect(utf16.file).toMatchObject({ encoding: 'UTF-16LE', delimiter: 'tab' });
    expect(utf16.rows.length).toBeGreaterThan(0);
  });

  it('previews the beginning of a large file: a cut last line is left out (partial=true)', async () => {
    const s = await signUp();
    const text = `First name,Email\n${Array.from({ length: 40 }, (_, i) => `Person ${i},p${i}@example.com`).join('\n')}\n`;
    const utf16 = iconv.encode(text, 'utf-16le');
    const cut = utf16.subarray(0, utf16.length - 15);
    expect(wholeLines(cut).length % 2).toBe(0);
    const p = await preview(s, Buffer.concat([Buffer.from([0xff, 0xfe]), cut]), { partial: 'true' });
    expect(p.file.encoding).toBe('UTF-16LE');
    expect(p.rows).toHaveLength(20);
    expect(p.rows[19].values).toMatchObject({ firstName: 'Person 19' });
  });

  it('re-previews with a mapping changed by hand: a field, skip, a constant, a label column made a field', async () => {
    const s = await signUp();
    const csv = 'Name,Mail,Kind,Note\r\nAda Lovelace,ada@example.com,vip,first\r\nGrace Hopper,not-an-email,regular,second\r\n';
    const first = await preview(s, csv);
    expect(column(first, 'Mail').field).toBe('email');
    expect(column(first, 'Note').field).toBeNull();
    const p = await preview(s, csv, {
      mapping: {
        columns: [
          { index: 1, field: 'email:home' },
          { index: 2, field: 'title' },
          { index: 0, field: 'skip' },
        ],
        constants: [
          { field: 'source', value: 'Fair 2026' },
          { field: 'lastName', value: 'Imported' },
        ],
      },
    });
    expect(column(p, 'Name')).toMatchObject({ suggested: 'name', field: null });
    expect(column(p, 'Kind')).toMatchObject({ suggested: null, field: 'title' });
    expect(p.rows[0].values).toEqual({ lastName: 'Imported', email: 'ada@example.com (home)', title: 'vip', source: 'Fair 2026' });
    // The bad email is left out with a warning; the constant last name still makes the row a contact.
    expect(p.rows[1]).toMatchObject({ status: 'warning', values: { lastName: 'Imported', title: 'regular' } });
    expect(p.rows[1].warnings).toContainEqual(expect.objectContaining({ field: 'email', column: 'Mail', value: 'not-an-email' }));
    expect(p.mapping.constants).toHaveLength(2);

    // Everything a contact needs skipped: the preview says why, and every row is refused.
    const none = await preview(s, csv, {
      mapping: {
        columns: [
          { index: 0, field: 'skip' },
          { index: 1, field: 'skip' },
        ],
      },
    });
    expect(none.problem).toMatch(/name or an email/);
    expect(none.rows.every((r) => r.status === 'error')).toBe(true);
  });

  it('refuses a bad mapping with problem+json naming the field', async () => {
    const s = await signUp();
    const csv = 'Name,Email\r\nAda,ada@example.com\r\n';
    const bad = async (mapping: string, field: string) => {
      const q = new URLSearchParams({ object: 'contact', mapping });
      const r = await api(s).post(`/imports/preview?${q}`, csv, { 'content-type': 'text/csv' });
      expect(r.statusCode, r.body).toBe(400);
      expect(r.headers['content-type']).toContain('application/problem+json');
      expect(r.json().errors.map((e: Json) => e.field)).toContain(field);
    };
    await bad('{not json', 'query.mapping');
    await bad(JSON.stringify({ columns: [{ index: 0, field: 'shoeSize' }] }), 'query.mapping.columns.0.field');
    await bad(JSON.stringify({ columns: [{ index: 7, field: 'email' }] }), 'query.mapping.columns.0.index');
    await bad(JSON.stringify({ columns: [{ index: 0, field: 'email', colour: 'red' }] }), 'query.mapping.columns.0.colour');
    await bad(JSON.stringify({ constants: [{ field: 'custom.nope', value: 'x' }] }), 'query.mapping.constants.0.field');
    await bad(
      JSON.stringify({ columns: [{ index: 0, newField: { label: 'X', type: 'select' } }] }),
      'query.mapping.columns.0.newField.type',
    );
    const r = await api(s).post('/imports/preview?object=invoice', csv, { 'content-type': 'text/csv' });
    expect(r.statusCode).toBe(400);
    expect(r.json().errors[0].field).toBe('query.object');
    const empty = await api(s).post('/imports/preview?object=contact', '', { 'content-type': 'text/csv' });
    expect(empty.statusCode).toBe(400);
    expect(empty.json().errors[0].field).toBe('body');
  });

  it('creates a custom field from a column when the import starts (admins only), and fills it', async () => {
    const s = await signUp();
    const csv = 'Email,Customer tier,Since\r\nada@example.com,Gold,2019-04-01\r\ngrace@example.com,Silver,someday\r\n';
    const mapping = {
      columns: [
        { index: 1, newField: { label: 'Customer tier', type: 'text' } },
        { index: 2, newField: { label: 'Customer since', key: 'since', type: 'date' } },
      ],
    };
    const p = await preview(s, csv, { mapping });
    expect(p.rows[0].values).toMatchObject({ 'custom.customer_tier': 'Gold', 'custom.since': '2019-04-01' });
    expect(p.rows[1].warnings).toContainEqual(expect.objectContaining({ field: 'custom.since', value: 'someday' }));
    // A preview makes nothing.
    expect((await api(s).get('/fields?objectType=contact')).json().data).toEqual([]);

    const member = await addMember(s, 'member');
    const q = `?mapping=${encodeURIComponent(JSON.stringify(mapping))}`;
    const refused = await api(member).post(`/imports/contacts${q}`, csv, { 'content-type': 'text/csv' });
    expect(refused.statusCode, refused.body).toBe(403);
    expect((await api(s).get('/fields?objectType=contact')).json().data).toEqual([]);

    const r = await api(s).post(`/imports/contacts${q}`, csv, { 'content-type': 'text/csv' });
    expect(r.statusCode, r.body).toBe(201);
    expect(r.json()).toMatchObject({ created: 2, warned: 1 });
    const fields = (await api(s).get('/fields?objectType=contact')).json().data as Json[];
    expect(fields.map((f) => [f.key, f.label, f.type])).toEqual([
      ['customer_tier', 'Customer tier', 'text'],
      ['since', 'Customer since', 'date'],
    ]);
    const contacts = (await api(s).get('/contacts?sort=createdAt')).json().data as Json[];
    expect(contacts.map((c) => c.custom)).toEqual([{ customer_tier: 'Gold', since: '2019-04-01' }, { customer_tier: 'Silver' }]);
  });

  it('remembers a mapping when its import completes and suggests it for a file with the same header', async () => {
    const s = await signUp();
    const csv = 'Who,Reach me at,Group\r\nAda Lovelace,ada@example.com,vip\r\n';
    expect((await preview(s, csv)).problem).toMatch(/name or an email/);
    const mapping = {
      columns: [
        { index: 0, field: 'name' },
        { index: 1, field: 'email' },
        { index: 2, field: 'title' },
      ],
      constants: [{ field: 'source', value: 'Fair' }],
    };
    const r = await api(s).post(`/imports/contacts?mapping=${encodeURIComponent(JSON.stringify(mapping))}`, csv, {
      'content-type': 'text/csv',
    });
    expect(r.statusCode, r.body).toBe(201);
    const later = 'Who,Reach me at,Group\r\nGrace Hopper,grace@example.com,navy\r\n';
    const p = await preview(s, later);
    expect(p.savedMapping).toBe(true);
    expect(p.mapping).toEqual(mapping);
    expect(column(p, 'Group').field).toBe('title');
    expect(p.problem).toBeNull();
    expect(p.rows[0].values).toEqual({
      firstName: 'Grace',
      lastName: 'Hopper',
      email: 'grace@example.com (work)',
      title: 'navy',
      source: 'Fair',
    });
    // A full-name column previews as the first and last name it is split into.
    expect(p.fields).toEqual(['firstName', 'lastName', 'email', 'title', 'source']);
    // Another header, another workspace, another object: nothing remembered.
    expect((await preview(s, 'Who,Reach me at\r\nX,x@example.com\r\n')).savedMapping).toBe(false);
    expect((await preview(await signUp(), later)).savedMapping).toBe(false);
    // A mapping given explicitly wins over the remembered one.
    expect((await preview(s, later, { mapping: {} })).savedMapping).toBe(false);
  });
});

describe('cancel and the errors CSV', () => {
  it('cancels a running import at the next batch: rows already written stay and are counted', async () => {
    const s = await signUp();
    const rows = Array.from({ length: 20_000 }, (_, i) => `Person${i},Test,p${i}@example.com`);
    const r = await api(s).post('/imports/contacts?wait=0', `First,Last,Email\n${rows.join('\n')}\n`, { 'content-type': 'text/csv' });
    expect(r.statusCode, r.body).toBe(202);
    const id = r.json().importId as string;
    // Wait until at least one batch is written, so that the cancel meets a running import.
    for (let i = 0; i < 400; i++) {
      const now = (await api(s).get(`/imports/${id}`)).json();
      expect(now.totalRows).toBe(20_000);
      if (now.counts.rows > 0) break;
      await new Promise((res) => setTimeout(res, 25));
    }
    const c = await api(s).post(`/imports/${id}/cancel`, {});
    expect(c.statusCode, c.body).toBe(200);
    expect(['cancelling', 'cancelled']).toContain(c.json().status);
    let done: Json = {};
    for (let i = 0; i < 400; i++) {
      done = (await api(s).get(`/imports/${id}`)).json();
      if (done.status === 'cancelled') break;
      await new Promise((res) => setTimeout(res, 25));
    }
    expect(done.status).toBe('cancelled');
    const counts = done.counts as { created: number; rows: number };
    expect(counts.created).toBeGreaterThan(0);
    expect(counts.created).toBeLessThan(20_000);
    expect(await countRows('contacts', s.workspaceId)).toBe(counts.created);
    // A finished import cannot be cancelled again.
    const again = await api(s).post(`/imports/${id}/cancel`, {});
    expect(again.statusCode).toBe(409);
    expect((await api(await signUp()).post(`/imports/${id}/cancel`, {})).statusCode).toBe(404);
  });

  it('lists every refused row and every cell left out, with why, as CSV', async () => {
    const s = await signUp();
    const csv =
      'First name,Last name,Email,Phone\r\n' +
      'Ada,Lovelace,ada@example.com,+44 20 7946 0958\r\n' +
      ',,=not-an-email,\r\n' +
      'Grace,Hopper,grace@,12\r\n';
    const r = await api(s).post('/imports/contacts?fileName=people.csv', csv, { 'content-type': 'text/csv' });
    expect(r.statusCode, r.body).toBe(201);
    expect(r.json()).toMatchObject({ created: 2, rejected: 1 });
    const e = await api(s).get(`/imports/${r.json().importId}/errors.csv`);
    expect(e.statusCode).toBe(200);
    expect(e.headers['content-type']).toContain('text/csv');
    expect(e.headers['content-disposition']).toBe('attachment; filename="people-errors.csv"');
    const lines = e.body
      .replace(/^\uFEFF/, '')
      .trim()
      .split('\r\n');
    expect(lines[0]).toBe('Row,Problem,Column,Field,Value,Reason,First name,Last name,Email,Phone');
    // The refused row keeps its cells (a formula-like cell defused), then Grace's two warnings.
    expect(lines[1]).toMatch(/^3,error,First name,name,,.*,,,'=not-an-email,$/);
    expect(lines.slice(2).map((l) => l.split(',').slice(0, 4).join(','))).toEqual(['4,warning,Email,email', '4,warning,Phone,phone']);
    expect(lines).toHaveLength(4);
    expect((await api(await signUp()).get(`/imports/${r.json().importId}/errors.csv`)).statusCode).toBe(404);
  });
});
