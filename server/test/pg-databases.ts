import pg from 'pg';
import { directUrlOf, workerDatabaseUrl } from './db-kind.ts';

// Vitest global setup of the PostgreSQL project: one empty database per vitest worker, made afresh
// each run so that every run proves the migrations from zero (server/test/db-kind.ts says why each
// worker has its own). Worker ids run from 1 to maxWorkers; a few spare ones cost nothing.

export default async function setup() {
  const base = process.env.TEST_DATABASE_URL;
  if (!base) return;
  // On the server itself when the suite goes through a pooler: databases are made and dropped there.
  const admin = new pg.Client({ connectionString: directUrlOf(base) ?? base });
  await admin.connect();
  try {
    for (let pool = 1; pool <= 8; pool++) {
      const name = new URL(workerDatabaseUrl(base, String(pool))).pathname.slice(1);
      const ident = `"${name.replace(/"/g, '""')}"`;
      await admin.query(`drop database if exists ${ident} with (force)`);
      await admin.query(`create database ${ident}`);
    }
  } finally {
    await admin.end();
  }
}
