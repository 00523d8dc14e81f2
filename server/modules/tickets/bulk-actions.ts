import type { TicketBulkAction, TicketBulkOutcome, TicketBulkResult } from '../../../contract/desk.ts';
import type { Conn } from '../../db/client.ts';
import type { Ctx } from '../../http/context.ts';
import { AppError, conflict, invalid } from '../../http/errors.ts';
import { findRow } from '../../records/crud.ts';
import { assertAction, assertReach } from '../../records/visibility.ts';
import { applyMacroTo, changeTicket, prepareMacro } from './macros.apply.ts';
import { checkChanges } from './macros.service.ts';
import { ticketDef } from './tickets.service.ts';
import type { tickets } from './tickets.table.ts';

// Bulk actions on the agent's queue: assign, set status or priority, tag, apply a macro, over the
// tickets selected. The record engine's set-based bulk update (records/bulk.ts) does not serve
// here: a ticket's status and priority move its SLA clock (pauses, due times, solved time), which
// updateTicket computes per ticket and the engine's SQL rules do not; tags are added and removed
// rather than set; and a queue wants to know which tickets were left alone and why, where the
// engine leaves out what the caller may not touch without saying so. So each ticket goes through
// the same service as a single edit (history, events, SLA), in a savepoint of its own: a ticket
// refused leaves the others done, and is reported with its reason.

type Row = typeof tickets.$inferSelect;

const hasChanges = (c: TicketBulkAction['changes']) => !!c && Object.values(c).some((v) => v !== undefined);

/** Why a refused ticket was left alone, in the caller's words when the service gave none better. */
function refusal(err: AppError) {
  if (err.status === 404) return { code: 'not_found', reason: 'Not found: deleted for good, or not a ticket you can see' };
  const detail = err.errors[0] ? `${err.errors[0].field.replace(/^body\./, '')} ${err.errors[0].message}` : err.message;
  return { code: err.code, reason: detail };
}

/**
 * Applies one action to every ticket selected: a macro (its reply or note, then its changes), then
 * the field changes given; only values that differ are written. The whole request is refused (403,
 * 422) when the caller may not bulk-edit tickets or the action itself is wrong (an unknown
 * assignee, team or macro); a ticket the caller may not see or edit, or one in the trash, is
 * refused alone. Runs in the caller's transaction.
 */
export async function bulkActOnTickets(conn: Conn, ctx: Ctx, input: TicketBulkAction): Promise<TicketBulkResult> {
  if (!input.macroId && !hasChanges(input.changes)) {
    throw invalid([{ field: 'body.changes', code: 'required', message: 'send the changes to make, a macro to apply, or both' }]);
  }
  assertAction(ctx, ticketDef, 'bulkEdit');
  const changes = input.changes ?? {};
  await checkChanges(conn, ctx, changes);
  const macro = input.macroId
    ? await prepareMacro(conn, ctx, input.macroId).catch((err) => {
        if (err instanceof AppError && err.status === 404)
          throw invalid([{ field: 'body.macroId', code: 'unknown_record', message: 'is not a macro you can use' }]);
        throw err;
      })
    : null;

  const ids = [...new Set(input.ids.map((id) => id.toLowerCase()))];
  const results: TicketBulkOutcome[] = [];
  for (const id of ids) {
    const out: TicketBulkOutcome = {
      id,
      number: null,
      subject: null,
      outcome: 'unchanged',
      fields: [],
      messageId: null,
      code: null,
      reason: null,
    };
    try {
      // A savepoint per ticket: a refusal undoes that ticket's writes only.
      await conn.transaction(async (tx) => {
        const row = await findRow<Row>(tx, ctx, ticketDef, id, true);
        out.number = row.number;
        out.subject = row.subject;
        if (row.deletedAt) throw conflict('record_deleted', 'In the trash: restore it first');
        await assertReach(tx, ctx, ticketDef, id, 'edit');
        const fields = new Set<string>();
        if (macro) {
          const done = await applyMacroTo(tx, ctx, macro, id);
          out.messageId = done.messageId;
          for (const f of done.fields) fields.add(f);
        }
        if (hasChanges(changes)) for (const f of await changeTicket(tx, ctx, id, changes)) fields.add(f);
        out.fields = [...fields];
        out.outcome = fields.size || out.messageId ? 'changed' : 'unchanged';
      });
    } catch (err) {
      if (!(err instanceof AppError) || err.status >= 500) throw err;
      Object.assign(out, { outcome: 'refused', fields: [], messageId: null }, refusal(err));
    }
    results.push(out);
  }
  const count = (o: TicketBulkOutcome['outcome']) => results.filter((r) => r.outcome === o).length;
  return { changed: count('changed'), unchanged: count('unchanged'), refused: count('refused'), results };
}
