import { describe, expect, it } from 'vitest';
import { addMember, api, cookieOf, signUp, testApp, testDatabase } from '../../test/harness.ts';
import { newTotpSecret, stepAt, totpCodeAt, totpStep } from './totp.ts';
import { enableTwoFactor, passwordStep } from './two-factor.fixture.ts';
import { checkSecondFactor } from './two-factor.service.ts';

// A fixed moment in the middle of a 30-second step, so that ±1 step is exactly ±30 s.
const T = stepAt(1_900_000_000_000) * 30_000 + 15_000;

describe('TOTP codes (RFC 6238, 30-second steps, one step either side)', () => {
  const secret = newTotpSecret();
  it('accepts the code of now and of one step before or after, and answers its step', () => {
    expect(totpStep(secret, totpCodeAt(secret, T), T)).toBe(stepAt(T));
    expect(totpStep(secret, totpCodeAt(secret, T - 30_000), T)).toBe(stepAt(T) - 1);
    expect(totpStep(secret, totpCodeAt(secret, T + 30_000), T)).toBe(stepAt(T) + 1);
  });
  it('refuses a code two steps away, at the very edges of the window', () => {
    const start = stepAt(T) * 30_000; // the first millisecond of T's step
    expect(totpStep(secret, totpCodeAt(secret, start - 30_001), start)).toBeNull();
    expect(totpStep(secret, totpCodeAt(secret, start - 30_000), start)).toBe(stepAt(T) - 1);
    const end = start + 29_999; // the last millisecond of T's step
    expect(totpStep(secret, totpCodeAt(secret, end + 30_001), end)).toBeNull();
    expect(totpStep(secret, totpCodeAt(secret, end + 30_000), end)).toBe(stepAt(T) + 1);
  });
  it('refuses another secret’s code and text that is not six digits', () => {
    expect(totpStep(newTotpSecret(), totpCodeAt(secret, T), T)).toBeNull();
    expect(totpStep(secret, 'abcdef', T)).toBeNull();
    expect(totpStep(secret, `${totpCodeAt(secret, T)}0`, T)).toBeNull();
  });
});

describe('two-factor sign-in', () => {
  it('keeps the secret encrypted at rest, bound to the member', async () => {
    const s = await signUp();
    const { secret } = await enableTwoFactor(s);
    const [row] = await (await testDatabase()).query<{ secret: string }>(
      'select secret from member_two_factor where workspace_id = $1 and member_id = $2',
      [s.workspaceId, s.memberId],
    );
    expect(row.secret.startsWith('v1:')).toBe(true);
    expect(row.secret).not.toContain(secret);
  });

  it('asks for a code after the password, and signs in with the right one only', async () => {
    const s = await signUp();
    const { secret } = await enableTwoFactor(s);
    const challenge = await passwordStep(s);
    const wrong = await api(null).post('/auth/two-factor', {
      challenge,
      code: '000000' === totpCodeAt(secret, Date.now() + 30_000) ? '111111' : '000000',
    });
    expect(wrong.statusCode).toBe(422);
    expect(wrong.json().errors[0].field).toBe('body.code');
    const ok = await api(null).post('/auth/two-factor', { challenge, code: totpCodeAt(secret, Date.now() + 30_000) });
    expect(ok.statusCode, ok.body).toBe(200);
    const headers = { cookie: cookieOf(ok) };
    const me = await (await testApp()).inject({ method: 'GET', url: '/api/v1/auth/session', headers });
    expect(me.json().member.id).toBe(s.memberId);
    // The challenge opened one session and is gone.
    const again = await api(null).post('/auth/two-factor', { challenge, code: totpCodeAt(secret, Date.now() + 30_000) });
    expect(again.statusCode).toBe(401);
    expect(again.json().code).toBe('challenge_expired');
  });

  it('takes a code once: the same code, or one of an earlier step, is refused after it (replay)', async () => {
    const s = await signUp();
    const { secret } = await enableTwoFactor(s);
    const app = await testApp();
    const who = { workspaceId: s.workspaceId, memberId: s.memberId };
    const later = Date.now() + 90_000;
    expect(await checkSecondFactor(app.db, who, totpCodeAt(secret, later), later)).toBe('totp');
    await expect(checkSecondFactor(app.db, who, totpCodeAt(secret, later), later)).rejects.toMatchObject({ status: 422 });
    // The previous step is inside the window but before the code just used.
    await expect(checkSecondFactor(app.db, who, totpCodeAt(secret, later - 30_000), later)).rejects.toMatchObject({ status: 422 });
    // Over HTTP too: the code just taken cannot sign in.
    const challenge = await passwordStep(s);
    const replay = await api(null).post('/auth/two-factor', { challenge, code: totpCodeAt(secret, later) });
    expect(replay.statusCode).toBe(422);
  });

  it('lets each of ten recovery codes sign in once', async () => {
    const s = await signUp();
    const { recoveryCodes } = await enableTwoFactor(s);
    expect(new Set(recoveryCodes).size).toBe(10);
    const first = await api(null).post('/auth/two-factor', { challenge: await passwordStep(s), code: recoveryCodes[3].toUpperCase() });
    expect(first.statusCode, first.body).toBe(200);
    const reused = await api(null).post('/auth/two-factor', { challenge: await passwordStep(s), code: recoveryCodes[3] });
    expect(reused.statusCode).toBe(422);
    expect((await api(s).get('/me/two-factor')).json()).toMatchObject({ enabled: true, recoveryCodesLeft: 9 });
    const [stored] = await (await testDatabase()).query<{ n: number }>(
      'select count(*)::int as n from recovery_codes where workspace_id = $1 and code_hash = any($2)',
      [s.workspaceId, recoveryCodes],
    );
    expect(Number(stored.n)).toBe(0); // only hashes are kept
  });

  it('gives a challenge five tries, then a new sign-in is needed', async () => {
    const s = await signUp();
    const { secret } = await enableTwoFactor(s);
    const challenge = await passwordStep(s);
    const good = totpCodeAt(secret, Date.now() + 30_000);
    const bad = good === '123456' ? '654321' : '123456';
    for (let i = 0; i < 5; i++) expect((await api(null).post('/auth/two-factor', { challenge, code: bad })).statusCode).toBe(422);
    const late = await api(null).post('/auth/two-factor', { challenge, code: good });
    expect(late.statusCode).toBe(401);
    expect(late.json().code).toBe('challenge_expired');
  });

  it('is turned off with a current code only, and then the password alone signs in', async () => {
    const s = await signUp();
    const { secret } = await enableTwoFactor(s);
    const bad = await api(s).post('/me/two-factor/disable', { code: totpCodeAt(secret, Date.now() - 120_000) });
    expect(bad.statusCode).toBe(422);
    const off = await api(s).post('/me/two-factor/disable', { code: totpCodeAt(secret, Date.now() + 30_000) });
    expect(off.statusCode, off.body).toBe(204);
    const r = await api(null).post('/auth/login', { email: s.email, password: s.password });
    expect(r.statusCode).toBe(200);
    expect(await countRows('recovery_codes', s.workspaceId)).toBe(0);
  });

  it('when the workspace requires it, sends a member without it to enrol, and they cannot turn it off', async () => {
    const owner = await signUp();
    const member = await addMember(owner, 'member');
    expect((await api(member).put('/workspace/security', { requireTwoFactor: true })).statusCode).toBe(403);
    expect((await api(owner).put('/workspace/security', { requireTwoFactor: true })).json()).toEqual({ requireTwoFactor: true });
    const challenge = await passwordStep(member, 'two_factor_enrolment_required');
    // The enrolment challenge is no second factor.
    expect((await api(null).post('/auth/two-factor', { challenge, code: '123456' })).statusCode).toBe(401);
    const setup = await api(null).post('/auth/two-factor/enrol', {
      challenge: await passwordStep(member, 'two_factor_enrolment_required'),
    });
    expect(setup.statusCode, setup.body).toBe(200);
    const { secret, uri } = setup.json();
    expect(uri).toMatch(/^otpauth:\/\/totp\//);
    expect(uri).toContain(`secret=${secret}`);
    const wrongChallenge = await api(null).post('/auth/two-factor/enrol/confirm', { challenge: 'x', code: totpCodeAt(secret, Date.now()) });
    expect(wrongChallenge.statusCode).toBe(401);
    const second = await passwordStep(member, 'two_factor_enrolment_required');
    await api(null).post('/auth/two-factor/enrol', { challenge: second }); // a new secret: the latest setup counts
    const fresh = (await api(null).post('/auth/two-factor/enrol', { challenge: second })).json().secret as string;
    expect(fresh).not.toBe(secret);
    const done = await api(null).post('/auth/two-factor/enrol/confirm', { challenge: second, code: totpCodeAt(fresh, Date.now()) });
    expect(done.statusCode, done.body).toBe(200);
    expect(done.json().recoveryCodes).toHaveLength(10);
    expect(done.json().session.member.id).toBe(member.memberId);
    // From now on the password asks for a code, and the code cannot be switched off while required.
    await passwordStep(member);
    const off = await api(member).post('/me/two-factor/disable', { code: totpCodeAt(fresh, Date.now() + 30_000) });
    expect(off.statusCode).toBe(409);
    expect(off.json().code).toBe('two_factor_required');
  });
});

async function countRows(table: string, workspaceId: string) {
  const [row] = await (await testDatabase()).query<{ n: number }>(`select count(*)::int as n from ${table} where workspace_id = $1`, [
    workspaceId,
  ]);
  return Number(row.n);
}

describe('new recovery codes', () => {
  it('replaces the old codes, which stop working, given a current code', async () => {
    const s = await signUp();
    const { secret, recoveryCodes: old } = await enableTwoFactor(s);
    const wrong = await api(s).post('/me/two-factor/recovery-codes', {
      code: '000000' === totpCodeAt(secret, Date.now()) ? '111111' : '000000',
    });
    expect(wrong.statusCode).toBe(422);
    const r = await api(s).post('/me/two-factor/recovery-codes', { code: totpCodeAt(secret, Date.now() + 30_000) });
    expect(r.statusCode, r.body).toBe(200);
    const fresh = r.json().recoveryCodes as string[];
    expect(fresh).toHaveLength(10);
    expect(fresh).not.toContain(old[0]);
    const stale = await api(null).post('/auth/two-factor', { challenge: await passwordStep(s), code: old[0] });
    expect(stale.statusCode).toBe(422);
    const ok = await api(null).post('/auth/two-factor', { challenge: await passwordStep(s), code: fresh[0] });
    expect(ok.statusCode, ok.body).toBe(200);
    const [row] = await (await testDatabase()).query<{ n: number }>(
      `select count(*)::int as n from record_history where workspace_id = $1 and record_id = $2 and field = 'recoveryCodes'`,
      [s.workspaceId, s.memberId],
    );
    expect(row.n).toBe(1);
  });
});

describe("an admin resets a member's two-factor", () => {
  it('turns it off, ends their sessions, lets the password alone sign in, and records who did it', async () => {
    const owner = await signUp();
    const admin = await addMember(owner, 'admin');
    const m = await addMember(owner, 'member');
    await enableTwoFactor(m);
    await passwordStep(m);
    const r = await api(admin).post(`/members/${m.memberId}/two-factor/reset`);
    expect(r.statusCode, r.body).toBe(204);
    expect((await api(m).get('/auth/session')).statusCode).toBe(401);
    const login = await api(null).post('/auth/login', { email: m.email, password: m.password });
    expect(login.statusCode, login.body).toBe(200);
    const [row] = await (await testDatabase()).query<{ actor_id: string; new_value: unknown }>(
      `select actor_id from record_history where workspace_id = $1 and record_id = $2 and field = 'twoFactor' order by at desc limit 1`,
      [owner.workspaceId, m.memberId],
    );
    expect(row.actor_id).toBe(admin.memberId);
    // Nothing left to reset.
    expect((await api(admin).post(`/members/${m.memberId}/two-factor/reset`)).statusCode).toBe(409);
  });

  it("leaves an owner's or admin's two-factor to owners, and refuses members", async () => {
    const owner = await signUp();
    const admin = await addMember(owner, 'admin');
    const other = await addMember(owner, 'admin', 'Other admin');
    await enableTwoFactor(other);
    expect((await api(admin).post(`/members/${other.memberId}/two-factor/reset`)).statusCode).toBe(403);
    const member = await addMember(owner, 'member');
    expect((await api(member).post(`/members/${other.memberId}/two-factor/reset`)).statusCode).toBe(403);
    expect((await api(owner).post(`/members/${other.memberId}/two-factor/reset`)).statusCode).toBe(204);
  });
});
