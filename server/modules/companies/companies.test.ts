import { describe, expect, it } from 'vitest';
import { api, countRows, signUp } from '../../test/harness.ts';

describe('companies', () => {
  it('creates, reads, updates, deletes and restores a company', async () => {
    const s = await signUp();
    const c = api(s);
    const created = await c.post('/companies', { name: 'Globex', domain: 'Globex.com', size: '51-200', address: { city: 'Springfield' } });
    expect(created.statusCode).toBe(201);
    const co = created.json();
    expect(co).toMatchObject({ name: 'Globex', domain: 'globex.com', ownerId: s.memberId, version: 1 });
    expect(created.headers.etag).toBe('"1"');

    const got = await c.get(`/companies/${co.id}`);
    expect(got.json().name).toBe('Globex');

    const upd = await c.patch(`/companies/${co.id}`, { industry: 'Energy', version: 1 });
    expect(upd.statusCode).toBe(200);
    expect(upd.json()).toMatchObject({ industry: 'Energy', version: 2 });

    const del = await c.delete(`/companies/${co.id}`);
    expect(del.json().deletedAt).not.toBeNull();
    expect((await c.get('/companies')).json().data).toHaveLength(0);
    expect((await c.get('/companies?deleted=true')).json().data).toHaveLength(1);

    const res = await c.post(`/companies/${co.id}/restore`);
    expect(res.json().deletedAt).toBeNull();
    const hist = (await c.get(`/companies/${co.id}/history`)).json().data;
    expect(hist.map((h: { action: string }) => h.action)).toEqual(['restore', 'delete', 'update', 'create']);
    expect(hist[2]).toMatchObject({ field: 'industry', oldValue: null, newValue: 'Energy', actorId: s.memberId });
  });

  it('rejects unknown fields, bad types and bad formats with problem+json naming the field, writing nothing', async () => {
    const s = await signUp();
    const c = api(s);
    const cases: [unknown, string][] = [
      [{ name: 'A', color: 'red' }, 'body.color'],
      [{ name: 12 }, 'body.name'],
      [{}, 'body.name'],
      [{ name: 'x'.repeat(201) }, 'body.name'],
      [{ name: 'A', domain: 'not a domain' }, 'body.domain'],
      [{ name: 'A', phone: 'ring me' }, 'body.phone'],
      [{ name: 'A', size: 'huge' }, 'body.size'],
      [{ name: 'A', ownerId: 'nope' }, 'body.ownerId'],
    ];
    for (const [body, field] of cases) {
      const r = await c.post('/companies', body);
      expect(r.statusCode, JSON.stringify(body)).toBe(400);
      expect(r.headers['content-type']).toContain('application/problem+json');
      expect(r.json().errors[0].field).toBe(field);
    }
    expect(await countRows('companies', s.workspaceId)).toBe(0);
  });
});

describe('company lists built by the database', () => {
  it('read exactly like the company the API wrote', async () => {
    const c = api(await signUp());
    const full = (
      await c.post('/companies', {
        name: 'Full',
        domain: 'full.example',
        industry: 'Energy',
        size: '11-50',
        address: { street: '1 Main St', city: 'Oslo' },
        phone: '+44 20 7946 0123',
      })
    ).json();
    const bare = (await c.post('/companies', { name: 'Bare', ownerId: null })).json();
    await c.delete(`/companies/${bare.id}`);
    // The restore response is the TypeScript mapper's output; lists and reads are the database's.
    const restored = (await c.post(`/companies/${bare.id}/restore`)).json();
    const listed = (await c.get('/companies?sort=name')).json().data;
    expect(listed).toEqual([restored, full]);
    expect((await c.get(`/companies/${full.id}`)).json()).toEqual(full);
  });
});
