import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { gunzip, gzip } from 'node:zlib';
import { PGlite } from '@electric-sql/pglite';
import { pgDump } from '@electric-sql/pglite-tools/pg_dump';
import { pgliteExtensions } from '../db/client.ts';
import { notEmptyMessage, userRelations } from './backup.postgres.ts';

/**
 * Backups of the embedded database with PGlite's own pg_dump (`@electric-sql/pglite-tools`, a
 * WebAssembly build of pg_dump that speaks to a PGlite instance in the same process). It writes
 * plain SQL only (pg_restore has no such build), which we gzip; a restore runs that SQL into a new
 * embedded database.
 */

/**
 * The dump tool drives the instance's one connection directly, outside PGlite's locks, and runs
 * synchronously once started. Run against the instance a live server uses, it could start while
 * one of the app's transactions is half-way through (between two of its statements) and dump, and
 * then commit, from inside it. So a live instance is first copied, between two transactions (its
 * transaction lock held while its data directory is read), and the copy is dumped.
 */
async function copyBetweenTransactions(client: PGlite) {
  const files = await client._runExclusiveTransaction(() => client.dumpDataDir('none'));
  return PGlite.create({ loadDataDir: files, extensions: pgliteExtensions });
}

/** The whole database as gzipped SQL. `live`: the instance is in use by the app (the scheduled backup). */
export async function dumpPglite(client: PGlite, file: string, opts: { live: boolean }) {
  const source = opts.live ? await copyBetweenTransactions(client) : client;
  try {
    const dump = await pgDump({ pg: source });
    const bytes = await promisify(gzip)(Buffer.from(await dump.arrayBuffer()));
    await writeFile(file, bytes, { mode: 0o600 });
  } finally {
    if (source !== client) await source.close();
  }
}

/**
 * PGlite writes `postmaster.pid` into its data directory when it opens it and removes it when it
 * closes cleanly; it does not lock the directory. Opened by two processes at once, the database is
 * damaged, so a command that opens it refuses while the file is there.
 */
export function assertEmbeddedNotInUse(dataDir: string) {
  if (existsSync(path.join(dataDir, 'postmaster.pid'))) {
    throw new Error(
      `the embedded database in ${dataDir} is open in another process (or was not closed cleanly: start and stop rapport once): ` +
        'stop `rapport serve` first, or let it back itself up (RAPPORT_BACKUP_SCHEDULE)',
    );
  }
}

/** Reads a backup file as the SQL it holds: gzipped (ours) or plain. */
export async function sqlOfBackup(content: Buffer) {
  const gzipped = content[0] === 0x1f && content[1] === 0x8b;
  return (gzipped ? await promisify(gunzip)(content) : content).toString('utf8');
}

/**
 * Runs a backup's SQL into the embedded database in `dataDir`, which must be new or empty. The SQL
 * goes as one simple query, which PostgreSQL runs as one transaction: a restore that fails leaves
 * nothing behind.
 */
export async function restorePglite(dataDir: string, sqlText: string) {
  assertEmbeddedNotInUse(dataDir);
  const client = await PGlite.create(dataDir, { extensions: pgliteExtensions });
  try {
    const relations = await userRelations(async (text) => (await client.query<{ name: string }>(text)).rows);
    if (relations.length) throw new Error(notEmptyMessage(`the embedded database in ${dataDir}`, relations));
    await client.exec(sqlText);
    // PGlite has no autovacuum, and a dump carries no planner statistics.
    await client.exec('analyze');
  } finally {
    await client.close();
  }
}
