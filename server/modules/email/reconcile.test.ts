import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Mailbox } from '../../../contract/email.ts';
import type { RunningJob } from '../../jobs/define.ts';
import { api, type Session, signUp, testApp, testDatabase } from '../../test/harness.ts';
import { type MailServers, rawMessage, startMailServers } from './mail-servers.fixture.ts';
import { connect, contact, emailTimeline, mid, q, synced, syncNow } from './mailbox.fixture.ts';
import { type ReconcileResult, reconcileMailbox } from './reconcile.ts';
import { alertStaleMailboxes } from './stale.ts';

// Reconciliation against the real Dovecot: rows lost behind the sync's back come back exactly
// once, messages deleted on the server are marked, and the mailbox's health says what was found.
// And the stale alert: the owner is told once per stale period.

let servers: MailServers;
beforeAll(async () => {
  await testApp();
  servers = await startMailServers();
}, 60_000);
afterAll(() => servers?.stop());

let n = 0;
const user = (what: string) => servers.addUser(`${what}${Date.now().toString(36)}${++n}`);

async function reconcile(s: Session, mailboxId: string) {
  const database = await testDatabase();
  const job: RunningJob<{ mailboxId: string }> = {
    id: 'test',
    input: { mailboxId },
    workspaceId: s.workspaceId,
    attempt: 1,
    maxAttempts: 3,
    db: database.db,
    database,
    signal: new AbortController().signal,
    progress: async () => {},
    log: { info() {}, warn() {}, error() {} },
  };
  return (await reconcileMailbox(job)) as ReconcileResult;
}

/** Emails per Message-ID of this workspace (a doubled one shows as 2). */
async function perMessageId(s: Session) {
  const rows = await q<{ message_id: string; n: number }>(
    'select message_id, count(*)::int as n from email_messages where workspace_id = $1 group by message_id',
    [s.workspaceId],
  );
  return Object.fromEntries(rows.map((r) => [`<${r.message_id}>`, r.n]));
}

describe('reconciliation', () => {
  it('fetches what was lost behind the sync’s back exactly once, marks what the server deleted, and reports both', async () => {
    const s = await signUp();
    const u = await user('rec');
    const carla = await contact(s, 'carla@customer.example.test');
    const ids = Array.from({ length: 6 }, (_, i) => mid(`rec${i}`));
    for (const [i, id] of ids.entries()) {
      await servers.append(
        u,
        'INBOX',
        rawMessage({ from: 'carla@customer.example.test', to: u.address, subject: `Message ${i}`, messageId: id }),
      );
    }
    const mb = await connect(s, servers, u);
    await synced(s, mb.id);
    const clean = await reconcile(s, mb.id);
    expect(clean).toMatchObject({ missing: 0, repaired: 0, vanished: 0, folders: { INBOX: { server: 6, missing: 0 } } });

    // Behind its back: two placements and one whole email (and its activity) go; one message is deleted on the server.
    const bare = (id: string) => id.slice(1, -1);
    await q(
      `delete from mailbox_messages where workspace_id = $1 and email_id in
        (select id from email_messages where workspace_id = $1 and message_id = any($2::text[]))`,
      [s.workspaceId, [bare(ids[0]), bare(ids[1])]],
    );
    const [lost] = await q<{ id: string; activity_id: string }>(
      'select id, activity_id from email_messages where workspace_id = $1 and message_id = $2',
      [s.workspaceId, bare(ids[2])],
    );
    await q('delete from email_messages where workspace_id = $1 and id = $2', [s.workspaceId, lost.id]);
    await q('delete from activities where workspace_id = $1 and id = $2', [s.workspaceId, lost.activity_id]);
    const c = await servers.client(u);
    try {
      await c.mailboxOpen('INBOX');
      const [doomed] = (await c.search({ header: { 'message-id': ids[5] } }, { uid: true })) || [];
      await c.messageDelete(String(doomed), { uid: true });
    } finally {
      await c.logout();
    }

    const r = await reconcile(s, mb.id);
    expect(r).toMatchObject({ missing: 3, repaired: 3, vanished: 1, skipped: 0 });
    const health = (await api(s).get(`/mailboxes/${mb.id}`)).json() as Mailbox;
    expect(health.health.reconciliation).toMatchObject({ missing: 3, repaired: 3, vanished: 1, note: null });
    expect(health.health.messages).toBe(5);

    // Every message the server holds is stored once, and on the timeline once.
    const listing = await servers.listing(u, 'INBOX');
    expect(listing.messageIds.sort()).toEqual(ids.slice(0, 5).sort());
    const stored = await perMessageId(s);
    for (const id of ids) expect(stored[id]).toBe(1);
    const subjects = (await emailTimeline(s, `/contacts/${carla}`)).map((a) => a.subject).sort();
    expect(subjects).toEqual(['Message 0', 'Message 1', 'Message 2', 'Message 3', 'Message 4', 'Message 5']);

    // Nothing left to find, and the next sync fetches nothing again.
    expect(await reconcile(s, mb.id)).toMatchObject({ missing: 0, repaired: 0, vanished: 0 });
    const after = await syncNow(s, mb.id);
    expect(after.health.messages).toBe(5);
    expect(await perMessageId(s)).toEqual(stored);
  });

  it('says in words when it cannot reach the server, and queues on request', async () => {
    const s = await signUp();
    const u = await user('recdown');
    const mb = await connect(s, servers, u);
    await synced(s, mb.id);
    await servers.append(u, 'INBOX', rawMessage({ from: 'x@customer.example.test', to: u.address, subject: 'One', messageId: mid('one') }));
    await syncNow(s, mb.id);
    await q('update mailboxes set imap_port = 1 where workspace_id = $1 and id = $2', [s.workspaceId, mb.id]);
    await reconcile(s, mb.id);
    const health = (await api(s).get(`/mailboxes/${mb.id}`)).json() as Mailbox;
    expect(health.health.reconciliation?.note).toBe('reconciliation failed: cannot reach 127.0.0.1:1: the connection was refused');
    const queued = await api(s).post(`/mailboxes/${mb.id}/reconcile`, {});
    expect(queued.statusCode, queued.body).toBe(202);
    const other = await signUp();
    expect((await api(other).post(`/mailboxes/${mb.id}/reconcile`, {})).statusCode).toBe(404);
  });
});

describe('QRESYNC', () => {
  it('marks messages deleted on the server at the next sync (VANISHED), and doubles nothing later', async () => {
    const s = await signUp();
    const u = await user('qres');
    const ids = [mid('q0'), mid('q1'), mid('q2')];
    for (const [i, id] of ids.entries()) {
      await servers.append(
        u,
        'INBOX',
        rawMessage({ from: 'carla@customer.example.test', to: u.address, subject: `Q ${i}`, messageId: id }),
      );
    }
    const mb = await connect(s, servers, u);
    expect((await synced(s, mb.id)).health.messages).toBe(3);
    const c = await servers.client(u);
    try {
      await c.mailboxOpen('INBOX');
      const [doomed] = (await c.search({ header: { 'message-id': ids[1] } }, { uid: true })) || [];
      await c.messageDelete(String(doomed), { uid: true });
    } finally {
      await c.logout();
    }
    const after = await syncNow(s, mb.id);
    expect(after.health.messages).toBe(2);
    const marked = await q<{ message_id: string }>(
      `select e.message_id from mailbox_messages m join email_messages e on e.workspace_id = m.workspace_id and e.id = m.email_id
        where m.workspace_id = $1 and m.mailbox_id = $2 and m.vanished_at is not null`,
      [s.workspaceId, mb.id],
    );
    expect(marked.map((r) => `<${r.message_id}>`)).toEqual([ids[1]]);
    await servers.append(
      u,
      'INBOX',
      rawMessage({ from: 'carla@customer.example.test', to: u.address, subject: 'Q 3', messageId: mid('q3') }),
    );
    expect((await syncNow(s, mb.id)).health.messages).toBe(3);
    expect(Object.values(await perMessageId(s))).toEqual([1, 1, 1, 1]);
    // The reconciliation agrees: nothing missing, nothing more vanished.
    expect(await reconcile(s, mb.id)).toMatchObject({ missing: 0, vanished: 0 });
  });
});

describe('stale alert', () => {
  it('tells the owner once per stale period, and again after a success goes stale', async () => {
    const s = await signUp();
    const u = await user('stale');
    const mb = await connect(s, servers, u, { staleAfterMinutes: 60 });
    expect(mb.staleAfterMinutes).toBe(60);
    await synced(s, mb.id);
    const db = (await testDatabase()).db;
    const notices = async () =>
      ((await api(s).get('/notifications')).json().data as { title: string; body: string | null }[]).filter((x) =>
        x.title.startsWith(`Mailbox “${mb.name}”`),
      );
    await alertStaleMailboxes(db);
    expect(await notices()).toEqual([]);
    expect(((await api(s).get(`/mailboxes/${mb.id}`)).json() as Mailbox).health.stale).toBe(false);

    // Four hours without a success, the last try refused.
    await q(
      `update mailboxes set last_success_at = now() - interval '4 hours', last_error = 'password rejected by the server (127.0.0.1)'
        where workspace_id = $1 and id = $2`,
      [s.workspaceId, mb.id],
    );
    expect(((await api(s).get(`/mailboxes/${mb.id}`)).json() as Mailbox).health.stale).toBe(true);
    await alertStaleMailboxes(db);
    await alertStaleMailboxes(db);
    const once = await notices();
    expect(once).toHaveLength(1);
    expect(once[0].title).toMatch(/^Mailbox “.*” has not synced since \d{4}-\d\d-\d\d \d\d:\d\d UTC$/);
    expect(once[0].body).toBe('Last error: password rejected by the server (127.0.0.1)');

    // A success after the notice, then stale again: a new period, a new notice.
    await q(
      `update mailboxes set stale_notified_at = now() - interval '3 hours', last_success_at = now() - interval '2 hours'
        where workspace_id = $1 and id = $2`,
      [s.workspaceId, mb.id],
    );
    await alertStaleMailboxes(db);
    expect(await notices()).toHaveLength(2);
    // A colleague is not told about someone else's mailbox.
    const { addMember } = await import('../../test/harness.ts');
    const colleague = await addMember(s, 'member');
    expect(((await api(colleague).get('/notifications')).json().data as unknown[]).length).toBe(0);
  });
});
