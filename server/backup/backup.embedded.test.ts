import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { sql } from 'drizzle-orm';
import { afterAll, describe, expect, it } from 'vitest';

import { buildApp } from '../app.ts';
import { openDatabase, pgliteExtensions } from '../db/client.ts';
import { startWorker } from '../jobs/start.ts';
import { testConfig } from '../test/harness.ts';
import { backupScheduleProblem, scheduledBackupJob } from './backup.jobs.ts';
import { dumpPglite, sqlOfBackup } from './backup.pglite.ts';
import { libpqTarget } from './backup.postgres.ts';
import { backupFileName, listBackups, pruneBackups } from './backup.service.ts';
import { digestDatabase, filledTables } from './digest.ts';
import { fillThroughApp, rapport } from './drill.fixture.ts';

// The embedded database's backups and the files' handling, which need no test database: in the pglite
// project only (`*.embedded.test.ts`, vitest.config.ts), not run again on PostgreSQL and Citus.

const scratch = mkdtempSync(path.join(tmpdir(), 'rapport-backup-'));
const dirs = (name: string) => path.join(scratch, name);
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const quiet = { info() {}, warn() {}, error() {} };

describe('backup files', () => {
  it('are named by the time they were taken, so that their names sort by it', () => {
    const older = backupFileName('postgres', new Date('2026-01-02T03:04:05.006Z'));
    expect(older).toBe('rapport-20260102T030405.006Z.dump');
    expect(backupFileName('pglite', new Date('2026-11-02T03:04:05.006Z'))).toBe('rapport-20261102T030405.006Z.sql.gz');
    expect([backupFileName('postgres', new Date('2026-11-02T00:00:00Z')), older].sort()[0]).toBe(older);
  });

  it('keep the newest beyond the retention count, leave other files alone, and clear what a crash left a day ago', async () => {
    const dir = dirs('prune');
    mkdirSync(dir);
    const names = [1, 2, 3, 4].map((d) => backupFileName('postgres', new Date(`2026-03-0${d}T02:30:00Z`)));
    for (const n of [...names, 'notes.txt']) writeFileSync(path.join(dir, n), 'x');
    const stale = `${backupFileName('pglite', new Date('2026-02-01T00:00:00Z'))}.partial`;
    const writing = `${backupFileName('pglite', new Date())}.partial`;
    for (const n of [stale, writing]) writeFileSync(path.join(dir, n), 'x');
    const dayAndMore = new Date(Date.now() - 25 * 3600_000);
    utimesSync(path.join(dir, stale), dayAndMore, dayAndMore);

    expect((await pruneBackups(dir, 2)).sort()).toEqual([names[0], names[1], stale].sort());
    expect(readdirSync(dir).sort()).toEqual([names[2], names[3], 'notes.txt', writing].sort());
    expect((await listBackups(dir)).map((b) => b.name)).toEqual([names[3], names[2]]);
    // 0 keeps every backup.
    expect(await pruneBackups(dir, 0)).toEqual([]);
  });

  it('reach pg_dump without the password on its command line', () => {
    const t = libpqTarget('postgres://rapport:s%40cret%3Aword@db.internal:5433/crm?sslmode=require');
    expect(t.uri).toBe('postgres://rapport@db.internal:5433/crm?sslmode=require');
    expect(t.env).toEqual({ PGPASSWORD: 's@cret:word' });
    expect(t.name).toBe('crm');
    expect(libpqTarget('postgres://postgres@127.0.0.1/x').env).toEqual({});
  });

  it('are scheduled by a cron expression, and a wrong one stops the worker at start with the setting named', () => {
    expect(backupScheduleProblem({ backupSchedule: '30 2 * * *', backupTimeZone: 'Europe/Berlin' })).toBeNull();
    expect(backupScheduleProblem({ backupSchedule: 'nightly', backupTimeZone: 'UTC' })).toMatch(/^RAPPORT_BACKUP_SCHEDULE "nightly"/);
    expect(() => scheduledBackupJob({ ...testConfig(), backupSchedule: '61 * * * *' })).toThrow(/RAPPORT_BACKUP_SCHEDULE/);
    expect(() => scheduledBackupJob({ ...testConfig(), backupSchedule: '30 2 * * *', backupKeep: -1 })).toThrow(/RAPPORT_BACKUP_KEEP/);
  });
});

async function digestDir(dataDir: string) {
  const client = await PGlite.create(dataDir, { extensions: pgliteExtensions });
  try {
    return await digestDatabase(async (text) => (await client.query(text)).rows as never);
  } finally {
    await client.close();
  }
}

describe('the embedded database', () => {
  it('is restored by `rapport restore` identical to what `rapport backup` read, every table, row and sequence', async () => {
    const source = dirs('source');
    const database = await openDatabase({ dataDir: source });
    await database.migrate();
    const config = { ...testConfig(), dataDir: source };
    const app = await buildApp(config, database, { logger: false });
    const worker = await startWorker(database, config, quiet);
    const backupDir = dirs('source-backups');
    try {
      await fillThroughApp(app, database, config);
    } finally {
      await worker.stop(5_000);
      await app.close();
    }
    try {
      // Two processes on one embedded database damage it: the command refuses while the app has it open.
      const refused = await rapport(['backup'], { DATABASE_URL: '', RAPPORT_DATA_DIR: source, RAPPORT_BACKUP_DIR: backupDir });
      expect(refused.code).toBe(1);
      expect(refused.stderr).toContain('is open in another process');
      expect(existsSync(backupDir)).toBe(false);
    } finally {
      await database.close();
    }

    const backup = await rapport(['backup'], { DATABASE_URL: '', RAPPORT_DATA_DIR: source, RAPPORT_BACKUP_DIR: backupDir });
    expect(backup.stderr).toBe('');
    expect(backup.code).toBe(0);
    const [file] = await listBackups(backupDir);
    expect(file.name).toMatch(/\.sql\.gz$/);
    expect(statSync(path.join(backupDir, file.name)).mode & 0o777).toBe(0o600);

    const target = dirs('target');
    const restored = await rapport(['restore', path.join(backupDir, file.name)], { DATABASE_URL: '', RAPPORT_DATA_DIR: target });
    expect(restored.stderr).toBe('');
    expect(restored.code).toBe(0);

    const before = await digestDir(source);
    expect(filledTables(before).length).toBeGreaterThan(50);
    expect(before.tables['public.contact_photos'].rows).toBe(2);
    expect(await digestDir(target)).toEqual(before);

    // A database with anything in it is not restored into.
    const again = await rapport(['restore', path.join(backupDir, file.name)], { DATABASE_URL: '', RAPPORT_DATA_DIR: target });
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/is not empty .*only restores into an empty database/);
  }, 240_000);

  it('in use by the app is dumped between its transactions, never from inside one', async () => {
    const database = await openDatabase({ dataDir: 'memory://' });
    try {
      const client = database.pglite as PGlite;
      await client.exec('create table ledger (id int primary key)');
      const file = dirs('live.sql.gz');
      // The dump starts first; the app's transaction begins while it runs, writes, waits, and then
      // fails. Its row must never be seen, in the database or in the dump: PGlite's dump tool run on
      // the live instance would run inside that transaction, dump the row, and commit it.
      const dumped = dumpPglite(client, file, { live: true });
      let inside!: () => void;
      const begun = new Promise<void>((r) => (inside = r));
      let release!: () => void;
      const gate = new Promise<void>((r) => (release = r));
      const failing = database.db
        .transaction(async (tx) => {
          await tx.execute(sql`insert into ledger values (1)`);
          inside();
          await gate;
          throw new Error('rolled back');
        })
        .catch((e: Error) => e.message);
      await begun;
      await Promise.race([dumped.catch(() => {}), new Promise((r) => setTimeout(r, 5_000))]);
      release();
      expect(await failing).toBe('rolled back');
      await dumped;
      expect((await client.query('select count(*)::int as n from ledger')).rows).toEqual([{ n: 0 }]);
      const text = await sqlOfBackup(readFileSync(file));
      expect(text).toContain('CREATE TABLE public.ledger');
      expect(text).not.toContain('INSERT INTO public.ledger');
    } finally {
      await database.close();
    }
  }, 60_000);
});
