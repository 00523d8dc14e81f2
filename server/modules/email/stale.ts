import { sql } from 'drizzle-orm';
import { acrossWorkspaces } from '../../db/citus.ts';
import { type Db, selectRows } from '../../db/client.ts';
import { systemCtx } from '../../http/context.ts';
import { notify } from '../notifications/notifications.service.ts';

interface StaleMailbox {
  workspace_id: string;
  id: string;
  name: string;
  owner_id: string;
  since: string;
  last_error: string | null;
  synced_once: boolean;
}

/**
 * Tells the owner of each mailbox that has not synced for longer than its `stale_after_minutes`
 * (counted from its last success, or from when it was connected if it never synced). Once per stale
 * period: `stale_notified_at` is set, and only a success after it opens a new period. The notice
 * says why, when the last try failed with a reason.
 */
export async function alertStaleMailboxes(db: Db) {
  // A named cross-workspace query (house-keeping over every workspace's mailboxes), read without a
  // lock: Citus refuses an UPDATE over every shard whose condition computes a time from a column.
  const candidates = await acrossWorkspaces(db, (tx) =>
    selectRows<{ workspace_id: string; id: string }>(
      tx,
      sql`select workspace_id, id from mailboxes m
        where coalesce(m.last_success_at, m.created_at) < now() - make_interval(mins => m.stale_after_minutes)
          and (m.stale_notified_at is null or m.stale_notified_at < coalesce(m.last_success_at, m.created_at))`,
    ),
  );
  const at = new Date().toISOString();
  const stale: StaleMailbox[] = [];
  for (const c of candidates) {
    // Marked one mailbox at a time (one shard each); the period test again, so that a mailbox a
    // concurrent run marked meanwhile is not told twice.
    const rows = await selectRows<StaleMailbox>(
      db,
      sql`update mailboxes m set stale_notified_at = ${at}::timestamptz
        where m.workspace_id = ${c.workspace_id} and m.id = ${c.id}
          and (m.stale_notified_at is null or m.stale_notified_at < coalesce(m.last_success_at, m.created_at))
        returning m.workspace_id, m.id, m.name, m.owner_id, coalesce(m.last_success_at, m.created_at) as since, m.last_error,
          m.last_success_at is not null as synced_once`,
    );
    stale.push(...rows);
  }
  for (const m of stale) {
    const since = new Date(m.since).toISOString().slice(0, 16).replace('T', ' ');
    await notify(db, systemCtx(m.workspace_id, m.owner_id), {
      memberId: m.owner_id,
      kind: 'system',
      title: m.synced_once ? `Mailbox “${m.name}” has not synced since ${since} UTC` : `Mailbox “${m.name}” has not synced yet`,
      body: m.last_error
        ? `Last error: ${m.last_error}`
        : 'No error was reported: its sync did not run. Settings → Mailboxes shows its state.',
      record: null,
      actorId: null,
    });
  }
  return stale.length;
}
