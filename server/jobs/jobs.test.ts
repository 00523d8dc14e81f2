import { sql } from 'drizzle-orm';
import Type from 'typebox';
import { afterEach, describe, expect, it } from 'vitest';
import { selectRows } from '../db/client.ts';
import { testDatabase } from '../test/harness.ts';
import { backoffMs, defineJob, type JobDef } from './define.ts';
import { ensureRunsTable, recordJob } from './jobs.fixture.ts';
import { enqueue } from './queue.ts';
import { nextTick, Worker } from './worker.ts';

// The queue in one process, on whichever database the project runs (PGlite or PostgreSQL): the
// same code `npm start` runs. Several Worker objects stand for several processes; what only real
// processes can show (kill -9) is in workers.test.ts.

const workers: Worker[] = [];
afterEach(async () => {
  await Promise.all(workers.splice(0).map((w) => w.stop(1_000)));
});

async function start(defs: JobDef[], opts: ConstructorParameters<typeof Worker>[2] = {}) {
  const w = new Worker(await testDatabase(), defs, { pollMs: 50, ...opts });
  workers.push(w);
  await w.start();
  return w;
}

/** A job kind of its own per test, so that no other worker (the harness's, another test's) claims its jobs. */
let n = 0;
const unique = (def: JobDef, extra: Partial<JobDef> = {}): JobDef => ({
  ...def,
  ...extra,
  name: `${def.name}.${Date.now()}.${process.pid}.${++n}`,
});

async function until<T>(read: () => Promise<T>, done: (v: T) => boolean, ms = 15_000) {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await read();
    if (done(v)) return v;
    if (Date.now() > deadline) throw new Error(`gave up waiting: ${JSON.stringify(v)}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

const jobsNamed = async (name: string) =>
  selectRows<{ id: string; status: string; attempts: number; last_error: string | null; singleton_key: string | null; progress: unknown }>(
    (await testDatabase()).db,
    sql`select id, status, attempts, last_error, singleton_key, progress from jobs where name = ${name} order by id`,
  );

const runsOf = async (tag: string) =>
  selectRows<{ job_id: string; phase: string; pid: number }>(
    (await testDatabase()).db,
    sql`select job_id, phase, pid from rapport_test.job_runs where tag = ${tag}`,
  );

describe('the job queue', () => {
  it('runs every job exactly once however many workers share the queue', async () => {
    const { db } = await testDatabase();
    await ensureRunsTable(db);
    const def = unique(recordJob);
    const tag = def.name;
    for (let i = 0; i < 40; i++) await enqueue(db, def, { tag });
    await Promise.all([start([def], { concurrency: 3 }), start([def], { concurrency: 3 }), start([def], { concurrency: 1 })]);
    await until(
      () => jobsNamed(def.name),
      (js) => js.every((j) => j.status === 'completed'),
    );
    const runs = await runsOf(tag);
    const starts = runs.filter((r) => r.phase === 'start').map((r) => r.job_id);
    expect(starts).toHaveLength(40);
    expect(new Set(starts).size).toBe(40);
  });

  it('only runs a job once its transaction commits, and a delayed job once its time comes', async () => {
    const database = await testDatabase();
    await ensureRunsTable(database.db);
    const def = unique(recordJob);
    await start([def]);
    await database.db
      .transaction(async (tx) => {
        await enqueue(tx, def, { tag: def.name });
        throw new Error('rolled back');
      })
      .catch(() => {});
    const later = new Date(Date.now() + 800);
    await enqueue(database.db, def, { tag: def.name }, { runAt: later });
    await new Promise((r) => setTimeout(r, 400));
    expect(await runsOf(def.name)).toEqual([]);
    await until(
      () => runsOf(def.name),
      (r) => r.length === 2,
    );
    expect(await jobsNamed(def.name)).toHaveLength(1);
  });

  it('retries a failing job with backoff and parks it as dead after its tries, telling its handler', async () => {
    const { db } = await testDatabase();
    const deaths: string[] = [];
    const def = defineJob({
      name: `test.fail.${Date.now()}.${++n}`,
      input: Type.Object({ why: Type.String() }),
      retry: { attempts: 3, baseMs: 30 },
      run: async ({ input, attempt }) => {
        throw new Error(`${input.why} (try ${attempt})`);
      },
      onDead: async ({ id }, err) => {
        deaths.push(`${id}: ${(err as Error).message}`);
      },
    });
    const id = await enqueue(db, def, { why: 'always broken' });
    await start([def]);
    const [job] = await until(
      () => jobsNamed(def.name),
      (js) => js[0]?.status === 'dead',
    );
    expect(job).toMatchObject({ attempts: 3, last_error: 'always broken (try 3)' });
    expect(deaths).toEqual([`${id}: always broken (try 3)`]);
  });

  it('takes back a job whose worker stopped renewing its lease, and runs it again', async () => {
    const { db } = await testDatabase();
    await ensureRunsTable(db);
    const def = unique(recordJob);
    const id = await enqueue(db, def, { tag: def.name });
    // As a worker that died mid-job leaves it: running, held by nobody alive, lease run out.
    await db.execute(sql`update jobs set status = 'running', attempts = 1, locked_by = 'gone:1:x',
      locked_until = now() - interval '1 second' where id = ${id}`);
    await start([def], { leaseMs: 200 });
    const [job] = await until(
      () => jobsNamed(def.name),
      (js) => js[0]?.status === 'completed',
    );
    expect(job.attempts).toBe(2);
    expect((await runsOf(def.name)).map((r) => r.phase).sort()).toEqual(['done', 'start']);
  });

  it('hands back, untried, the jobs still running when a worker stops', async () => {
    const { db } = await testDatabase();
    await ensureRunsTable(db);
    const def = unique(recordJob);
    await enqueue(db, def, { tag: def.name, sleepMs: 60_000 });
    const w = await start([def]);
    await until(
      () => runsOf(def.name),
      (r) => r.length === 1,
    );
    await w.stop(100);
    const [job] = await jobsNamed(def.name);
    expect(job).toMatchObject({ status: 'queued', attempts: 0 });
  });

  it('fires a cron schedule once per tick whatever the number of workers, and reports progress', async () => {
    const { db } = await testDatabase();
    const name = `test.cron.${Date.now()}.${++n}`;
    const def = defineJob({
      name,
      input: Type.Object({}),
      schedule: { cron: '* * * * * *', input: {} },
      run: async ({ progress }) => {
        await progress({ done: 1, of: 1 });
      },
    });
    await Promise.all([start([def]), start([def]), start([def])]);
    await new Promise((r) => setTimeout(r, 3_300));
    await Promise.all(workers.splice(0).map((w) => w.stop(1_000)));
    const fired = await jobsNamed(name);
    // Three or four ticks passed; each was enqueued by one worker only.
    expect(fired.length).toBeGreaterThanOrEqual(2);
    expect(fired.length).toBeLessThanOrEqual(5);
    expect(new Set(fired.map((j) => j.singleton_key)).size).toBe(fired.length);
    const completed = fired.filter((j) => j.status === 'completed');
    expect(completed.length).toBeGreaterThanOrEqual(1);
    for (const j of completed) expect(j.progress).toEqual({ done: 1, of: 1 });
    await db.execute(sql`delete from job_schedules where name = ${name}`);
  });

  it('refuses input that does not match the job’s schema when it is enqueued', async () => {
    const { db } = await testDatabase();
    await expect(enqueue(db, recordJob, { tag: 1 } as never)).rejects.toThrow(/does not match its schema/);
  });

  it('spreads retries: exponential, capped, with jitter', () => {
    const def = { retry: { baseMs: 1_000, maxMs: 10_000 } } as JobDef;
    expect(backoffMs(def, 1, () => 0)).toBe(500);
    expect(backoffMs(def, 1, () => 1)).toBe(1_000);
    expect(backoffMs(def, 3, () => 1)).toBe(4_000);
    expect(backoffMs(def, 20, () => 1)).toBe(10_000);
    expect(nextTick('0 9 * * 1', 'Europe/Berlin', new Date('2026-11-29T12:00:00Z')).toISOString()).toBe('2026-11-30T08:00:00.000Z');
  });
});

describe('the jobs page of a workspace', () => {
  it('lists its own jobs only, retries a dead one and discards a waiting one', async () => {
    const { api, signUp } = await import('../test/harness.ts');
    const { db } = await testDatabase();
    const s = await signUp();
    const other = await signUp();
    const def = unique(recordJob);
    await ensureRunsTable(db);
    const dead = await enqueue(db, def, { tag: def.name }, { workspaceId: s.workspaceId });
    await db.execute(sql`update jobs set status = 'dead', attempts = 3, last_error = 'it broke' where id = ${dead}`);
    const listed = (await api(s).get('/jobs?status=dead')).json().data;
    expect(listed).toEqual([expect.objectContaining({ id: dead, name: def.name, status: 'dead', lastError: 'it broke' })]);
    expect((await api(other).get('/jobs')).json().data).toEqual([]);
    expect((await api(other).post(`/jobs/${dead}/retry`)).statusCode).toBe(404);
    const retried = await api(s).post(`/jobs/${dead}/retry`);
    expect(retried.json()).toMatchObject({ status: 'queued', attempts: 0 });
    expect((await api(s).post(`/jobs/${dead}/retry`)).statusCode).toBe(409);
    await start([def]);
    await until(
      () => jobsNamed(def.name),
      (js) => js[0]?.status === 'completed',
    );
    const waiting = await enqueue(db, def, { tag: def.name }, { workspaceId: s.workspaceId, runAt: new Date(Date.now() + 3_600_000) });
    expect((await api(s).delete(`/jobs/${waiting}`)).json()).toMatchObject({ status: 'discarded' });
    expect((await api(s).delete(`/jobs/${dead}`)).statusCode).toBe(409);
  });
});
