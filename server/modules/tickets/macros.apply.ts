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

type MacroRow = Awaited<ReturnType<typeof findMacro>>;

/** What applying a macro needs once, whatever the number of tickets: the macro and the agent's name for its text. */
export async function prepareMacro(conn: Conn, ctx: Ctx, macroId: string) {
  const macro = await findMacro(conn, ctx, macroId);
  const agentName = macro.body ? ((await listMembers(conn, ctx)).find((m) => m.id === ctx.memberId)?.name ?? '') : '';
  return { macro, agentName };
}

/**
 * Applies a macro to one ticket in the caller's transaction: the reply or note first (so that the
 * reply counts as the response before a "solve" stops the clock), then the field changes, with
 * history and events, as an edit by the caller. Answers the message written (or null) and the
 * fields the macro changed.
 */
export async function applyMacroTo(conn: Conn, ctx: Ctx, m: { macro: MacroRow; agentName: string }, id: string) {
  const row = await findRow<TicketRow>(conn, ctx, ticketDef, id, true);
  let messageId: string | null = null;
  if (m.macro.body) {
    const body = renderMacro(m.macro.body, await placeholderValues(conn, ctx, row, m.agentName)).slice(0, 20_000);
    if (body.trim()) messageId = (await addMessage(conn, ctx, id, { kind: m.macro.kind, body })).id;
  }
  const fields = await changeTicket(conn, ctx, id, m.macro.changes);
  return { messageId, fields };
}

/**
 * Sets a macro's (or a bulk action's) field changes on one ticket, only those that differ from its
 * values now: nothing to change writes nothing (no version, history or event). Answers the fields changed.
 */
export async function changeTicket(conn: Conn, ctx: Ctx, id: string, changes: MacroChanges): Promise<string[]> {
  const current = await findRow<TicketRow>(conn, ctx, ticketDef, id, true);
  const update = updateOf(current, changes);
  const differs = (Object.keys(update) as (keyof typeof update)[]).filter((k) =>
    k === 'tags' ? (update.tags ?? []).join('\u0000') !== current.tags.join('\u0000') : update[k] !== current[k as keyof TicketRow],
  );
  if (!differs.length) return [];
  await updateTicket(conn, ctx, id, current.version, Object.fromEntries(differs.map((k) => [k, update[k]])));
  return differs;
}

/**
 * Applies a macro to tickets, all in the caller's transaction. One ticket the caller may not edit
 * fails the whole call: this route is all or nothing (the queue's bulk actions report per ticket).
 */
export async function applyMacro(conn: Conn, ctx: Ctx, macroId: string, ticketIds: string[]): Promise<MacroApplied> {
  const m = await prepareMacro(conn, ctx, macroId);
  const ids = [...new Set(ticketIds.map((id) => id.toLowerCase()))];
  const messageIds: (string | null)[] = [];
  for (const id of ids) messageIds.push((await applyMacroTo(conn, ctx, m, id)).messageId);
  return { ticketIds: ids, messageIds };
}
