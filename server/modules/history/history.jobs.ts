import { sql } from 'drizzle-orm';
import Type from 'typebox';
import { affectedRows } from '../../db/client.ts';
import { defineJob } from '../../jobs/define.ts';

/** Saved answers to Idempotency-Keys live 24 hours (a retry after that is a new request). */
export const idempotencyCleanupJob = defineJob({
  name: 'history.idempotency_cleanup',
  input: Type.Object({}, { additionalProperties: false }),
  retry: { attempts: 3 },
  schedule: { cron: '23 * * * *', input: {} },
  run: async ({ db }) => {
    return { deleted: affectedRows(await db.execute(sql`delete from idempotency_keys where created_at < now() - interval '24 hours'`)) };
  },
});
