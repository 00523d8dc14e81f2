import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { loadConfig } from '../server/config.ts';
import { openDatabase } from '../server/db/client.ts';
import { type Dataset, generateDataset, type Size, sizes } from './dataset.ts';

// Where each benchmark dataset lives: an embedded database under bench/.data, or its own database
// (rapport_bench_<size>) on the PostgreSQL server that BENCH_DATABASE_URL (or TEST_DATABASE_URL) names.

export const root = path.resolve(import.meta.dirname, '..');
const dataRoot = path.join(root, 'bench/.data');
export type Kind = 'pglite' | 'postgres';

export const serverUrl = () => process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL;

export function location(kind: Kind, size: Size) {
  if (kind === 'pglite') return { dataDir: path.join(dataRoot, `pglite-${size}`) };
  const base = serverUrl();
  if (!base) throw new Error('set BENCH_DATABASE_URL (bash bench/pg.sh starts a server and prints it)');
  const url = new URL(base);
  url.pathname = `/rapport_bench_${size}`;
  return { databaseUrl: url.toString(), adminUrl: base };
}

const metaFile = (kind: Kind, size: Size) => path.join(dataRoot, `${kind}-${size}.json`);

async function recreateDatabase(adminUrl: string, name: string) {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(`drop database if exists ${name} with (force)`);
    await client.query(`create database ${name}`);
  } finally {
    await client.end();
  }
}

/** Generates the dataset of `size` afresh (dropping an earlier one) and records where it is. */
export async function makeDataset(kind: Kind, size: Size, seed = 42, log = console.log): Promise<Dataset> {
  mkdirSync(dataRoot, { recursive: true });
  const loc = location(kind, size);
  if (loc.dataDir) rmSync(loc.dataDir, { recursive: true, force: true });
  else await recreateDatabase(String(loc.adminUrl), `rapport_bench_${size}`);
  const admin = await openDatabase(loc);
  await admin.migrate();
  // The generator writes consistent rows by construction, so foreign-key triggers are switched off
  // while it runs (each costs a lookup per row); every connection opened after this has it.
  const dbName = `rapport_bench_${size}`;
  if (loc.databaseUrl) {
    await admin.query(`alter database ${dbName} set session_replication_role = replica`);
    await admin.close();
  } else {
    await admin.query('set session_replication_role = replica');
  }
  const db = loc.databaseUrl ? await openDatabase(loc) : admin;
  try {
    log(`[${kind}] generating the ${size} dataset (seed ${seed})`);
    const t0 = performance.now();
    const ds = await generateDataset(db, loadConfig({ RAPPORT_SCRYPT_LOG_N: '14' }), sizes[size], { seed, size, log });
    ds.seconds.total = (performance.now() - t0) / 1000;
    const [{ bytes }] = await db.query<{ bytes: string }>('select pg_database_size(current_database())::text as bytes');
    log(`[${kind}] ${size} dataset ready in ${ds.seconds.total.toFixed(0)} s, ${(Number(bytes) / 2 ** 30).toFixed(2)} GiB`);
    writeFileSync(metaFile(kind, size), JSON.stringify({ ...ds, databaseBytes: Number(bytes) }, null, 2));
    return ds;
  } finally {
    if (loc.databaseUrl) await db.query(`alter database ${dbName} reset session_replication_role`);
    await db.close();
  }
}

/** The dataset of `size` if it was generated before and is still there; otherwise null. */
export async function existingDataset(kind: Kind, size: Size): Promise<Dataset | null> {
  const file = metaFile(kind, size);
  if (!existsSync(file)) return null;
  const ds = JSON.parse(readFileSync(file, 'utf8')) as Dataset;
  // A dataset made before the generator had a custom object lacks what its workloads need: made again.
  if (!ds.objectKey || ds.counts.projects === undefined) return null;
  const loc = location(kind, size);
  if (loc.dataDir && !existsSync(loc.dataDir)) return null;
  try {
    const db = await openDatabase(loc);
    try {
      const [row] = await db.query('select 1 as ok from workspaces where id = $1', [ds.workspaceId]);
      return row ? ds : null;
    } finally {
      await db.close();
    }
  } catch {
    return null;
  }
}

// `npm run bench:data -- --size small|medium|large [--db pglite|postgres] [--seed N]`
if (import.meta.url === `file://${process.argv[1]}`) {
  const { parseArgs } = await import('node:util');
  const { values } = parseArgs({
    options: { size: { type: 'string', default: 'small' }, db: { type: 'string' }, seed: { type: 'string', default: '42' } },
  });
  const size = values.size as Size;
  if (!sizes[size]) throw new Error(`--size must be one of ${Object.keys(sizes).join(', ')}`);
  const kinds: Kind[] = values.db ? [values.db as Kind] : serverUrl() ? ['postgres'] : ['pglite'];
  for (const kind of kinds) await makeDataset(kind, size, Number(values.seed));
  process.exit(0);
}
