import { and, asc, eq } from 'drizzle-orm';
import { uuidv7 } from 'uuidv7';
import type { TicketRelation } from '../../../contract/desk.ts';
import type { Ticket } from '../../../contract/support.ts';
import type { Conn } from '../../db/client.ts';
import type { Ctx } from '../../http/context.ts';
import { conflict, invalid } from '../../http/errors.ts';
import { checkVersion, findRow } from '../../records/crud.ts';
import { assertReach, visibleWhere } from '../../records/visibility.ts';
import { getContact } from '../contacts/contacts.service.ts';
import { writeHistory } from '../history/history.service.ts';
import { copyAttachments } from './attachments.ts';
import { ticketRelations } from './desk.table.ts';
import { addMessage } from './messages.service.ts';
import { createTicket, getTicket, ticketDef, updateTicket } from './tickets.service.ts';
import { ticketMessages, tickets } from './tickets.table.ts';

type TicketRow = typeof tickets.$inferSelect;

async function relate(conn: Conn, ctx: Ctx, a: string, kind: TicketRelation['kind'], b: string) {
  const back = { merged_into: 'merged_from', merged_from: 'merged_into', split_into: 'split_from', split_from: 'split_into' } as const;
  await conn.insert(ticketRelations).values([
    { workspaceId: ctx.workspaceId, id: uuidv7(), ticketId: a, kind, otherId: b },
    { workspaceId: ctx.workspaceId, id: uuidv7(), ticketId: b, kind: back[kind], otherId: a },
  ]);
  await writeHistory(conn, ctx, 'ticket', a, 'update', [{ field: kind, old: null, new: b }]);
  await writeHistory(conn, ctx, 'ticket', b, 'update', [{ field: back[kind], old: null, new: a }]);
}

/**
 * Merges ticket `sourceId` into `targetId`: the source's conversation is copied onto the target
 * (keeping each message's author and time, so that it reads in order), the target gets a note
 * saying what came from where (and who the source's requester was, when another person), and the
 * source is closed with a note "merged into #N" and a link both ways. Both tickets must be
 * editable by the caller; a ticket merged already cannot be merged again.
 */
export async function mergeTickets(conn: Conn, ctx: Ctx, targetId: string, sourceId: string, version?: number): Promise<Ticket> {
  if (targetId.toLowerCase() === sourceId.toLowerCase()) {
    throw invalid([{ field: 'body.sourceId', code: 'same_ticket', message: 'a ticket cannot be merged into itself' }]);
  }
  const target = await findRow<TicketRow>(conn, ctx, ticketDef, targetId, true);
  const source = await findRow<TicketRow>(conn, ctx, ticketDef, sourceId, true).catch(() => {
    throw invalid([{ field: 'body.sourceId', code: 'unknown_record', message: 'is not a ticket of this workspace you can read' }]);
  });
  checkVersion('Ticket', target, version);
  await assertReach(conn, ctx, ticketDef, targetId, 'edit');
  await assertReach(conn, ctx, ticketDef, sourceId, 'edit');
  const [merged] = await conn
    .select({ id: ticketRelations.id })
    .from(ticketRelations)
    .where(
      and(
        eq(ticketRelations.workspaceId, ctx.workspaceId),
        eq(ticketRelations.ticketId, sourceId),
        eq(ticketRelations.kind, 'merged_into'),
      ),
    );
  if (merged) throw conflict('already_merged', `Ticket #${source.number} was merged already`);

  // Copied, not moved: the source keeps its conversation (and its files) for anyone holding a link to it.
  const copied = await conn
    .select()
    .from(ticketMessages)
    .where(and(eq(ticketMessages.workspaceId, ctx.workspaceId), eq(ticketMessages.ticketId, sourceId)));
  const copies = new Map<string | null, string | null>(copied.map((m) => [m.id, uuidv7()]));
  if (copied.length)
    await conn.insert(ticketMessages).values(copied.map((m) => ({ ...m, id: copies.get(m.id) as string, ticketId: targetId })));
  const lines = [`Merged ticket #${source.number} "${source.subject}" into this ticket.`];
  if (source.description) lines.push('', source.description);
  if (source.requesterId && source.requesterId !== target.requesterId) {
    // Named as the system reads it: the note is for the agents of this ticket, who must see who else wrote in.
    const other = await getContact(conn, { ...ctx, access: undefined }, source.requesterId);
    const who = [[other.firstName, other.lastName].filter(Boolean).join(' '), other.emails[0]?.value].filter(Boolean).join(' · ');
    lines.push('', `Its requester, ${who || 'another contact'}, is not this ticket's requester: copy them in when you reply.`);
  }
  const note = await addMessage(conn, ctx, targetId, { kind: 'note', body: lines.join('\n').slice(0, 20_000) });
  // The files that came with the source (its description's) go with the note that quotes it.
  copies.set(null, note.id);
  await copyAttachments(conn, ctx.workspaceId, sourceId, targetId, copies);
  await addMessage(conn, ctx, sourceId, { kind: 'note', body: `Merged into ticket #${target.number} "${target.subject}".` });
  await relate(conn, ctx, sourceId, 'merged_into', targetId);
  if (source.status !== 'closed') await updateTicket(conn, ctx, sourceId, source.version, { status: 'closed' });
  return getTicket(conn, ctx, targetId);
}

/**
 * Turns one message of a ticket into a new ticket for the same requester (the message's own
 * author when the requester wrote it): the message's text becomes the new ticket's description,
 * and both tickets get a note and a link to each other. The message stays where it was.
 */
export async function splitTicket(conn: Conn, ctx: Ctx, ticketId: string, messageId: string, subject?: string): Promise<Ticket> {
  const from = await findRow<TicketRow>(conn, ctx, ticketDef, ticketId, true);
  await assertReach(conn, ctx, ticketDef, ticketId, 'edit');
  const [message] = await conn
    .select()
    .from(ticketMessages)
    .where(and(eq(ticketMessages.workspaceId, ctx.workspaceId), eq(ticketMessages.ticketId, ticketId), eq(ticketMessages.id, messageId)));
  if (!message) throw invalid([{ field: 'body.messageId', code: 'unknown_record', message: 'is not a message of this ticket' }]);
  const created = await createTicket(conn, ctx, {
    subject: subject ?? `${from.subject} (split from #${from.number})`.slice(0, 200),
    description: message.body,
    requesterId: message.authorContactId ?? from.requesterId,
    companyId: from.companyId,
    priority: from.priority,
    channel: from.channel,
    teamId: from.teamId,
    assigneeId: from.assigneeId,
  });
  // The message's files come with it, as the new ticket's own (the message is its description).
  await copyAttachments(conn, ctx.workspaceId, ticketId, created.id, new Map([[message.id, null]]));
  await addMessage(conn, ctx, created.id, { kind: 'note', body: `Split from ticket #${from.number} "${from.subject}".` });
  await addMessage(conn, ctx, ticketId, { kind: 'note', body: `A message was split into ticket #${created.number}.` });
  await relate(conn, ctx, ticketId, 'split_into', created.id);
  return getTicket(conn, ctx, created.id);
}

/**
 * The merges and splits a ticket took part in, oldest first, with the other ticket's number and
 * subject; a ticket the caller's role does not let them read is left out, as in every list.
 */
export async function listRelations(conn: Conn, ctx: Ctx, ticketId: string): Promise<TicketRelation[]> {
  await findRow(conn, ctx, ticketDef, ticketId);
  const rows = await conn
    .select({
      kind: ticketRelations.kind,
      ticketId: tickets.id,
      number: tickets.number,
      subject: tickets.subject,
      at: ticketRelations.createdAt,
    })
    .from(ticketRelations)
    .innerJoin(tickets, and(eq(tickets.workspaceId, ticketRelations.workspaceId), eq(tickets.id, ticketRelations.otherId)))
    .where(
      and(eq(ticketRelations.workspaceId, ctx.workspaceId), eq(ticketRelations.ticketId, ticketId), visibleWhere(ctx, ticketDef, 'read')),
    )
    .orderBy(asc(ticketRelations.createdAt), asc(ticketRelations.id));
  return rows.map((r) => ({ ...r, at: r.at.toISOString() }));
}
