import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { Cron } from 'croner';
import { sql } from 'drizzle-orm';
import type { Config } from '../config.ts';
import type { Database } from '../db/client.ts';
import { selectRows } from '../db/client.ts';
import { type ConsumerDef, EventDispatcher } from './consumers.ts';
import { backoffMs, type JobDef, type JobLog, type RunningJob } from './define.ts';
import { enqueue, JOBS_CHANNEL, jobSignals } from './queue.ts';

export interface WorkerOptions {
  /** Jobs run at once by this worker. */
  concurrency?: number;
  /** How often to look for new jobs when not woken. */
  pollMs?: number;
  /** The lease a worker takes on a job; renewed every third of it while the job runs. */
  leaseMs?: number;
  log?: JobLog;
  /** Outbox consumers this worker feeds beside running jobs (see consumers.ts). */
  consumers?: ConsumerDef[];
  /** Long-running services (server/modules/services.ts), started after the worker and stopped before it. */
  services?: WorkerServiceDef[];
  /** What the services read (whether they run at all); they are not made without it. */
  config?: Config;
}

/** Something a worker runs for as long as it runs (a held connection, not a job). */
export interface WorkerService {
  start(): Promise<void>;
  stop(): Promise<void>;
}

/** Makes a worker's own instance of a service; `workerId` names the worker (e.g. as a lease holder). */
export type WorkerServiceDef = (ctx: { database: Database; config: Config; workerId: string; log: JobLog }) => WorkerService | null;

interface ClaimedJob {
  id: string;
  name: string;
  workspace_id: string | null;
  input: unknown;
  attempts: number;
  max_attempts: number;
}

const quietLog: JobLog = { info() {}, warn() {}, error() {} };

/** When a cron expression next fires after `after`, in its time zone. */
export function nextTick(cron: string, timeZone: string, after: Date): Date {
  const next = new Cron(cron, { timezone: timeZone, paused: true }).nextRun(after);
  if (!next) throw new Error(`cron "${cron}" never fires again`);
  return next;
}

/**
 * Runs jobs: claims queued ones (FOR UPDATE SKIP LOCKED, so any number of workers share the
 * queue), runs each under a lease it renews, and records the outcome; fires cron schedules; puts
 * back the jobs of workers that died (their lease ran out). `stop()` finishes what is running
 * within a grace period and hands back the rest.
 */
export class Worker {
  readonly id = `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
  private readonly defs: Map<string, JobDef>;
  private readonly running = new Map<string, { abort: AbortController; done: Promise<void> }>();
  private stopped = true;
  private loop: Promise<void> | null = null;
  private wakeUp: (() => void) | null = null;
  /** Woken while busy: the next idle ends at once, so that a job enqueued meanwhile does not wait a poll. */
  private woken = false;
  private readonly onWake = () => {
    this.woken = true;
    this.wakeUp?.();
  };
  private readonly concurrency: number;
  private readonly pollMs: number;
  private readonly leaseMs: number;
  private readonly log: JobLog;

  constructor(
    private readonly database: Database,
    defs: JobDef[],
    opts: WorkerOptions = {},
  ) {
    this.defs = new Map(defs.map((d) => [d.name, d]));
    this.concurrency = opts.concurrency ?? 2;
    this.pollMs = opts.pollMs ?? 500;
    this.leaseMs = opts.leaseMs ?? 30_000;
    this.log = opts.log ?? quietLog;
    this.dispatcher = new EventDispatcher(database, opts.consumers ?? [], { pollMs: this.pollMs, log: this.log });
    const config = opts.config;
    this.services = config
      ? (opts.services ?? []).flatMap((make) => make({ database, config, workerId: this.id, log: this.log }) ?? [])
      : [];
  }

  /** The long-running services of this worker (IDLE watchers), in the order of WorkerOptions.services. */
  readonly services: WorkerService[];

  /** Feeds the outbox to the consumers; stopped with the worker. */
  readonly dispatcher: EventDispatcher;

  private get db() {
    return this.database.db;
  }

  private unlisten: (() => Promise<void>) | null = null;

  async start() {
    if (!this.stopped) return;
    await this.syncSchedules();
    this.stopped = false;
    jobSignals.on('wake', this.onWake);
    // A job enqueued by any process wakes this worker as its transaction commits; polling remains
    // the fallback (a notification missed while the listening connection was down).
    this.unlisten = await this.database.listen(JOBS_CHANNEL, this.onWake).catch((err) => {
      this.log.warn({ err }, 'cannot listen for new jobs; polling only');
      return null;
    });
    this.loop = this.run();
    await this.dispatcher.start();
    for (const service of this.services) await service.start();
  }

  /** Stops claiming, lets running jobs finish for up to `graceMs`, then aborts and hands back the rest. */
  async stop(graceMs = 10_000) {
    if (this.stopped) return;
    this.stopped = true;
    // Services first: an IDLE watcher queues syncs, which no one would run after this.
    await Promise.all(this.services.map((s) => s.stop()));
    await this.dispatcher.stop();
    jobSignals.off('wake', this.onWake);
    await this.unlisten?.();
    this.wakeUp?.();
    await this.loop;
    const all = Promise.all([...this.running.values()].map((r) => r.done));
    // The grace timer is cleared once the jobs are done: left running, it would keep a one-off
    // command (rapport import) alive for the whole grace after its work was finished.
    let grace: NodeJS.Timeout | undefined;
    await Promise.race([all, new Promise((r) => (grace = setTimeout(r, graceMs)))]);
    clearTimeout(grace);
    const left = [...this.running.keys()];
    for (const r of this.running.values()) r.abort.abort();
    if (left.length) {
      // Handed back untried: the attempt does not count, and another worker may take them at once.
      await this.db.execute(sql`update jobs set status = 'queued', attempts = greatest(attempts - 1, 0), locked_by = null,
        locked_until = null, run_at = now() where id = any(${`{${left.join(',')}}`}::uuid[]) and locked_by = ${this.id} and status = 'running'`);
      this.log.warn({ jobs: left }, 'handed back jobs still running at shutdown');
    }
    await all;
  }

  private async run() {
    let lastReclaim = 0;
    while (!this.stopped) {
      let claimed = 0;
      try {
        if (Date.now() - lastReclaim > Math.min(5_000, this.leaseMs / 2)) {
          lastReclaim = Date.now();
          await this.reclaim();
        }
        await this.fireSchedules();
        claimed = await this.claimAndRun();
      } catch (err) {
        this.log.error({ err }, 'job worker tick failed');
      }
      // A full batch means more may be waiting: look again at once.
      if (!this.stopped && claimed === 0) await this.idle();
    }
  }

  private idle() {
    if (this.woken) {
      this.woken = false;
      return Promise.resolve();
    }
    return new Promise<void>((resolve) => {
      const t = setTimeout(done, this.pollMs);
      function done() {
        clearTimeout(t);
        resolve();
      }
      this.wakeUp = () => {
        this.wakeUp = null;
        this.woken = false;
        done();
      };
    });
  }

  /** Jobs whose worker died (lease run out) go back to the queue, or to the dead list when out of tries. */
  private async reclaim() {
    // The time comes from the app: Citus refuses now() inside CASE on a reference table (jobs is one).
    const now = new Date().toISOString();
    const rows = await selectRows<{ id: string; name: string; status: string }>(
      this.db,
      sql`update jobs set status = case when attempts >= max_attempts then 'dead' else 'queued' end,
        locked_by = null, locked_until = null, run_at = ${now}::timestamptz,
        last_error = 'The worker running it stopped before it finished (its lease ran out)',
        finished_at = case when attempts >= max_attempts then ${now}::timestamptz end
      where status = 'running' and locked_until < ${now}::timestamptz returning id, name, status`,
    );
    if (rows.length) this.log.warn({ jobs: rows }, 'took back jobs of a worker that stopped');
  }

  private async claimAndRun() {
    const free = this.concurrency - this.running.size;
    if (free <= 0 || this.stopped) return 0;
    const names = [...this.defs.keys()];
    const claimed = await selectRows<ClaimedJob>(
      this.db,
      sql`update jobs j set status = 'running', attempts = j.attempts + 1, locked_by = ${this.id},
        locked_until = now() + ${this.leaseMs} * interval '1 millisecond', started_at = now()
      where j.id in (
        select id from jobs where status = 'queued' and run_at <= now() and name = any(${`{${names.join(',')}}`}::text[])
        order by priority desc, run_at, id limit ${free} for update skip locked)
      returning j.id, j.name, j.workspace_id, j.input, j.attempts, j.max_attempts`,
    );
    for (const job of claimed) this.execute(job);
    return claimed.length === free ? claimed.length : 0;
  }

  private execute(row: ClaimedJob) {
    const def = this.defs.get(row.name) as JobDef;
    const abort = new AbortController();
    const leaseMs = def.leaseMs ?? this.leaseMs;
    const renew = async () => {
      const held = await selectRows<{ id: string }>(
        this.db,
        sql`update jobs set locked_until = now() + ${leaseMs} * interval '1 millisecond'
          where id = ${row.id} and locked_by = ${this.id} and status = 'running' returning id`,
      );
      // Taken over (this worker was thought dead): stop, the other worker carries on.
      if (!held.length) abort.abort();
    };
    const job: RunningJob<unknown> = {
      id: row.id,
      input: typeof row.input === 'string' ? JSON.parse(row.input) : row.input,
      workspaceId: row.workspace_id,
      attempt: row.attempts,
      maxAttempts: row.max_attempts,
      db: this.db,
      database: this.database,
      signal: abort.signal,
      progress: async (value) => {
        await this.db.execute(sql`update jobs set progress = ${JSON.stringify(value)}::jsonb, locked_until = now() + ${leaseMs} * interval '1 millisecond'
          where id = ${row.id} and locked_by = ${this.id} and status = 'running'`);
      },
      log: this.log,
    };
    const heartbeat = setInterval(() => renew().catch((err) => this.log.warn({ err, job: row.id }, 'lease renewal failed')), leaseMs / 3);
    const done = (async () => {
      try {
        const result = await def.run(job);
        if (abort.signal.aborted) return;
        await this.db.execute(sql`update jobs set status = 'completed', result = ${JSON.stringify(result ?? null)}::jsonb,
          finished_at = now(), locked_by = null, locked_until = null
          where id = ${row.id} and locked_by = ${this.id} and status = 'running'`);
      } catch (err) {
        if (abort.signal.aborted) return;
        await this.fail(def, job, err);
      }
    })()
      .catch((err) => this.log.error({ err, job: row.id }, 'could not record the outcome of a job'))
      .finally(() => {
        clearInterval(heartbeat);
        this.running.delete(row.id);
        // A slot is free: look for the next job now rather than at the next poll.
        this.wakeUp?.();
      });
    this.running.set(row.id, { abort, done });
  }

  private async fail(def: JobDef, job: RunningJob<unknown>, err: unknown) {
    const message = (err instanceof Error ? err.message : String(err)).slice(0, 2000);
    const last = job.attempt >= job.maxAttempts;
    this.log.warn({ err, job: job.id, name: def.name, attempt: job.attempt, dead: last }, 'job failed');
    if (last && def.onDead) await def.onDead(job, err).catch((e) => this.log.error({ err: e, job: job.id }, 'onDead failed'));
    await this.db.execute(sql`update jobs set status = ${last ? 'dead' : 'queued'}, last_error = ${message},
      run_at = now() + ${last ? 0 : backoffMs(def, job.attempt)} * interval '1 millisecond',
      finished_at = ${last ? sql`now()` : null}, locked_by = null, locked_until = null
      where id = ${job.id} and locked_by = ${this.id} and status = 'running'`);
  }

  /** Writes the schedules of the known jobs; a changed cron or zone starts from its next tick. */
  private async syncSchedules() {
    for (const def of this.defs.values()) {
      if (!def.schedule) continue;
      const tz = def.schedule.timeZone ?? 'UTC';
      const next = nextTick(def.schedule.cron, tz, new Date());
      await this.db.execute(sql`insert into job_schedules (name, cron, time_zone, next_run_at)
        values (${def.name}, ${def.schedule.cron}, ${tz}, ${next.toISOString()}::timestamptz)
        on conflict (name) do update set cron = excluded.cron, time_zone = excluded.time_zone,
          next_run_at = case when job_schedules.cron <> excluded.cron or job_schedules.time_zone <> excluded.time_zone
            then excluded.next_run_at else job_schedules.next_run_at end`);
    }
  }

  /**
   * Enqueues the job of each schedule that is due. A tick belongs to whichever worker moves its
   * schedule on (the update names the tick it read): of several workers, one fires it, the others
   * find it moved. A tick missed while no worker ran fires once, not once per missed tick.
   */
  private async fireSchedules() {
    const names = [...this.defs.values()].filter((d) => d.schedule).map((d) => d.name);
    if (!names.length) return;
    const due = await selectRows<{ name: string; cron: string; time_zone: string; next_run_at: string | Date }>(
      this.db,
      sql`select name, cron, time_zone, next_run_at from job_schedules
        where next_run_at <= now() and name = any(${`{${names.join(',')}}`}::text[])`,
    );
    for (const s of due) {
      const def = this.defs.get(s.name) as JobDef;
      const tick = new Date(s.next_run_at);
      const next = nextTick(s.cron, s.time_zone, new Date(Math.max(Date.now(), tick.getTime())));
      await this.db.transaction(async (tx) => {
        const won = await selectRows<{ name: string }>(
          tx,
          sql`update job_schedules set next_run_at = ${next.toISOString()}::timestamptz, last_run_at = ${tick.toISOString()}::timestamptz
            where name = ${s.name} and next_run_at = ${tick.toISOString()}::timestamptz returning name`,
        );
        if (won.length) await enqueue(tx, def, def.schedule?.input, { singletonKey: `schedule:${tick.toISOString()}` });
      });
    }
  }
}
