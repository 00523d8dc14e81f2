import { existsSync } from 'node:fs';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { sql } from 'drizzle-orm';
import { BACKUP_JOB, backupKeepProblem } from '../backup/backup.jobs.ts';
import { assertEmbeddedNotInUse } from '../backup/backup.pglite.ts';
import { backUp, listBackups, restore } from '../backup/backup.service.ts';
import { type Config, databaseOptions, sessionDatabaseUrl } from '../config.ts';
import { openDatabase, pgliteExtensions, selectRows } from '../db/client.ts';

const size = (bytes: number) =>
  bytes >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(1)} MB` : bytes >= 1024 ? `${(bytes / 1024).toFixed(0)} kB` : `${bytes} B`;

/** An embedded database that exists, on disk, and that no process has open; or why not. */
function embeddedDir(config: Config) {
  if (config.dataDir === 'memory://') throw new Error('the in-memory database cannot be backed up: set RAPPORT_DATA_DIR or DATABASE_URL');
  if (!existsSync(path.join(config.dataDir, 'PG_VERSION')))
    throw new Error(`there is no embedded database in ${config.dataDir} (RAPPORT_DATA_DIR), nor a DATABASE_URL: nothing to back up`);
  assertEmbeddedNotInUse(config.dataDir);
  return config.dataDir;
}

/** `rapport backup [--out FILE]`: one backup now, into FILE or the backup directory (then keeping RAPPORT_BACKUP_KEEP). */
export async function backupCommand(config: Config, opts: { out?: string }) {
  const problem = backupKeepProblem(config);
  if (problem) throw new Error(problem);
  const settings = { dir: config.backupDir, keep: config.backupKeep, out: opts.out };
  let result: Awaited<ReturnType<typeof backUp>>;
  if (config.databaseUrl) {
    result = await backUp({ kind: 'postgres', databaseUrl: sessionDatabaseUrl(config) }, settings);
  } else {
    const client = await PGlite.create(embeddedDir(config), { extensions: pgliteExtensions });
    try {
      result = await backUp({ kind: 'pglite', client, live: false }, settings);
    } finally {
      await client.close();
    }
  }
  console.log(`backed up to ${result.file} (${size(result.bytes)} in ${(result.ms / 1000).toFixed(1)} s)`);
  if (result.removed.length)
    console.log(`removed ${result.removed.length} older (RAPPORT_BACKUP_KEEP=${config.backupKeep}): ${result.removed.join(', ')}`);
}

/** `rapport restore FILE`: into the empty database DATABASE_URL (or RAPPORT_DATA_DIR) names. */
export async function restoreCommand(config: Config, file: string) {
  await restore(config, path.resolve(file));
  const where = config.databaseUrl ? 'the database at DATABASE_URL' : `the embedded database in ${config.dataDir}`;
  console.log(`restored ${file} into ${where}`);
  console.log(
    'Start rapport on it as usual (migrations newer than the backup are applied at start). Mail passwords stored in it\n' +
      'are encrypted with the secret keys of the installation that made it: RAPPORT_SECRET_KEYS, or its data directory’s secret-keys file.',
  );
}

interface BackupRun {
  status: string;
  finished_at: string | null;
  result: unknown;
  last_error: string | null;
}

/** What the scheduled backups did: the schedule's next and last tick, and the latest runs with their outcome. */
async function scheduleStatus(config: Config) {
  const database = await openDatabase({ ...databaseOptions(config), poolSize: 1 });
  try {
    const [schedule] = await selectRows<{ cron: string; time_zone: string; next_run_at: string; last_run_at: string | null }>(
      database.db,
      sql`select cron, time_zone, next_run_at::text, last_run_at::text from job_schedules where name = ${BACKUP_JOB}`,
    );
    const runs = await selectRows<BackupRun>(
      database.db,
      sql`select status, finished_at::text, result, last_error from jobs where name = ${BACKUP_JOB} order by id desc limit 5`,
    );
    return { schedule, runs };
  } finally {
    await database.close();
  }
}

/** `rapport backups`: the backup directory's files, and what the scheduled backups did. */
export async function backupsCommand(config: Config) {
  const files = await listBackups(config.backupDir);
  console.log(`Backups in ${config.backupDir} (keeping ${config.backupKeep || 'all'}):`);
  for (const f of files) console.log(`  ${f.name}  ${size(f.bytes)}`);
  if (!files.length) console.log('  none');
  if (!config.databaseUrl) {
    try {
      embeddedDir(config);
    } catch (err) {
      console.log(`The scheduled backups’ outcomes are in the server’s log (${(err as Error).message}).`);
      return;
    }
  }
  const { schedule, runs } = await scheduleStatus(config).catch((err: { code?: string }) => {
    // A database never migrated has no job tables: no backup has been scheduled in it.
    if (err.code === '42P01') return { schedule: undefined, runs: [] };
    throw err;
  });
  if (!schedule) console.log('No scheduled backups: set RAPPORT_BACKUP_SCHEDULE for `rapport worker` (or `rapport serve`).');
  else
    console.log(
      `Scheduled: "${schedule.cron}" (${schedule.time_zone}); next ${schedule.next_run_at}, last ${schedule.last_run_at ?? 'never'}` +
        (config.backupSchedule ? '' : ' (RAPPORT_BACKUP_SCHEDULE is not set for this command; the workers’ own setting counts)'),
    );
  for (const r of runs) {
    const outcome = r.status === 'completed' ? `wrote ${(r.result as { file?: string } | null)?.file ?? '?'}` : (r.last_error ?? '');
    console.log(`  ${r.finished_at ?? 'not finished'}  ${r.status}  ${outcome}`);
  }
}
