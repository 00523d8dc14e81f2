import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Worker } from '../../jobs/worker.ts';
import { type Session, signUp, testApp, testConfig, testDatabase } from '../../test/harness.ts';
import { serviceDefs } from '../services.ts';
import { MailboxWatchers } from './idle.ts';
import { type MailServers, rawMessage, startMailServers } from './mail-servers.fixture.ts';
import { connect, mid, q, synced } from './mailbox.fixture.ts';

// IMAP IDLE against a real Dovecot: a new message is stored within a couple of seconds, long before
// the next poll (minutes away); one worker watches a mailbox however many run; a stopped worker's
// connection closes and its lease goes to another; a restarted server is reconnected to.
// The in-process worker of the test app runs the syncs; the watchers here are the "workers" IDLE-ing.

const quiet = { info() {}, warn() {}, error() {} };
const fast = { scanMs: 300, leaseMs: 3000, backoffMs: 200, maxBackoffMs: 1000 };

let servers: MailServers;
const started: MailboxWatchers[] = [];
beforeAll(async () => {
  await testApp();
  servers = await startMailServers();
}, 60_000);
afterAll(async () => {
  await Promise.all(started.map((w) => w.stop()));
  await servers?.stop();
});

async function watchers(name: string) {
  const w = new MailboxWatchers(await testDatabase(), name, quiet, fast);
  started.push(w);
  await w.start();
  return w;
}

async function until<T>(what: string, check: () => Promise<T | undefined | false> | T | undefined | false, ms = 10_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await check();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const stored = async (s: Session, messageId: string) =>
  (
    await q<{ n: number }>('select count(*)::int as n from email_messages where workspace_id = $1 and message_id = $2', [
      s.workspaceId,
      messageId.replace(/^<|>$/g, ''),
    ])
  )[0]?.n ?? 0;

describe('IMAP IDLE watchers', () => {
  it('store a new message at once, one worker per mailbox, released on stop and taken over', async () => {
    const s = await signUp();
    const u = await servers.addUser(`idle${Date.now()}`);
    const mb = await connect(s, servers, u);
    await synced(s, mb.id);
    // The next poll an hour away: what arrives below within seconds came by IDLE.
    await q(`update mailboxes set next_sync_at = now() + interval '1 hour' where workspace_id = $1 and id = $2`, [s.workspaceId, mb.id]);

    const a = await watchers('worker-a');
    const b = await watchers('worker-b');
    const watcher = await until('a connected watcher', () => {
      const w = a.watcher(mb.id) ?? b.watcher(mb.id);
      return w?.connected && w;
    });
    // Exactly one of the two workers holds the mailbox, and its row says which.
    expect([...a.watching, ...b.watching].filter((id) => id === mb.id)).toHaveLength(1);
    const holder = a.watcher(mb.id) ? a : b;
    const other = holder === a ? b : a;
    const [lease] = await q<{ idle_by: string }>('select idle_by from mailboxes where workspace_id = $1 and id = $2', [
      s.workspaceId,
      mb.id,
    ]);
    expect(lease?.idle_by).toBe(holder === a ? 'worker-a' : 'worker-b');

    const first = mid('idle-first');
    const t0 = Date.now();
    await servers.append(
      u,
      'INBOX',
      rawMessage({ from: 'Carla <carla@customer.example.test>', to: u.address, subject: 'Via IDLE', messageId: first, text: 'hi' }),
    );
    await until('the message stored', async () => (await stored(s, first)) === 1, 5000);
    expect(Date.now() - t0).toBeLessThan(3000);

    // The holder stops: its IDLE connection closes and its lease is given up; the other worker takes the mailbox.
    await holder.stop();
    expect(watcher.connected).toBe(false);
    expect(holder.watching).toEqual([]);
    const took = await until('the other worker watching', () => {
      const w = other.watcher(mb.id);
      return w?.connected && w;
    });
    const second = mid('idle-second');
    await servers.append(
      u,
      'INBOX',
      rawMessage({ from: 'Carla <carla@customer.example.test>', to: u.address, subject: 'Via IDLE again', messageId: second, text: 'hi' }),
    );
    await until('the second message stored', async () => (await stored(s, second)) === 1, 5000);

    // Dovecot restarts: the watcher reconnects (backoff) and IDLEs again; what arrives next is stored at once.
    expect(took.connections).toBe(1);
    await servers.restartImap();
    await until('a reconnect', () => took.connections === 2 && took.connected, 15_000);
    const third = mid('idle-third');
    const t1 = Date.now();
    await servers.append(
      u,
      'INBOX',
      rawMessage({
        from: 'Carla <carla@customer.example.test>',
        to: u.address,
        subject: 'After the restart',
        messageId: third,
        text: 'hi',
      }),
    );
    await until('the third message stored', async () => (await stored(s, third)) === 1, 5000);
    expect(Date.now() - t1).toBeLessThan(3000);
    // Each exactly once.
    expect([await stored(s, first), await stored(s, second), await stored(s, third)]).toEqual([1, 1, 1]);
    await other.stop();
  }, 60_000);

  it('run in every worker started with the app’s services, and end with worker.stop', async () => {
    const s = await signUp();
    const u = await servers.addUser(`idlew${Date.now()}`);
    const mb = await connect(s, servers, u);
    await synced(s, mb.id);
    // A worker of no jobs, as startWorker makes it (its config turns IDLE on), beside the test app's own.
    const worker = new Worker(await testDatabase(), [], { services: serviceDefs, config: { ...testConfig(), emailIdle: true } });
    await worker.start();
    const [watchers] = worker.services as MailboxWatchers[];
    expect(watchers).toBeInstanceOf(MailboxWatchers);
    const w = await until('the worker watching the mailbox', () => {
      const x = watchers.watcher(mb.id);
      return x?.connected && x;
    });
    const holder = async () =>
      (await q<{ idle_by: string | null }>('select idle_by from mailboxes where workspace_id = $1 and id = $2', [s.workspaceId, mb.id]))[0]
        ?.idle_by;
    expect(await holder()).toBe(worker.id);
    await worker.stop();
    expect(w.connected).toBe(false);
    expect(watchers.watching).toEqual([]);
    expect(await holder()).toBeNull();
    // Off in the config: no watchers at all.
    const off = new Worker(await testDatabase(), [], { services: serviceDefs, config: { ...testConfig(), emailIdle: false } });
    expect(off.services).toEqual([]);
  }, 30_000);
});
