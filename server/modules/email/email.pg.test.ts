import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Database, openDatabase, selectRows } from '../../db/client.ts';
import { systemCtx } from '../../http/context.ts';
import { configureOutbound } from '../../outbound/request.ts';
import { databaseEnv, dbKind, testConfig, uniqueEmail } from '../../test/harness.ts';
import { ownDatabase, stop, workerPool } from '../../test/processes.ts';
import { signUp } from '../auth/auth.service.ts';
import { createContact } from '../contacts/contacts.service.ts';
import { wireRecordEngine } from '../registry.ts';
import { createMailbox } from './email.service.ts';
import { type MailServers, rawMessage, startMailServers } from './mail-servers.fixture.ts';

// A mailbox sync in real `rapport worker` processes, killed with SIGKILL in the middle: the job's
// lease runs out, a second worker takes it over from the last committed batch, and the mailbox ends
// with every message of the server's listing stored exactly once. The workers get a database of
// their own (the test database's name + `_mail`), so no other test's jobs run in them.

wireRecordEngine();
let database: Database;
let url: string;
let servers: MailServers;

const pool = workerPool(() => ({
  ...databaseEnv(url),
  RAPPORT_OUTBOUND_ALLOW: '127.0.0.1',
  // The key the test harness encrypts with: the workers must read the password this process stored.
  RAPPORT_SECRET_KEYS: `test:${Buffer.alloc(32, 7).toString('base64')}`,
  RAPPORT_JOB_LEASE_MS: '1500',
  RAPPORT_JOB_CONCURRENCY: '2',
}));
const worker = () => pool.start();

async function until<T>(read: () => Promise<T>, done: (v: T) => boolean, ms = 90_000, every = 100) {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await read();
    if (done(v)) return v;
    if (Date.now() > deadline) throw new Error(`gave up waiting: ${JSON.stringify(v).slice(0, 600)}`);
    await new Promise((r) => setTimeout(r, every));
  }
}

beforeAll(async () => {
  if (dbKind !== 'postgres') return;
  url = await ownDatabase('mail');
  database = await openDatabase({ databaseUrl: url, poolSize: 4 });
  await database.migrate();
  servers = await startMailServers();
  // Saving the mailbox logs in to the test servers from this process too, as the operator allowed.
  configureOutbound({ allow: '127.0.0.1' });
}, 120_000);

afterAll(async () => {
  await pool.stopAll();
  await database?.close();
  await servers?.stop();
});

describe('mail sync in rapport worker processes', () => {
  it('runs on PostgreSQL (this file is in the postgres project only)', () => expect(dbKind).toBe('postgres'));

  it('finishes the sync of a worker killed mid-sync, every message once', async () => {
    const { workspaceId, memberId } = await signUp(database.db, testConfig(), {
      name: 'Mail Owner',
      email: uniqueEmail('mailprocs'),
      password: 'correct horse battery',
      workspaceName: 'Mail processes',
    });
    const ctx = { ...systemCtx(workspaceId, memberId), actor: { type: 'member' as const, id: memberId } };
    // A contact in every message: each stored message also writes an activity, which makes a batch take a while.
    await database.db.transaction((tx) =>
      createContact(tx, ctx, { firstName: 'Bulk', emails: [{ value: 'bulk@customer.example.test', label: 'work' }] }),
    );
    const u = await servers.addUser(`procs${Date.now()}`);
    const total = 400;
    const c = await servers.client(u);
    for (let i = 0; i < total; i++) {
      await c.append(
        'INBOX',
        rawMessage({
          from: 'bulk@customer.example.test',
          to: u.address,
          subject: `bulk ${i}`,
          messageId: `<p${i}.${Date.now()}@customer.example.test>`,
          text: `message ${i}`,
        }),
      );
    }
    await c.logout();

    const a = worker();
    const mb = await database.db.transaction((tx) => createMailbox(tx, ctx, servers.mailboxBody(u, { name: 'Procs' })));
    const stored = () =>
      selectRows<{ n: number }>(database.db, sql`select count(*)::int as n from mailbox_messages where workspace_id = ${workspaceId}`).then(
        (r) => Number(r[0].n),
      );
    // Killed once its first batches are committed, long before the last.
    const before = await until(stored, (n) => n > 0, 90_000, 20);
    await stop(a, 'SIGKILL');
    const atKill = await stored();
    expect(before).toBeGreaterThan(0);
    expect(atKill).toBeLessThan(total);

    worker();
    const done = await until(
      () =>
        selectRows<{ n: number; ok: boolean }>(
          database.db,
          sql`select (select count(*)::int from mailbox_messages where workspace_id = ${workspaceId}) as n,
        (last_success_at is not null) as ok from mailboxes where workspace_id = ${workspaceId} and id = ${mb.id}`,
        ),
      (r) => r[0].ok && Number(r[0].n) === total,
      // The sync's lease is a minute (email.jobs.ts): the second worker takes it over up to 60 s after
      // the kill, then fetches the rest; 90 s was too short on a busy machine (stuck at the killed
      // worker's 200).
      180_000,
    );
    expect(Number(done[0].n)).toBe(total);
    const emails = await selectRows<{ message_id: string; n: number }>(
      database.db,
      sql`select message_id, count(*)::int as n from email_messages where workspace_id = ${workspaceId} group by message_id`,
    );
    expect(emails.every((e) => Number(e.n) === 1)).toBe(true);
    const listing = await servers.listing(u, 'INBOX');
    expect(emails.map((e) => e.message_id).sort()).toEqual(listing.messageIds.map((m) => m.replace(/^<|>$/g, '')).sort());
    // One activity per email, none doubled by the second worker.
    const activities = await selectRows<{ n: number }>(
      database.db,
      sql`select count(*)::int as n from activities where workspace_id = ${workspaceId} and type = 'email' and deleted_at is null`,
    );
    expect(Number(activities[0].n)).toBe(total);
  }, 330_000);
});
