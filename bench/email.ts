import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { buildApp } from '../server/app.ts';
import { loadConfig } from '../server/config.ts';
import { type Database, openDatabase } from '../server/db/client.ts';
import type { RunningJob } from '../server/jobs/define.ts';
import { type MailServers, type MailUser, rawMessage, startMailServers } from '../server/modules/email/mail-servers.fixture.ts';
import { syncMailbox } from '../server/modules/email/sync.ts';
import { wireRecordEngine } from '../server/modules/registry.ts';
import { configureOutbound } from '../server/outbound/request.ts';
import { configureKeyring, ephemeralKeyring } from '../server/security/keyring.ts';
import { root } from './data.ts';
import type { Stats } from './measure.ts';
import type { Result } from './report.ts';

/**
 * Email sync against a local Dovecot (the tests' throwaway one: passwd-file and Maildir in a temp
 * directory, IDLE and CONDSTORE/QRESYNC on). `messages` are APPENDed to a fresh mailbox, half of
 * them from one customer; then, in the same run and on the same server:
 *  - a bare imapflow FETCH of every message (UID, envelope, full source: what a sync must read) —
 *    the floor, messages per second;
 *  - Rapport's initial sync of the same messages (syncMailbox, as the `email.sync` job runs it:
 *    parse, sanitise, store, dedupe, match to contacts, thread) — messages per second, and the ratio;
 *  - an incremental sync with no change, and one with 10 new messages (ms, median of `runs`);
 *  - the customer's timeline (the API route, in-process) with half the messages on it: p50 / p99.
 * The database is a fresh one: PGlite in memory, or the PostgreSQL server at `databaseUrl`.
 */
export async function benchEmail(opts: {
  messages: number;
  runs: number;
  databaseUrl?: string;
  timelineReads?: number;
}): Promise<Result[]> {
  wireRecordEngine();
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'rapport-bench-email-'));
  configureKeyring(ephemeralKeyring());
  configureOutbound({ allow: '127.0.0.0/8' });
  const config = {
    ...loadConfig({ RAPPORT_DATA_DIR: dataDir, RAPPORT_OUTBOUND_ALLOW: '127.0.0.0/8' }),
    scryptLogN: 10,
    logLevel: 'silent',
  };
  const database = await openDatabase({ databaseUrl: opts.databaseUrl, dataDir: 'memory://', poolSize: 4 });
  let mail: MailServers | undefined;
  const app = await (async () => {
    await database.migrate();
    const a = await buildApp(config, database, { logger: false });
    await a.ready();
    return a;
  })();
  const dbLabel = opts.databaseUrl ? 'postgres' : 'pglite';
  try {
    mail = await startMailServers();
    const u = await mail.addUser(`bench${Date.now()}`);
    const customer = `carla.${Date.now()}@customer.example.test`;
    await appendMany(mail, u, opts.messages, customer, 'initial');

    // The floor: one connection, FETCH 1:* of what a sync reads.
    const fetchMs = await timed(async () => {
      const c = await mail?.client(u);
      if (!c) return;
      try {
        const lock = await c.getMailboxLock('INBOX');
        try {
          let n = 0;
          for await (const m of c.fetch('1:*', { uid: true, envelope: true, internalDate: true, size: true, flags: true, source: true })) {
            if (m.source) n++;
          }
          if (n !== opts.messages) throw new Error(`FETCH read ${n} of ${opts.messages} messages`);
        } finally {
          lock.release();
        }
      } finally {
        await c.logout();
      }
    });

    // A member, the customer as a contact, the mailbox (its queued sync is run here, not by a worker).
    const signup = await app.inject({
      method: 'POST',
      url: '/api/v1/auth/signup',
      payload: {
        name: 'Bea Bench',
        email: `bea.${Date.now()}@example.test`,
        password: 'a benchmark passphrase',
        workspaceName: 'Bench Mail',
      },
    });
    if (signup.statusCode !== 201) throw new Error(`signup: ${signup.statusCode} ${signup.body}`);
    const body = signup.json();
    const cookie = ([] as string[])
      .concat(signup.headers['set-cookie'] ?? [])
      .map((c) => c.split(';')[0])
      .join('; ');
    const headers = { cookie, 'x-csrf-token': body.csrfToken as string };
    const workspaceId = body.workspace.id as string;
    const contact = await app.inject({
      method: 'POST',
      url: '/api/v1/contacts',
      headers,
      payload: { firstName: 'Carla', lastName: 'Customer', emails: [{ value: customer }] },
    });
    if (contact.statusCode !== 201) throw new Error(`contact: ${contact.statusCode} ${contact.body}`);
    const contactId = contact.json().id as string;
    const created = await app.inject({
      method: 'POST',
      url: '/api/v1/mailboxes',
      headers,
      payload: mail.mailboxBody(u, { syncDays: 365 }),
    });
    if (created.statusCode !== 201) throw new Error(`mailbox: ${created.statusCode} ${created.body}`);
    const mailboxId = created.json().id as string;
    const sync = () => syncMailbox(job(database, workspaceId, mailboxId));

    const initialMs = await timed(async () => {
      const r = await sync();
      if ('gone' in r || r.stored !== opts.messages)
        throw new Error(`the initial sync stored ${'gone' in r ? 0 : r.stored} of ${opts.messages}`);
    });
    const unchanged: number[] = [];
    const tenNew: number[] = [];
    for (let i = 0; i < opts.runs; i++) {
      unchanged.push(await timed(() => sync()));
      await appendMany(mail, u, 10, customer, `new${i}`);
      tenNew.push(
        await timed(async () => {
          const r = await sync();
          if ('gone' in r || r.stored !== 10) throw new Error(`the incremental sync stored ${'gone' in r ? 0 : r.stored} of 10`);
        }),
      );
    }

    // The customer's timeline: the first page, as the record page reads it.
    const reads = opts.timelineReads ?? 200;
    const times: number[] = [];
    for (let i = 0; i < reads + 10; i++) {
      const t0 = performance.now();
      const r = await app.inject({ method: 'GET', url: `/api/v1/contacts/${contactId}/timeline`, headers });
      const ms = performance.now() - t0;
      if (r.statusCode !== 200) throw new Error(`timeline: ${r.statusCode} ${r.body}`);
      if (i >= 10) times.push(ms);
    }
    const onTimeline = (
      await database.query<{ n: number }>(
        `select count(*)::int as n from activity_links l join activities a on a.workspace_id = l.workspace_id and a.id = l.activity_id
          where l.workspace_id = $1 and l.record_type = 'contact' and l.record_id = $2 and a.type = 'email'`,
        [workspaceId, contactId],
      )
    )[0]?.n;

    const n = opts.messages;
    const rate = (count: number, ms: number): Stats => ({ p50: ms / count, p99: ms / count, rps: count / (ms / 1000) });
    const med = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
    const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))];
    const base = { db: dbLabel, size: `${n} messages` };
    return [
      {
        ...base,
        key: 'email-initial',
        label: `email: initial sync of ${n.toLocaleString('en')} messages from Dovecot (API: Rapport's sync; raw: bare imapflow FETCH)`,
        api: rate(n, initialMs),
        raw: rate(n, fetchMs),
      },
      {
        ...base,
        key: 'email-incremental-none',
        label: 'email: incremental sync, no change (ms)',
        api: { p50: med(unchanged), p99: Math.max(...unchanged), rps: 0 },
        raw: null,
      },
      {
        ...base,
        key: 'email-incremental-10',
        label: 'email: incremental sync, 10 new messages (ms)',
        api: { p50: med(tenNew), p99: Math.max(...tenNew), rps: 0 },
        raw: null,
      },
      {
        ...base,
        key: 'email-timeline',
        label: `email: timeline of a contact with ${Number(onTimeline).toLocaleString('en')} emails (ms)`,
        api: { p50: pct(times, 50), p99: pct(times, 99), rps: 1000 / (times.reduce((a, b) => a + b, 0) / times.length) },
        raw: null,
      },
    ];
  } finally {
    await app.close();
    await database.close();
    await mail?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

const timed = async (f: () => Promise<unknown>) => {
  const t0 = performance.now();
  await f();
  return performance.now() - t0;
};

/** A job as the worker would hand it to syncMailbox (no lease to renew here). */
function job(database: Database, workspaceId: string, mailboxId: string): RunningJob<{ mailboxId: string }> {
  return {
    id: 'bench',
    input: { mailboxId },
    workspaceId,
    attempt: 1,
    maxAttempts: 1,
    db: database.db,
    database,
    signal: new AbortController().signal,
    progress: async () => {},
    log: { info() {}, warn() {}, error() {} },
  };
}

/**
 * `count` messages APPENDed over one connection, every second one from the customer (the rest from
 * other senders), with a short HTML part, a plain one, and threading headers on some.
 */
async function appendMany(mail: MailServers, u: MailUser, count: number, customer: string, tag: string) {
  const c = await mail.client(u);
  try {
    const when = Date.now();
    for (let i = 0; i < count; i++) {
      const from = i % 2 === 0 ? `Carla Customer <${customer}>` : `Sender ${i} <sender${i % 97}@other${i % 13}.example.test>`;
      const raw = rawMessage({
        from,
        to: u.address,
        subject: `Order ${tag} ${i}: delivery of part ${i * 7}`,
        messageId: `<${tag}.${i}.${when}@bench.example.test>`,
        inReplyTo: i % 5 === 4 ? `<${tag}.${i - 1}.${when}@bench.example.test>` : undefined,
        text: `Hello,\n\nthe parts of order ${i} ship on Monday.\n\nRegards\n`.repeat(3),
        html: `<p>Hello,</p><p>the parts of order <b>${i}</b> ship on Monday.</p><table><tr><td>Part</td><td>${i * 7}</td></tr></table><p>Regards</p>`,
        date: new Date(when - (count - i) * 1000),
      });
      await c.append('INBOX', raw, ['\\Seen']);
    }
  } finally {
    await c.logout();
  }
}

export const EMAIL_START = '<!-- email:start -->';
export const EMAIL_END = '<!-- email:end -->';

/** The Email section of RESULTS.md: the figures, the ratio to the bare FETCH, and how they were taken. */
export function emailSection(results: Result[], command: string, seconds: number) {
  const by = (key: string) => results.find((r) => r.key === key);
  const initial = by('email-initial');
  const f = (x: number) => (x >= 100 ? Math.round(x).toLocaleString('en') : x.toFixed(1));
  const rows = results.map((r) =>
    r.key === 'email-initial'
      ? `| ${r.label} | ${f(r.api.rps)} msg/s | ${r.raw ? f(r.raw.rps) : '—'} msg/s | ${r.raw ? `${(r.raw.rps / r.api.rps).toFixed(1)}×` : '—'} |`
      : `| ${r.label} | p50 ${f(r.api.p50)} ms${r.key === 'email-timeline' ? ` / p99 ${f(r.api.p99)} ms` : ` / max ${f(r.api.p99)} ms`} | — | — |`,
  );
  return [
    EMAIL_START,
    '## Email sync (local Dovecot)',
    '',
    `${results[0]?.db ?? ''}, ${initial?.size ?? ''}, ${new Date().toISOString().slice(0, 16)} UTC, load average ${os.loadavg()[0].toFixed(1)} on ${os.cpus().length} cores, ${Math.round(seconds)} s in all (appending the messages included). Command: \`${command}\``,
    '',
    '| workload | Rapport | bare imapflow FETCH | FETCH is faster by |',
    '|---|---:|---:|---:|',
    ...rows,
    '',
    "The initial sync parses, sanitises and stores each message in batches of 25 (one transaction each, with the folder's new last UID), dedupes by Message-ID, links contacts and threads; the FETCH only reads the same bytes. The timeline is read in-process (Fastify inject), so it is the route's own time, without HTTP.",
    EMAIL_END,
  ].join('\n');
}

// `node --import tsx bench/email.ts [--messages N] [--runs N] [--db pglite|postgres]`: the email
// figures alone, written into the Email section of bench/RESULTS.md (`npm run bench` runs them too).
if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({
    options: {
      messages: { type: 'string', default: '10000' },
      runs: { type: 'string', default: '3' },
      db: { type: 'string', default: 'pglite' },
      out: { type: 'string', default: path.join(root, 'bench/RESULTS.md') },
    },
  });
  const databaseUrl = values.db === 'postgres' ? (process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL) : undefined;
  if (values.db === 'postgres' && !databaseUrl) throw new Error('--db postgres needs BENCH_DATABASE_URL');
  const started = Date.now();
  const results = await benchEmail({ messages: Number(values.messages), runs: Number(values.runs), databaseUrl });
  const command = `node --import tsx bench/email.ts --messages ${values.messages} --runs ${values.runs} --db ${values.db}`;
  const section = emailSection(results, command, (Date.now() - started) / 1000);
  process.stdout.write(`${section}\n`);
  const file = existsSync(values.out) ? readFileSync(values.out, 'utf8') : '';
  const start = file.indexOf(EMAIL_START);
  const end = file.indexOf(EMAIL_END);
  writeFileSync(
    values.out,
    start >= 0 && end > start ? file.slice(0, start) + section + file.slice(end + EMAIL_END.length) : `${file.trimEnd()}\n\n${section}\n`,
  );
  process.exit(0);
}
