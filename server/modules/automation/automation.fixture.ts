import { sql } from 'drizzle-orm';
import pg from 'pg';
import Type from 'typebox';
import type { Db } from '../../db/client.ts';
import type { JobDef } from '../../jobs/define.ts';
import { actionOf, registerAction } from './actions.ts';
import { automationClock } from './clock.ts';
import { defineAction } from './types.ts';

// What the tests with real `rapport worker` processes (automation.pg.test.ts) load into each worker
// through RAPPORT_EXTRA_JOBS, and into the test itself: a slow action that says which process ran
// it, and a clock every process reads from one row, so that the test moves time for all of them.
// The app never loads this.

/** The test's own tables, in a schema the catalog test of the app's tables does not look at. */
export const ensureFixtureTables = (db: Db) =>
  db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(7261003)`);
    await tx.execute(sql`create schema if not exists rapport_test`);
    await tx.execute(
      sql`create table if not exists rapport_test.action_runs (tag text not null, pid int not null, phase text not null, at timestamptz not null default now())`,
    );
    await tx.execute(sql`create table if not exists rapport_test.clock (id int primary key, offset_ms bigint not null)`);
  });

let pool: pg.Pool | null = null;
const outside = () => {
  pool ??= new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 2 });
  return pool;
};

/**
 * Waits, writing when it starts and ends through a connection of its own: a process killed while
 * it sleeps leaves its start behind, though the step's own transaction is rolled back.
 */
export const sleepAction = defineAction({
  name: 'test.sleep',
  label: 'Sleep (tests)',
  description: 'Sleeps, and records which process ran it',
  input: Type.Object(
    { tag: Type.String({ maxLength: 100 }), ms: Type.Integer({ minimum: 0, maximum: 60_000 }) },
    { additionalProperties: false },
  ),
  needsRecord: false,
  writes: () => [],
  run: async (_ac, input) => {
    await outside().query('insert into rapport_test.action_runs (tag, pid, phase) values ($1, $2, $3)', [input.tag, process.pid, 'start']);
    await new Promise((r) => setTimeout(r, input.ms));
    await outside().query('insert into rapport_test.action_runs (tag, pid, phase) values ($1, $2, $3)', [input.tag, process.pid, 'done']);
    return { detail: `Slept ${input.ms} ms in process ${process.pid}`, output: { pid: process.pid } };
  },
  describe: async (_ac, input) => `Would sleep ${input.ms} ms`,
});

if (!actionOf(sleepAction.name)) registerAction(sleepAction);

// In a worker process: the automation clock runs `offset_ms` ahead of the real one, as the row says.
if (process.env.RAPPORT_TEST_CLOCK === '1') {
  let offset = 0;
  const read = async () => {
    const r = await outside()
      .query<{ offset_ms: string }>('select offset_ms from rapport_test.clock where id = 1')
      .catch(() => ({ rows: [] as { offset_ms: string }[] }));
    offset = Number(r.rows[0]?.offset_ms ?? 0);
  };
  await read();
  setInterval(read, 100).unref();
  automationClock.now = () => new Date(Date.now() + offset);
}

export const jobs: JobDef[] = [];
