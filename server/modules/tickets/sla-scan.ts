import { and, eq, sql } from 'drizzle-orm';
import { type Db, selectRows } from '../../db/client.ts';
import { systemCtx } from '../../http/context.ts';
import { dueByWorkspace, uuidArray } from '../../jobs/sweep.ts';
import { emitEvent } from '../history/history.service.ts';
import { BREACHING_SOON_MS, nextTarget, slaStateAt } from './sla.ts';
import { toTicket } from './tickets.service.ts';
import { tickets } from './tickets.table.ts';

/** Tickets one scan moves on; the rest wait for the next scan (every 30 s). */
const BATCH = 500;

interface Due {
  workspace_id: string;
  id: string;
  created_by: string | null;
  assignee_id: string | null;
  sla_state: string;
  first_response_due_at: string | Date | null;
  next_response_due_at: string | Date | null;
  resolution_due_at: string | Date | null;
}

const date = (v: string | Date | null) => (v === null ? null : new Date(v));

/**
 * Moves open tickets whose nearest target is within 30 minutes (or passed) to `breaching_soon` or
 * `breached`, and emits `ticket.sla_breaching_soon` / `ticket.sla_breached` for each move, which
 * automation rules and webhooks act on. Each state is reached once per ticket and target: the row's
 * state is the claim (FOR UPDATE SKIP LOCKED, a workspace at a time: server/jobs/sweep.ts), so two workers never emit the same event. A write
 * that moves a due time (priority, a reply, a pause) recomputes the state itself (tickets.service.ts).
 */
export async function scanSla(db: Db, at: Date) {
  const soon = new Date(at.getTime() + BREACHING_SOON_MS).toISOString();
  const due = await dueByWorkspace(
    db,
    sql`select workspace_id, id from tickets
      where deleted_at is null and status in ('new', 'open', 'pending', 'on_hold') and sla_state in ('ok', 'breaching_soon')
        and least(first_response_due_at, next_response_due_at, resolution_due_at) <= ${soon}::timestamptz
      order by least(first_response_due_at, next_response_due_at, resolution_due_at)
      limit ${BATCH}`,
  );
  let scanned = 0;
  let moved = 0;
  for (const [workspaceId, ids] of due) {
    const out = await moveInWorkspace(db, workspaceId, ids, at, soon);
    scanned += out.scanned;
    moved += out.moved;
  }
  return { scanned, moved };
}

/** Claims the tickets `ids` of one workspace that are still due (one shard, SKIP LOCKED) and moves their state on. */
async function moveInWorkspace(db: Db, workspaceId: string, ids: string[], at: Date, soon: string) {
  return db.transaction(async (tx) => {
    const rows = await selectRows<Due>(
      tx,
      sql`select workspace_id, id, created_by, assignee_id, sla_state, first_response_due_at, next_response_due_at, resolution_due_at
        from tickets
        where workspace_id = ${workspaceId} and id = any(${uuidArray(ids)}::uuid[])
          and deleted_at is null and status in ('new', 'open', 'pending', 'on_hold') and sla_state in ('ok', 'breaching_soon')
          and least(first_response_due_at, next_response_due_at, resolution_due_at) <= ${soon}::timestamptz
        order by least(first_response_due_at, next_response_due_at, resolution_due_at)
        for update skip locked`,
    );
    let moved = 0;
    for (const r of rows) {
      const due = {
        firstResponseDueAt: date(r.first_response_due_at),
        nextResponseDueAt: date(r.next_response_due_at),
        resolutionDueAt: date(r.resolution_due_at),
      };
      const state = slaStateAt(due, at);
      if (state === r.sla_state) continue;
      const [after] = await tx
        .update(tickets)
        .set({ slaState: state })
        .where(and(eq(tickets.workspaceId, r.workspace_id), eq(tickets.id, r.id)))
        .returning();
      const next = nextTarget(due);
      const ctx = systemCtx(r.workspace_id, r.assignee_id ?? r.created_by ?? r.workspace_id);
      const type = state === 'breached' ? 'ticket.sla_breached' : 'ticket.sla_breaching_soon';
      await emitEvent(tx, ctx, type, 'ticket', r.id, {
        target: next?.target.replace(/DueAt$/, '') ?? null,
        dueAt: next?.dueAt.toISOString() ?? null,
        assigneeId: r.assignee_id,
        after: toTicket(after),
      });
      moved++;
    }
    return { scanned: rows.length, moved };
  });
}
