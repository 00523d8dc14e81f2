import { sql } from 'drizzle-orm';
import { type Db, selectRows } from '../../db/client.ts';
import { systemCtx } from '../../http/context.ts';
import { dueByWorkspace, uuidArray } from '../../jobs/sweep.ts';
import { memberIdsAmong } from '../auth/members.service.ts';
import { notify } from '../notifications/notifications.service.ts';

// Task due reminders. A task keeps its own `remind_at` (due time less the reminder chosen on it) and
// `reminded_for` (the remind_at a reminder went out for), so a reminder is planned by the write that
// sets the due date, re-planned when it moves, and dropped when the task is done or deleted, without
// a job per task to find and cancel. The scan below reads what is due across workspaces, then claims
// it a workspace at a time with one UPDATE … SKIP LOCKED (server/jobs/sweep.ts): a task is claimed by one worker, and a worker that reads it after the claim commits sees
// `reminded_for = remind_at` and passes it by. So each (task, due time) is reminded exactly once.

/** Tasks one scan reminds of; the rest wait for the next scan (every 30 s). */
const BATCH = 500;

interface Due {
  workspace_id: string;
  id: string;
  title: string;
  assignee_id: string | null;
  created_by: string | null;
  due_at: string | Date;
}

/** Sends the reminders due at `at` (the automation clock's now, so tests move time instead of sleeping). */
export async function sendDueReminders(db: Db, at: Date) {
  const due = await dueByWorkspace(
    db,
    sql`select workspace_id, id from tasks
      where remind_at is not null and remind_at <= ${at.toISOString()}::timestamptz
        and not done and deleted_at is null and reminded_for is distinct from remind_at
      order by remind_at limit ${BATCH}`,
  );
  let claimed = 0;
  let sent = 0;
  for (const [workspaceId, ids] of due) {
    const out = await remindInWorkspace(db, workspaceId, ids, at);
    claimed += out.claimed;
    sent += out.sent;
  }
  return { claimed, sent };
}

/** Claims the tasks `ids` of one workspace that are still due (one shard) and tells their assignees. */
async function remindInWorkspace(db: Db, workspaceId: string, ids: string[], at: Date) {
  return db.transaction(async (tx) => {
    const due = await selectRows<Due>(
      tx,
      sql`update tasks t set reminded_for = t.remind_at
        where t.workspace_id = ${workspaceId} and t.id in (
          select id from tasks
          where workspace_id = ${workspaceId} and id = any(${uuidArray(ids)}::uuid[])
            and remind_at is not null and remind_at <= ${at.toISOString()}::timestamptz
            and not done and deleted_at is null and reminded_for is distinct from remind_at
          for update skip locked)
        returning t.workspace_id, t.id, t.title, t.assignee_id, t.created_by, t.due_at`,
    );
    let sent = 0;
    for (const t of due) {
      const to = t.assignee_id ?? t.created_by;
      if (!to) continue;
      const ctx = systemCtx(t.workspace_id, to);
      // A member who left (disabled) or an API key that made the task is not told.
      if (!(await memberIdsAmong(tx, ctx, [to], { active: true })).length) continue;
      const n = await notify(tx, ctx, {
        memberId: to,
        kind: 'task_reminder',
        title: t.title,
        body: new Date(t.due_at).toISOString(),
        record: { type: 'task', id: t.id },
      });
      if (n) sent++;
    }
    return { claimed: due.length, sent };
  });
}
