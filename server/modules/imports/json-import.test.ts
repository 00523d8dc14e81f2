import { describe, expect, it } from 'vitest';
import { api, signUp } from '../../test/harness.ts';
import { jsonTable } from './sources.ts';

describe('JSON import', () => {
  it('imports an array of objects with nested keys flattened, mapped like CSV headers', async () => {
    const s = await signUp();
    const people = [
      { firstName: 'Ada', lastName: 'Lovelace', email: 'ada@json.example', company: { name: 'Engines Ltd' }, tags: ['vip', 'uk'] },
      { firstName: 'Bob', lastName: 'Babbage', email: 'bob@json.example', company: { name: 'Engines Ltd' }, title: 'Engineer' },
    ];
    const preview = await api(s).post('/imports/preview?object=contact', JSON.stringify(people), { 'content-type': 'application/json' });
    expect(preview.statusCode, preview.body).toBe(200);
    const p = preview.json();
    expect(p.file).toMatchObject({ format: 'json', header: true });
    expect(p.columns.map((c: { header: string }) => c.header)).toEqual(['firstName', 'lastName', 'email', 'company.name', 'tags', 'title']);
    expect(p.columns.find((c: { header: string }) => c.header === 'tags').samples).toEqual(['vip; uk']);
    // "company.name" is left for the person to map by hand: map it to the company and import.
    const mapping = JSON.stringify({ columns: [{ index: 3, field: 'company' }] });
    const r = await api(s).post(`/imports/contacts?mapping=${encodeURIComponent(mapping)}`, JSON.stringify(people), {
      'content-type': 'application/json',
    });
    expect(r.statusCode, r.body).toBe(201);
    expect(r.json()).toMatchObject({ created: 2, companiesCreated: 1, file: { format: 'json' } });
    const list = (await api(s).get('/contacts?sort=firstName')).json().data;
    expect(list.map((c: { firstName: string; emails: { value: string }[] }) => [c.firstName, c.emails[0].value])).toEqual([
      ['Ada', 'ada@json.example'],
      ['Bob', 'bob@json.example'],
    ]);
    expect(list[1]).toMatchObject({ title: 'Engineer', companies: [{ name: 'Engines Ltd' }] });
  });

  it('imports NDJSON, one object a line, a bad line left out with a warning naming it', async () => {
    const s = await signUp();
    const nd = '{"name":"Cleo Carter","email":"cleo@nd.example"}\n{not json}\n{"name":"Dan Diaz","email":"dan@nd.example"}\n';
    const r = await api(s).post('/imports/contacts', nd, { 'content-type': 'application/x-ndjson' });
    expect(r.statusCode, r.body).toBe(201);
    expect(r.json()).toMatchObject({ created: 2 });
    expect(r.json().warnings[0].message).toMatch(/^line 2 is not JSON/);
    const list = (await api(s).get('/contacts?sort=firstName')).json().data;
    expect(list.map((c: { firstName: string; lastName: string }) => `${c.firstName} ${c.lastName}`)).toEqual(['Cleo Carter', 'Dan Diaz']);
  });

  it('refuses JSON that is no array of objects with a problem naming the body, never a 500', async () => {
    const s = await signUp();
    for (const body of ['[1, 2', '[]', '[1, 2, 3]', `[${'['.repeat(5000)}${']'.repeat(5000)}]`]) {
      const r = await api(s).post('/imports/contacts', body, { 'content-type': 'application/json' });
      expect(r.statusCode, body.slice(0, 20)).toBe(400);
      expect(r.json().errors[0].field).toBe('body');
    }
    // Deep nesting inside an object is a cell, not a crash.
    const deep = `[{"email":"deep@x.example","x":${'['.repeat(5000)}1${']'.repeat(5000)}}]`;
    const r = await api(s).post('/imports/contacts', deep, { 'content-type': 'application/json' });
    expect(r.statusCode, r.body).toBe(201);
  });

  it('flattens arrays of objects by position', () => {
    const t = jsonTable(
      JSON.stringify([
        {
          emails: [
            { label: 'work', value: 'a@x.example' },
            { label: 'home', value: 'b@x.example' },
          ],
        },
      ]),
    );
    expect(t.header).toEqual(['emails.1.label', 'emails.1.value', 'emails.2.label', 'emails.2.value']);
    expect(t.rows).toEqual([['work', 'a@x.example', 'home', 'b@x.example']]);
  });
});
