import { describe, expect, it } from 'vitest';
import { buildApp } from '../../app.ts';
import { addMember, api, type Session, signUp, testConfig, testDatabase, uniqueEmail } from '../../test/harness.ts';

// The invitation page asks who invites, to which workspace and as what before anyone signs in:
// POST /auth/invitation-details with the link's token. Public, so it must say nothing more.

const invite = async (s: Session, role = 'member') => {
  const r = await api(s).post('/invitations', { email: uniqueEmail('inv'), role });
  expect(r.statusCode, r.body).toBe(201);
  return r.json() as { id: string; token: string; email: string };
};
const details = (token: string, headers: Record<string, string> = {}) => api(null).post('/auth/invitation-details', { token }, headers);

describe('invitation details', () => {
  it('names the workspace, the inviter and the role, and nothing else', async () => {
    const owner = await signUp({ name: 'Ada Lovelace', workspaceName: 'Initech' });
    const inv = await invite(owner, 'read-only');
    const r = await details(inv.token);
    expect(r.statusCode, r.body).toBe(200);
    expect(r.json()).toStrictEqual({ workspaceName: 'Initech', inviterName: 'Ada Lovelace', role: 'read-only' });
    // Not the invited address, ids, the token or dates, anywhere in the answer.
    for (const secret of [inv.email, inv.id, inv.token, owner.workspaceId, owner.memberId, owner.email]) {
      expect(r.body).not.toContain(secret);
    }
    // An admin's invitation names that admin.
    const admin = await addMember(owner, 'admin', 'Grace Hopper');
    const byAdmin = await invite(admin);
    expect((await details(byAdmin.token)).json()).toStrictEqual({ workspaceName: 'Initech', inviterName: 'Grace Hopper', role: 'member' });
  });

  it('refuses unknown, malformed, revoked, expired and used links alike', async () => {
    const owner = await signUp({ workspaceName: 'Refusals Ltd' });
    const revoked = await invite(owner);
    expect((await api(owner).delete(`/invitations/${revoked.id}`)).statusCode).toBe(200);
    const expired = await invite(owner);
    const db = await testDatabase();
    await db.query(`update invitations set expires_at = now() - interval '1 minute' where workspace_id = $1 and id = $2`, [
      owner.workspaceId,
      expired.id,
    ]);
    const used = await invite(owner);
    const accepted = await api(null).post('/auth/accept-invitation', { token: used.token, name: 'Used', password: 'a fine long password' });
    expect(accepted.statusCode, accepted.body).toBe(200);
    const live = await invite(owner);
    // The inviter lost the right to invite: their links stop working.
    const admin = await addMember(owner, 'admin');
    const orphan = await invite(admin);
    expect((await api(owner).patch(`/members/${admin.memberId}`, { role: 'member' })).statusCode).toBe(200);

    const refused = [
      revoked.token,
      expired.token,
      used.token,
      orphan.token,
      `${owner.workspaceId}.${'x'.repeat(43)}`, // right workspace, made-up secret
      `${live.token.slice(0, -1)}${live.token.endsWith('A') ? 'B' : 'A'}`, // one character off
      live.token.replace(owner.workspaceId, '00000000-0000-4000-8000-000000000000'), // another workspace
      'not-a-token',
    ];
    const answers = await Promise.all(refused.map((t) => details(t)));
    for (const [i, r] of answers.entries()) {
      expect(r.statusCode, `${i}: ${r.body}`).toBe(404);
      expect(r.headers['content-type']).toMatch(/^application\/problem\+json/);
      const { code, detail, title } = r.json();
      // One answer for every reason: the holder of a link learns nothing of why.
      expect({ code, detail, title }).toEqual({
        code: 'invitation_not_found',
        detail: answers[0].json().detail,
        title: answers[0].json().title,
      });
      expect(r.body).not.toContain('Refusals Ltd');
    }
    expect((await details(live.token)).statusCode).toBe(200);
    // Empty or oversized tokens are bad input naming the field.
    for (const token of ['', 'x'.repeat(201)]) {
      const r = await details(token);
      expect(r.statusCode).toBe(400);
      expect(r.json().errors[0].field).toBe('body.token');
    }
  });

  it('is rate-limited per address like the other token routes', async () => {
    const strict = await buildApp({ ...testConfig(), loginRateLimit: 3 }, await testDatabase(), { logger: false });
    try {
      const remoteAddress = `10.7.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}`;
      const codes: number[] = [];
      for (let i = 0; i < 5; i++) {
        const r = await strict.inject({
          method: 'POST',
          url: '/api/v1/auth/invitation-details',
          remoteAddress,
          payload: { token: 'guess' },
        });
        codes.push(r.statusCode);
      }
      expect(codes).toEqual([404, 404, 404, 429, 429]);
    } finally {
      await strict.close();
    }
  });
});
