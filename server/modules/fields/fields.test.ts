import { describe, expect, it } from 'vitest';
import { api, countRows, signUp } from '../../test/harness.ts';

const f = (filter: unknown) => encodeURIComponent(JSON.stringify(filter));

describe('custom fields', () => {
  it('validates values of every type on write and names the field', async () => {
    const s = await signUp();
    const c = api(s);
    const defs = [
      { key: 'tier', type: 'select', options: ['gold', 'silver'] },
      { key: 'tags', type: 'multiSelect', options: ['a', 'b', 'c'] },
      { key: 'seats', type: 'number' },
      { key: 'renewal', type: 'date' },
      { key: 'vip', type: 'boolean' },
      { key: 'site', type: 'url' },
      { key: 'billing', type: 'email' },
      { key: 'hotline', type: 'phone' },
      { key: 'arr', type: 'currency' },
      { key: 'memo', type: 'longText' },
    ];
    for (const d of defs) expect((await c.post('/fields', { objectType: 'company', label: d.key, ...d })).statusCode).toBe(201);
    const bad: [string, unknown][] = [
      ['tier', 'bronze'],
      ['tags', ['a', 'z']],
      ['seats', '12'],
      ['renewal', '2026-02-30'],
      ['vip', 'yes'],
      ['site', 'javascript:alert(1)'],
      ['billing', 'not-an-email'],
      ['hotline', '12'],
      ['arr', { amountMinor: 10, currency: 'XYZ' }],
      ['nope', 1],
    ];
    for (const [key, value] of bad) {
      const r = await c.post('/companies', { name: 'X', custom: { [key]: value } });
      expect(r.statusCode, `${key}=${JSON.stringify(value)}`).toBe(422);
      expect(r.json().errors[0].field).toBe(`body.custom.${key}`);
    }
    expect(await countRows('companies', s.workspaceId)).toBe(0);
    const good = await c.post('/companies', {
      name: 'Good',
      custom: {
        tier: 'gold',
        tags: ['a', 'c'],
        seats: 12,
        renewal: '2027-01-31',
        vip: true,
        site: 'https://good.example',
        billing: 'Billing@Good.example',
        hotline: '+49 30 1234567',
        arr: { amountMinor: 1200000, currency: 'EUR' },
        memo: 'long\ntext',
      },
    });
    expect(good.statusCode, good.body).toBe(201);
    expect(good.json().custom.billing).toBe('billing@good.example');
  });

  it('filters and sorts by custom fields exactly like built-in ones', async () => {
    const s = await signUp();
    const c = api(s);
    await c.post('/fields', { objectType: 'company', key: 'seats', label: 'Seats', type: 'number' });
    await c.post('/fields', { objectType: 'company', key: 'tier', label: 'Tier', type: 'select', options: ['gold', 'silver'] });
    await c.post('/fields', { objectType: 'company', key: 'tags', label: 'Tags', type: 'multiSelect', options: ['a', 'b'] });
    const mk = (name: string, custom: object) => c.post('/companies', { name, custom });
    await mk('A', { seats: 5, tier: 'gold', tags: ['a'] });
    await mk('B', { seats: 50, tier: 'silver', tags: ['a', 'b'] });
    await mk('C', { seats: 500, tier: 'gold' });
    await mk('D', {});
    const names = async (q: string) => (await c.get(`/companies?${q}`)).json().data.map((x: { name: string }) => x.name);
    expect(await names(`filter=${f({ field: 'custom.seats', op: 'gte', value: 50 })}&sort=-custom.seats`)).toEqual(['C', 'B']);
    expect(await names(`filter=${f({ field: 'custom.tier', op: 'eq', value: 'gold' })}&sort=name`)).toEqual(['A', 'C']);
    expect(await names(`filter=${f({ field: 'custom.tags', op: 'hasAny', value: ['b'] })}`)).toEqual(['B']);
    expect(await names(`filter=${f({ field: 'custom.seats', op: 'isEmpty' })}`)).toEqual(['D']);
    // Empty values sort last in both directions.
    expect(await names('sort=custom.seats')).toEqual(['A', 'B', 'C', 'D']);
    expect(await names('sort=-custom.seats')).toEqual(['C', 'B', 'A', 'D']);
    const wrong = await c.get(`/companies?filter=${f({ field: 'custom.seats', op: 'contains', value: 'x' })}`);
    expect(wrong.statusCode).toBe(400);
    expect(wrong.json().errors[0].field).toBe('query.filter.op');
  });

  it('takes a removed field’s values off the records, brings them back on restore, and frees the key when purged', async () => {
    const s = await signUp();
    const c = api(s);
    const def = (await c.post('/fields', { objectType: 'contact', key: 'tier', label: 'Tier', type: 'text' })).json();
    expect((await c.post('/fields', { objectType: 'contact', key: 'tier', label: 'Again', type: 'text' })).json().code).toBe('key_taken');
    const gold = (await c.post('/contacts', { firstName: 'K', custom: { tier: 'gold' } })).json();
    const plain = (await c.post('/contacts', { firstName: 'P' })).json();
    expect((await c.delete(`/fields/${def.id}`)).statusCode).toBe(200);
    expect((await c.get('/fields?objectType=contact')).json().data).toHaveLength(0);
    // In the trash, the field is gone from records, lists and filters alike.
    expect((await c.get(`/contacts/${gold.id}`)).json().custom).toEqual({});
    expect((await c.get('/contacts')).json().data.map((x: { custom: object }) => x.custom)).toEqual([{}, {}]);
    expect((await c.get(`/contacts?filter=${f({ field: 'custom.tier', op: 'eq', value: 'gold' })}`)).statusCode).toBe(400);
    const again = await c.post('/fields', { objectType: 'contact', key: 'tier', label: 'Again', type: 'number' });
    expect(again.statusCode).toBe(409);
    expect(again.json()).toMatchObject({ code: 'key_in_trash', fieldId: def.id });
    // Restored, the value is back where it was, and editable.
    const restored = await c.post(`/fields/${def.id}/restore`, {});
    expect(restored.statusCode, restored.body).toBe(200);
    expect(restored.json().deletedAt).toBeNull();
    const back = (await c.get(`/contacts/${gold.id}`)).json();
    expect(back.custom).toEqual({ tier: 'gold' });
    expect((await c.get(`/contacts/${plain.id}`)).json().custom).toEqual({});
    expect((await c.patch(`/contacts/${gold.id}`, { version: back.version, custom: { tier: null } })).statusCode).toBe(200);
    expect((await c.patch(`/contacts/${gold.id}`, { version: back.version + 1, custom: { tier: 'silver' } })).statusCode).toBe(200);
    // Purged, the key is free for a new field of another type, and the old value never resurfaces.
    expect((await c.post(`/fields/${def.id}/purge`, {})).json().code).toBe('not_in_trash');
    await c.delete(`/fields/${def.id}`);
    expect((await c.post(`/fields/${def.id}/purge`, {})).statusCode).toBe(204);
    const reborn = await c.post('/fields', { objectType: 'contact', key: 'tier', label: 'Tier score', type: 'number' });
    expect(reborn.statusCode, reborn.body).toBe(201);
    expect((await c.get(`/contacts/${gold.id}`)).json().custom).toEqual({});
    expect((await c.post(`/fields/${def.id}/restore`, {})).statusCode).toBe(404);
    expect(await countRows('custom_value_archive', s.workspaceId)).toBe(0);
  });

  it('enforces required fields on create and on clearing, but not on unrelated edits', async () => {
    const s = await signUp();
    const c = api(s);
    const old = (await c.post('/companies', { name: 'Before' })).json();
    await c.post('/fields', { objectType: 'company', key: 'region', label: 'Region', type: 'text', required: true });
    expect((await c.post('/companies', { name: 'New' })).json().errors[0].field).toBe('body.custom.region');
    expect((await c.patch(`/companies/${old.id}`, { name: 'Renamed', version: 1 })).statusCode).toBe(200);
    const ok = (await c.post('/companies', { name: 'New', custom: { region: 'EMEA' } })).json();
    const cleared = await c.patch(`/companies/${ok.id}`, { custom: { region: null }, version: 1 });
    expect(cleared.statusCode).toBe(422);
  });

  it('needs options for select fields and refuses them elsewhere', async () => {
    const c = api(await signUp());
    expect((await c.post('/fields', { objectType: 'deal', key: 's', label: 'S', type: 'select' })).json().errors[0].field).toBe(
      'body.options',
    );
    expect((await c.post('/fields', { objectType: 'deal', key: 'n', label: 'N', type: 'number', options: ['x'] })).statusCode).toBe(422);
    expect((await c.post('/fields', { objectType: 'deal', key: 'Bad Key', label: 'N', type: 'number' })).json().errors[0].field).toBe(
      'body.key',
    );
  });
});

describe('one rule per format', () => {
  it('takes and refuses the same emails and URLs in custom fields as in built-in ones', async () => {
    const s = await signUp();
    const c = api(s);
    await c.post('/fields', { objectType: 'company', key: 'billing', label: 'Billing email', type: 'email' });
    await c.post('/fields', { objectType: 'company', key: 'portal', label: 'Portal', type: 'url' });
    const emails = ['ada@example.com', 'a@b', 'no-at-sign', 'two@@example.com', 'spaces in@example.com', 'ünï@example.com'];
    for (const email of emails) {
      const builtIn = (await c.post('/contacts', { lastName: 'E', emails: [{ value: email }] })).statusCode < 300;
      const custom = (await c.post('/companies', { name: 'E', custom: { billing: email } })).statusCode < 300;
      expect(custom, email).toBe(builtIn);
    }
    // No built-in field holds a URL yet: the custom field follows the contract's Url shape, the one every URL field will use.
    const { Url } = await import('../../../contract/common.ts');
    const { bodyAjv } = await import('../../http/validation.ts');
    const isUrl = bodyAjv.compile(Url);
    const urls = ['https://example.com/a?b=c', 'http://x', 'ftp://example.com', 'https://', 'javascript:alert(1)', 'example.com'];
    for (const url of urls) {
      const custom = (await c.post('/companies', { name: 'U', custom: { portal: url } })).statusCode < 300;
      expect(custom, url).toBe(isUrl(url));
    }
    expect(urls.filter((u) => isUrl(u))).toEqual(['https://example.com/a?b=c', 'http://x']);
  });
});
