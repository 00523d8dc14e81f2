import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { sql } from 'drizzle-orm';
import { afterAll, describe, expect, it } from 'vitest';
import { selectRows } from '../db/client.ts';
import { databaseEnv, dbKind, testDatabase } from '../test/harness.ts';
import { ensureRunsTable, recordJob } from './jobs.fixture.ts';
import { enqueue } from './queue.ts';

// Real `rapport worker` processes over one PostgreSQL server: each job runs once across them, and
// a worker killed with SIGKILL in the middle of a job has that job taken over and finished by
// another. (The embedded database belongs to one process; its worker is tested in jobs.test.ts.)

const root = fileURLToPath(new URL('../..', import.meta.url));
const fixture = fileURLToPath(new URL('./jobs.fixture.ts', import.meta.url));
const children: ChildProcess[] = [];

function worker() {
  const child = spawn(process.execPath, [`${root}bin/rapport.mjs`, 'worker'], {
    cwd: root,
    env: {
      ...process.env,
      ...databaseEnv(),
      RAPPORT_EXTRA_JOBS: fixture,
      RAPPORT_JOB_LEASE_MS: '3000',
      RAPPORT_JOB_CONCURRENCY: '3',
      LOG_LEVEL: 'error',
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  children.push(child);
  return child;
}

afterAll(async () => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGTERM');
  await Promise.all(children.map((c) => (c.exitCode === null && c.signalCode === null ? new Promise((r) => c.once('exit', r)) : null)));
});

async function until<T>(read: () => Promise<T>, done: (v: T) => boolean, ms = 30_000) {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await read();
    if (done(v)) return v;
    if (Date.now() > deadline) throw new Error(`gave up waiting: ${JSON.stringify(v).slice(0, 500)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('rapport worker processes', () => {
  it('run on PostgreSQL (this file is in the postgres project only)', () => expect(dbKind).toBe('postgres'));

  it('run each job once between them, and finish the job of a worker killed with SIGKILL', async () => {
    const { db } = await testDatabase();
    await ensureRunsTable(db);
    const tag = `procs.${Date.now()}`;
    const ids: string[] = [];
    for (let i = 0; i < 60; i++) ids.push((await enqueue(db, recordJob, { tag, sleepMs: 20 })) as string);
    const slow = (await enqueue(db, recordJob, { tag: `${tag}.slow`, sleepMs: 4_000 })) as string;
    const [a, b] = [worker(), worker()];
    const jobs = () =>
      selectRows<{ id: string; status: string; attempts: number; locked_by: string | null }>(
        db,
        sql`select id, status, attempts, locked_by from jobs where id = any(${`{${[...ids, slow].join(',')}}`}::uuid[])`,
      );
    // The slow job is running in one of the two processes: kill that one outright.
    // Killed once its handler has begun (its start row is written), not merely claimed: a kill between
    // the claim and the handler's first write would leave no start of the holder to check below.
    const started = await until(
      () => selectRows<{ pid: number }>(db, sql`select pid from rapport_test.job_runs where job_id = ${slow} and phase = 'start'`),
      (rows) => rows.length > 0,
    );
    const holderPid = Number(started[0].pid);
    const victim = [a, b].find((c) => c.pid === holderPid) as ChildProcess;
    expect(victim).toBeDefined();
    victim.kill('SIGKILL');
    const done = await until(jobs, (js) => js.every((j) => j.status === 'completed'), 60_000);
    expect(done.find((j) => j.id === slow)?.attempts).toBe(2);
    const runs = await selectRows<{ job_id: string; phase: string; pid: number }>(
      db,
      sql`select job_id, phase, pid from rapport_test.job_runs where tag like ${`${tag}%`}`,
    );
    // Every quick job finished, once by the live process. A job is run at least once, not exactly once:
    // one the killed process had finished but not yet marked completed (its handler and the mark are
    // two transactions) is run again by the other, so the only second run allowed is after the killed one's.
    for (const id of ids) {
      const done = runs.filter((r) => r.job_id === id && r.phase === 'done');
      expect(done.length).toBeGreaterThanOrEqual(1);
      expect(done.filter((r) => r.pid !== holderPid).length).toBeLessThanOrEqual(1);
      expect(done.filter((r) => r.pid === holderPid).length).toBeLessThanOrEqual(1);
    }
    // The slow one started twice (once in the killed process) and finished once, elsewhere.
    const slowRuns = runs.filter((r) => r.job_id === slow);
    expect(slowRuns.filter((r) => r.phase === 'start').map((r) => r.pid)).toContain(holderPid);
    expect(slowRuns.filter((r) => r.phase === 'done').map((r) => r.pid)).toEqual([[a, b].find((c) => c !== victim)?.pid]);
    expect(new Set(runs.filter((r) => r.phase === 'done').map((r) => r.pid)).size).toBeGreaterThanOrEqual(1);
  }, 90_000);
});
