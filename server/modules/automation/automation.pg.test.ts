import type { ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Database, openDatabase, selectRows } from '../../db/client.ts';
import type { Ctx } from '../../http/context.ts';
import { enqueue } from '../../jobs/queue.ts';
import { databaseEnv, dbKind, testConfig, uniqueEmail } from '../../test/harness.ts';
import { ownDatabase, stop, workerPool } from '../../test/processes.ts';
import { signUp } from '../auth/auth.service.ts';
import { createDeal } from '../deals/deals.service.ts';
import { wireRecordEngine } from '../registry.ts';
import { ensureFixtureTables } from './automation.fixture.ts';
import { scanJob } from './automation.jobs.ts';
import { createRule } from './rules.service.ts';

// This process writes records itself (not through the app), so it wires the record engine as a process does at start.
wireRecordEngine();

// Real `rapport worker` processes over one PostgreSQL server: each event starts each rule's run
// once between them; a worker killed with SIGKILL in the middle of a run has the run taken over and
// finished by another, without the steps it had committed done again; a wait of two days is resumed
// by a worker started after the others stopped, the clock moved for every process through one row.
//
// The processes move the automation clock, so they get a database of their own (the test database's
// name + `_procs`): no other test's waiting runs can be woken early by them.

const fixture = fileURLToPath(new URL('./automation.fixture.ts', import.meta.url));
const DAY = 86_400_000;
let database: Database;
let url: string;

const pool = workerPool(() => ({
  ...databaseEnv(url),
  RAPPORT_EXTRA_JOBS: fixture,
  RAPPORT_TEST_CLOCK: '1',
  RAPPORT_JOB_LEASE_MS: '1500',
  RAPPORT_JOB_CONCURRENCY: '3',
}));
const worker = () => pool.start();

beforeAll(async () => {
  if (dbKind !== 'postgres') return;
  url = await ownDatabase('procs');
  database = await openDatabase({ databaseUrl: url, poolSize: 4 });
  await database.migrate();
  await ensureFixtureTables(database.db);
  await database.db.execute(sql`insert into rapport_test.clock (id, offset_ms) values (1, 0) on conflict (id) do update set offset_ms = 0`);
}, 120_000);

afterAll(async () => {
  await pool.stopAll();
  await database?.db.execute(sql`update rapport_test.clock set offset_ms = 0 where id = 1`);
  await database?.close();
});

async function until<T>(read: () => Promise<T>, done: (v: T) => boolean, ms = 40_000) {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await read();
    if (done(v)) return v;
    if (Date.now() > deadline) throw new Error(`gave up waiting: ${JSON.stringify(v).slice(0, 600)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** A workspace of its own, made through the services (no app: it would run a worker in this process). */
async function workspace(): Promise<Ctx & { stageId: string }> {
  const { workspaceId, memberId } = await signUp(database.db, testConfig(), {
    name: 'Proc Owner',
    email: uniqueEmail('procs'),
    password: 'correct horse battery',
    workspaceName: 'Processes',
  });
  const [stage] = await selectRows<{ id: string }>(
    database.db,
    sql`select id from pipeline_stages where workspace_id = ${workspaceId} order by position limit 1`,
  );
  return { workspaceId, memberId, actor: { type: 'member', id: memberId }, role: 'owner', requestId: null, stageId: stage.id };
}

const rule = (ctx: Ctx, definition: unknown) =>
  database.db.transaction((tx) => createRule(tx, ctx, { name: `Proc rule ${Math.random()}`, definition } as never));
const deal = (ctx: Ctx & { stageId: string }, name: string, extra: Record<string, unknown> = {}) =>
  database.db.transaction((tx) => createDeal(tx, ctx, { name, stageId: ctx.stageId, ...extra }));
const runsOf = (ctx: Ctx, ruleId: string) =>
  selectRows<{ id: string; status: string; record_id: string; position: unknown }>(
    database.db,
    sql`select id, status, record_id, position from automation_runs where workspace_id = ${ctx.workspaceId} and rule_id = ${ruleId} order by id`,
  );
const tasksOf = (ctx: Ctx) =>
  selectRows<{ title: string }>(database.db, sql`select title from tasks where workspace_id = ${ctx.workspaceId} order by title`);

/** Started workers read the outbox from their first look on: wait for that before writing events. */
const consumerReady = () =>
  until(
    () => selectRows<{ n: number }>(database.db, sql`select count(*)::int as n from event_cursors where consumer = 'automation'`),
    (r) => Number(r[0].n) === 1,
  );

describe('automation in rapport worker processes', () => {
  it('runs on PostgreSQL (this file is in the postgres project only)', () => expect(dbKind).toBe('postgres'));

  it('runs each rule once per event between two processes, and finishes the run of a worker killed mid-run', async () => {
    const ctx = await workspace();
    const tag = `kill.${Date.now()}`;
    const slow = await rule(ctx, {
      trigger: { type: 'record_created', config: { object: 'deal' } },
      conditions: { field: 'name', op: 'eq', value: 'Slow' },
      steps: [
        { type: 'action', action: 'create_task', input: { title: 'first' } },
        { type: 'action', action: 'test.sleep', input: { tag, ms: 4000 } },
        { type: 'action', action: 'create_task', input: { title: 'second' } },
      ],
    });
    const each = await rule(ctx, {
      trigger: { type: 'record_created', config: { object: 'deal' } },
      conditions: { field: 'name', op: 'startsWith', value: 'Many' },
      steps: [{ type: 'action', action: 'notify', input: { to: { kind: 'owner' }, title: '{{record.name}}' } }],
    });
    const [a, b] = [worker(), worker()];
    await consumerReady();
    await deal(ctx, 'Slow');
    for (let i = 0; i < 30; i++) await deal(ctx, `Many ${i}`);

    const started = await until(
      () => selectRows<{ pid: number }>(database.db, sql`select pid from rapport_test.action_runs where tag = ${tag} and phase = 'start'`),
      (r) => r.length > 0,
    );
    const victim = [a, b].find((c) => c.pid === started[0].pid) as ChildProcess;
    expect(victim).toBeDefined();
    await stop(victim, 'SIGKILL');
    const [done] = await until(
      () => runsOf(ctx, slow.id),
      (r) => r[0]?.status === 'completed',
      60_000,
    );
    const steps = await selectRows<{ path: string; outcome: string }>(
      database.db,
      sql`select path, outcome from automation_run_steps where workspace_id = ${ctx.workspaceId} and run_id = ${done.id} order by seq`,
    );
    // The killed process's step never committed: it is not in the log, and step 0 was not done again.
    expect(steps.map((s) => `${s.path}:${s.outcome}`)).toEqual(['0:done', '1:done', '2:done']);
    expect((await tasksOf(ctx)).map((t) => t.title)).toEqual(['first', 'second']);
    const sleeps = await selectRows<{ pid: number; phase: string }>(
      database.db,
      sql`select pid, phase from rapport_test.action_runs where tag = ${tag}`,
    );
    const survivor = [a, b].find((c) => c !== victim) as ChildProcess;
    expect(
      sleeps
        .filter((s) => s.phase === 'start')
        .map((s) => s.pid)
        .sort(),
    ).toEqual([victim.pid, survivor.pid].sort());
    expect(sleeps.filter((s) => s.phase === 'done').map((s) => s.pid)).toEqual([survivor.pid]);

    const many = await until(
      () => runsOf(ctx, each.id),
      (r) => r.length === 30 && r.every((x) => x.status === 'completed'),
      60_000,
    );
    expect(new Set(many.map((r) => r.record_id)).size).toBe(30);
    const [{ n }] = await selectRows<{ n: number }>(
      database.db,
      sql`select count(*)::int as n from notifications where workspace_id = ${ctx.workspaceId} and title like 'Many %'`,
    );
    expect(Number(n)).toBe(30);
    await stop(survivor);
  }, 120_000);

  it('resumes a wait of two days in a worker started after the others stopped, and fires a date trigger and schedule ticks once', async () => {
    const ctx = await workspace();
    const waiting = await rule(ctx, {
      trigger: { type: 'record_created', config: { object: 'deal' } },
      steps: [
        { type: 'wait', wait: { kind: 'duration', duration: { amount: 2, unit: 'days' } } },
        { type: 'action', action: 'create_task', input: { title: 'two days later' } },
      ],
    });
    const tomorrow = new Date(Date.now() + DAY).toISOString().slice(0, 10);
    const dated = await rule(ctx, {
      trigger: { type: 'date_reached', config: { object: 'deal', field: 'expectedCloseDate', atTime: '00:00' } },
      timeZone: 'UTC',
      steps: [{ type: 'action', action: 'notify', input: { to: { kind: 'owner' }, title: 'Closing day of {{record.name}}' } }],
    });
    const everyMinute = await rule(ctx, {
      trigger: { type: 'schedule', config: { cron: '* * * * *' } },
      timeZone: 'UTC',
      steps: [
        { type: 'action', action: 'notify', input: { to: { kind: 'member', memberId: ctx.memberId }, title: 'Tick {{trigger.tick}}' } },
      ],
    });
    const first = [worker(), worker()];
    await consumerReady();
    await deal(ctx, 'Patient', { expectedCloseDate: tomorrow });
    await until(
      () => runsOf(ctx, waiting.id),
      (r) => r[0]?.status === 'waiting',
    );
    await Promise.all(first.map((c) => stop(c)));

    await database.db.execute(sql`update rapport_test.clock set offset_ms = ${2 * DAY + 60_000} where id = 1`);
    const later = [worker(), worker()];
    // The scanner runs on its schedule; three scans asked for at once show that each fires once.
    for (let i = 0; i < 3; i++) await enqueue(database.db, scanJob, {});
    const [resumed] = await until(
      () => runsOf(ctx, waiting.id),
      (r) => r[0]?.status === 'completed',
      60_000,
    );
    expect(resumed.position).toBeNull();
    expect((await tasksOf(ctx)).map((t) => t.title)).toEqual(['two days later']);
    await until(
      () => runsOf(ctx, dated.id),
      (r) => r.length > 0 && r.every((x) => x.status === 'completed'),
    );
    await new Promise((r) => setTimeout(r, 1500));
    expect(await runsOf(ctx, dated.id)).toHaveLength(1);
    // Ticks fire once each however many scans look, and the 2,880 minutes the clock jumped fire once, not once a minute.
    const ticks = await selectRows<{ tick: string }>(
      database.db,
      sql`select trigger->>'tick' as tick from automation_runs where workspace_id = ${ctx.workspaceId} and rule_id = ${everyMinute.id}`,
    );
    expect(ticks.length).toBeGreaterThanOrEqual(1);
    expect(ticks.length).toBeLessThanOrEqual(4);
    expect(new Set(ticks.map((t) => t.tick)).size).toBe(ticks.length);
    await Promise.all(later.map((c) => stop(c)));
  }, 120_000);
});
