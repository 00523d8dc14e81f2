import { describe, expect, it } from 'vitest';
import { api, signUp } from '../test/harness.ts';

const q = (filter: unknown) => `filter=${encodeURIComponent(JSON.stringify(filter))}`;
const cursorOf = (values: unknown[]) => Buffer.from(JSON.stringify(values)).toString('base64url');

describe('record lists', () => {
  it('pages through equal and empty sort values without gaps or repeats', async () => {
    const s = await signUp();
    const c = api(s);
    // Duplicate and missing industries exercise the tie-break and the empty-last rule.
    const industries = ['Retail', null, 'Energy', 'Retail', null, 'Energy', 'Media', 'Retail', null];
    for (const [i, industry] of industries.entries()) await c.post('/companies', { name: `Co ${i}`, industry });
    for (const sort of ['industry', '-industry', 'industry,-name', '-updatedAt', 'name']) {
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const r = await c.get(`/companies?limit=2&sort=${sort}${cursor ? `&cursor=${cursor}` : ''}`);
        expect(r.statusCode, r.body).toBe(200);
        seen.push(...r.json().data.map((x: { name: string }) => x.name));
        cursor = r.json().nextCursor;
      } while (cursor);
      const all = (await c.get(`/companies?limit=200&sort=${sort}`)).json().data.map((x: { name: string }) => x.name);
      expect(seen, sort).toEqual(all);
      expect(new Set(seen).size).toBe(industries.length);
    }
    const asc = (await c.get('/companies?limit=200&sort=industry')).json().data.map((x: { industry: string | null }) => x.industry);
    expect(asc.slice(-3)).toEqual([null, null, null]);
  });

  it('answers 400 to cursors, filters and sorts a client can craft, never 500', async () => {
    const s = await signUp();
    const c = api(s);
    await c.post('/companies', { name: 'A' });
    const bad = [
      `sort=-updatedAt&cursor=${cursorOf(['not a time', '01a20240-853d-78ca-a9e8-082a5d3af3de'])}`,
      `sort=-updatedAt&cursor=${cursorOf(['2025-13-45 00:00:00+00', '01a20240-853d-78ca-a9e8-082a5d3af3de'])}`,
      `sort=name&cursor=${cursorOf(['A', 'not-a-uuid'])}`,
      `sort=name&cursor=${cursorOf(['A'])}`,
      'cursor=%%%',
      q({ field: 'createdAt', op: 'gt', value: '0000-01-01T00:00:00Z' }),
      q({ field: 'createdAt', op: 'gt', value: '+275760-09-13T00:00:00.000Z' }),
      q({ field: '__proto__', op: 'eq', value: 1 }),
      q({ field: 'toString', op: 'eq', value: 1 }),
      q({ and: [] }),
      q({ and: [{ field: 'name', op: 'eq', value: 'A' }], or: [] }),
      q({ not: { not: { not: { not: { not: { field: 'name', op: 'eq', value: 'A' } } } } } }),
      q({ or: Array.from({ length: 51 }, () => ({ field: 'name', op: 'eq', value: 'A' })) }),
      'filter=not json',
      'sort=nope',
      'sort=a,b,c,d',
    ];
    for (const query of bad) {
      const r = await c.get(`/companies?${query}`);
      expect(r.statusCode, `${query} → ${r.body}`).toBe(400);
      expect(r.json().errors[0].field).toMatch(/^query\./);
    }
    // Values meet the column's type explicitly: a fraction or a huge number against a bigint-free field still compares.
    expect((await c.get(`/companies?${q({ field: 'createdAt', op: 'gt', value: '2000-01-01' })}`)).json().data).toHaveLength(1);
    expect((await c.get(`/companies?${q({ field: 'name', op: 'contains', value: '%' })}`)).json().data).toHaveLength(0);
  });
});

describe('NUL characters', () => {
  it('are refused with 400 naming the field, in bodies, filters and cursors', async () => {
    const c = api(await signUp());
    const bodies: [unknown, string][] = [
      [{ name: 'a\u0000b' }, 'body.name'],
      [{ name: 'ok', address: { city: 'x\u0000' } }, 'body.address.city'],
      [{ name: 'ok', custom: { tier: '\u0000' } }, 'body.custom.tier'],
    ];
    for (const [body, field] of bodies) {
      const r = await c.post('/companies', body);
      expect(r.statusCode, JSON.stringify(body)).toBe(400);
      expect(r.json().errors[0].field).toBe(field);
    }
    expect((await c.get(`/companies?${q({ field: 'name', op: 'contains', value: 'a\u0000' })}`)).statusCode).toBe(400);
    expect((await c.get(`/companies?sort=name&cursor=${cursorOf(['a\u0000', '01a20240-853d-78ca-a9e8-082a5d3af3de'])}`)).statusCode).toBe(
      400,
    );
  });
});
