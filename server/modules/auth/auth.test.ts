import { describe, expect, it } from 'vitest';
import { buildApp } from '../../app.ts';
import { addMember, api, signUp, testApp, testConfig, testDatabase, uniqueEmail } from '../../test/harness.ts';

const login = async (email: string, password: string, headers: Record<string, string> = {}) =>
  (await testApp()).inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email, password }, headers });

describe('sign-up and sign-in', () => {
  it('creates a workspace with its owner and a default pipeline', async () => {
    const s = await signUp({ workspaceName: 'Hooli' });
    const session = (await api(s).get('/auth/session')).json();
    expect(session.workspace.name).toBe('Hooli');
    expect(session.member).toMatchObject({ role: 'owner', email: s.email });
    const db = await testDatabase();
    const stages = await db.query('select name from pipeline_stages where workspace_id = $1 order by position', [s.workspaceId]);
    expect(stages.map((r) => r.name)).toEqual(['Qualification', 'Discovery', 'Proposal', 'Negotiation', 'Won', 'Lost']);
  });

  it('refuses short and common passwords', async () => {
    const a = await testApp();
    const signup = (email: string, password: string) =>
      a.inject({ method: 'POST', url: '/api/v1/auth/signup', payload: { name: 'N', email, password, workspaceName: 'W' } });
    for (const pw of ['short', 'password1', 'qwertyuiop']) {
      const r = await signup(uniqueEmail(), pw);
      expect(r.statusCode, pw).toBe(422);
      expect(r.json().errors[0].field).toBe('body.password');
    }
  });

  it('sets an httpOnly SameSite=Lax session cookie and answers unknown emails like wrong passwords', async () => {
    const s = await signUp();
    const ok = await login(s.email, s.password);
    expect(ok.statusCode).toBe(200);
    const set = String(ok.headers['set-cookie']);
    expect(set).toMatch(/HttpOnly/);
    expect(set).toMatch(/SameSite=Lax/);
    expect(set).toMatch(/Path=\//);
    const wrong = await login(s.email, 'not the password at all');
    const unknown = await login(uniqueEmail(), 'not the password at all');
    expect(wrong.statusCode).toBe(401);
    expect(unknown.statusCode).toBe(401);
    expect(wrong.json().detail).toBe(unknown.json().detail);
    const db = await testDatabase();
    const events = await db.query('select result from login_events where lower(email) = lower($1) order by created_at', [s.email]);
    expect(events.map((e) => e.result)).toEqual(['success', 'success', 'wrong_password']);
  });

  it('slows down an account after five wrong passwords, and never locks it for good', async () => {
    const s = await signUp();
    // A sign-up counts like a sign-in attempt (its password is tried against the email's logins); a sign-in clears the count.
    expect((await login(s.email, s.password)).statusCode).toBe(200);
    for (let i = 0; i < 5; i++) expect((await login(s.email, `wrong password ${i}`)).statusCode).toBe(401);
    const throttled = await login(s.email, s.password);
    expect(throttled.statusCode).toBe(429);
    expect(throttled.json().retryAfterSeconds).toBeGreaterThan(0);
    // Once the wait has passed, the right password works again.
    const db = await testDatabase();
    await db.query(`update login_throttles set last_failed_at = now() - interval '1 hour' where email = lower($1)`, [s.email]);
    expect((await login(s.email, s.password)).statusCode).toBe(200);
  });

  it('lets no more than five of a parallel burst of guesses through', async () => {
    const s = await signUp();
    const codes = (await Promise.all(Array.from({ length: 10 }, (_, i) => login(s.email, `parallel guess ${i}`)))).map((r) => r.statusCode);
    expect(codes.filter((c) => c === 401).length).toBeLessThanOrEqual(5);
    expect(codes.filter((c) => c === 429).length).toBeGreaterThanOrEqual(5);
    expect(codes.every((c) => c === 401 || c === 429)).toBe(true);
  });

  it('rate-limits sign-in attempts per address across the whole app', async () => {
    const strict = await buildApp({ ...testConfig(), loginRateLimit: 3 }, await testDatabase(), { logger: false });
    const ip = `10.9.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}`;
    const codes: number[] = [];
    for (let i = 0; i < 5; i++) {
      const r = await strict.inject({
        method: 'POST',
        url: '/api/v1/auth/login',
        remoteAddress: ip,
        payload: { email: uniqueEmail('nobody'), password: 'whatever it is' },
      });
      codes.push(r.statusCode);
    }
    await strict.close();
    expect(codes).toEqual([401, 401, 401, 429, 429]);
  });
});

describe('sessions', () => {
  it('requires the CSRF token on cookie writes and refuses cross-site requests', async () => {
    const s = await signUp();
    const { cookie } = s.headers;
    expect((await api(null).post('/companies', { name: 'A' }, { cookie })).statusCode).toBe(403);
    expect((await api(null).post('/companies', { name: 'A' }, { cookie, 'x-csrf-token': 'forged' })).statusCode).toBe(403);
    expect((await api(s).post('/companies', { name: 'A' }, { 'sec-fetch-site': 'cross-site' })).statusCode).toBe(403);
    expect((await api(s).post('/companies', { name: 'A' }, { origin: 'https://evil.example' })).statusCode).toBe(403);
    expect((await api(s).post('/companies', { name: 'A' })).statusCode).toBe(201);
    // Reads need no token.
    expect((await api(null).get('/companies', { cookie })).statusCode).toBe(200);
  });

  it('ends the session on the server at sign-out', async () => {
    const s = await signUp();
    expect((await api(s).post('/auth/logout')).statusCode).toBe(204);
    expect((await api(s).get('/companies')).statusCode).toBe(401);
  });

  it('expires a session idle for 30 minutes', async () => {
    const s = await signUp();
    const db = await testDatabase();
    await db.query(`update sessions set last_seen_at = now() - interval '31 minutes' where workspace_id = $1`, [s.workspaceId]);
    expect((await api(s).get('/companies')).statusCode).toBe(401);
  });

  it('ends every session of a disabled member, and keeps the last owner', async () => {
    const owner = await signUp();
    const m = await addMember(owner, 'member');
    expect((await api(m).get('/companies')).statusCode).toBe(200);
    expect((await api(owner).patch(`/members/${m.memberId}`, { disabled: true })).statusCode).toBe(200);
    expect((await api(m).get('/companies')).statusCode).toBe(401);
    expect((await login(m.email, m.password)).statusCode).toBe(403);
    const last = await api(owner).patch(`/members/${owner.memberId}`, { role: 'admin' });
    expect(last.statusCode).toBe(409);
    const admin = await addMember(owner, 'admin');
    expect((await api(admin).patch(`/members/${owner.memberId}`, { role: 'member' })).statusCode).toBe(403);
  });
});

describe('invitations', () => {
  it('are single-use links', async () => {
    const owner = await signUp();
    const inv = (await api(owner).post('/invitations', { email: uniqueEmail('inv'), role: 'read-only' })).json();
    const accept = () => api(null).post('/auth/accept-invitation', { token: inv.token, name: 'Reader', password: 'a fine long password' });
    const first = await accept();
    expect(first.statusCode).toBe(200);
    expect(first.json().member.role).toBe('read-only');
    expect((await accept()).statusCode).toBe(404);
    expect((await api(owner).get('/invitations')).json().data[0].token).toBeUndefined();
  });

  it('lets someone with a login join a second workspace with their own password', async () => {
    const a = await signUp({ workspaceName: 'First' });
    const b = await signUp({ workspaceName: 'Second' });
    const inv = (await api(b).post('/invitations', { email: a.email, role: 'member' })).json();
    const ok = await api(null).post('/auth/accept-invitation', { token: inv.token, name: 'A', password: a.password });
    expect(ok.statusCode).toBe(200);
    expect(ok.json().workspaces.map((w: { name: string }) => w.name)).toEqual(['First', 'Second']);
    const second = await (await testApp()).inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { email: a.email, password: a.password, workspaceId: b.workspaceId },
    });
    expect(second.json().workspace.name).toBe('Second');
  });
});

describe('API keys', () => {
  it('are shown once, stored hashed, scoped by role, and revoked at once', async () => {
    const owner = await signUp();
    const created = (await api(owner).post('/api-keys', { name: 'Zapier', role: 'read-only' })).json();
    expect(created.key).toMatch(/^rpk_[A-Za-z0-9_-]{64}$/);
    expect((await api(owner).get('/api-keys')).json().data[0].key).toBeUndefined();
    const db = await testDatabase();
    const rows = await db.query<{ token_hash: string }>('select token_hash from api_keys where workspace_id = $1', [owner.workspaceId]);
    expect(rows[0].token_hash).not.toContain(created.key);
    const bearer = { authorization: `Bearer ${created.key}` };
    expect((await api(null).get('/companies', bearer)).statusCode).toBe(200);
    expect((await api(null).post('/companies', { name: 'A' }, bearer)).statusCode).toBe(403);
    expect((await api(owner).delete(`/api-keys/${created.id}`)).statusCode).toBe(200);
    expect((await api(null).get('/companies', bearer)).statusCode).toBe(401);
  });

  it('write without CSRF and act as the key in history', async () => {
    const owner = await signUp();
    const { key, id } = (await api(owner).post('/api-keys', { name: 'Sync', role: 'member' })).json();
    const r = await api(null).post('/companies', { name: 'Via key' }, { authorization: `Bearer ${key}` });
    expect(r.statusCode).toBe(201);
    const hist = (await api(owner).get(`/companies/${r.json().id}/history`)).json().data;
    expect(hist[0]).toMatchObject({ actorType: 'api_key', actorId: id });
    expect((await api(null).get('/companies', { authorization: 'Bearer rpk_forged' })).statusCode).toBe(401);
    expect((await api(null).get('/companies', { authorization: `Bearer ${key.slice(0, -2)}xx` })).statusCode).toBe(401);
  });

  it('refuses an expired key', async () => {
    const owner = await signUp();
    const { key } = (
      await api(owner).post('/api-keys', { name: 'Short', role: 'member', expiresAt: new Date(Date.now() + 60_000).toISOString() })
    ).json();
    const db = await testDatabase();
    await db.query(`update api_keys set expires_at = now() - interval '1 second' where workspace_id = $1`, [owner.workspaceId]);
    expect((await api(null).get('/companies', { authorization: `Bearer ${key}` })).statusCode).toBe(401);
  });
});

describe('findings of the security review', () => {
  it('caps an API key at its creator’s current role', async () => {
    const owner = await signUp();
    const admin = await addMember(owner, 'admin');
    const { key } = (await api(admin).post('/api-keys', { name: 'Ops', role: 'admin' })).json();
    const bearer = { authorization: `Bearer ${key}` };
    expect((await api(null).get('/invitations', bearer)).statusCode).toBe(200);
    expect((await api(owner).patch(`/members/${admin.memberId}`, { role: 'member' })).statusCode).toBe(200);
    expect((await api(null).get('/invitations', bearer)).statusCode).toBe(403);
    expect((await api(null).get('/companies', bearer)).statusCode).toBe(200);
  });

  it('locks out password guesses made through invitations like sign-in guesses', async () => {
    const victim = await signUp();
    expect((await login(victim.email, victim.password)).statusCode).toBe(200);
    const codes: number[] = [];
    const joined: string[][] = [];
    for (let i = 0; i < 6; i++) {
      const attacker = await signUp();
      const inv = (await api(attacker).post('/invitations', { email: victim.email, role: 'member' })).json();
      const r = await api(null).post('/auth/accept-invitation', { token: inv.token, name: 'V', password: `guess number ${i}` });
      codes.push(r.statusCode);
      if (r.statusCode === 200) joined.push([attacker.workspaceId, ...r.json().workspaces.map((w: { id: string }) => w.id)]);
    }
    // A wrong password opens none of the victim's logins: each accepted invitation made a login of
    // its own, which belongs to the attacker's workspace alone. The sixth guess meets the lockout.
    expect(codes).toEqual([200, 200, 200, 200, 200, 429]);
    for (const [attacker, ...ws] of joined) expect(ws).toEqual([attacker]);
    const db = await testDatabase();
    const logged = await db.query<{ n: number }>(
      `select count(*)::int as n from login_events where lower(email) = lower($1) and method = 'invitation' and result <> 'success'`,
      [victim.email],
    );
    expect(Number(logged[0].n)).toBe(6);
  });

  it('keeps admins from disabling or renaming other admins and owners', async () => {
    const owner = await signUp();
    const a = await addMember(owner, 'admin');
    const b = await addMember(owner, 'admin');
    expect((await api(a).patch(`/members/${b.memberId}`, { disabled: true })).statusCode).toBe(403);
    expect((await api(a).patch(`/members/${owner.memberId}`, { name: 'Mallory' })).statusCode).toBe(403);
    const m = await addMember(owner, 'member');
    expect((await api(a).patch(`/members/${m.memberId}`, { name: 'Renamed' })).statusCode).toBe(200);
  });

  it('answers 4xx, never 500, to empty patches, odd cursors, leap seconds and lone surrogates', async () => {
    const s = await signUp();
    const c = api(s);
    expect((await c.patch('/me', {})).statusCode).toBe(400);
    expect((await c.patch(`/members/${s.memberId}`, {})).statusCode).toBe(400);
    const co = (await c.post('/companies', { name: 'A' })).json();
    expect((await c.get(`/companies/${co.id}/history?cursor=${'-'.repeat(36)}`)).statusCode).toBe(400);
    expect((await c.post('/api-keys', { name: 'k', role: 'member', expiresAt: '2030-06-30T23:59:60Z' })).statusCode).toBe(422);
    const lone = await c.post('/companies', { name: 'x\ud800y' });
    expect(lone.statusCode).toBe(400);
    expect(lone.json().errors[0].field).toBe('body.name');
  });

  it('shows an API key only its own workspace and keeps it off member profiles', async () => {
    const a = await signUp({ workspaceName: 'Mine' });
    const b = await signUp({ workspaceName: 'Other' });
    const inv = (await api(b).post('/invitations', { email: a.email, role: 'member' })).json();
    await api(null).post('/auth/accept-invitation', { token: inv.token, name: 'A', password: a.password });
    const { key } = (await api(a).post('/api-keys', { name: 'k', role: 'member' })).json();
    const session = (await api(null).get('/auth/session', { authorization: `Bearer ${key}` })).json();
    expect(session.workspaces.map((w: { name: string }) => w.name)).toEqual(['Mine']);
    expect((await api(null).patch('/me', { name: 'Hacked' }, { authorization: `Bearer ${key}` })).statusCode).toBe(403);
  });
});

describe('workspace administration', () => {
  it('writes history and a domain event for each change of members, keys and settings', async () => {
    const owner = await signUp();
    const m = await addMember(owner, 'member');
    await api(owner).patch(`/members/${m.memberId}`, { role: 'read-only' });
    await api(owner).post('/api-keys', { name: 'k', role: 'member' });
    await api(owner).patch('/workspace', { name: 'Renamed', version: 1 });
    const db = await testDatabase();
    const events = (
      await db.query<{ type: string }>('select type from domain_events where workspace_id = $1 order by seq', [owner.workspaceId])
    ).map((e) => e.type);
    expect(events).toEqual(expect.arrayContaining(['invitation.created', 'member.updated', 'api_key.created', 'workspace.updated']));
    expect(events.filter((e) => e === 'invitation.created')).toHaveLength(1);
  });
});
