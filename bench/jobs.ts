import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { openDatabase, selectRows } from '../server/db/client.ts';
import { enqueue } from '../server/jobs/queue.ts';
import { root } from './data.ts';
import { jobs as benchJobs } from './jobs.fixture.ts';
import type { Stats } from './measure.ts';

/**
 * The job queue on a PostgreSQL server, run by two `rapport worker` processes. Throughput: `count`
 * no-op jobs enqueued at once, jobs per second from the first start to the last finish. Latency:
 * enqueue-to-start of single jobs (created_at → started_at, the database's clock).
 */
export async function benchJobQueue(databaseUrl: string, count: number): Promise<{ throughput: Stats; latency: Stats }> {
  const database = await openDatabase({ databaseUrl, poolSize: 2 });
  const workers: ChildProcess[] = [];
  try {
    await database.migrate();
    await database.db.execute(sql`delete from jobs where name = 'bench.noop'`);
    const spawnWorker = () =>
      spawn(process.execPath, [path.join(root, 'bin/rapport.mjs'), 'worker'], {
        env: {
          ...process.env,
          DATABASE_URL: databaseUrl,
          RAPPORT_EXTRA_JOBS: path.join(root, 'bench/jobs.fixture.ts'),
          RAPPORT_JOB_CONCURRENCY: '4',
          LOG_LEVEL: 'error',
        },
        stdio: ['ignore', 'ignore', 'inherit'],
      });
    workers.push(spawnWorker(), spawnWorker());
    // Let both start polling before the burst, so that start-up is not counted as queueing.
    await new Promise((r) => setTimeout(r, 3_000));
    const [def] = benchJobs;
    await database.db.transaction(async (tx) => {
      for (let n = 0; n < count; n++) await enqueue(tx, def, { n });
    });
    const deadline = Date.now() + 120_000;
    for (;;) {
      const [{ left }] = await selectRows<{ left: number }>(
        database.db,
        sql`select count(*)::int as left from jobs where name = 'bench.noop' and status <> 'completed'`,
      );
      if (Number(left) === 0) break;
      if (Date.now() > deadline) throw new Error(`${left} bench jobs still not done after 2 minutes`);
      await new Promise((r) => setTimeout(r, 100));
    }
    const rows = await selectRows<{ started: string; finished: string }>(
      database.db,
      sql`select started_at::text as started, finished_at::text as finished from jobs where name = 'bench.noop'`,
    );
    const first = Math.min(...rows.map((r) => Date.parse(r.started)));
    const last = Math.max(...rows.map((r) => Date.parse(r.finished)));
    await database.db.execute(sql`delete from jobs where name = 'bench.noop'`);
    // Latency: jobs enqueued one at a time (each its own transaction, as a request would), 20 ms
    // apart, into idle workers; from the commit that enqueued it to its start.
    for (let n = 0; n < 100; n++) {
      await database.db.transaction((tx) => enqueue(tx, def, { n }));
      await new Promise((r) => setTimeout(r, 20));
    }
    const until = Date.now() + 30_000;
    let spaced: { wait_ms: number }[] = [];
    do {
      await new Promise((r) => setTimeout(r, 100));
      spaced = await selectRows<{ wait_ms: number }>(
        database.db,
        sql`select extract(epoch from started_at - created_at) * 1000 as wait_ms from jobs where name = 'bench.noop' and status = 'completed'`,
      );
    } while (spaced.length < 100 && Date.now() < until);
    const waits = spaced.map((r) => Number(r.wait_ms)).sort((a, b) => a - b);
    const pct = (p: number) => waits[Math.min(waits.length - 1, Math.floor((p / 100) * waits.length))];
    await database.db.execute(sql`delete from jobs where name = 'bench.noop'`);
    return {
      throughput: { p50: (last - first) / count, p99: (last - first) / count, rps: count / ((last - first) / 1000) },
      latency: { p50: pct(50), p99: pct(99), rps: 0 },
    };
  } finally {
    for (const w of workers) w.kill('SIGTERM');
    await Promise.all(workers.map((w) => new Promise((r) => (w.exitCode !== null ? r(null) : w.once('exit', r)))));
    await database.close();
  }
}
