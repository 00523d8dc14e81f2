import { sql } from 'drizzle-orm';
import Type from 'typebox';
import type { Db } from '../db/client.ts';
import { defineJob } from './define.ts';

// Job kinds for the tests of the queue itself (jobs.test.ts, workers.test.ts). Worker processes load
// them through RAPPORT_EXTRA_JOBS; the app never does. Each run is written to rapport_test.job_runs, with
// the process that ran it, so that a test can tell how often and where a job ran.

/**
 * The runs table lives in a schema of its own, so that the catalog test of the app's tables does not
 * see it. Processes create it under an advisory lock: two CREATE … IF NOT EXISTS at once can clash.
 */
export const ensureRunsTable = (db: Db) =>
  db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(7261002)`);
    await tx.execute(sql`create schema if not exists rapport_test`);
    await tx.execute(sql`create table if not exists rapport_test.job_runs (
      job_id uuid not null, tag text not null, pid int not null, phase text not null, at timestamptz not null default now())`);
  });

const input = Type.Object({ tag: Type.String(), sleepMs: Type.Optional(Type.Integer()) }, { additionalProperties: false });

/** Records that it ran, then (optionally) sleeps, recording that it finished. */
export const recordJob = defineJob({
  name: 'test.record',
  input,
  retry: { attempts: 3, baseMs: 50 },
  run: async ({ db, id, input, signal }) => {
    await ensureRunsTable(db);
    await db.execute(
      sql`insert into rapport_test.job_runs (job_id, tag, pid, phase) values (${id}, ${input.tag}, ${process.pid}, 'start')`,
    );
    if (input.sleepMs) {
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, input.sleepMs);
        signal.addEventListener('abort', () => {
          clearTimeout(t);
          resolve();
        });
      });
      if (signal.aborted) return;
    }
    await db.execute(sql`insert into rapport_test.job_runs (job_id, tag, pid, phase) values (${id}, ${input.tag}, ${process.pid}, 'done')`);
    return { pid: process.pid };
  },
});

export const jobs = [recordJob];
