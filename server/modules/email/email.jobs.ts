import { sql } from 'drizzle-orm';
import Type from 'typebox';
import { Uuid } from '../../../contract/common.ts';
import { acrossWorkspaces } from '../../db/citus.ts';
import { type Conn, selectRows } from '../../db/client.ts';
import { defineJob } from '../../jobs/define.ts';
import { enqueue } from '../../jobs/queue.ts';
import { RECONCILE_EVERY_MS, reconcileMailbox } from './reconcile.ts';
import { alertStaleMailboxes } from './stale.ts';
import { syncMailbox } from './sync.ts';

/**
 * One sync of one mailbox. One at a time per mailbox (singleton key); a killed worker's sync is
 * taken over when its lease runs out and goes on from the last committed batch. Failures of the
 * mail server are written to the mailbox's health and backed off by the poller, not retried here.
 */
export const syncMailboxJob = defineJob({
  name: 'email.sync',
  input: Type.Object({ mailboxId: Uuid }, { additionalProperties: false }),
  retry: { attempts: 5, baseMs: 30_000, maxMs: 30 * 60_000 },
  leaseMs: 60_000,
  run: (job) => syncMailbox(job),
});

/** Compares the server's UIDs with what is stored and fetches what is missing (reconcile.ts); one at a time per mailbox. */
export const reconcileMailboxJob = defineJob({
  name: 'email.reconcile',
  input: Type.Object({ mailboxId: Uuid }, { additionalProperties: false }),
  retry: { attempts: 3, baseMs: 60_000, maxMs: 30 * 60_000 },
  leaseMs: 60_000,
  run: (job) => reconcileMailbox(job),
});

/**
 * Every minute: queues a sync of each mailbox whose next sync is due (health.ts sets when), a
 * reconciliation of each healthy mailbox not reconciled for RECONCILE_EVERY_MS, and tells the
 * owners of mailboxes that went stale.
 */
export const pollMailboxesJob = defineJob({
  name: 'email.poll',
  input: Type.Object({}, { additionalProperties: false }),
  retry: { attempts: 1 },
  schedule: { cron: '* * * * *', input: {} },
  hidden: true,
  run: async ({ db }) => {
    // Named cross-workspace queries (house-keeping over every workspace's mailboxes): they read
    // every shard; the jobs are queued after, outside the fan-out.
    const { due, unreconciled } = await acrossWorkspaces(db, async (tx) => ({
      due: await selectRows<{ workspace_id: string; id: string }>(
        tx,
        sql`select workspace_id, id from mailboxes where next_sync_at <= now() order by next_sync_at limit 500`,
      ),
      unreconciled: await selectRows<{ workspace_id: string; id: string }>(
        tx,
        sql`select workspace_id, id from mailboxes
          where last_success_at is not null and consecutive_failures = 0
            and (reconciled_at is null or reconciled_at <= now() - ${`${RECONCILE_EVERY_MS} milliseconds`}::interval)
          order by reconciled_at nulls first limit 100`,
      ),
    }));
    for (const m of due) {
      await enqueue(db, syncMailboxJob, { mailboxId: m.id }, { workspaceId: m.workspace_id, singletonKey: `mailbox:${m.id}` });
    }
    for (const m of unreconciled) await queueReconcile(db, m.workspace_id, m.id);
    const alerted = await alertStaleMailboxes(db);
    return { queued: due.length, reconciling: unreconciled.length, alerted };
  },
});

export const queueReconcile = (db: Conn, workspaceId: string, mailboxId: string) =>
  enqueue(db, reconcileMailboxJob, { mailboxId }, { workspaceId, singletonKey: `reconcile:${mailboxId}` });
