import { sql } from 'drizzle-orm';
import Type from 'typebox';
import { Uuid } from '../../../contract/common.ts';
import { selectRows } from '../../db/client.ts';
import { defineJob } from '../../jobs/define.ts';
import { enqueue } from '../../jobs/queue.ts';
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

/** Every minute: queues a sync of each mailbox whose next sync is due (health.ts sets when). */
export const pollMailboxesJob = defineJob({
  name: 'email.poll',
  input: Type.Object({}, { additionalProperties: false }),
  retry: { attempts: 1 },
  schedule: { cron: '* * * * *', input: {} },
  hidden: true,
  run: async ({ db }) => {
    const due = await selectRows<{ workspace_id: string; id: string }>(
      db,
      sql`select workspace_id, id from mailboxes where next_sync_at <= now() order by next_sync_at limit 500`,
    );
    for (const m of due) {
      await enqueue(db, syncMailboxJob, { mailboxId: m.id }, { workspaceId: m.workspace_id, singletonKey: `mailbox:${m.id}` });
    }
    return { queued: due.length };
  },
});
