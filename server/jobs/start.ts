import { scheduledBackupJob } from '../backup/backup.jobs.ts';
import type { Config } from '../config.ts';
import type { Database } from '../db/client.ts';
import { consumerDefs } from '../modules/consumers.ts';
import { jobDefs } from '../modules/jobs.ts';
import { wireRecordEngine } from '../modules/registry.ts';
import { serviceDefs } from '../modules/services.ts';
import type { ConsumerDef } from './consumers.ts';
import type { JobDef, JobLog } from './define.ts';
import { Worker } from './worker.ts';

/**
 * Job kinds added from outside the app, for tests of the queue itself: RAPPORT_EXTRA_JOBS names
 * modules (comma-separated paths) that export `jobs: JobDef[]`.
 */
async function extraJobs(env: NodeJS.ProcessEnv): Promise<JobDef[]> {
  const paths = (env.RAPPORT_EXTRA_JOBS ?? '').split(',').filter(Boolean);
  const loaded = await Promise.all(paths.map(async (p) => ((await import(p)) as { jobs: JobDef[] }).jobs));
  return loaded.flat();
}

/** A worker over every kind of job the app has (and any extra kinds), and every outbox consumer, started. */
export async function startWorker(
  database: Database,
  config: Config,
  log: JobLog,
  concurrency = config.jobConcurrency,
  consumers: ConsumerDef[] = consumerDefs,
  /** Only these kinds of job (all when absent): a one-off command runs its own job, not the queue's backlog. */
  only?: readonly string[],
) {
  wireRecordEngine();
  // The scheduled backup exists only where RAPPORT_BACKUP_SCHEDULE says when and where to write it.
  const backup = config.backupSchedule ? [scheduledBackupJob(config)] : [];
  const defs = [...jobDefs, ...backup, ...(await extraJobs(process.env))].filter((d) => !only || only.includes(d.name));
  const worker = new Worker(database, defs, {
    consumers,
    concurrency,
    leaseMs: config.jobLeaseMs,
    // One connection on the embedded database: a short poll costs an index probe, and imports start sooner.
    pollMs: database.kind === 'pglite' ? 250 : 500,
    log,
    // A one-off command's worker runs its own jobs only: it holds no mail connections.
    services: only ? [] : serviceDefs,
    config,
  });
  await worker.start();
  return worker;
}
