import { sql } from 'drizzle-orm';
import { type Db, selectRows } from '../../db/client.ts';
import { systemCtx } from '../../http/context.ts';
import { notify } from '../notifications/notifications.service.ts';

/**
 * Tells the owner of each mailbox that has not synced for longer than its `stale_after_minutes`
 * (counted from its last success, or from when it was connected if it never synced). Once per stale
 * period: `stale_notified_at` is set, and only a success after it opens a new period. The notice
 * says why, when the last try failed with a reason.
 */
export async function alertStaleMailboxes(db: Db) {
  const stale = await selectRows<{
    workspace_id: string;
    id: string;
    name: string;
    owner_id: string;
    since: string;
    last_error: string | null;
    synced_once: boolean;
  }>(
    db,
    sql`update mailboxes m set stale_notified_at = now()
      where coalesce(m.last_success_at, m.created_at) < now() - make_interval(mins => m.stale_after_minutes)
        and (m.stale_notified_at is null or m.stale_notified_at < coalesce(m.last_success_at, m.created_at))
      returning m.workspace_id, m.id, m.name, m.owner_id, coalesce(m.last_success_at, m.created_at) as since, m.last_error,
        m.last_success_at is not null as synced_once`,
  );
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
