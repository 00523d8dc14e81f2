import { describe, expect, it } from 'vitest';
import { api, signUp, testDatabase } from '../test/harness.ts';
import { cellText, csvCell } from './export.ts';

/** The lines of a CSV export, its byte order mark taken off; a quoted cell holds no line break in these fixtures. */
const csvLines = (body: string) =>
  body
    .replace(/^\uFEFF/, '')
    .split('\r\n')
    .filter(Boolean);

describe('exports', () => {
  it('streams every one of 60,500 contacts as CSV and JSON, each once', async () => {
    const s = await signUp();
    const db = await testDatabase();
    const n = 60_500;
    // Set-based, like the benchmark's generator: 60,500 API calls would take the test's whole budget.
    await db.query(
      `insert into contacts (workspace_id, id, first_name, last_name, emails, owner_id, created_by)
       select $1, gen_random_uuid(), 'First' || g, 'Last' || g,
              jsonb_build_array(jsonb_build_object('label', 'work', 'value', 'p' || g || '@bulk.test')), $2, $2
       from generate_series(1, ${n}) g`,
      [s.workspaceId, s.memberId],
    );
    const csv = await api(s).get('/contacts/export?format=csv&fields=firstName,emails&sort=lastName');
    expect(csv.statusCode, csv.body.slice(0, 300)).toBe(200);
    expect(csv.headers['content-type']).toContain('text/csv');
    expect(csv.headers['content-disposition']).toBe('attachment; filename="contacts.csv"');
    const lines = csvLines(csv.body);
    expect(lines[0]).toBe('id,firstName,emails');
    expect(lines).toHaveLength(n + 1);
    const firsts = new Set(lines.slice(1).map((l) => l.split(',')[1]));
    expect(firsts.size).toBe(n);
    for (const i of [1, 777, 50_001, n]) expect(firsts.has(`First${i}`)).toBe(true);
    expect(lines.some((l) => l.endsWith(',p60500@bulk.test'))).toBe(true);

    const json = await api(s).get('/contacts/export?format=json&fields=emails');
    expect(json.statusCode).toBe(200);
    const records = json.json() as { id: string; emails: { value: string }[]; firstName?: string }[];
    expect(records).toHaveLength(n);
    expect(new Set(records.map((r) => r.id)).size).toBe(n);
    expect(records[0].firstName).toBeUndefined();
    expect(new Set(records.map((r) => r.emails[0].value)).has('p30000@bulk.test')).toBe(true);
  }, 300_000);

  it('exports a saved view: its filter, sort and columns, custom fields as columns', async () => {
    const s = await signUp();
    const c = api(s);
    expect((await c.post('/fields', { objectType: 'company', key: 'tier', label: 'Tier', type: 'text' })).statusCode).toBe(201);
    for (const [name, industry, tier] of [
      ['Zeta', 'Energy', 'gold'],
      ['Alpha', 'Energy', '=cmd()'],
      ['Beta', 'Retail', 'silver'],
    ])
      expect((await c.post('/companies', { name, industry, custom: { tier } })).statusCode).toBe(201);
    const view = await c.post('/views', {
      objectType: 'company',
      name: 'Energy',
      filter: { field: 'industry', op: 'eq', value: 'Energy' },
      sort: 'name',
      columns: ['name', 'custom.tier'],
    });
    expect(view.statusCode, view.body).toBe(201);
    const r = await c.get(`/companies/export?view=${view.json().id}`);
    expect(r.statusCode).toBe(200);
    // The formula-like value is defused with an apostrophe, as the errors CSV does.
    expect(csvLines(r.body).map((l) => l.split(',').slice(1).join(','))).toEqual(['name,custom.tier', "Alpha,'=cmd()", 'Zeta,gold']);
    // Without columns: every field, each custom field one column; the trash not included.
    const all = csvLines((await c.get('/companies/export')).body);
    expect(all[0].split(',')).toEqual(expect.arrayContaining(['id', 'name', 'domain', 'industry', 'custom.tier']));
    expect(all[0].split(',')).not.toContain('deletedAt');
    expect(all).toHaveLength(4);
  });

  it('exports custom objects, tasks and activities (lists without a projection)', async () => {
    const s = await signUp();
    const c = api(s);
    expect((await c.post('/objects', { key: 'project', label: 'Project', labelPlural: 'Projects' })).statusCode).toBe(201);
    for (const name of ['Move', 'Build']) expect((await c.post('/objects/project/records', { name })).statusCode).toBe(201);
    const r = await c.get('/objects/project/records/export?format=json&sort=name');
    expect(r.statusCode, r.body).toBe(200);
    expect(r.json().map((x: { name: string }) => x.name)).toEqual(['Build', 'Move']);
    expect((await c.post('/tasks', { title: 'Call back' })).statusCode).toBe(201);
    const tasks = csvLines((await c.get('/tasks/export?fields=title,done')).body);
    expect(tasks).toEqual(['id,title,done', expect.stringMatching(/,Call back,false$/)]);
  });

  it('answers bad input with problem+json naming the parameter, before anything is sent', async () => {
    const s = await signUp();
    const c = api(s);
    for (const [query, field] of [
      ['format=pdf', 'query.format'],
      ['filter=nope', 'query.filter'],
      ['sort=nope', 'query.sort'],
      ['fields=nope', 'query.fields'],
      ['view=01a20240-853d-78ca-a9e8-082a5d3af3de', 'query.view'],
    ]) {
      const r = await c.get(`/companies/export?${query}`);
      expect(r.statusCode, `${query} → ${r.body}`).toBeGreaterThanOrEqual(400);
      expect(r.statusCode).toBeLessThan(500);
      expect(r.headers['content-type']).toContain('application/problem+json');
      expect(r.json().errors[0].field).toBe(field);
    }
    const vcard = await c.get('/companies/export?format=vcard');
    expect(vcard.statusCode).toBe(400);
    expect(vcard.json().errors[0].field).toBe('query.format');
  });

  it('writes lists and addresses as people read them', () => {
    expect(
      cellText([
        { label: 'work', value: 'a@x.test' },
        { label: 'home', value: 'b@x.test' },
      ]),
    ).toBe('a@x.test; b@x.test');
    expect(cellText([{ companyId: 'x', name: 'Initech', isPrimary: true }])).toBe('Initech');
    expect(cellText({ street: '1 Main St', postalCode: '10115', city: 'Berlin', country: 'DE' })).toBe('1 Main St, 10115 Berlin, DE');
    expect(cellText(null)).toBe('');
    expect(cellText({ a: 1 })).toBe('{"a":1}');
    expect(csvCell('+49 30 1234')).toBe("'+49 30 1234");
    expect(csvCell('a,"b"')).toBe('"a,""b"""');
  });
});
