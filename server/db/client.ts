import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { type ExtractTablesWithRelations, type SQL, sql } from 'drizzle-orm';
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import { migrate as migratePg } from 'drizzle-orm/node-postgres/migrator';
import type { PgDatabase, PgQueryResultHKT, PgTransaction } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import pg from 'pg';
import { isCitus, migrateOnCitus } from './citus.ts';
import * as schema from './schema.ts';

export type Schema = typeof schema;
/** The one database type services see, whichever driver is underneath. */
export type Db = PgDatabase<PgQueryResultHKT, Schema>;
export type Tx = PgTransaction<PgQueryResultHKT, Schema, ExtractTablesWithRelations<Schema>>;
/** Services take either the database or a transaction opened by the route. */
export type Conn = Db | Tx;

export interface Database {
  db: Db;
  kind: 'pglite' | 'postgres';
  /** The embedded database's own client (its dump tool reads it: server/backup); null on a server. */
  pglite: PGlite | null;
  /** A raw parameterised query on the same connection(s); used by benchmarks and catalog tests. */
  query<T = Record<string, unknown>>(text: string, params?: unknown[]): Promise<T[]>;
  migrate(): Promise<void>;
  /**
   * Calls `onNotify` whenever a transaction that ran `NOTIFY <channel>` (pg_notify) commits; returns
   * a function that stops listening. On a server it holds a connection of its own, outside the pool.
   */
  listen(channel: string, onNotify: () => void): Promise<() => Promise<void>>;
  close(): Promise<void>;
}

/**
 * The extensions every embedded database is opened with. pg_trgm: duplicate detection compares
 * names by trigram similarity (migration 0020 creates it). A restored or copied database needs the
 * same, or its trigram indexes cannot be built or read.
 */
export const pgliteExtensions = { pg_trgm };

const migrationsFolder = path.join(path.dirname(fileURLToPath(import.meta.url)), 'migrations');

export interface OpenOptions {
  databaseUrl?: string;
  /** PGlite data directory, or 'memory://' */
  dataDir?: string;
  poolSize?: number;
  /**
   * Citus mode whether or not it is detected (`rapport migrate --citus`): creates the extension if
   * missing. Without it, a database with the citus extension is migrated in Citus mode too.
   */
  citus?: boolean;
  /**
   * The PostgreSQL server itself, when `databaseUrl` goes through a pooler in transaction mode
   * (PgBouncer): migrations (a session advisory lock) and LISTEN need a session of their own, and
   * no statement may be prepared by name, since the next transaction may run on another server
   * connection where that name does not exist (PgBouncer before 1.21 does not carry them over).
   */
  directUrl?: string;
}

/** Databases reached through a transaction-mode pooler: their statements are never prepared by name. */
const pooled = new WeakSet<Db>();

/**
 * The name to prepare a statement under: `name` on a direct connection (parsed once per connection,
 * then only bound), none behind a transaction-mode pooler (parsed anew each time, which survives
 * the pooler handing each transaction another server connection).
 */
export const statementName = (db: Db, name: string) => (pooled.has(db) ? '' : name);

export async function openDatabase(opts: OpenOptions): Promise<Database> {
  if (opts.databaseUrl) {
    const pool = new pg.Pool({ connectionString: opts.databaseUrl, max: opts.poolSize ?? 10 });
    // An idle client that errors (server restart) must not crash the process; the next query reconnects.
    pool.on('error', () => {});
    const db = drizzlePg(pool, { schema }) as unknown as Db;
    if (opts.directUrl) pooled.add(db);
    const sessionUrl = opts.directUrl || opts.databaseUrl;
    return {
      db,
      kind: 'postgres',
      pglite: null,
      query: async (text, params) => (await pool.query(text, params as unknown[])).rows,
      migrate: async () => {
        // Behind a pooler the migration runs on a session of its own on the server: the advisory lock
        // is a session's, and would be taken and released on different server connections otherwise.
        const on = opts.directUrl ? new pg.Pool({ connectionString: opts.directUrl, max: 2 }) : pool;
        try {
          await migrateWithLock(on, async (client) => {
            if (opts.citus) await client.query('CREATE EXTENSION IF NOT EXISTS citus');
            if (opts.citus || (await isCitus(client))) await migrateOnCitus(client, migrationsFolder);
            else await migratePg(drizzlePg(on), { migrationsFolder });
          });
        } finally {
          if (on !== pool) await on.end();
        }
      },
      listen: (channel, onNotify) => listenOnServer(sessionUrl, channel, onNotify),
      close: () => pool.end(),
    };
  }
  const dataDir = opts.dataDir ?? 'memory://';
  const client = await PGlite.create(dataDir === 'memory://' ? undefined : dataDir, { extensions: pgliteExtensions });
  const db = drizzlePglite(client, { schema }) as unknown as Db;
  return {
    db,
    kind: 'pglite',
    pglite: client,
    query: async (text, params) => (await client.query(text, params as unknown[])).rows as never,
    migrate: () => migratePglite(drizzlePglite(client), { migrationsFolder }),
    listen: async (channel, onNotify) => client.listen(channel, () => onNotify()),
    close: () => client.close(),
  };
}

/**
 * LISTEN on a connection of its own. A dropped connection (a server restart) is opened again after a
 * second; what was notified meanwhile is not lost, only late: listeners poll as well.
 */
async function listenOnServer(url: string, channel: string, onNotify: () => void) {
  let client: pg.Client | null = null;
  let stopped = false;
  const connect = async () => {
    if (stopped) return;
    const c = new pg.Client({ connectionString: url });
    c.on('notification', () => onNotify());
    c.on('error', () => {
      c.end().catch(() => {});
      if (!stopped) setTimeout(() => void connect().catch(() => {}), 1_000);
    });
    await c.connect();
    await c.query(`LISTEN ${pg.escapeIdentifier(channel)}`);
    client = c;
  };
  await connect();
  return async () => {
    stopped = true;
    await client?.end().catch(() => {});
  };
}

/** Several app processes may start at once on one server; an advisory lock lets one migrate at a time. */
async function migrateWithLock(pool: pg.Pool, run: (client: pg.PoolClient) => Promise<void>) {
  const client = await pool.connect();
  try {
    await client.query('SELECT pg_advisory_lock(7261001)');
    await run(client);
  } finally {
    await client.query('SELECT pg_advisory_unlock(7261001)').catch(() => {});
    client.release();
  }
}

/** Rows of a raw SQL statement on a service connection; both drivers answer `{ rows }`. */
export async function selectRows<T>(conn: Conn, query: SQL): Promise<T[]> {
  const result = (await conn.execute(query)) as unknown as { rows: T[] };
  return result.rows;
}

/**
 * A list as one array parameter (`{a,b}::uuid[]`): one bound value however long the list, where
 * drizzle's inArray binds one parameter per element. For values without commas, braces or quotes
 * (ids, enum names), which is what every caller passes.
 */
export const pgArray = (values: readonly string[], type: 'uuid' | 'text') => sql`${`{${values.join(',')}}`}::${sql.raw(type)}[]`;

/** Rows an UPDATE or DELETE touched; node-postgres says rowCount, PGlite affectedRows. */
export const affectedRows = (result: unknown) => {
  const r = result as { rowCount?: number | null; affectedRows?: number };
  return Number(r.rowCount ?? r.affectedRows ?? 0);
};
