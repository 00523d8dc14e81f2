import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Mailbox } from '../../../contract/email.ts';
import type { RunningJob } from '../../jobs/define.ts';
import { api, type Session, signUp, testApp, testDatabase } from '../../test/harness.ts';
import { type MailServers, type MailUser, rawMessage, startMailServers } from './mail-servers.fixture.ts';
import { BATCH, syncMailbox } from './sync.ts';

// Sync against a real Dovecot (started by the fixture, loopback allowed by the test harness as an
// operator would with RAPPORT_OUTBOUND_ALLOW). Every check of "exactly once" compares what Rapport
// stored with the server's own listing.

let servers: MailServers;
beforeAll(async () => {
  await testApp();
  servers = await startMailServers();
}, 60_000);
afterAll(() => servers?.stop());

let seq = 0;
const mid = (what: string) => `<${what}.${Date.now()}.${++seq}@customer.example.test>`;

const mailboxBody = (u: MailUser, extra: Record<string, unknown> = {}) => servers.mailboxBody(u, extra);

async function contact(s: Session, email: string, name = 'Carla Customer') {
  const [firstName, lastName] = name.split(' ');
  const r = await api(s).post('/contacts', { firstName, lastName, emails: [{ value: email, label: 'work' }] });
  expect(r.statusCode, r.body).toBe(201);
  return r.json().id as string;
}

async function connect(s: Session, u: MailUser, extra: Record<string, unknown> = {}) {
  const r = await api(s).post('/mailboxes', mailboxBody(u, extra));
  expect(r.statusCode, r.body).toBe(201);
  return r.json() as Mailbox;
}

/** Waits for the in-process worker to finish the mailbox's sync (state leaves `syncing`). */
async function synced(s: Session, id: string, after = 0): Promise<Mailbox> {
  for (let i = 0; i < 200; i++) {
    const mb = (await api(s).get(`/mailboxes/${id}`)).json() as Mailbox;
    const at = mb.health.lastAttemptAt ? Date.parse(mb.health.lastAttemptAt) : 0;
    if (mb.health.state !== 'syncing' && mb.health.state !== 'waiting' && at >= after) return mb;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('the sync did not finish');
}

async function syncNow(s: Session, id: string) {
  const before = Date.now() - 5;
  const r = await api(s).post(`/mailboxes/${id}/sync`, {});
  expect(r.statusCode, r.body).toBe(202);
  return synced(s, id, before);
}

const q = async <T = Record<string, unknown>>(text: string, params: unknown[]) => (await testDatabase()).query<T>(text, params);

/** Emails stored in the workspace per Message-ID (so a doubled one shows as 2). */
async function storedIds(s: Session) {
  const rows = await q<{ message_id: string; n: number }>(
    'select message_id, count(*)::int as n from email_messages where workspace_id = $1 group by message_id',
    [s.workspaceId],
  );
  return Object.fromEntries(rows.map((r) => [r.message_id, r.n]));
}

const bare = (id: string) => id.replace(/^<|>$/g, '');

async function timeline(s: Session, contactId: string) {
  const r = await api(s).get(`/contacts/${contactId}/timeline`);
  expect(r.statusCode, r.body).toBe(200);
  return (r.json().data as { id: string; type: string; subject: string; body: string; outcome: string }[]).filter(
    (a) => a.type === 'email',
  );
}

describe('connecting a mailbox', () => {
  it('says in words when the password is wrong or the server cannot be reached, and saves nothing', async () => {
    const s = await signUp();
    const u = await servers.addUser(`wrong${++seq}`);
    const bad = await api(s).post('/mailboxes', mailboxBody(u, { password: 'not the password' }));
    expect(bad.statusCode, bad.body).toBe(422);
    expect(bad.headers['content-type']).toContain('application/problem+json');
    expect(bad.json().errors).toEqual([
      expect.objectContaining({ field: 'body.password', message: 'password rejected by the server (127.0.0.1)' }),
    ]);

    const closed = await api(s).post('/mailboxes', mailboxBody(u, { imapPort: 1 }));
    expect(closed.statusCode, closed.body).toBe(422);
    expect(closed.json().errors[0]).toMatchObject({
      field: 'body.imapHost',
      message: 'cannot reach 127.0.0.1:1: the connection was refused',
    });

    const smtpDown = await api(s).post('/mailboxes', mailboxBody(u, { smtpPort: 1 }));
    expect(smtpDown.json().errors[0]).toMatchObject({
      field: 'body.smtpHost',
      message: expect.stringMatching(/^cannot reach 127\.0\.0\.1:1/),
    });

    // A public host without TLS is refused before any connection: the password would cross the internet in clear.
    const clear = await api(s).post('/mailboxes', mailboxBody(u, { imapHost: '93.184.215.14' }));
    expect(clear.json().errors[0]).toMatchObject({ field: 'body.imapHost', message: expect.stringMatching(/TLS or STARTTLS/) });
    expect((await api(s).get('/mailboxes')).json().data).toEqual([]);
  });

  it('refuses private addresses the operator did not allow, through the outbound guard', async () => {
    const s = await signUp();
    const u = await servers.addUser(`priv${++seq}`);
    const r = await api(s).post('/mailboxes', mailboxBody(u, { imapHost: '10.1.2.3', imapTls: 'tls' }));
    expect(r.statusCode).toBe(422);
    expect(r.json().errors[0]).toMatchObject({
      field: 'body.imapHost',
      message: expect.stringMatching(/10\.1\.2\.3 is a private address.*RAPPORT_OUTBOUND_ALLOW/),
    });
  });

  it('stores the password encrypted and never returns it; a shared mailbox needs an admin', async () => {
    const s = await signUp();
    const u = await servers.addUser(`secret${++seq}`);
    const mb = await connect(s, u);
    const rows = await q<{ secret: string }>('select secret from mailboxes where workspace_id = $1 and id = $2', [s.workspaceId, mb.id]);
    expect(rows[0].secret).toMatch(/^v1:test:/);
    expect(rows[0].secret).not.toContain(u.password);
    for (const body of [JSON.stringify(mb), (await api(s).get('/mailboxes')).body, (await api(s).get(`/mailboxes/${mb.id}`)).body]) {
      expect(body).not.toContain(u.password);
      expect(body).not.toContain(rows[0].secret);
    }
    const { addMember } = await import('../../test/harness.ts');
    const member = await addMember(s, 'member');
    const shared = await api(member).post('/mailboxes', mailboxBody(u, { shared: true }));
    expect(shared.statusCode).toBe(403);
    // The owner's personal mailbox is not the member's to see.
    expect((await api(member).get(`/mailboxes/${mb.id}`)).statusCode).toBe(404);
    await synced(s, mb.id);
  });
});

describe('syncing', () => {
  it('reads the last N days of INBOX and Sent, matches contacts, and puts emails on their timelines once', async () => {
    const s = await signUp();
    const u = await servers.addUser(`sync${++seq}`);
    const carla = await contact(s, 'carla@customer.example.test');
    const ids = { hello: mid('hello'), old: mid('old'), reply: mid('reply'), stranger: mid('stranger') };
    await servers.append(
      u,
      'INBOX',
      rawMessage({
        from: 'Carla <carla@customer.example.test>',
        to: u.address,
        subject: 'Hello from Carla',
        messageId: ids.hello,
        text: 'Can we talk about the offer?',
      }),
    );
    const oldDate = new Date(Date.now() - 60 * 86_400_000);
    await servers.append(
      u,
      'INBOX',
      rawMessage({
        from: 'carla@customer.example.test',
        to: u.address,
        subject: 'Old news',
        messageId: ids.old,
        date: oldDate,
        text: 'old',
      }),
      oldDate,
    );
    await servers.append(
      u,
      'INBOX',
      rawMessage({ from: 'nobody@elsewhere.example.test', to: u.address, subject: 'Unknown', messageId: ids.stranger, text: 'x' }),
    );
    await servers.append(
      u,
      'Sent',
      rawMessage({
        from: u.address,
        to: 'carla@customer.example.test',
        subject: 'Re: Hello from Carla',
        messageId: ids.reply,
        inReplyTo: ids.hello,
        text: 'Sure, Monday?',
      }),
    );

    const mb = await synced(s, (await connect(s, u, { syncDays: 30 })).id);
    expect(mb.health).toMatchObject({ state: 'ok', lastError: null, consecutiveFailures: 0, messages: 3 });
    expect(mb.health.lastSuccessAt).not.toBeNull();
    expect(mb.health.folders.map((f) => [f.role, f.messages])).toEqual([
      ['inbox', 2],
      ['sent', 1],
    ]);
    expect(await storedIds(s)).toEqual({ [bare(ids.hello)]: 1, [bare(ids.reply)]: 1, [bare(ids.stranger)]: 1 });

    const emails = await timeline(s, carla);
    expect(emails.map((e) => [e.subject, e.outcome]).sort()).toEqual([
      ['Hello from Carla', 'received'],
      ['Re: Hello from Carla', 'sent'],
    ]);
    const events = await q<{ type: string }>(
      "select type from domain_events where workspace_id = $1 and type like 'email.%' order by type",
      [s.workspaceId],
    );
    expect(events.map((e) => e.type)).toEqual(['email.received', 'email.received', 'email.sent']);

    // The email behind the activity, with its threading headers.
    const activity = emails.find((e) => e.outcome === 'sent') as { id: string };
    const email = (await api(s).get(`/activities/${activity.id}/email`)).json();
    expect(email).toMatchObject({ direction: 'sent', inReplyTo: bare(ids.hello), references: [bare(ids.hello)] });

    // Incremental: one new message, then a poll with nothing new (CONDSTORE: one SELECT per folder).
    const next = mid('next');
    await servers.append(
      u,
      'INBOX',
      rawMessage({ from: 'carla@customer.example.test', to: u.address, subject: 'One more thing', messageId: next, text: 'PS' }),
    );
    const after = await syncNow(s, mb.id);
    expect(after.health.messages).toBe(4);
    expect((await timeline(s, carla)).map((e) => e.subject)).toContain('One more thing');
    const idle = await syncNow(s, mb.id);
    expect(idle.health.messages).toBe(4);
    expect(Object.values(await storedIds(s))).toEqual([1, 1, 1, 1]);
    const listing = await servers.listing(u, 'INBOX');
    // Everything on the server within the window is stored: the server's own listing less the old one.
    expect(
      listing.messageIds
        .filter((m) => m !== ids.old)
        .map(bare)
        .sort(),
    ).toEqual([ids.hello, ids.stranger, next].map(bare).sort());
  });

  it('keeps a message in two members’ mailboxes as one email on the timeline', async () => {
    const s = await signUp();
    const a = await servers.addUser(`two-a${++seq}`);
    const b = await servers.addUser(`two-b${seq}`);
    const carla = await contact(s, 'carla2@customer.example.test');
    const shared = mid('both');
    const raw = rawMessage({
      from: 'carla2@customer.example.test',
      to: `${a.address}, ${b.address}`,
      subject: 'To you both',
      messageId: shared,
      text: 'hi both',
    });
    await servers.append(a, 'INBOX', raw);
    await servers.append(b, 'INBOX', raw);
    const ma = await synced(s, (await connect(s, a)).id);
    const mb = await synced(s, (await connect(s, b)).id);
    expect([ma.health.messages, mb.health.messages]).toEqual([1, 1]);
    expect(await storedIds(s)).toEqual({ [bare(shared)]: 1 });
    expect((await timeline(s, carla)).map((e) => e.subject)).toEqual(['To you both']);
    const events = await q("select 1 from domain_events where workspace_id = $1 and type = 'email.received'", [s.workspaceId]);
    expect(events).toHaveLength(1);
  });

  it('reads a folder again after a UIDVALIDITY change without doubling anything', async () => {
    const s = await signUp();
    const u = await servers.addUser(`uidv${++seq}`);
    await contact(s, 'carla3@customer.example.test');
    const ids = [mid('v1'), mid('v2')];
    for (const m of ids)
      await servers.append(
        u,
        'INBOX',
        rawMessage({ from: 'carla3@customer.example.test', to: u.address, subject: m, messageId: m, text: m }),
      );
    const first = await synced(s, (await connect(s, u)).id);
    const before = first.health.folders.find((f) => f.role === 'inbox');
    await servers.changeUidValidity(u, 'INBOX');
    const third = mid('v3');
    await servers.append(
      u,
      'INBOX',
      rawMessage({ from: 'carla3@customer.example.test', to: u.address, subject: third, messageId: third, text: 'after' }),
    );
    const after = await syncNow(s, first.id);
    const inbox = after.health.folders.find((f) => f.role === 'inbox');
    expect(inbox?.uidValidity).not.toBe(before?.uidValidity);
    expect(inbox?.uidValidity).toBe((await servers.listing(u, 'INBOX')).uidValidity);
    expect(inbox?.messages).toBe(3);
    expect(await storedIds(s)).toEqual(Object.fromEntries([...ids, third].map((m) => [bare(m), 1])));
    // The old UIDVALIDITY's rows are gone: one place per message.
    const places = await q('select 1 from mailbox_messages where workspace_id = $1', [s.workspaceId]);
    expect(places).toHaveLength(3);
  });

  it('records a rejected password on the mailbox in words and backs off', async () => {
    const s = await signUp();
    const u = await servers.addUser(`later${++seq}`);
    const mb = await synced(s, (await connect(s, u)).id);
    // The password is changed on the server after the mailbox was connected.
    await servers.addUser(u.user, 'changed on the server');
    const failed = await syncNow(s, mb.id);
    expect(failed.health).toMatchObject({
      state: 'failing',
      lastError: 'password rejected by the server (127.0.0.1)',
      consecutiveFailures: 1,
    });
    expect(Date.parse(failed.health.nextSyncAt as string)).toBeGreaterThan(Date.now() + 30_000);
    const again = await syncNow(s, mb.id);
    expect(again.health.consecutiveFailures).toBe(2);
    // Twice the wait after the second failure.
    expect(Date.parse(again.health.nextSyncAt as string)).toBeGreaterThan(Date.now() + 90_000);
    await servers.addUser(u.user, u.password);
    const ok = await syncNow(s, mb.id);
    expect(ok.health).toMatchObject({ state: 'ok', lastError: null, consecutiveFailures: 0 });
  });

  it('says the server cannot be reached while it is down, and catches up when it is back', async () => {
    const s = await signUp();
    const u = await servers.addUser(`down${++seq}`);
    const mb = await synced(s, (await connect(s, u)).id);
    await servers.stopImap();
    let down: Mailbox;
    try {
      down = await syncNow(s, mb.id);
    } finally {
      await servers.startImap();
    }
    expect(down.health).toMatchObject({
      state: 'failing',
      lastError: `cannot reach 127.0.0.1:${servers.imapPort}: the connection was refused`,
      consecutiveFailures: 1,
    });
    // What arrived meanwhile is read once the server is back; the error is cleared.
    const m = mid('while-down');
    await servers.append(
      u,
      'INBOX',
      rawMessage({ from: 'x@customer.example.test', to: u.address, subject: 'meanwhile', messageId: m, text: 'x' }),
    );
    const back = await syncNow(s, mb.id);
    expect(back.health).toMatchObject({ state: 'ok', lastError: null, consecutiveFailures: 0, messages: 1 });
    expect(await storedIds(s)).toEqual({ [bare(m)]: 1 });
  });

  it('never shows a failing sync as ok while it ends (health and "syncing" are read together)', async () => {
    const s = await signUp();
    const u = await servers.addUser(`race${++seq}`);
    const mb = await synced(s, (await connect(s, u)).id);
    await servers.stopImap();
    const seen: Mailbox['health'][] = [];
    try {
      for (let round = 0; round < 12; round++) {
        const before = Date.now() - 5;
        expect((await api(s).post(`/mailboxes/${mb.id}/sync`, {})).statusCode).toBe(202);
        // Several readers poll while the sync runs and ends, so some read falls between its steps.
        let done = false;
        const poll = async () => {
          while (!done) {
            const h = ((await api(s).get(`/mailboxes/${mb.id}`)).json() as Mailbox).health;
            if (h.lastAttemptAt && Date.parse(h.lastAttemptAt) >= before) seen.push(h);
            if (h.state === 'failing' && h.consecutiveFailures === round + 1) done = true;
            // A turn of the event loop: in-process requests on PGlite never leave the microtask queue, starving the worker's timers.
            await new Promise((r) => setTimeout(r, 2));
          }
        };
        await Promise.all([poll(), poll(), poll(), poll(), poll(), poll()]);
      }
    } finally {
      await servers.startImap();
    }
    expect(seen.length).toBeGreaterThan(0);
    expect(seen.filter((h) => h.state === 'ok')).toEqual([]);
  });

  it('a sync stopped after a batch (worker killed, lease lost) is taken over and ends with every message once', async () => {
    const s = await signUp();
    const u = await servers.addUser(`kill${++seq}`);
    const mb = await connect(s, u);
    await synced(s, mb.id);
    const count = BATCH * 2 + 3;
    const c = await servers.client(u);
    for (let i = 0; i < count; i++) {
      const m = `<bulk.${i}.${Date.now()}@customer.example.test>`;
      await c.append(
        'INBOX',
        rawMessage({ from: 'bulk@customer.example.test', to: u.address, subject: `bulk ${i}`, messageId: m, text: String(i) }),
      );
    }
    await c.logout();
    const database = await testDatabase();
    const controller = new AbortController();
    let progressed = 0;
    const job = (signal: AbortSignal, onProgress: () => void): RunningJob<{ mailboxId: string }> => ({
      id: 'test',
      input: { mailboxId: mb.id },
      workspaceId: s.workspaceId,
      attempt: 1,
      maxAttempts: 5,
      db: database.db,
      database,
      signal,
      progress: async () => onProgress(),
      log: { info() {}, warn() {}, error() {} },
    });
    // The first run "dies" after its first committed batch: its signal is aborted as a worker's is on losing its lease.
    await expect(syncMailbox(job(controller.signal, () => (++progressed === 1 ? controller.abort() : undefined)))).rejects.toThrow(
      /stopped/,
    );
    const mid1 = (await api(s).get(`/mailboxes/${mb.id}`)).json() as Mailbox;
    expect(mid1.health.messages).toBe(BATCH);
    // Another worker takes the job over and goes on from the committed batch.
    await syncMailbox(job(new AbortController().signal, () => {}));
    const done = (await api(s).get(`/mailboxes/${mb.id}`)).json() as Mailbox;
    expect(done.health.messages).toBe(count);
    const stored = await storedIds(s);
    expect(Object.keys(stored)).toHaveLength(count);
    expect(Object.values(stored).every((n) => n === 1)).toBe(true);
    expect((await servers.listing(u, 'INBOX')).messageIds.map(bare).sort()).toEqual(Object.keys(stored).sort());
  });
});
