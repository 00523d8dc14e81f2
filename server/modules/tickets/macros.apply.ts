import type { MacroApplied, MacroChanges } from '../../../contract/desk.ts';
import type { TicketUpdate } from '../../../contract/support.ts';
import type { Conn } from '../../db/client.ts';
import type { Ctx } from '../../http/context.ts';
import { findRow } from '../../records/crud.ts';
import { listMembers } from '../auth/members.service.ts';
import { getContact } from '../contacts/contacts.service.ts';
import { findMacro, renderMacro } from './macros.service.ts';
import { addMessage } from './messages.service.ts';
import { ticketDef, updateTicket } from './tickets.service.ts';
import type { tickets } from './tickets.table.ts';

type TicketRow = typeof tickets.$inferSelect;

/** The ticket's fields as the macro sets them; tags are added and removed against the ticket's own. */
function updateOf(row: TicketRow, c: MacroChanges): Omit<TicketUpdate, 'version'> {
  const out: Omit<TicketUpdate, 'version'> = {};
  if (c.status !== undefined) out.status = c.status;
  if (c.priority !== undefined) out.priority = c.priority;
  if (c.assigneeId !== undefined) out.assigneeId = c.assigneeId;
  if (c.teamId !== undefined) out.teamId = c.teamId;
  if (c.addTags?.length || c.removeTags?.length) {
    const remove = new Set(c.removeTags ?? []);
    out.tags = [...new Set([...row.tags, ...(c.addTags ?? [])])].filter((t) => !remove.has(t)).slice(0, 20);
  }
  return out;
}

async function placeholderValues(conn: Conn, ctx: Ctx, row: TicketRow, agentName: string) {
  // The requester's name is read as the system: an agent writing to a customer may lack the right
  // to open contacts, and the name goes only into the reply to that same customer.
  const contact = row.requesterId ? await getContact(conn, { ...ctx, access: undefined }, row.requesterId).catch(() => null) : null;
  const first = contact?.firstName ?? '';
  const last = contact?.lastName ?? '';
  return {
    'requester.firstName': first,
    'requester.lastName': last,
    'requester.name': [first, last].filter(Boolean).join(' '),
    'requester.email': contact?.emails[0]?.value ?? '',
    'ticket.number': String(row.number),
    'ticket.subject': row.subject,
    'agent.name': agentName,
  };
}

/**
 * Applies a macro to tickets, all in the caller's transaction: each ticket's reply or note first
 * (so that the reply counts as the response before a "solve" stops the clock), then its field
 * changes, with history and events, as an edit by the caller. One ticket the caller may not edit
 * fails the whole call: a bulk macro is all or nothing.
 */
export async function applyMacro(conn: Conn, ctx: Ctx, macroId: string, ticketIds: string[]): Promise<MacroApplied> {
  const macro = await findMacro(conn, ctx, macroId);
  const ids = [...new Set(ticketIds.map((id) => id.toLowerCase()))];
  const agentName = macro.body ? ((await listMembers(conn, ctx)).find((m) => m.id === ctx.memberId)?.name ?? '') : '';
  const messageIds: (string | null)[] = [];
  for (const id of ids) {
    const row = await findRow<TicketRow>(conn, ctx, ticketDef, id, true);
    let messageId: string | null = null;
    if (macro.body) {
      const body = renderMacro(macro.body, await placeholderValues(conn, ctx, row, agentName)).slice(0, 20_000);
      if (body.trim()) messageId = (await addMessage(conn, ctx, id, { kind: macro.kind, body })).id;
    }
    const update = updateOf(row, macro.changes);
    if (Object.keys(update).length) {
      const current = await findRow<TicketRow>(conn, ctx, ticketDef, id, true);
      await updateTicket(conn, ctx, id, current.version, update);
    }
    messageIds.push(messageId);
  }
  return { ticketIds: ids, messageIds };
}
