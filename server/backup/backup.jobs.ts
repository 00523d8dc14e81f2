import { Cron } from 'croner';
import Type from 'typebox';
import { type Config, sessionDatabaseUrl } from '../config.ts';
import type { Database } from '../db/client.ts';
import { defineJob, type JobDef } from '../jobs/define.ts';
import { type BackupSource, backUp } from './backup.service.ts';

export const BACKUP_JOB = 'backup.database';

/** The database a worker backs up: the server it is connected to, or its own embedded instance (in use: live). */
export function sourceOf(database: Database, config: Pick<Config, 'databaseUrl' | 'databaseDirectUrl'>): BackupSource {
  if (database.kind === 'postgres') return { kind: 'postgres', databaseUrl: sessionDatabaseUrl(config) };
  return { kind: 'pglite', client: database.pglite as NonNullable<Database['pglite']>, live: true };
}

/** Why RAPPORT_BACKUP_KEEP cannot be used, in words; null when it can. */
export function backupKeepProblem(config: Pick<Config, 'backupKeep'>) {
  if (!Number.isInteger(config.backupKeep) || config.backupKeep < 0)
    return 'RAPPORT_BACKUP_KEEP must be a whole number (0 keeps every backup)';
  return null;
}

/** Why RAPPORT_BACKUP_SCHEDULE (with its time zone) cannot be used, in words; null when it can. */
export function backupScheduleProblem(config: Pick<Config, 'backupSchedule' | 'backupTimeZone'>) {
  try {
    const next = new Cron(config.backupSchedule, { timezone: config.backupTimeZone, paused: true }).nextRun();
    if (!next) return `RAPPORT_BACKUP_SCHEDULE "${config.backupSchedule}" never fires`;
  } catch (err) {
    return `RAPPORT_BACKUP_SCHEDULE "${config.backupSchedule}" (time zone ${config.backupTimeZone}) is not a cron schedule: ${(err as Error).message}`;
  }
  return null;
}

/**
 * The scheduled backup, made from the settings: only the workers of processes started with
 * RAPPORT_BACKUP_SCHEDULE know it (server/jobs/start.ts), so a tick is never run by a process that
 * was not told where backups go. Each tick runs once however many such workers there are. Its
 * outcome is the job's result (file, size, time, what was removed) or its last error, in the jobs
 * table, and a line in the worker's log.
 */
export function scheduledBackupJob(config: Config): JobDef {
  const problem = backupScheduleProblem(config) ?? backupKeepProblem(config);
  if (problem) throw new Error(problem);
  return defineJob({
    name: BACKUP_JOB,
    input: Type.Object({}, { additionalProperties: false }),
    // A failed backup is tried twice more, some minutes apart (a server restarting, a full disk being cleared).
    retry: { attempts: 3, baseMs: 5 * 60_000 },
    // The embedded database's dump runs synchronously, so the lease cannot be renewed while it runs;
    // a long lease keeps the worker from taking its own backup back as the job of a dead worker.
    leaseMs: 30 * 60_000,
    schedule: { cron: config.backupSchedule, timeZone: config.backupTimeZone, input: {} },
    run: async ({ database, log }) => {
      const result = await backUp(sourceOf(database, config), { dir: config.backupDir, keep: config.backupKeep });
      log.info({ backup: result }, 'database backed up');
      return result;
    },
    onDead: async ({ log }, error) => {
      log.error({ err: error }, 'scheduled backup failed, and will not be tried again until the next one');
    },
  });
}
