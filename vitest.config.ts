import { defineConfig } from 'vitest/config';

// The suite runs on embedded PGlite always, and again on a PostgreSQL server when
// TEST_DATABASE_URL is set. Under CI a missing server is a failure, never a silent skip.
const pgUrl = process.env.TEST_DATABASE_URL;
// A third run on a Citus coordinator when CITUS_TEST_DATABASE_URL is set (../shared/citus/cluster.sh prints it).
const citusUrl = process.env.CITUS_TEST_DATABASE_URL;
if (process.env.CI === 'true' && !pgUrl) {
  throw new Error('CI=true but TEST_DATABASE_URL is not set: the PostgreSQL run would be skipped');
}

const common = {
  include: ['server/**/*.test.ts', 'bench/**/*.test.ts'],
  testTimeout: 30_000,
  hookTimeout: 60_000,
};

export default defineConfig({
  test: {
    // Two test files at a time, one per core of the CI machine: PGlite works in the test process and
    // a PostgreSQL server in its own, so either way the second core had sat idle (each PostgreSQL
    // worker gets a database of its own, server/test/db-kind.ts). A clean-clone run of .ci/run with
    // two took the PGlite project from ~35 to ~16 min and the PostgreSQL one to ~9, with no test
    // failing for the company. The browser specs still run one at a time (fileParallelism below).
    maxWorkers: 2,
    // Under CI a JSON report as well, from which .ci/run prints the plain "N passed, N failed" line.
    reporters: process.env.CI === 'true' ? ['default', ['json', { outputFile: '.tmp/vitest-results.json' }]] : ['default'],
    projects: [
      // `*.pg.test.ts` need a PostgreSQL server (several processes over one database) and run in that project only.
      {
        extends: true,
        test: {
          ...common,
          name: 'pglite',
          exclude: ['**/*.pg.test.ts', '**/*.citus.test.ts', '**/node_modules/**'],
          env: { RAPPORT_TEST_DB: 'pglite' },
          // One module graph per worker, shared by the files it runs: the database and the app start
          // once (server/test/harness.ts), not once a file — PGlite's boot, the migrations and the
          // app's start cost seconds, times 130 files. server/test/per-file.ts empties what one file
          // leaves for the next (the job queue, due mail syncs, the outbound policy); no test mocks
          // modules. The PostgreSQL project stays isolated: its `*.pg.test.ts` files register test
          // actions and read the outbox beside the app's own worker, which a shared process would
          // carry into the files after them (the catalog and outbox tests failed that way).
          isolate: false,
          setupFiles: ['server/test/per-file.ts'],
        },
      },
      ...(pgUrl
        ? [
            {
              extends: true as const,
              // A database per vitest worker, made fresh before the run (server/test/db-kind.ts).
              test: {
                ...common,
                name: 'postgres',
                // `*.citus.test.ts` check what only a Citus cluster has: the citus project runs them.
                // `*.embedded.test.ts` test what needs no test database (the embedded one's own tools): pglite only.
                exclude: ['**/*.citus.test.ts', '**/*.embedded.test.ts', '**/node_modules/**'],
                env: { RAPPORT_TEST_DB: 'postgres' },
                globalSetup: ['server/test/pg-databases.ts'],
                setupFiles: ['server/test/db-kind.ts', 'server/test/per-file.ts'],
              },
            },
          ]
        : []),
      ...(citusUrl
        ? [
            {
              extends: true as const,
              // One database on the cluster, emptied before the run (server/test/citus-database.ts); the
              // app's connections refuse fan-out queries (server/test/db-kind.ts). The `*.pg.test.ts`
              // files make databases of their own, which Citus does not make on the workers.
              test: {
                ...common,
                name: 'citus',
                // Also not: the scheduled backup (a Citus cluster is backed up by its own tooling, and pg_dump
                // reading every shard is the fan-out these connections refuse; docs/operations.md).
                exclude: ['**/*.pg.test.ts', '**/*.embedded.test.ts', 'server/backup/backup.test.ts', '**/node_modules/**'],
                env: { RAPPORT_TEST_DB: 'citus', TEST_DATABASE_URL: citusUrl },
                globalSetup: ['server/test/citus-database.ts'],
                setupFiles: ['server/test/db-kind.ts', 'server/test/per-file.ts'],
              },
            },
          ]
        : []),
      // The web app's own units (translations), and the checks of the deployment files: no database.
      { extends: true, test: { name: 'web', include: ['web/src/**/*.test.ts', 'deploy/**/*.test.ts'] } },
      // Browser tests: build the web app if needed, start the real server, drive Debian's Chromium (e2e/harness.ts).
      {
        extends: true,
        test: {
          name: 'e2e',
          include: ['e2e/**/*.e2e.test.ts'],
          globalSetup: ['e2e/global-setup.ts'],
          testTimeout: 120_000,
          hookTimeout: 180_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
