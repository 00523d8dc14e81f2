import { and, asc, eq } from 'drizzle-orm';
import { uuidv7 } from 'uuidv7';
import type { TicketAttachment, TicketMessage, TicketMessageCreate } from '../../../contract/support.ts';
import type { Conn } from '../../db/client.ts';
import type { Ctx } from '../../http/context.ts';
import { invalid } from '../../http/errors.ts';
import { findRow } from '../../records/crud.ts';
import { assertReach } from '../../records/visibility.ts';
import { emitEvent } from '../history/history.service.ts';
import { attachmentsByMessage, checkUploads, storeUploads, type Upload } from './attachments.ts';
import { assertNoNewerReply } from './presence.ts';
import { noteMessage, ticketDef } from './tickets.service.ts';
import { ticketMessages, type tickets } from './tickets.table.ts';

type Row = typeof ticketMessages.$inferSelect;

const toMessage = (r: Row, attachments: TicketAttachment[]): TicketMessage => ({
  id: r.id,
  ticketId: r.ticketId,
  kind: r.kind,
  authorMemberId: r.authorMemberId,
  authorContactId: r.authorContactId,
  body: r.body,
  attachments,
  createdAt: r.createdAt.toISOString(),
});

/** A ticket's conversation, oldest first; 404 for a ticket the request cannot read. */
export async function listMessages(conn: Conn, ctx: Ctx, ticketId: string) {
  await findRow(conn, ctx, ticketDef, ticketId);
  const rows = await conn
    .select()
    .from(ticketMessages)
    .where(and(eq(ticketMessages.workspaceId, ctx.workspaceId), eq(ticketMessages.ticketId, ticketId)))
    .orderBy(asc(ticketMessages.createdAt), asc(ticketMessages.id));
  const files = await attachmentsByMessage(conn, ctx.workspaceId, ticketId);
  return rows.map((r) => toMessage(r, files.get(r.id) ?? []));
}

/**
 * Adds a public reply or an internal note, with its files. Writing on a ticket is editing it, so the
 * edit scope decides; a reply "from the requester" needs a ticket that has one. Files over the cap
 * refuse the message whole (413), before anything is written.
 */
export async function addMessage(
  conn: Conn,
  ctx: Ctx,
  ticketId: string,
  input: Omit<TicketMessageCreate, 'attachments'>,
  files: Upload[] = [],
) {
  checkUploads(files);
  const ticket = await findRow<typeof tickets.$inferSelect>(conn, ctx, ticketDef, ticketId, true);
  await assertReach(conn, ctx, ticketDef, ticketId, 'edit');
  const fromRequester = input.fromRequester === true;
  if (input.kind === 'reply' && !fromRequester && input.lastSeenMessageId !== undefined && !input.confirmed) {
    await assertNoNewerReply(conn, ctx, ticketId, input.lastSeenMessageId);
  }
  if (fromRequester && input.kind === 'note') {
    throw invalid([{ field: 'body.fromRequester', code: 'not_allowed', message: 'an internal note is written by a member' }]);
  }
  if (fromRequester && !ticket.requesterId) {
    throw invalid([{ field: 'body.fromRequester', code: 'no_requester', message: 'this ticket has no requester' }]);
  }
  const [row] = await conn
    .insert(ticketMessages)
    .values({
      workspaceId: ctx.workspaceId,
      id: uuidv7(),
      ticketId,
      kind: input.kind,
      authorMemberId: fromRequester ? null : ctx.memberId,
      authorContactId: fromRequester ? ticket.requesterId : null,
      body: input.body,
    })
    .returning();
  const attachments = await storeUploads(conn, ctx.workspaceId, ticketId, row.id, files);
  await noteMessage(conn, ctx, ticketId, input.kind, fromRequester);
  const message = toMessage(row, attachments);
  await emitEvent(conn, ctx, `ticket.${input.kind === 'note' ? 'note_added' : 'replied'}`, 'ticket', ticketId, { message });
  return message;
}
