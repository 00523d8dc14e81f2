import { describe, expect, it } from 'vitest';
import { api, signUp, testApp, testDatabase } from '../../test/harness.ts';
import { ipAllowed, normaliseRange } from './ip-ranges.ts';

const bearer = (key: string) => ({ authorization: `Bearer ${key}` });

async function keyFrom(owner: Awaited<ReturnType<typeof signUp>>, body: object) {
  const r = await api(owner).post('/api-keys', { name: 'Integration', role: 'member', ...body });
  expect(r.statusCode, r.body).toBe(201);
  return r.json() as { id: string; key: string; scopes: string[]; allowedIps: string[] };
}

describe('API key scopes', () => {
  it('lets a key reach only the objects and rights it names, and says which scope is missing', async () => {
    const owner = await signUp();
    const { key, scopes } = await keyFrom(owner, { scopes: ['contacts:read', 'deals:write'] });
    expect(scopes).toEqual(['contacts:read', 'deals:write']);
    expect((await api(null).get('/contacts', bearer(key))).statusCode).toBe(200);
    // Write includes read.
    expect((await api(null).get('/deals', bearer(key))).statusCode).toBe(200);
    const write = await api(null).post('/contacts', { firstName: 'Ada' }, bearer(key));
    expect(write.statusCode).toBe(403);
    expect(write.json()).toMatchObject({ code: 'missing_scope', missingScope: 'contacts:write' });
    expect(write.json().detail).toContain('contacts:write');
    const other = await api(null).get('/companies', bearer(key));
    expect(other.statusCode).toBe(403);
    expect(other.json().missingScope).toBe('companies:read');
    // A route under an object's path is that object's: a contact's history needs contacts:read.
    expect((await api(null).get('/contacts/00000000-0000-7000-8000-000000000000/history', bearer(key))).statusCode).toBe(404);
  });

  it('gives a key made without scopes every object', async () => {
    const owner = await signUp();
    const { key, scopes } = await keyFrom(owner, {});
    expect(scopes).toEqual(['all']);
    expect((await api(null).get('/companies', bearer(key))).statusCode).toBe(200);
    expect((await api(null).post('/companies', { name: 'Via key' }, bearer(key))).statusCode).toBe(201);
  });

  it('refuses unknown scopes with a 422 naming each', async () => {
    const owner = await signUp();
    const r = await api(owner).post('/api-keys', {
      name: 'k',
      role: 'member',
      scopes: ['contacts:read', 'spaceships:read', 'deals:delete'],
    });
    expect(r.statusCode).toBe(422);
    expect(r.json().errors.map((e: { field: string }) => e.field)).toEqual(['body.scopes.1', 'body.scopes.2']);
    expect(r.json().errors[0].code).toBe('unknown_scope');
  });

  it('lists the objects a scope may name, from the route table', async () => {
    const owner = await signUp();
    const { objects } = (await api(owner).get('/api-keys/scopes')).json();
    expect(objects).toEqual(expect.arrayContaining(['contacts', 'companies', 'deals', 'emails', 'objects']));
    expect(objects).not.toContain('mailboxes');
  });
});

describe('API key expiry', () => {
  it('refuses an expired key with a 401 that says it expired, and a past expiry at creation', async () => {
    const owner = await signUp();
    const { key } = await keyFrom(owner, { expiresAt: new Date(Date.now() + 60_000).toISOString() });
    expect((await api(null).get('/companies', bearer(key))).statusCode).toBe(200);
    await (await testDatabase()).query(`update api_keys set expires_at = now() - interval '1 second' where workspace_id = $1`, [
      owner.workspaceId,
    ]);
    const r = await api(null).get('/companies', bearer(key));
    expect(r.statusCode).toBe(401);
    expect(r.json().code).toBe('api_key_expired');
    expect(r.json().detail).toMatch(/expired at \d{4}-/);
    const past = await api(owner).post('/api-keys', { name: 'k', role: 'member', expiresAt: '2020-01-01T00:00:00Z' });
    expect(past.statusCode).toBe(422);
    expect(past.json().errors[0].field).toBe('body.expiresAt');
  });
});

describe('API key IP allow-list', () => {
  const from = async (remoteAddress: string, key: string) =>
    (await (await testApp()).inject({ method: 'GET', url: '/api/v1/companies', remoteAddress, headers: bearer(key) })).statusCode;

  it('lets requests in from listed ranges only, and refuses others with a 403', async () => {
    const owner = await signUp();
    const { key, allowedIps } = await keyFrom(owner, { allowedIps: ['203.0.113.7/24', '2001:db8::/32', '198.51.100.9'] });
    expect(allowedIps).toEqual(['203.0.113.0/24', '2001:db8::/32', '198.51.100.9/32']);
    expect(await from('203.0.113.200', key)).toBe(200);
    expect(await from('::ffff:203.0.113.5', key)).toBe(200);
    expect(await from('2001:db8:1::1', key)).toBe(200);
    expect(await from('198.51.100.9', key)).toBe(200);
    expect(await from('198.51.100.10', key)).toBe(403);
    const r = await (await testApp()).inject({ method: 'GET', url: '/api/v1/companies', remoteAddress: '192.0.2.1', headers: bearer(key) });
    expect(r.json()).toMatchObject({ status: 403, code: 'ip_not_allowed' });
  });

  it('refuses a bad CIDR with a 422 naming the entry', async () => {
    const owner = await signUp();
    const r = await api(owner).post('/api-keys', {
      name: 'k',
      role: 'member',
      allowedIps: ['10.0.0.0/8', '10.0.0.0/33', '2130706433', 'host.lan'],
    });
    expect(r.statusCode).toBe(422);
    expect(r.json().errors.map((e: { field: string; code: string }) => `${e.field} ${e.code}`)).toEqual([
      'body.allowedIps.1 invalid_cidr',
      'body.allowedIps.2 invalid_cidr',
      'body.allowedIps.3 invalid_cidr',
    ]);
  });
});

describe('IP ranges', () => {
  it('normalises ranges to their network and refuses odd address forms', () => {
    expect(normaliseRange('10.1.2.3/8')).toBe('10.0.0.0/8');
    expect(normaliseRange('2001:db8::1/64')).toBe('2001:db8::/64');
    expect(normaliseRange('010.1')).toBeNull();
    expect(normaliseRange('0x7f.1/8')).toBeNull();
    expect(normaliseRange('')).toBeNull();
  });
  it('matches IPv4-mapped addresses as IPv4 and never an IPv6 address against an IPv4 range', () => {
    expect(ipAllowed('::ffff:10.1.1.1', ['10.0.0.0/8'])).toBe(true);
    expect(ipAllowed('2001:db8::1', ['10.0.0.0/8'])).toBe(false);
    expect(ipAllowed('not an ip', ['10.0.0.0/8'])).toBe(false);
    expect(ipAllowed('192.0.2.1', [])).toBe(true);
  });
});
