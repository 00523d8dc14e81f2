import { existsSync } from 'node:fs';
import { chmod, mkdir, open, readdir, readFile, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import type { PGlite } from '@electric-sql/pglite';
import { type Config, sessionDatabaseUrl } from '../config.ts';
import { assertEmbeddedNotInUse, dumpPglite, restorePglite, sqlOfBackup } from './backup.pglite.ts';
import { dumpPostgres, restorePostgres } from './backup.postgres.ts';

/** What is backed up: a PostgreSQL server (by URL), or an embedded database's open instance. */
export type BackupSource = { kind: 'postgres'; databaseUrl: string } | { kind: 'pglite'; client: PGlite; live: boolean };

export interface BackupResult {
  file: string;
  bytes: number;
  ms: number;
  /** Older backups removed to keep RAPPORT_BACKUP_KEEP of them. */
  removed: string[];
}

/** `rapport-20261202T073400.123Z.dump`: names sort by time; the suffix says the format. */
const backupName = /^rapport-\d{8}T\d{6}\.\d{3}Z\.(dump|sql\.gz)$/;

export function backupFileName(kind: BackupSource['kind'], at = new Date()) {
  const stamp = at.toISOString().replace(/[-:]/g, '');
  return `rapport-${stamp}.${kind === 'postgres' ? 'dump' : 'sql.gz'}`;
}

/**
 * Backs the database up into `out`, or, without it, into a new time-named file of the backup
 * directory, removing the oldest beyond `keep` there. The file is written under a `.partial` name
 * and renamed when complete, so that a backup cut short is never taken for one, nor counted among
 * those kept. Backups hold every workspace's data: the directory is 0700 and the files 0600.
 */
export async function backUp(source: BackupSource, opts: { dir: string; keep: number; out?: string }): Promise<BackupResult> {
  const started = Date.now();
  const file = path.resolve(opts.out ?? path.join(opts.dir, backupFileName(source.kind)));
  await mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
  const partial = `${file}.partial`;
  // Made empty first with owner-only rights, so that pg_dump, which writes with the umask's, writes into it.
  await (await open(partial, 'w', 0o600)).close();
  await chmod(partial, 0o600);
  try {
    if (source.kind === 'postgres') await dumpPostgres(source.databaseUrl, partial);
    else await dumpPglite(source.client, partial, { live: source.live });
    await rename(partial, file);
  } catch (err) {
    await rm(partial, { force: true });
    throw err;
  }
  const removed = opts.out ? [] : await pruneBackups(opts.dir, opts.keep);
  return { file, bytes: (await stat(file)).size, ms: Date.now() - started, removed };
}

export interface BackupFile {
  name: string;
  bytes: number;
  at: Date;
}

/** The backups in `dir`, newest first (files named by backUp only; a `.partial` is not one). */
export async function listBackups(dir: string): Promise<BackupFile[]> {
  if (!existsSync(dir)) return [];
  const names = (await readdir(dir))
    .filter((n) => backupName.test(n))
    .sort()
    .reverse();
  return Promise.all(
    names.map(async (name) => {
      const s = await stat(path.join(dir, name));
      return { name, bytes: s.size, at: s.mtime };
    }),
  );
}

/** Removes the oldest backups beyond `keep` (0 keeps all), and `.partial` files a crash left over a day ago. */
export async function pruneBackups(dir: string, keep: number) {
  const old = keep > 0 ? (await listBackups(dir)).slice(keep).map((b) => b.name) : [];
  const dayAgo = Date.now() - 86_400_000;
  for (const name of await readdir(dir)) {
    if (
      name.endsWith('.partial') &&
      backupName.test(name.slice(0, -'.partial'.length)) &&
      (await stat(path.join(dir, name))).mtimeMs < dayAgo
    )
      old.push(name);
  }
  for (const name of old) await rm(path.join(dir, name), { force: true });
  return old;
}

/** Which kind of dump a file is, from its first bytes: pg_dump's archive (`PGDMP`) or SQL, gzipped or not. */
export async function backupFormat(file: string): Promise<'custom' | 'sql'> {
  const handle = await open(file, 'r');
  try {
    const head = Buffer.alloc(5);
    await handle.read(head, 0, 5, 0);
    return head.toString('latin1') === 'PGDMP' ? 'custom' : 'sql';
  } finally {
    await handle.close();
  }
}

/**
 * Restores a backup into the empty database the settings name: a PostgreSQL archive into the
 * server at DATABASE_URL, an embedded database's SQL into RAPPORT_DATA_DIR. Each refuses a
 * database that holds anything.
 */
export async function restore(config: Pick<Config, 'databaseUrl' | 'databaseDirectUrl' | 'dataDir'>, file: string) {
  if (!existsSync(file)) throw new Error(`no such backup file: ${file}`);
  const format = await backupFormat(file);
  if (config.databaseUrl) {
    if (format !== 'custom')
      throw new Error(
        `${file} is a backup of the embedded database (SQL from PGlite's pg_dump): restore it with RAPPORT_DATA_DIR set and DATABASE_URL unset`,
      );
    await restorePostgres(sessionDatabaseUrl(config), file);
    return;
  }
  if (format === 'custom')
    throw new Error(
      `${file} is a PostgreSQL archive (pg_dump -Fc): restore it into a PostgreSQL server, with DATABASE_URL set to an empty database`,
    );
  if (config.dataDir === 'memory://') throw new Error('restore needs a database that lasts: set RAPPORT_DATA_DIR or DATABASE_URL');
  assertEmbeddedNotInUse(config.dataDir);
  await restorePglite(config.dataDir, await sqlOfBackup(await readFile(file)));
}
