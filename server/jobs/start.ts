import type { Config } from '../config.ts';
import type { Database } from '../db/client.ts';
import { eventConsumers } from '../modules/consumers.ts';
import { jobDefs } from '../modules/jobs.ts';
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

/** A worker over every kind of job the app has (and any extra kinds), started. */
export async function startWorker(database: Database, config: Config, log: JobLog, concurrency = config.jobConcurrency) {
  const worker = new Worker(database, [...jobDefs, ...(await extraJobs(process.env))], {
    concurrency,
    leaseMs: config.jobLeaseMs,
    // One connection on the embedded database: a short poll costs an index probe, and imports start sooner.
    pollMs: database.kind === 'pglite' ? 250 : 500,
    log,
    consumers: eventConsumers,
  });
  await worker.start();
  return worker;
}
