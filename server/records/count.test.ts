import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { buildApp } from '../app.ts';
import { api, type Session, signUp, testConfig, testDatabase } from '../test/harness.ts';
import { plannedRows, roughly } from './count.ts';

const f = (filter: unknown) => encodeURIComponent(JSON.stringify(filter));
const totalOf = async (s: Session, path: string) => {
  const r = await api(s).get(path);
  expect(r.statusCode, r.body).toBe(200);
  const { total, totalIsEstimate } = r.json();
  return { total, totalIsEstimate };
};

describe('list counts', () => {
  it('counts the filtered list exactly, on the first page and on a short page alike', async () => {
    const s = await signUp();
    const c = api(s);
    for (const [name, industry] of [
      ['Alpha', 'Retail'],
      ['Beta', 'Energy'],
      ['Gamma', 'Retail'],
      ['Delta', 'Retail'],
      ['Epsilon', null],
    ]) {
      expect((await c.post('/companies', { name, industry })).statusCode).toBe(201);
    }
    const retail = f({ field: 'industry', op: 'eq', value: 'Retail' });
    // Everything on one page: the page is the count.
    expect(await totalOf(s, `/companies?count=true&filter=${retail}`)).toEqual({ total: 3, totalIsEstimate: false });
    // More than a page: the list is counted, and the cursor does not change the answer.
    const first = (await c.get(`/companies?count=true&limit=2&filter=${retail}`)).json();
    expect(first).toMatchObject({ total: 3, totalIsEstimate: false });
    expect(first.data).toHaveLength(2);
    expect(await totalOf(s, `/companies?count=true&limit=1&cursor=${first.nextCursor}&filter=${retail}`)).toEqual({
      total: 3,
      totalIsEstimate: false,
    });
    expect(await totalOf(s, '/companies?count=true&limit=1')).toEqual({ total: 5, totalIsEstimate: false });
    // Without count=true the page says nothing of the total.
    expect(Object.keys((await c.get('/companies?limit=1')).json()).sort()).toEqual(['data', 'nextCursor']);
    // A bad filter is the same 400 with or without a count.
    const bad = await c.get(`/companies?count=true&limit=1&filter=${f({ field: 'nope', op: 'eq', value: 1 })}`);
    expect(bad.statusCode).toBe(400);
    expect(bad.json().errors[0].field).toBe('query.filter.field');
  });

  it('leaves the trash out unless the trash is listed', async () => {
    const s = await signUp();
    const c = api(s);
    const ids: string[] = [];
    for (const name of ['One', 'Two', 'Three']) ids.push((await c.post('/contacts', { firstName: name })).json().id);
    expect((await c.delete(`/contacts/${ids[0]}`)).statusCode).toBe(200);
    expect(await totalOf(s, '/contacts?count=true&limit=1')).toEqual({ total: 2, totalIsEstimate: false });
    expect(await totalOf(s, '/contacts?count=true')).toEqual({ total: 2, totalIsEstimate: false });
    expect(await totalOf(s, '/contacts?count=true&limit=1&deleted=true')).toEqual({ total: 1, totalIsEstimate: false });
  });

  it("never counts another workspace's records", async () => {
    const mine = await signUp();
    const theirs = await signUp();
    const deal = async (who: Session, name: string) => {
      const stageId = (await api(who).get('/pipelines')).json().data[0].stages[0].id;
      expect((await api(who).post('/deals', { name, stageId })).statusCode).toBe(201);
    };
    for (let i = 0; i < 4; i++) await deal(theirs, `Theirs ${i}`);
    for (let i = 0; i < 2; i++) await deal(mine, `Mine ${i}`);
    expect(await totalOf(mine, '/deals?count=true&limit=1')).toEqual({ total: 2, totalIsEstimate: false });
    expect(await totalOf(theirs, '/deals?count=true&limit=1')).toEqual({ total: 4, totalIsEstimate: false });
    // A filter naming the other workspace's values still counts only one's own records.
    expect(await totalOf(mine, `/deals?count=true&limit=1&filter=${f({ field: 'name', op: 'startsWith', value: 'Theirs' })}`)).toEqual({
      total: 0,
      totalIsEstimate: false,
    });
  });

  it("counts a custom object's records apart from every other custom object's", async () => {
    const s = await signUp();
    const c = api(s);
    for (const key of ['project', 'asset']) {
      expect((await c.post('/objects', { key, label: key, labelPlural: `${key}s`, icon: 'folder' })).statusCode).toBe(201);
    }
    for (let i = 0; i < 3; i++) await c.post('/objects/project/records', { name: `Project ${i}` });
    await c.post('/objects/asset/records', { name: 'Laptop' });
    expect(await totalOf(s, '/objects/project/records?count=true&limit=1')).toEqual({ total: 3, totalIsEstimate: false });
    expect(await totalOf(s, '/objects/asset/records?count=true&limit=1')).toEqual({ total: 1, totalIsEstimate: false });
    const view = await c.post('/views', {
      objectType: 'project',
      name: 'Ones',
      filter: { field: 'name', op: 'endsWith', value: '1' },
      visibility: 'private',
    });
    expect(view.statusCode, view.body).toBe(201);
    // A saved view's filter counts as the list it shows.
    expect(await totalOf(s, `/objects/project/records?count=true&limit=1&view=${view.json().id}`)).toEqual({
      total: 1,
      totalIsEstimate: false,
    });
  });

  it('estimates past the cap, and says it is an estimate', async () => {
    // A second app over the same database, counting at most 3 records, instead of inserting 10,000.
    const app = await buildApp({ ...testConfig(), listCountCap: 3 }, await testDatabase(), { logger: false });
    await app.ready();
    try {
      const s = await signUp();
      for (let i = 0; i < 6; i++) await api(s).post('/companies', { name: `Co ${i}` });
      await api(s).post('/companies', { name: 'Gone' });
      const get = async (query: string) => {
        const r = await app.inject({ method: 'GET', url: `/api/v1/companies?${query}`, headers: s.headers });
        expect(r.statusCode, r.body).toBe(200);
        return r.json();
      };
      const over = await get('count=true&limit=2');
      expect(over.totalIsEstimate).toBe(true);
      // At least what was counted before stopping; the planner's figure, whatever it is, cannot go below.
      expect(over.total).toBeGreaterThanOrEqual(4);
      expect(Number.isInteger(over.total)).toBe(true);
      // At or under the cap the count stays exact.
      expect(await get(`count=true&limit=1&filter=${f({ field: 'name', op: 'in', value: ['Co 1', 'Co 2', 'Co 3'] })}`)).toMatchObject({
        total: 3,
        totalIsEstimate: false,
      });
    } finally {
      await app.close();
    }
  });

  it('reads the planner’s row estimate of a query, with bound values', async () => {
    const { db } = await testDatabase();
    // The planner knows exactly how many rows generate_series makes from constants.
    expect(await plannedRows(db, sql`select generate_series(1, ${5000}::int)`)).toBe(5000);
  });

  it('rounds an estimate to two significant digits', () => {
    expect([7, 99, 123, 10_001, 12_345, 987_654].map(roughly)).toEqual([7, 99, 120, 10_000, 12_000, 990_000]);
  });
});
