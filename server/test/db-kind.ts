/** Which database the suite runs on: the vitest project sets RAPPORT_TEST_DB (vitest.config.ts). */
/** The 'citus' project runs on a Citus coordinator: PostgreSQL to the suite, with the checks below. */
export const onCitus = process.env.RAPPORT_TEST_DB === 'citus';
export const dbKind = process.env.RAPPORT_TEST_DB === 'postgres' || onCitus ? 'postgres' : 'pglite';

/** The database of vitest worker `pool` on PostgreSQL: `<TEST_DATABASE_URL's name>_w<pool>`. */
export function workerDatabaseUrl(base: string, pool: string) {
  const url = new URL(base);
  url.pathname = `/${url.pathname.slice(1)}_w${pool}`;
  return url.toString();
}

/**
 * When the suite runs through a pooler in transaction mode (PgBouncer; TEST_DIRECT_DATABASE_URL
 * names the server behind it), the same database on the server itself: migrations and LISTEN go
 * there (server/db/client.ts). Undefined without a pooler.
 */
export function directUrlOf(url: string | undefined): string | undefined {
  const direct = process.env.TEST_DIRECT_DATABASE_URL;
  if (!direct || !url) return undefined;
  const out = new URL(direct);
  out.pathname = new URL(url).pathname;
  return out.toString();
}

/** The env that points a process (`rapport worker`, `rapport serve`) at test database `url`. */
export function databaseEnv(url = process.env.TEST_DATABASE_URL): Record<string, string> {
  const direct = directUrlOf(url);
  return { DATABASE_URL: String(url), ...(direct ? { DATABASE_DIRECT_URL: direct } : {}) };
}

// Two test files run at once (vitest.config.ts). On PostgreSQL and on Citus each vitest worker gets
// a database of its own (made fresh by server/test/pg-databases.ts or citus-database.ts before the
// run): every test app runs a job worker, and one file's worker must not run another file's jobs —
// on another clock (tests move the automation clock) or without the job kinds a test registers — nor
// may one file's start empty the queue under another (server/test/harness.ts, startFileAfresh).
// TEST_DATABASE_URL is pointed at it here, once per worker process, so that everything downstream
// (worker processes a test spawns, ownDatabase) follows.
if (dbKind === 'postgres' && process.env.TEST_DATABASE_URL && process.env.VITEST_POOL_ID && !process.env.RAPPORT_TEST_DB_BASE) {
  process.env.RAPPORT_TEST_DB_BASE = process.env.TEST_DATABASE_URL;
  process.env.TEST_DATABASE_URL = workerDatabaseUrl(process.env.TEST_DATABASE_URL, process.env.VITEST_POOL_ID);
}

// On Citus every app connection refuses a query that runs on more than one shard (a fan-out): a
// request names its workspace, so each of its queries must route to one node. The few
// cross-workspace queries allow it explicitly (server/db/citus.ts, allowFanOut).
if (onCitus && process.env.TEST_DATABASE_URL && !process.env.TEST_DATABASE_URL.includes('multi_task_query_log_level')) {
  const url = new URL(process.env.TEST_DATABASE_URL);
  url.searchParams.set('options', '-c citus.multi_task_query_log_level=error');
  process.env.TEST_DATABASE_URL = url.toString();
}
