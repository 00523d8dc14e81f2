import { describe, expect, it } from 'vitest';
import { api, signUp } from '../test/harness.ts';

// A second tab or a colleague edits the same record: an update based on an older version goes
// through when it touches only fields nobody changed since, and is refused, naming the fields,
// when it would overwrite a change it never saw (issue 9, bug 6).

describe('updates based on an older version', () => {
  it('apply to fields nobody changed since, and refuse the ones someone did, writing nothing', async () => {
    const s = await signUp();
    const c = api(s);
    await c.post('/fields', { objectType: 'company', key: 'tier', label: 'Tier', type: 'text' });
    await c.post('/fields', { objectType: 'company', key: 'region', label: 'Region', type: 'text' });
    const co = (await c.post('/companies', { name: 'Initech' })).json();
    // Tab B changes the industry and a custom field; tab A still holds version 1.
    expect((await c.patch(`/companies/${co.id}`, { version: 1, industry: 'Software', custom: { tier: 'gold' } })).json().version).toBe(2);
    const renamed = await c.patch(`/companies/${co.id}`, { version: 1, name: 'Initech AG', custom: { region: 'EMEA' } });
    expect(renamed.statusCode, renamed.body).toBe(200);
    expect(renamed.json()).toMatchObject({
      version: 3,
      name: 'Initech AG',
      industry: 'Software',
      custom: { tier: 'gold', region: 'EMEA' },
    });
    for (const [body, fields] of [
      [{ industry: 'Hardware' }, ['industry']],
      [{ custom: { tier: 'silver' } }, ['custom.tier']],
      [{ name: 'Initrode', industry: 'Hardware' }, ['name', 'industry']],
    ] as const) {
      const r = await c.patch(`/companies/${co.id}`, { version: 1, ...body });
      expect(r.statusCode).toBe(409);
      expect(r.json()).toMatchObject({ code: 'version_conflict', currentVersion: 3, fields });
    }
    const now = (await c.get(`/companies/${co.id}`)).json();
    expect(now).toMatchObject({ version: 3, name: 'Initech AG', industry: 'Software', custom: { tier: 'gold', region: 'EMEA' } });
    // Setting a field to the value it already has is no clash: nothing of it changes.
    expect((await c.patch(`/companies/${co.id}`, { version: 1, industry: 'Software' })).statusCode).toBe(200);
  });

  it('refuses any stale change across a delete and restore', async () => {
    const s = await signUp();
    const c = api(s);
    const co = (await c.post('/companies', { name: 'Hooli' })).json();
    await c.delete(`/companies/${co.id}`);
    await c.post(`/companies/${co.id}/restore`);
    expect((await c.patch(`/companies/${co.id}`, { version: 1, domain: 'hooli.example' })).statusCode).toBe(409);
    expect((await c.patch(`/companies/${co.id}`, { version: 3, domain: 'hooli.example' })).statusCode).toBe(200);
    expect((await c.patch(`/companies/${co.id}`, { version: 9, domain: 'x.example' })).statusCode).toBe(409);
  });
});
