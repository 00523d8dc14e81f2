/** Which database the suite runs on: the vitest project sets RAPPORT_TEST_DB (vitest.config.ts). */
export const dbKind = process.env.RAPPORT_TEST_DB === 'postgres' ? 'postgres' : 'pglite';

/** The database of vitest worker `pool` on PostgreSQL: `<TEST_DATABASE_URL's name>_w<pool>`. */
export function workerDatabaseUrl(base: string, pool: string) {
  const url = new URL(base);
  url.pathname = `/${url.pathname.slice(1)}_w${pool}`;
  return url.toString();
}

// Two test files run at once (vitest.config.ts). On PostgreSQL each vitest worker gets a database
// of its own (made fresh by server/test/pg-databases.ts before the run): every test app runs a job
// worker, and one file's worker must not run another file's jobs — on another clock (tests move the
// automation clock) or without the job kinds a test registers. TEST_DATABASE_URL is pointed at it
// here, once per worker process, so that everything downstream (worker processes a test spawns,
// ownDatabase) follows.
if (dbKind === 'postgres' && process.env.TEST_DATABASE_URL && process.env.VITEST_POOL_ID && !process.env.RAPPORT_TEST_DB_BASE) {
  process.env.RAPPORT_TEST_DB_BASE = process.env.TEST_DATABASE_URL;
  process.env.TEST_DATABASE_URL = workerDatabaseUrl(process.env.TEST_DATABASE_URL, process.env.VITEST_POOL_ID);
}
