import type { Static, TSchema } from 'typebox';
import type { Database, Db } from '../db/client.ts';

export interface JobLog {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

/** What a handler gets: its input, the database, and a way to report progress (which also renews its lease). */
export interface RunningJob<I> {
  id: string;
  input: I;
  workspaceId: string | null;
  /** 1 on the first try. */
  attempt: number;
  maxAttempts: number;
  db: Db;
  database: Database;
  /** Aborted when the worker stops or loses the job's lease: stop at the next safe point. */
  signal: AbortSignal;
  progress(value: Record<string, unknown>): Promise<void>;
  log: JobLog;
}

/**
 * A kind of job, declared as data in the module that owns the work (`<module>.jobs.ts`) and listed
 * in server/jobs/registry.ts. Handlers must be safe to run again: a job whose worker died is run
 * anew (from where its own committed progress says it got to).
 */
export interface JobDef<S extends TSchema = TSchema> {
  /** `imports.contacts`, `auth.cleanup` …: module, then what it does. */
  name: string;
  input: S;
  run(job: RunningJob<Static<S>>): Promise<unknown>;
  /** Tries in all (default 5), and the backoff between them: base·2^(try-1), capped, with jitter. */
  retry?: { attempts?: number; baseMs?: number; maxMs?: number };
  /** How long a worker may go without renewing its hold on the job before another may take it over. */
  leaseMs?: number;
  /** Runs on a cron schedule (5 or 6 fields, seconds first when 6), once per tick however many workers run. */
  schedule?: { cron: string; timeZone?: string; input: Static<S> };
  /** Kept off the workspace's jobs page: jobs with a page of their own (webhook deliveries, one per event). */
  hidden?: boolean;
  /** Called once when the job has used up its tries, before it is parked as dead. */
  onDead?(job: RunningJob<Static<S>>, error: unknown): Promise<void>;
}

export const defineJob = <S extends TSchema>(def: JobDef<S>) => def as unknown as JobDef;

/** The delay before try `attempt + 1`: exponential, capped, with "equal jitter" so that retries of many jobs spread out. */
export function backoffMs(def: JobDef, attempt: number, random = Math.random) {
  const base = def.retry?.baseMs ?? 1_000;
  const cap = def.retry?.maxMs ?? 10 * 60_000;
  const full = Math.min(cap, base * 2 ** Math.max(0, attempt - 1));
  return Math.round(full / 2 + random() * (full / 2));
}
