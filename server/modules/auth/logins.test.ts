import { describe, expect, it } from 'vitest';
import { buildApp } from '../../app.ts';
import { addMember, api, cookieOf, type Session, signUp, testApp, testConfig, testDatabase, uniqueEmail } from '../../test/harness.ts';

// Logins (identities) are a person's own and may be shared by several workspaces; memberships are
// a workspace's. These tests hold the line between the two: nothing an admin of one workspace does
// may change what a login can do in another (issue 8, findings 1, 2, 7, 8 and 9).

const login = async (email: string, password: string, workspaceId?: string) =>
  (await testApp()).inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email, password, workspaceId } });

/** Invites `person` (by their email) into `ws` and accepts with their password. */
async function join(ws: Session, person: { email: string; password: string }, role: 'admin' | 'member' = 'member') {
  const inv = (await api(ws).post('/invitations', { email: person.email, role })).json();
  const r = await api(null).post('/auth/accept-invitation', { token: inv.token, name: 'Joined', password: person.password });
  expect(r.statusCode, r.body).toBe(200);
  const body = r.json();
  return { memberId: body.member.id as string, headers: { cookie: cookieOf(r), 'x-csrf-token': body.csrfToken } };
}

describe('an admin and a login shared with another workspace', () => {
  it('cannot reset the password of a login that also signs in elsewhere (the owner of A is a member of B)', async () => {
    const a = await signUp({ workspaceName: 'A' });
    const b = await signUp({ workspaceName: 'B' });
    const inB = await join(b, a);
    const bAdmin = await addMember(b, 'admin');
    for (const who of [bAdmin, b]) {
      const r = await api(who).post(`/members/${inB.memberId}/password-reset`);
      expect(r.statusCode).toBe(409);
      expect(r.json().code).toBe('login_shared');
    }
    expect(await countLinks(b.workspaceId)).toBe(0);
    // A's owner still signs in to A with their own password, as owner.
    const res = await login(a.email, a.password, a.workspaceId);
    expect(res.statusCode).toBe(200);
    expect(res.json().member.role).toBe('owner');
  });

  it('makes a reset link useless once the login joins another workspace', async () => {
    const b = await signUp({ workspaceName: 'B' });
    const person = await addMember(b, 'member');
    const link = (await api(b).post(`/members/${person.memberId}/password-reset`)).json();
    const a = await signUp({ workspaceName: 'A' });
    await join(a, person, 'admin');
    const used = await api(null).post('/auth/reset-password', { token: link.token, password: 'taken over now, surely' });
    expect(used.statusCode).toBe(409);
    expect((await login(person.email, 'taken over now, surely')).statusCode).toBe(401);
    expect((await login(person.email, person.password, a.workspaceId)).statusCode).toBe(200);
  });
});

async function countLinks(workspaceId: string) {
  const [row] = await (await testDatabase()).query<{ n: number }>(
    `select count(*)::int as n from password_resets where workspace_id = $1 and kind = 'link'`,
    [workspaceId],
  );
  return Number(row.n);
}

describe('reset links and invitations', () => {
  it('die when the admin who made them loses the right', async () => {
    const owner = await signUp();
    const admin = await addMember(owner, 'admin');
    const m = await addMember(owner, 'member');
    const link = (await api(admin).post(`/members/${m.memberId}/password-reset`)).json();
    const inv = (await api(admin).post('/invitations', { email: uniqueEmail('late'), role: 'member' })).json();
    expect((await api(owner).patch(`/members/${admin.memberId}`, { role: 'member' })).statusCode).toBe(200);
    expect((await api(null).post('/auth/reset-password', { token: link.token, password: 'a brand new passphrase' })).statusCode).toBe(404);
    const accepted = await api(null).post('/auth/accept-invitation', { token: inv.token, name: 'Late', password: 'a fine long password' });
    expect(accepted.statusCode).toBe(404);
    // They were revoked, not only held back: making the member an admin again does not bring them back.
    expect((await api(owner).patch(`/members/${admin.memberId}`, { role: 'admin' })).statusCode).toBe(200);
    expect((await api(null).post('/auth/reset-password', { token: link.token, password: 'a brand new passphrase' })).statusCode).toBe(404);
    expect((await api(owner).get('/password-resets')).json().data).toEqual([]);
    expect((await api(owner).get('/invitations')).json().data.map((i: { id: string }) => i.id)).not.toContain(inv.id);
    expect((await login(m.email, m.password)).statusCode).toBe(200);
  });

  it('are held back at use when their maker lost the right some other way (disabled in the database)', async () => {
    const owner = await signUp();
    const admin = await addMember(owner, 'admin');
    const m = await addMember(owner, 'member');
    const link = (await api(admin).post(`/members/${m.memberId}/password-reset`)).json();
    const inv = (await api(admin).post('/invitations', { email: uniqueEmail('late'), role: 'member' })).json();
    const db = await testDatabase();
    await db.query('update members set disabled_at = now() where workspace_id = $1 and id = $2', [owner.workspaceId, admin.memberId]);
    expect((await api(null).post('/auth/reset-password', { token: link.token, password: 'a brand new passphrase' })).statusCode).toBe(404);
    const accepted = await api(null).post('/auth/accept-invitation', { token: inv.token, name: 'Late', password: 'a fine long password' });
    expect(accepted.statusCode).toBe(404);
  });

  it('are listed, revocable, and one live link per person: a newer link cancels the older', async () => {
    const owner = await signUp();
    const m = await addMember(owner, 'member');
    const first = (await api(owner).post(`/members/${m.memberId}/password-reset`)).json();
    const second = (await api(owner).post(`/members/${m.memberId}/password-reset`)).json();
    expect((await api(null).post('/auth/reset-password', { token: first.token, password: 'a brand new passphrase' })).statusCode).toBe(404);
    const listed = (await api(owner).get('/password-resets')).json().data;
    expect(listed).toEqual([
      expect.objectContaining({ kind: 'link', memberId: m.memberId, createdBy: owner.memberId, expiresAt: second.expiresAt }),
    ]);
    expect((await api(owner).delete(`/password-resets/${listed[0].id}`)).statusCode).toBe(204);
    expect((await api(null).post('/auth/reset-password', { token: second.token, password: 'a brand new passphrase' })).statusCode).toBe(
      404,
    );
    expect((await api(owner).get('/password-resets')).json().data).toEqual([]);
    expect((await api(await signUp()).delete(`/password-resets/${listed[0].id}`)).statusCode).toBe(404);
    expect((await login(m.email, m.password)).statusCode).toBe(200);
  });
});

describe('what sign-up and sign-in reveal about an email', () => {
  it('answers sign-up with a taken email like a new one, and leaves the existing login alone', async () => {
    const victim = await signUp({ workspaceName: 'Victim Inc' });
    const taken = await api(null).post('/auth/signup', {
      name: 'S',
      email: victim.email,
      password: 'squatter password 1',
      workspaceName: 'S',
    });
    const fresh = await api(null).post('/auth/signup', {
      name: 'S',
      email: uniqueEmail(),
      password: 'squatter password 1',
      workspaceName: 'S',
    });
    expect(taken.statusCode).toBe(201);
    expect(fresh.statusCode).toBe(201);
    expect(Object.keys(taken.json()).sort()).toEqual(Object.keys(fresh.json()).sort());
    expect(taken.json().workspaces).toHaveLength(1);
    const v = await login(victim.email, victim.password);
    expect(v.json().workspace.name).toBe('Victim Inc');
    expect(v.json().workspaces.map((w: { name: string }) => w.name)).toEqual(['Victim Inc']);
    // The same person signing up again with their own password adds a workspace to their login.
    const again = await api(null).post('/auth/signup', {
      name: 'V',
      email: victim.email,
      password: victim.password,
      workspaceName: 'Side',
    });
    expect(again.json().workspaces.map((w: { name: string }) => w.name)).toEqual(['Victim Inc', 'Side']);
  });

  it('locks out guesses at an unknown email exactly like at a known one', async () => {
    const known = await signUp();
    expect((await login(known.email, known.password)).statusCode).toBe(200);
    const unknown = uniqueEmail('nobody');
    for (const email of [known.email, unknown]) {
      const codes: number[] = [];
      for (let i = 0; i < 6; i++) codes.push((await login(email, `wrong guess ${i}`)).statusCode);
      expect(codes, email).toEqual([401, 401, 401, 401, 401, 429]);
    }
  });
});

describe('an email someone else signed up with first', () => {
  it('does not block its owner from accepting an invitation, and each login keeps its own workspaces', async () => {
    const email = uniqueEmail('real');
    const squat = await api(null).post('/auth/signup', {
      name: 'Squatter',
      email,
      password: 'squatter password 1',
      workspaceName: 'Squat',
    });
    expect(squat.statusCode).toBe(201);
    const team = await signUp({ workspaceName: 'Real team' });
    const inv = (await api(team).post('/invitations', { email, role: 'member' })).json();
    const accepted = await api(null).post('/auth/accept-invitation', {
      token: inv.token,
      name: 'Real',
      password: 'the owners own password',
    });
    expect(accepted.statusCode).toBe(200);
    expect(accepted.json().workspaces.map((w: { name: string }) => w.name)).toEqual(['Real team']);
    expect((await login(email, 'the owners own password')).json().workspace.name).toBe('Real team');
    expect((await login(email, 'squatter password 1')).json().workspace.name).toBe('Squat');
    // "Forgot password" reaches the real team's admins, whose link resets the real person's login only.
    await api(null).post('/auth/forgot-password', { email });
    const request = (await api(team).get('/password-resets')).json().data[0];
    const link = (await api(team).post(`/members/${request.memberId}/password-reset`)).json();
    expect((await api(null).post('/auth/reset-password', { token: link.token, password: 'a new one for the team' })).statusCode).toBe(204);
    expect((await login(email, 'a new one for the team')).json().workspace.name).toBe('Real team');
    expect((await login(email, 'squatter password 1')).json().workspace.name).toBe('Squat');
  });
});

describe('rate limits of the public auth routes', () => {
  it('keep a budget per route: sign-ups and reset requests do not use up sign-in attempts', async () => {
    const strict = await buildApp({ ...testConfig(), loginRateLimit: 3 }, await testDatabase(), { logger: false });
    const remoteAddress = `10.8.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}`;
    const call = async (url: string, payload: object) => (await strict.inject({ method: 'POST', url, remoteAddress, payload })).statusCode;
    for (let i = 0; i < 3; i++) {
      expect(
        await call('/api/v1/auth/signup', { name: 'N', email: uniqueEmail(), password: 'a fine long password', workspaceName: 'W' }),
      ).toBe(201);
      expect(await call('/api/v1/auth/forgot-password', { email: uniqueEmail() })).toBe(202);
    }
    expect(
      await call('/api/v1/auth/signup', { name: 'N', email: uniqueEmail(), password: 'a fine long password', workspaceName: 'W' }),
    ).toBe(429);
    const logins = [];
    for (let i = 0; i < 4; i++) logins.push(await call('/api/v1/auth/login', { email: uniqueEmail(), password: 'whatever it is' }));
    await strict.close();
    expect(logins).toEqual([401, 401, 401, 429]);
  });
});

describe('changing my own password', () => {
  it('needs the current password, ends my other sessions in every workspace, and keeps this one', async () => {
    const a = await signUp({ workspaceName: 'A' });
    const b = await signUp({ workspaceName: 'B' });
    const inB = await join(b, a);
    const other = await login(a.email, a.password, a.workspaceId);
    const otherHeaders = { cookie: cookieOf(other), 'x-csrf-token': other.json().csrfToken };
    const wrong = await api(a).post('/me/password', { currentPassword: 'not my password at all', newPassword: 'my next long password' });
    expect(wrong.statusCode).toBe(422);
    expect(wrong.json().errors[0].field).toBe('body.currentPassword');
    const weak = await api(a).post('/me/password', { currentPassword: a.password, newPassword: 'password' });
    expect(weak.json().errors[0].field).toBe('body.newPassword');
    expect((await api(a).post('/me/password', { currentPassword: a.password, newPassword: 'my next long password' })).statusCode).toBe(204);
    expect((await api(a).get('/companies')).statusCode).toBe(200);
    expect((await api(null).get('/companies', otherHeaders)).statusCode).toBe(401);
    expect((await api(null).get('/companies', inB.headers)).statusCode).toBe(401);
    expect((await login(a.email, a.password)).statusCode).toBe(401);
    expect((await login(a.email, 'my next long password', b.workspaceId)).json().workspace.name).toBe('B');
    const { key } = (await api(a).post('/api-keys', { name: 'k', role: 'member' })).json();
    const byKey = await api(null).post('/me/password', { currentPassword: 'x', newPassword: 'y' }, { authorization: `Bearer ${key}` });
    expect(byKey.statusCode).toBe(403);
  });
});
