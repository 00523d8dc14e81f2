import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { type Database, openDatabase, selectRows } from '../db/client.ts';
import { Worker } from '../jobs/worker.ts';
import { directUrlOf } from '../test/db-kind.ts';
import { dbKind, testConfig, testDatabase } from '../test/harness.ts';
import { BACKUP_JOB, scheduledBackupJob } from './backup.jobs.ts';
import { listBackups } from './backup.service.ts';

const scratch = mkdtempSync(path.join(tmpdir(), 'rapport-backup-'));
const dirs = (name: string) => path.join(scratch, name);
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const quiet = { info() {}, warn() {}, error() {} };

async function until<T>(read: () => Promise<T>, done: (v: T) => boolean, ms = 60_000) {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await read();
    if (done(v)) return v;
    if (Date.now() > deadline) throw new Error(`gave up waiting: ${JSON.stringify(v).slice(0, 500)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

// Not on Citus (the citus project leaves this file out, vitest.config.ts): its backups are the cluster's
// own business (docs/operations.md), and pg_dump reading every shard is the fan-out its test
// connections refuse.
describe('the scheduled backup', () => {
  const workers: Worker[] = [];
  const opened: Database[] = [];
  afterEach(async () => {
    await Promise.all(workers.splice(0).map((w) => w.stop(2_000)));
    await Promise.all(opened.splice(0).map((d) => d.close()));
  });

  /** PostgreSQL: the suite's database. The embedded one: a small one of its own, as a dump of the shared one would take long. */
  async function database() {
    if (dbKind === 'postgres') return testDatabase();
    const own = await openDatabase({ dataDir: 'memory://' });
    opened.push(own);
    await own.migrate();
    return own;
  }

  async function runsOf(d: Database) {
    return selectRows<{ status: string; result: { file: string; bytes: number; removed: string[] } | null; last_error: string | null }>(
      d.db,
      sql`select status, result, last_error from jobs where name = ${BACKUP_JOB} order by id`,
    );
  }

  it('runs on its schedule in the worker, records each outcome, and keeps the newest RAPPORT_BACKUP_KEEP', async () => {
    const d = await database();
    await d.query(`delete from jobs where name = '${BACKUP_JOB}'`);
    const backupDir = dirs(`scheduled-${dbKind}`);
    const config = {
      ...testConfig(),
      databaseUrl: dbKind === 'postgres' ? (process.env.TEST_DATABASE_URL as string) : '',
      databaseDirectUrl: directUrlOf(process.env.TEST_DATABASE_URL) ?? '',
      backupDir,
      backupKeep: 2,
      // Every second (six fields: seconds first), for the test; a real one is e.g. "30 2 * * *".
      backupSchedule: '* * * * * *',
    };
    const worker = new Worker(d, [scheduledBackupJob(config)], { pollMs: 100, concurrency: 1, config, log: quiet });
    workers.push(worker);
    await worker.start();
    const runs = await until(
      () => runsOf(d),
      (rs) => rs.filter((r) => r.status === 'completed').length >= 3,
    );
    await worker.stop(10_000);
    const done = runs.filter((r) => r.status === 'completed');
    for (const r of done) expect(r.result?.bytes).toBeGreaterThan(1_000);
    expect(done[2].result?.removed).toEqual([path.basename(done[0].result?.file as string)]);
    const kept = (await listBackups(backupDir)).map((b) => b.name);
    expect(kept).toHaveLength(2);
    expect(kept).toContain(path.basename(done[2].result?.file as string));
  }, 120_000);

  it('records why a backup failed, as the job’s error', async () => {
    const d = await database();
    await d.query(`delete from jobs where name = '${BACKUP_JOB}'`);
    const blocked = dirs(`not-a-directory-${dbKind}`);
    writeFileSync(blocked, 'a file where the backup directory should be');
    const config = {
      ...testConfig(),
      databaseUrl: dbKind === 'postgres' ? (process.env.TEST_DATABASE_URL as string) : '',
      databaseDirectUrl: directUrlOf(process.env.TEST_DATABASE_URL) ?? '',
      backupDir: path.join(blocked, 'backups'),
      backupSchedule: '* * * * * *',
    };
    const worker = new Worker(d, [scheduledBackupJob(config)], { pollMs: 100, config, log: quiet });
    workers.push(worker);
    await worker.start();
    const [run] = await until(
      () => runsOf(d),
      (rs) => rs.some((r) => r.last_error),
    );
    expect(run.last_error).toMatch(/ENOTDIR|EEXIST/);
  }, 60_000);
});
