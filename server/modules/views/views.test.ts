import { describe, expect, it } from 'vitest';
import { addMember, api, signUp } from '../../test/harness.ts';

describe('saved views', () => {
  it('applies a view: its filter, sort and columns', async () => {
    const s = await signUp();
    const c = api(s);
    for (const [name, industry] of [
      ['Zeta', 'Energy'],
      ['Alpha', 'Energy'],
      ['Mid', 'Retail'],
    ]) {
      await c.post('/companies', { name, industry });
    }
    const v = await c.post('/views', {
      objectType: 'company',
      name: 'Energy A→Z',
      filter: { field: 'industry', op: 'eq', value: 'Energy' },
      sort: 'name',
      columns: ['name', 'industry'],
    });
    expect(v.statusCode, v.body).toBe(201);
    const page = (await c.get(`/companies?view=${v.json().id}`)).json().data;
    expect(page.map((x: { name: string }) => x.name)).toEqual(['Alpha', 'Zeta']);
    expect(Object.keys(page[0]).sort()).toEqual(['id', 'industry', 'name', 'version']);
  });

  it('shows shared views to everyone and private views only to their owner', async () => {
    const s = await signUp();
    const other = await addMember(s, 'member');
    await api(s).post('/views', { objectType: 'company', name: 'Mine', visibility: 'private' });
    const shared = (await api(s).post('/views', { objectType: 'company', name: 'Ours', visibility: 'shared' })).json();
    const seen = (await api(other).get('/views')).json().data.map((x: { name: string }) => x.name);
    expect(seen).toEqual(['Ours']);
    // A member may not edit someone else's shared view; an admin may.
    expect((await api(other).patch(`/views/${shared.id}`, { name: 'Hijacked', version: 1 })).statusCode).toBe(403);
    const admin = await addMember(s, 'admin');
    expect((await api(admin).patch(`/views/${shared.id}`, { name: 'Tidied', version: 1 })).statusCode).toBe(200);
  });

  it('refuses a view whose filter, sort or columns would not run', async () => {
    const c = api(await signUp());
    const cases: [object, string][] = [
      [{ filter: { field: 'nope', op: 'eq', value: 1 } }, 'body.filter.field'],
      [{ filter: { field: 'name', op: 'gt', value: 1 } }, 'body.filter.op'],
      [{ sort: 'nope' }, 'body.sort'],
      [{ columns: ['name', 'nope'] }, 'body.columns.1'],
      // A filter field that is not a column a list can return is refused at save, not at every use.
      [{ columns: ['address.city'] }, 'body.columns.0'],
    ];
    for (const [extra, field] of cases) {
      const r = await c.post('/views', { objectType: 'company', name: 'Bad', ...extra });
      expect(r.statusCode, JSON.stringify(extra)).toBeGreaterThanOrEqual(400);
      expect(r.statusCode).toBeLessThan(500);
      expect(r.json().errors[0].field).toBe(field);
    }
    expect((await c.get('/views')).json().data).toHaveLength(0);
  });
});

describe('views of contacts and leads', () => {
  it('keep the columns the list shows (name, email, phone) and apply them', async () => {
    const s = await signUp();
    const c = api(s);
    await c.post('/contacts', { firstName: 'Ada', lastName: 'Initech', emails: [{ value: 'ada@initech.example' }], title: 'CTO' });
    const saved = await c.post('/views', {
      objectType: 'contact',
      name: 'Initech people',
      filter: { and: [{ field: 'email', op: 'contains', value: 'initech' }] },
      sort: '-updatedAt',
      columns: ['name', 'email', 'phone', 'title', 'companies', 'lifecycleStage', 'ownerId', 'lastActivityAt'],
      visibility: 'private',
    });
    expect(saved.statusCode, saved.body).toBe(201);
    const page = (await c.get(`/contacts?view=${saved.json().id}`)).json().data;
    expect(page).toHaveLength(1);
    expect(page[0]).toMatchObject({ firstName: 'Ada', lastName: 'Initech', emails: [{ value: 'ada@initech.example' }], title: 'CTO' });
    expect(page[0].custom).toBeUndefined();
    const lead = await c.post('/views', {
      objectType: 'lead',
      name: 'Leads',
      columns: ['name', 'email', 'companyName'],
      visibility: 'shared',
    });
    expect(lead.statusCode, lead.body).toBe(201);
    const bad = await c.post('/views', { objectType: 'contact', name: 'Bad', columns: ['name', 'nonsense'], visibility: 'private' });
    expect(bad.json().errors[0].field).toBe('body.columns.1');
  });
});
