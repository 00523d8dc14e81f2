import { describe, expect, it } from 'vitest';
import { objectDefs } from '../modules/registry.ts';
import { api, signUp, testApp } from './harness.ts';
import type { Samples } from './samples.ts';

// The object registry is real (issue 10): every object type with records — the built-in ones and a
// custom object made here — gets the same routes, and the same coverage by the generated suites,
// from its one declaration. A type added to the registry without them fails here.

const found = import.meta.glob(['../modules/**/*.samples.ts', '../jobs/*.samples.ts'], { eager: true }) as Record<
  string,
  { samples: Samples }
>;
const samples: Samples = Object.assign({}, ...Object.values(found).map((m) => m.samples));
const app = await testApp();
const routes = new Set(app.routeTable.map((r) => `${r.method} ${r.url}`));

/** Where an object's records are in the API: a custom object's under its key. */
const baseOf = (type: string) =>
  type === 'custom_record'
    ? '/api/v1/objects/:objectKey/records'
    : `/api/v1/${({ company: 'companies', activity: 'activities' } as Record<string, string>)[type] ?? `${type}s`}`;

const standard = (base: string) => [
  `GET ${base}`,
  `POST ${base}`,
  `GET ${base}/:id`,
  `PATCH ${base}/:id`,
  `DELETE ${base}/:id`,
  `POST ${base}/:id/restore`,
  `GET ${base}/:id/history`,
];

describe.each(Object.keys(objectDefs))('%s, from its registry entry', (type) => {
  const def = objectDefs[type];
  const base = baseOf(type);

  it('has list, get, create, update, delete, restore and history routes, each covered by the generated suites', () => {
    for (const key of standard(base)) {
      expect(routes.has(key), key).toBe(true);
      // route-authz, bad-input and fuzz call every route through its sample; one without fails there.
      expect(samples[key], `sample for ${key}`).toBeDefined();
    }
  });

  it('has a bulk update for each field it declares bulk-editable', () => {
    if (!def.bulk?.length) return expect(def.bulk ?? []).toEqual([]);
    expect(routes.has(`POST ${base}/bulk-update`)).toBe(true);
    for (const f of def.bulk) expect(def.fields[f], `${type}.${f} is a field`).toBeDefined();
  });

  it('names its search hits by a title when search indexes it', () => {
    if (def.search) expect(def.title, `${type} has a title for its hits`).toBeTruthy();
  });
});

describe('a custom object made at run time', () => {
  it('gets every route, a saved view, search and bulk edit, with no code change', async () => {
    const s = await signUp();
    const key = `gadget${Date.now().toString(36)}`;
    expect((await api(s).post('/objects', { key, label: 'Gadget', labelPlural: 'Gadgets', icon: 'box' })).statusCode).toBe(201);
    const base = `/objects/${key}/records`;
    const made = await api(s).post(base, { name: 'Flux capacitor' });
    expect(made.statusCode).toBe(201);
    const { id, version } = made.json();
    expect((await api(s).get(`${base}/${id}`)).json()).toMatchObject({ id, name: 'Flux capacitor' });
    expect((await api(s).get(base)).json().data.map((r: { id: string }) => r.id)).toContain(id);
    const patched = await api(s).patch(`${base}/${id}`, { version, name: 'Flux capacitor II' });
    expect(patched.statusCode).toBe(200);
    expect((await api(s).get(`${base}/${id}/history`)).json().data.length).toBeGreaterThanOrEqual(2);
    const hits = (await api(s).get('/search?q=flux')).json().data as { id: string; type: string }[];
    expect(hits).toContainEqual(expect.objectContaining({ id, type: 'custom_record' }));
    const view = await api(s).post('/views', { objectType: key, name: 'All gadgets', sort: '-updatedAt' });
    expect(view.statusCode).toBe(201);
    expect((await api(s).get(`${base}?view=${view.json().id}`)).statusCode).toBe(200);
    const bulk = await api(s).post(`${base}/bulk-update`, { ids: [id], set: { ownerId: s.memberId } });
    expect(bulk.statusCode, bulk.body).toBe(200);
    expect((await api(s).delete(`${base}/${id}`)).statusCode).toBe(200);
    expect((await api(s).post(`${base}/${id}/restore`)).statusCode).toBe(200);
    // The OpenAPI document describes its routes (as the key parameter's), for clients to generate from.
    const doc = (await app.inject({ method: 'GET', url: '/api/openapi.json' })).json();
    expect(Object.keys(doc.paths)).toContain('/api/v1/objects/{objectKey}/records/{id}/history');
  });
});
