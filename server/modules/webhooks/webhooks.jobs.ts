import { sql } from 'drizzle-orm';
import Type from 'typebox';
import { Uuid } from '../../../contract/common.ts';
import { affectedRows, type Conn } from '../../db/client.ts';
import { defineJob } from '../../jobs/define.ts';
import { enqueue } from '../../jobs/queue.ts';
import { attemptDelivery } from './delivery.ts';

/**
 * One delivery of one event to one endpoint. Fourteen tries over about a day, each waiting twice as
 * long as the one before (30 s, 1 min, 2 min … capped at 8 h, each between half and all of that,
 * so that many retries spread out): 16 to 32 hours from the first try to the last. Then it is left
 * failed for an admin to replay.
 */
export const deliverWebhookJob = defineJob({
  name: 'webhooks.deliver',
  input: Type.Object({ deliveryId: Uuid, replay: Type.Boolean() }, { additionalProperties: false }),
  retry: { attempts: 14, baseMs: 30_000, maxMs: 8 * 60 * 60 * 1000 },
  // A try lasts at most the outbound time-out (15 s); the lease is well beyond it.
  leaseMs: 60_000,
  // The endpoint's delivery log shows these, one row per event: the jobs page would drown in them.
  hidden: true,
  run: (job) => attemptDelivery(job),
});

/** Enqueues a delivery's job in the caller's transaction; null when one is already waiting (it will do). */
export const enqueueDelivery = (conn: Conn, workspaceId: string, deliveryId: string, replay: boolean) =>
  enqueue(conn, deliverWebhookJob, { deliveryId, replay }, { workspaceId, singletonKey: `delivery:${deliveryId}` });

/** A delivery waiting for its next try is tried now instead. */
export async function rescheduleDelivery(conn: Conn, deliveryId: string) {
  await conn.execute(sql`update jobs set run_at = now() where name = ${deliverWebhookJob.name}
    and singleton_key = ${`delivery:${deliveryId}`} and status = 'queued'`);
}

/** The delivery log keeps 30 days. */
export const webhookCleanupJob = defineJob({
  name: 'webhooks.cleanup',
  input: Type.Object({}, { additionalProperties: false }),
  retry: { attempts: 3 },
  schedule: { cron: '17 4 * * *', input: {} },
  run: async ({ db }) => {
    const r = await db.execute(sql`delete from webhook_deliveries where created_at < now() - interval '30 days' and status <> 'pending'`);
    return { deleted: affectedRows(r) };
  },
});
