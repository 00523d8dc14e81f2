import { describe, expect, it } from 'vitest';
import { addMember, api, signUp, testDatabase } from '../../test/harness.ts';
import { secondSession } from './sessions.samples.ts';
import { describeDevice } from './sessions.service.ts';

const chromeLinux = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';
const safariIphone =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1';

describe('devices', () => {
  it('names the browser and system of a user agent, and says so when it cannot', () => {
    expect(describeDevice(chromeLinux)).toBe('Chrome on Linux');
    expect(describeDevice(safariIphone)).toBe('Safari on iOS');
    expect(describeDevice(null)).toBe('Unknown device');
    expect(describeDevice('')).toBe('Unknown device');
  });
});

describe('my sessions', () => {
  it('lists where I am signed in, device and IP, the current one marked', async () => {
    const s = await signUp();
    const other = await secondSession(s);
    const list = await api(s).get('/me/sessions', { 'user-agent': chromeLinux });
    expect(list.statusCode).toBe(200);
    const data = list.json().data as { id: string; current: boolean; device: string; ip: string; lastSeenAt: string }[];
    expect(data).toHaveLength(2);
    expect(data.filter((x) => x.current)).toHaveLength(1);
    expect(data.find((x) => x.id === other.id)?.current).toBe(false);
    expect(data[0].ip).toBe('127.0.0.1');
    expect(data[0].lastSeenAt).toMatch(/^\d{4}-/);
  });

  it('ends a revoked session at its next request, and leaves mine alone', async () => {
    const s = await signUp();
    const other = await secondSession(s);
    expect((await api(other.session).get('/auth/session')).statusCode).toBe(200);
    expect((await api(s).delete(`/me/sessions/${other.id}`)).statusCode).toBe(204);
    expect((await api(other.session).get('/auth/session')).statusCode).toBe(401);
    expect((await api(s).get('/auth/session')).statusCode).toBe(200);
    // A session gone, or another member's, is not found.
    expect((await api(s).delete(`/me/sessions/${other.id}`)).statusCode).toBe(404);
    const colleague = await addMember(s, 'member');
    const theirs = await secondSession(colleague);
    expect((await api(s).delete(`/me/sessions/${theirs.id}`)).statusCode).toBe(404);
    expect((await api(theirs.session).get('/auth/session')).statusCode).toBe(200);
  });

  it('signs out everywhere else, and writes it to the member history', async () => {
    const s = await signUp();
    const a = await secondSession(s);
    const b = await secondSession(s);
    const r = await api(s).post('/me/sessions/revoke-others');
    expect(r.json()).toEqual({ revoked: 2 });
    expect((await api(a.session).get('/auth/session')).statusCode).toBe(401);
    expect((await api(b.session).get('/auth/session')).statusCode).toBe(401);
    expect((await api(s).get('/me/sessions')).json().data).toHaveLength(1);
    const [row] = await (await testDatabase()).query<{ n: number }>(
      `select count(*)::int as n from record_history where workspace_id = $1 and record_type = 'member' and field = 'sessions'`,
      [s.workspaceId],
    );
    expect(row.n).toBe(1);
  });

  it('is not for API keys', async () => {
    const s = await signUp();
    const { key } = (await api(s).post('/api-keys', { name: 'k', role: 'member' })).json();
    expect((await api(null).get('/me/sessions', { authorization: `Bearer ${key}` })).statusCode).toBe(403);
  });

  it('leaves idle sessions out', async () => {
    const s = await signUp();
    const other = await secondSession(s);
    await (await testDatabase()).query(
      `update sessions set last_seen_at = now() - interval '31 minutes' where workspace_id = $1 and id = $2`,
      [s.workspaceId, other.id],
    );
    expect((await api(s).get('/me/sessions')).json().data.map((x: { id: string }) => x.id)).not.toContain(other.id);
  });
});

describe("an admin and members' sessions", () => {
  it("lists and ends a member's session", async () => {
    const owner = await signUp();
    const admin = await addMember(owner, 'admin');
    const m = await addMember(owner, 'member');
    const list = (await api(admin).get(`/members/${m.memberId}/sessions`)).json().data as { id: string }[];
    expect(list).toHaveLength(1);
    expect((await api(admin).delete(`/members/${m.memberId}/sessions/${list[0].id}`)).statusCode).toBe(204);
    expect((await api(m).get('/auth/session')).statusCode).toBe(401);
    const [row] = await (await testDatabase()).query<{ actor_id: string }>(
      `select actor_id from record_history where workspace_id = $1 and record_id = $2 and field = 'session'`,
      [owner.workspaceId, m.memberId],
    );
    expect(row.actor_id).toBe(admin.memberId);
  });

  it("leaves an owner's sessions to owners", async () => {
    const owner = await signUp();
    const admin = await addMember(owner, 'admin');
    const [mine] = (await api(admin).get(`/members/${owner.memberId}/sessions`)).json().data as { id: string }[];
    expect((await api(admin).delete(`/members/${owner.memberId}/sessions/${mine.id}`)).statusCode).toBe(403);
    expect((await api(owner).get('/auth/session')).statusCode).toBe(200);
  });

  it('answers 404 for a session of another member under this one', async () => {
    const owner = await signUp();
    const a = await addMember(owner, 'member');
    const b = await addMember(owner, 'member');
    const [theirs] = (await api(owner).get(`/members/${b.memberId}/sessions`)).json().data as { id: string }[];
    expect((await api(owner).delete(`/members/${a.memberId}/sessions/${theirs.id}`)).statusCode).toBe(404);
    expect((await api(b).get('/auth/session')).statusCode).toBe(200);
  });
});
