import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { buildApp } from '../server/app.ts';
import { loadConfig } from '../server/config.ts';
import { openDatabase } from '../server/db/client.ts';
import { wireRecordEngine } from '../server/modules/registry.ts';
import { recomputeSla } from '../server/modules/tickets/sla-recompute.ts';
import { measureInTurn, request, type Stats } from './measure.ts';

/**
 * The service desk (issue 14) over a workspace of `tickets` tickets, a tenth of them open (a desk's
 * history is mostly closed tickets; 1M tickets make the 100k open ones):
 * - an agent's queue, 50 at a time (the unassigned queue and their own), API ÷ the hand-written SQL
 *   on the same server (bench/raw-routes.ts), and the queue counts the desk shows beside them;
 * - a help-centre article page (server-rendered HTML, no session), p50 and p99 on loopback;
 * - recomputing every open ticket's SLA after the calendar changed, as the job does it.
 * A database of its own: a fresh one on the PostgreSQL server of `databaseUrl` (dropped after), or
 * PGlite in memory.
 */
export async function benchDesk(opts: { tickets: number; requests: number; seconds: number; databaseUrl?: string; keep?: boolean }) {
  wireRecordEngine();
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'rapport-bench-desk-'));
  const dbName = `rapport_bench_desk_${process.pid}`;
  let url: string | undefined;
  if (opts.databaseUrl) {
    const admin = new pg.Client({ connectionString: opts.databaseUrl });
    await admin.connect();
    await admin.query(`drop database if exists ${dbName} with (force)`);
    await admin.query(`create database ${dbName}`);
    await admin.end();
    const u = new URL(opts.databaseUrl);
    u.pathname = `/${dbName}`;
    url = u.toString();
  }
  const config = {
    ...loadConfig({ RAPPORT_DATA_DIR: dataDir }),
    scryptLogN: 10,
    logLevel: 'silent',
    jobConcurrency: 0,
    benchRoutes: true,
  };
  const database = await openDatabase({ databaseUrl: url, dataDir: url ? undefined : 'memory://', poolSize: 10 });
  await database.migrate();
  const app = await buildApp(config, database, { logger: false });
  const base = await app.listen({ port: 0, host: '127.0.0.1' });
  try {
    const ok = async (r: Promise<{ statusCode: number; body: string }>, want = [200, 201]) => {
      const res = await r;
      if (!want.includes(res.statusCode)) throw new Error(`desk bench setup: ${res.statusCode} ${res.body.slice(0, 300)}`);
      return JSON.parse(res.body || 'null');
    };
    const signUp = await app.inject({
      method: 'POST',
      url: '/api/v1/auth/signup',
      payload: {
        name: 'Desk Agent',
        email: `bench.desk.${Date.now()}@example.test`,
        password: 'a desk bench passphrase',
        workspaceName: 'Desk bench',
      },
    });
    const { workspace, member, csrfToken } = signUp.json();
    const agent = { cookie: String(signUp.headers['set-cookie']).split(';')[0], 'x-csrf-token': csrfToken as string };
    const call = (method: 'GET' | 'POST' | 'PUT', u: string, payload?: object) =>
      ok(app.inject({ method, url: `/api/v1${u}`, headers: agent, ...(payload ? { payload } : {}) }));
    // Four colleagues, so that the queue has other agents' tickets to pass over.
    const agents = [member.id as string];
    for (let i = 0; i < 4; i++) {
      const inv = await call('POST', '/invitations', { email: `desk.agent${i}.${Date.now()}@example.test`, role: 'member' });
      const acc = await ok(
        app.inject({
          method: 'POST',
          url: '/api/v1/auth/accept-invitation',
          payload: { token: inv.token, name: `Agent ${i}`, password: 'a desk bench passphrase' },
        }),
      );
      agents.push(acc.member.id);
    }
    const calendar = {
      name: 'Office',
      timeZone: 'Europe/Berlin',
      week: Object.fromEntries([1, 2, 3, 4, 5].map((d) => [d, [{ from: 540, to: 1020 }]])),
      holidays: ['2026-12-25'],
    };
    const targets = {
      low: { firstResponse: 480, nextResponse: 480, resolution: 2400 },
      normal: { firstResponse: 240, nextResponse: 240, resolution: 1440 },
      high: { firstResponse: 60, nextResponse: 120, resolution: 480 },
      urgent: { firstResponse: 15, nextResponse: 30, resolution: 240 },
    };
    await call('PUT', '/sla-policy', { calendar, targets });

    // The tickets, set-based: one in ten open (new, open, pending, on hold), one open ticket in five
    // unassigned, the rest spread over the five agents; one a minute back from a fixed date.
    const t0 = performance.now();
    await database.query(
      `insert into tickets (workspace_id, id, number, subject, description, status, priority, channel, assignee_id,
                            sla_state, first_response_due_at, resolution_due_at, solved_at, created_at, updated_at)
       select $1, gen_random_uuid(), g, 'Ticket ' || g || ': the printer is on fire', 'It smokes.', st,
              (array['low','normal','normal','high','urgent'])[1 + abs(hashint8extended(g::bigint, 1)) % 5],
              (array['email','web_form','chat','phone','api'])[1 + abs(hashint8extended(g::bigint, 2)) % 5],
              case when st in ('solved', 'closed') or abs(hashint8extended(g::bigint, 3)) % 5 <> 0
                   then ($2::uuid[])[1 + abs(hashint8extended(g::bigint, 4)) % array_length($2::uuid[], 1)] end,
              case when st in ('solved', 'closed') then 'none' else (array['ok','ok','ok','breaching_soon','breached'])[1 + abs(hashint8extended(g::bigint, 5)) % 5] end,
              case when st in ('solved', 'closed') then null else at + interval '4 hours' end,
              case when st in ('solved', 'closed') then null else at + interval '2 days' end,
              case when st in ('solved', 'closed') then at + interval '1 day' end,
              at, at
       from (select g, timestamptz '2026-11-01T00:00:00Z' - (($3::int - g) * interval '1 minute') as at,
                    (array['new','open','pending','on_hold','solved','closed','closed','closed','closed','closed',
                           'closed','closed','closed','closed','closed','solved','closed','closed','closed','closed',
                           'closed','closed','closed','closed','closed','closed','closed','closed','closed','closed',
                           'closed','closed','closed','closed','closed','closed','closed','closed','closed','closed'])[1 + abs(hashint8extended(g::bigint, 6)) % 40] as st
             from generate_series(1, $3::int) g) s`,
      [workspace.id, agents, opts.tickets],
    );
    // As autovacuum leaves a table in use: statistics, and the visibility map that lets a count read the index alone.
    await database.query('vacuum analyze tickets');
    const generateSeconds = (performance.now() - t0) / 1000;
    const [{ open }] = await database.query<{ open: number }>(
      `select count(*)::int as open from tickets where workspace_id = $1 and status in ('new','open','pending','on_hold')`,
      [workspace.id],
    );

    // The help centre: published articles, read as a visitor reads them.
    const slug = `desk-${Date.now().toString(36)}`;
    await call('PUT', '/knowledge/help-centre', { slug });
    const articleIds: string[] = [];
    for (let i = 0; i < 20; i++) {
      const a = await call('POST', '/knowledge/articles', {
        title: `Paying invoice ${i} by bank transfer`,
        body: `## Before you start\n\nOpen **Billing**, pick invoice ${i} and choose *Pay*.\n\n${'A paragraph of help text. '.repeat(40)}\n\n- step one\n- step two\n- step three`,
        language: 'en',
        tags: ['billing'],
      });
      await call('POST', `/knowledge/articles/${a.id}/publish`);
      articleIds.push(a.id);
    }

    const filter = (extra: object) =>
      encodeURIComponent(JSON.stringify({ and: [{ field: 'status', op: 'in', value: ['new', 'open', 'pending', 'on_hold'] }, extra] }));
    const queues = [
      {
        name: 'unassigned',
        api: `${base}/api/v1/tickets?filter=${filter({ field: 'assigneeId', op: 'isEmpty' })}&sort=-number&limit=50`,
        raw: '',
      },
      {
        name: 'mine',
        api: `${base}/api/v1/tickets?filter=${filter({ field: 'assigneeId', op: 'eq', value: member.id })}&sort=-number&limit=50`,
        raw: `&assigneeId=${member.id}`,
      },
    ].map((q) => ({ ...q, raw: `${base}/api/bench/raw/tickets?workspaceId=${workspace.id}&limit=50${q.raw}` }));
    // Before timing: the API and the hand-written SQL give the same tickets in the same order.
    for (const q of queues) {
      const ids = async (u: string, h = {}) =>
        JSON.parse((await request(u, h)).body)
          .data.map((t: { id: string }) => t.id)
          .join();
      const [a, r] = [await ids(q.api, agent), await ids(q.raw)];
      if (a !== r || !a)
        throw new Error(`desk bench: the ${q.name} queue differs between the API and raw SQL: ${a.slice(0, 200)} | ${r.slice(0, 200)}`);
    }
    const countsApi = `${base}/api/v1/tickets/queues`;
    const countsRaw = `${base}/api/bench/raw/tickets/queues?workspaceId=${workspace.id}&memberId=${member.id}`;
    const [a1, r1] = [JSON.parse((await request(countsApi, agent)).body), JSON.parse((await request(countsRaw, {})).body)];
    if (a1.unassigned !== r1.unassigned || a1.mine !== r1.mine || a1.all !== r1.all) throw new Error('desk bench: queue counts differ');

    const plan = { requests: opts.requests, seconds: opts.seconds, connections: 8 };
    const measured: { name: string; api: Stats; raw: Stats }[] = [];
    for (const q of queues) {
      const [api, raw] = await measureInTurn(
        [
          { url: () => q.api, headers: agent },
          { url: () => q.raw, headers: {} },
        ],
        plan,
      );
      measured.push({
        name: `agent queue "${q.name}", 50 of ${open.toLocaleString('en')} open tickets (${opts.tickets.toLocaleString('en')} in all)`,
        api,
        raw,
      });
    }
    const [capi, craw] = await measureInTurn(
      [
        { url: () => countsApi, headers: agent },
        { url: () => countsRaw, headers: {} },
      ],
      plan,
    );
    measured.push({ name: 'queue counts (unassigned, mine, my team, breaching soon, all)', api: capi, raw: craw });

    // The article page: sequential requests on a kept-alive connection, the articles in turn.
    const times: number[] = [];
    for (let i = 0; i < Math.max(opts.requests, 50); i++) {
      const started = process.hrtime.bigint();
      const r = await request(`${base}/help/${slug}/articles/${articleIds[i % articleIds.length]}`, {});
      times.push(Number(process.hrtime.bigint() - started) / 1e6);
      if (r.status !== 200) throw new Error(`help centre article → ${r.status}`);
    }
    times.sort((x, y) => x - y);
    const at = (q: number) => times[Math.min(times.length - 1, Math.floor(q * times.length))];

    // The calendar changes (a new holiday, shorter Fridays): every open ticket's due times again.
    await call('PUT', '/sla-policy', {
      calendar: { ...calendar, week: { ...calendar.week, 5: [{ from: 540, to: 900 }] }, holidays: ['2026-12-24', '2026-12-25'] },
      targets,
    });
    const r0 = performance.now();
    const { recomputed } = await recomputeSla(database.db, workspace.id, new Date('2026-11-01T00:00:00Z'));
    const recomputeMs = performance.now() - r0;

    return {
      db: url ? 'postgres' : 'pglite',
      tickets: opts.tickets,
      open,
      generateSeconds,
      measured,
      article: { p50: at(0.5), p99: at(0.99), n: times.length },
      recompute: { tickets: recomputed, ms: recomputeMs },
    };
  } finally {
    await app.close();
    await database.close();
    rmSync(dataDir, { recursive: true, force: true });
    if (opts.databaseUrl && opts.keep) console.log(`desk bench: the database stays, at ${url}`);
    else if (opts.databaseUrl) {
      const admin = new pg.Client({ connectionString: opts.databaseUrl });
      await admin.connect();
      await admin.query(`drop database if exists ${dbName} with (force)`).catch(() => {});
      await admin.end();
    }
  }
}

const ms = (x: number) => (x < 10 ? x.toFixed(2) : x.toFixed(1));

export function deskSection(r: Awaited<ReturnType<typeof benchDesk>>) {
  const queue = r.measured[0];
  const ratio = queue.api.p50 / queue.raw.p50;
  return [
    '## Service desk',
    '',
    `${r.db}: ${r.tickets.toLocaleString('en')} tickets (${r.open.toLocaleString('en')} open), generated in ${r.generateSeconds.toFixed(0)} s; latency = sequential requests on a kept-alive connection, throughput = 8 connections.`,
    '',
    '| workload | API p50 ms | API p99 ms | API req/s | raw p50 ms | raw p99 ms | raw req/s | API ÷ raw (p50) |',
    '|---|---:|---:|---:|---:|---:|---:|---:|',
    ...r.measured.map(
      (m) =>
        `| ${m.name} | ${ms(m.api.p50)} | ${ms(m.api.p99)} | ${Math.round(m.api.rps)} | ${ms(m.raw.p50)} | ${ms(m.raw.p99)} | ${Math.round(m.raw.rps)} | **${(m.api.p50 / m.raw.p50).toFixed(2)}×** |`,
    ),
    `| help-centre article page (HTML, no session), ${r.article.n} reads | ${ms(r.article.p50)} | ${ms(r.article.p99)} | – | – | – | – | – |`,
    `| SLA recomputed after a calendar change: ${r.recompute.tickets.toLocaleString('en')} open tickets | ${(r.recompute.ms / 1000).toFixed(1)} s | – | ${Math.round(r.recompute.tickets / (r.recompute.ms / 1000)).toLocaleString('en')} tickets/s | – | – | – | – |`,
    '',
    `Goals: queue list ÷ raw ≤ 1.5× — ${ratio.toFixed(2)}× (${ratio <= 1.5 ? 'met' : '**not met**'}); help-centre article p50 ≤ 5 ms — ${ms(r.article.p50)} ms (${r.article.p50 <= 5 ? 'met' : '**not met**'}).`,
  ].join('\n');
}

// `node --import tsx bench/desk.ts [--tickets N] [--db pglite|postgres]`: the desk figures alone, printed.
if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({
    options: {
      tickets: { type: 'string', default: '100000' },
      db: { type: 'string', default: 'postgres' },
      requests: { type: 'string', default: '300' },
      // Leaves the database for a look at its plans (EXPLAIN) after the run.
      keep: { type: 'boolean', default: false },
    },
  });
  const databaseUrl = values.db === 'postgres' ? (process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL) : undefined;
  if (values.db === 'postgres' && !databaseUrl) throw new Error('BENCH_DATABASE_URL is required for --db postgres');
  console.log(
    deskSection(
      await benchDesk({ tickets: Number(values.tickets), requests: Number(values.requests), seconds: 3, databaseUrl, keep: values.keep }),
    ),
  );
  process.exit(0);
}
