import { sql } from 'drizzle-orm';
import Type from 'typebox';
import { affectedRows, selectRows } from '../db/client.ts';
import { defineJob } from './define.ts';

const empty = Type.Object({}, { additionalProperties: false });

/**
 * The embedded database (PGlite) has no autovacuum: without this, the planner's statistics stay as
 * they were when each table was created, and a table grown by imports is planned as if empty (an
 * import's email lookups took 8 ms each instead of 0.05 ms that way: 178 s for 20,000 rows). One
 * table at a time, so that requests run between them. A PostgreSQL server does this itself.
 */
export const analyzeEmbeddedJob = defineJob({
  name: 'db.analyze_embedded',
  input: empty,
  retry: { attempts: 2 },
  schedule: { cron: '7 * * * *', input: {} },
  run: async ({ database, signal }) => {
    if (database.kind !== 'pglite') return { skipped: 'autovacuum' };
    const tables = await selectRows<{ name: string }>(
      database.db,
      sql`select tablename as name from pg_tables where schemaname = 'public'`,
    );
    for (const t of tables) {
      if (signal.aborted) break;
      await database.db.execute(sql`vacuum analyze ${sql.identifier(t.name)}`);
    }
    return { tables: tables.length };
  },
});

/** Finished jobs are kept a week for the jobs page, dead ones a month (an admin may still retry them). */
export const jobsCleanupJob = defineJob({
  name: 'jobs.cleanup',
  input: empty,
  retry: { attempts: 3 },
  schedule: { cron: '41 3 * * *', input: {} },
  run: async ({ db }) => {
    const r = await db.execute(sql`delete from jobs where (status in ('completed', 'discarded') and finished_at < now() - interval '7 days')
      or (status = 'dead' and finished_at < now() - interval '30 days')`);
    return { deleted: affectedRows(r) };
  },
});
