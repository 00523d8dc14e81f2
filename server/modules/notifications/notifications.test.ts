import { beforeAll, describe, expect, it } from 'vitest';
import type { Ctx } from '../../http/context.ts';
import { addMember, api, type Session, signUp, testApp, testDatabase } from '../../test/harness.ts';
import { notify, notifyAdmins } from './notifications.service.ts';

// Each member reads and marks only their own notices.

const ctxOf = (s: Session): Ctx => ({
  workspaceId: s.workspaceId,
  memberId: s.memberId,
  actor: { type: 'system', id: null },
  role: 'owner',
  requestId: null,
});

// The app (and its worker) start once, before the first test's clock runs.
beforeAll(() => testApp());

describe('notifications', () => {
  it('lists, counts and marks read only the signed-in member’s own notices', async () => {
    const s = await signUp();
    const other = await addMember(s, 'read-only');
    const { db } = await testDatabase();
    const dealId = '01900000-0000-7000-8000-000000000001';
    const a = await notify(db, ctxOf(s), { memberId: s.memberId, title: 'First', body: 'One', record: { type: 'deal', id: dealId } });
    const b = await notify(db, ctxOf(s), { memberId: s.memberId, title: 'Second' });
    const theirs = await notify(db, ctxOf(s), { memberId: other.memberId, title: 'For the other' });

    const mine = (await api(s).get('/notifications')).json();
    expect(mine.data.map((n: { title: string }) => n.title)).toEqual(['Second', 'First']);
    expect(mine.data[1]).toMatchObject({ recordType: 'deal', recordId: dealId, readAt: null, body: 'One' });
    expect((await api(s).get('/notifications/unread-count')).json()).toEqual({ count: 2 });
    const page = (await api(s).get('/notifications?limit=1')).json();
    expect(page.data.map((n: { id: string }) => n.id)).toEqual([b.id]);
    expect((await api(s).get(`/notifications?limit=1&cursor=${page.nextCursor}`)).json().data.map((n: { id: string }) => n.id)).toEqual([
      a.id,
    ]);

    expect((await api(s).post(`/notifications/${theirs.id}/read`)).statusCode).toBe(404);
    const read = await api(s).post(`/notifications/${a.id}/read`);
    expect(read.statusCode).toBe(200);
    expect(read.json().readAt).not.toBeNull();
    expect((await api(s).get('/notifications?unread=true')).json().data.map((n: { id: string }) => n.id)).toEqual([b.id]);
    expect((await api(s).post('/notifications/read-all')).json()).toEqual({ marked: 1 });
    expect((await api(s).get('/notifications/unread-count')).json()).toEqual({ count: 0 });
    // The other member's notice is untouched, and theirs alone is what they see.
    expect(
      (await api(other).get('/notifications')).json().data.map((n: { title: string; readAt: unknown }) => [n.title, n.readAt]),
    ).toEqual([['For the other', null]]);

    const events = await (await testDatabase()).query<{ record_id: string }>(
      `select record_id from domain_events where workspace_id = $1 and type = 'notification.created' order by seq`,
      [s.workspaceId],
    );
    expect(events.map((e) => e.record_id)).toEqual([a.id, b.id, theirs.id]);
  });

  it('tells every admin and the owner, and no one else', async () => {
    const s = await signUp();
    const admin = await addMember(s, 'admin');
    const member = await addMember(s, 'member');
    const { db } = await testDatabase();
    expect(await notifyAdmins(db, ctxOf(s), { title: 'Heads up' })).toBe(2);
    for (const who of [s, admin]) expect((await api(who).get('/notifications/unread-count')).json().count).toBe(1);
    expect((await api(member).get('/notifications/unread-count')).json().count).toBe(0);
  });
});
