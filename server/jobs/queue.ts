import { EventEmitter } from 'node:events';
import { sql } from 'drizzle-orm';
import type { Static, TSchema } from 'typebox';
import { uuidv7 } from 'uuidv7';
import { type Conn, selectRows } from '../db/client.ts';
import { bodyAjv } from '../http/validation.ts';
import type { JobDef } from './define.ts';

const checkers = new WeakMap<JobDef, ReturnType<typeof bodyAjv.compile>>();

function checkInput(def: JobDef, input: unknown) {
  let check = checkers.get(def);
  if (!check) {
    check = bodyAjv.compile(def.input);
    checkers.set(def, check);
  }
  // A job's input is written by our own code: a mismatch is a bug, found here rather than by the worker.
  if (!check(input)) throw new Error(`job ${def.name}: input does not match its schema: ${bodyAjv.errorsText(check.errors)}`);
}

export interface EnqueueOptions {
  /** Whose job it is; their admins see it in the jobs list. Null for house-keeping. */
  workspaceId?: string | null;
  /** Not before this time (a delayed job). */
  runAt?: Date;
  priority?: number;
  /** At most one queued or running job per name and key: a second enqueue while one waits is dropped. */
  singletonKey?: string;
}

/**
 * Adds a job in the caller's transaction: it exists exactly when the change that asked for it is
 * committed, and a worker cannot see it before. Returns the job's id, or null when a job with the
 * same singleton key is already waiting.
 */
export async function enqueue<S extends TSchema>(conn: Conn, def: JobDef<S>, input: Static<S>, opts: EnqueueOptions = {}) {
  checkInput(def as unknown as JobDef, input);
  const id = uuidv7();
  const rows = await selectRows<{ id: string }>(
    conn,
    sql`insert into jobs (id, name, workspace_id, input, max_attempts, run_at, priority, singleton_key)
      values (${id}, ${def.name}, ${opts.workspaceId ?? null}, ${JSON.stringify(input)}::jsonb, ${def.retry?.attempts ?? 5},
        ${(opts.runAt ?? new Date()).toISOString()}::timestamptz, ${opts.priority ?? 0}, ${opts.singletonKey ?? null})
      on conflict (name, singleton_key) where status in ('queued', 'running') and singleton_key is not null do nothing
      returning id`,
  );
  // Wakes the workers of every process when the transaction commits (a NOTIFY is sent only then).
  if (rows[0]) await conn.execute(sql`select pg_notify(${JOBS_CHANNEL}, ${def.name})`);
  return rows[0]?.id ?? null;
}

/**
 * Enqueues a job to run now. When a job with the same singleton key is already waiting (queued for
 * later: a scan an import asked for in ten minutes), that one is brought forward instead, so "run
 * it now" never silently waits behind it. Returns the id of the job that will run (null only when
 * the waiting one is running already: it does what was asked).
 */
export async function enqueueNow<S extends TSchema>(
  conn: Conn,
  def: JobDef<S>,
  input: Static<S>,
  opts: EnqueueOptions & { singletonKey: string },
) {
  const id = await enqueue(conn, def, input, { ...opts, runAt: undefined });
  if (id) return id;
  const rows = await selectRows<{ id: string }>(
    conn,
    // The time from the app: Citus refuses now() beside a column in an UPDATE of a reference table.
    sql`update jobs set run_at = least(run_at, ${new Date().toISOString()}::timestamptz)
      where name = ${def.name} and singleton_key = ${opts.singletonKey} and status = 'queued'
      returning id`,
  );
  if (rows[0]) await conn.execute(sql`select pg_notify(${JOBS_CHANNEL}, ${def.name})`);
  return rows[0]?.id ?? null;
}

/** The channel enqueue notifies and workers listen on. */
export const JOBS_CHANNEL = 'rapport_jobs';

/**
 * Wakes the workers of this process at once instead of at their next poll: call it after the
 * transaction that enqueued a job has committed (before, the job is not visible yet).
 */
export const jobSignals = new EventEmitter();
export const wakeWorkers = () => jobSignals.emit('wake');
