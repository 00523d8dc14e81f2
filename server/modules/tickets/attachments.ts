import { and, asc, eq, isNull, or } from 'drizzle-orm';
import { uuidv7 } from 'uuidv7';
import type { OutgoingAttachment } from '../../../contract/email.ts';
import type { TicketAttachment } from '../../../contract/support.ts';
import { loadConfig } from '../../config.ts';
import type { Conn } from '../../db/client.ts';
import type { Ctx } from '../../http/context.ts';
import { AppError, notFound } from '../../http/errors.ts';
import { findRow } from '../../records/crud.ts';
import type { StoredAttachment } from '../email/attachments.ts';
import { attachmentBytes, contentDisposition, safeType, sizeText } from '../email/attachments.ts';
import { ticketAttachments } from './attachments.table.ts';
import { ticketDef } from './tickets.service.ts';
import { ticketMessages } from './tickets.table.ts';

// Files on tickets: uploaded with an agent's reply or note (the API) or a customer's reply or new
// ticket (the portal), or named from the email that reached the support address. The bytes of an
// upload are stored in the ticket's own table; an email's stay where the email module stored them.

/** A file about to be stored: as the portal's form or a decoded API body hands it over. */
export interface Upload {
  filename: string;
  contentType: string;
  content: Buffer;
}

/**
 * The cap on a message's files together: the email attachment cap, because an agent's public reply
 * goes out as one email with them (and the email module refuses a larger set). Read per request, so
 * that an operator's change applies at once.
 */
export const attachmentCap = () => loadConfig().emailAttachmentMaxBytes;

/**
 * Checks a message's files against the cap before anything is written: a set over it refuses the
 * whole message (413) naming the file that crosses the limit, with the limit in the message.
 */
export function checkUploads(files: Upload[], field = 'body.attachments') {
  const max = attachmentCap();
  let total = 0;
  for (const [i, f] of files.entries()) {
    total += f.content.length;
    if (total > max) {
      const message =
        files.length === 1
          ? `${f.filename} is ${sizeText(total)}, over the ${sizeText(max)} limit for attachments`
          : `${f.filename} takes the attachments to ${sizeText(total)}, over the ${sizeText(max)} limit`;
      throw new AppError(413, 'attachments_too_large', `Attachments over the ${sizeText(max)} limit: ${message}`, [
        { field: `${field}.${i}`, code: 'attachments_too_large', message, params: { filename: f.filename, limit: sizeText(max) } },
      ]);
    }
  }
  return files;
}

/** The files of an API body, decoded and checked against the cap. */
export const uploadsOf = (files: OutgoingAttachment[] | undefined) =>
  checkUploads((files ?? []).map((a) => ({ filename: a.filename, contentType: a.contentType, content: Buffer.from(a.content, 'base64') })));

type Row = typeof ticketAttachments.$inferSelect;

const columns = {
  id: ticketAttachments.id,
  messageId: ticketAttachments.messageId,
  filename: ticketAttachments.filename,
  contentType: ticketAttachments.contentType,
  size: ticketAttachments.size,
  note: ticketAttachments.note,
};

const toAttachment = (r: Pick<Row, keyof typeof columns>): TicketAttachment => ({
  id: r.id,
  messageId: r.messageId,
  filename: r.filename,
  contentType: r.contentType,
  size: r.size,
  note: r.note,
});

/** Stores the files uploaded with a message (or, messageId null, with a new ticket), in the caller's transaction. */
export async function storeUploads(conn: Conn, workspaceId: string, ticketId: string, messageId: string | null, files: Upload[]) {
  if (!files.length) return [];
  const rows = await conn
    .insert(ticketAttachments)
    .values(
      files.map((f) => ({
        workspaceId,
        id: uuidv7(),
        ticketId,
        messageId,
        filename: f.filename.slice(0, 255),
        contentType: f.contentType.slice(0, 255),
        size: f.content.length,
        content: f.content,
      })),
    )
    .returning(columns);
  return rows.map(toAttachment);
}

/**
 * Names an email's attachments on the message (or new ticket) it became: a reference to each file
 * the email module stored, the bytes not copied; one it did not store keeps the email's note.
 */
export async function linkEmailAttachments(
  conn: Conn,
  workspaceId: string,
  ticketId: string,
  messageId: string | null,
  stored: StoredAttachment[] | null | undefined,
) {
  if (!stored?.length) return [];
  const rows = await conn
    .insert(ticketAttachments)
    .values(
      stored.map((a) => ({
        workspaceId,
        id: uuidv7(),
        ticketId,
        messageId,
        filename: a.filename,
        contentType: a.contentType,
        size: a.size,
        emailAttachmentId: a.id ?? null,
        note: a.id ? null : (a.note ?? 'not stored'),
      })),
    )
    .returning(columns);
  return rows.map(toAttachment);
}

/** The files of a ticket's messages (by message id) and of the ticket itself (key ''), oldest first. */
export async function attachmentsByMessage(conn: Conn, workspaceId: string, ticketId: string) {
  const rows = await conn
    .select(columns)
    .from(ticketAttachments)
    .where(and(eq(ticketAttachments.workspaceId, workspaceId), eq(ticketAttachments.ticketId, ticketId)))
    .orderBy(asc(ticketAttachments.createdAt), asc(ticketAttachments.id));
  const out = new Map<string, TicketAttachment[]>();
  for (const r of rows) {
    const key = r.messageId ?? '';
    out.set(key, [...(out.get(key) ?? []), toAttachment(r)]);
  }
  return out;
}

/** Every file of a ticket the request may read, those that came with the ticket first; 404 for a ticket it may not. */
export async function listTicketAttachments(conn: Conn, ctx: Ctx, ticketId: string) {
  await findRow(conn, ctx, ticketDef, ticketId);
  return [...(await attachmentsByMessage(conn, ctx.workspaceId, ticketId)).values()].flat();
}

/**
 * Types a browser would run or render as a page of the site it came from (markup, scripts, SVG):
 * served as bytes, whatever the uploader said. The rest keep their type, always as a download.
 */
const active =
  /^(text\/html|application\/xhtml\+xml|image\/svg\+xml|text\/xml|application\/xml|text\/javascript|application\/javascript|application\/ecmascript|text\/ecmascript)$/;

function served(row: { filename: string | null; contentType: string }, content: Buffer) {
  const type = safeType(row.contentType);
  return {
    filename: row.filename,
    contentType: active.test(type.split(';')[0].trim()) ? 'application/octet-stream' : type,
    disposition: contentDisposition(row.filename),
    content,
  };
}

/** The bytes of one file (one the email module holds, or the ticket's own); 404 when there are none. */
async function bytesOf(conn: Conn, workspaceId: string, row: { content: Buffer | null; emailAttachmentId: string | null }) {
  if (row.content) return row.content;
  if (!row.emailAttachmentId) return null;
  return (await attachmentBytes(conn, workspaceId, [row.emailAttachmentId])).get(row.emailAttachmentId) ?? null;
}

/** One file of a ticket the acting member may read (their role's read scope); 404 otherwise, and for another workspace's. */
export async function readTicketAttachment(conn: Conn, ctx: Ctx, ticketId: string, attachmentId: string) {
  await findRow(conn, ctx, ticketDef, ticketId);
  const [row] = await conn
    .select({ ...columns, content: ticketAttachments.content, emailAttachmentId: ticketAttachments.emailAttachmentId })
    .from(ticketAttachments)
    .where(
      and(
        eq(ticketAttachments.workspaceId, ctx.workspaceId),
        eq(ticketAttachments.ticketId, ticketId),
        eq(ticketAttachments.id, attachmentId),
      ),
    );
  const content = row && (await bytesOf(conn, ctx.workspaceId, row));
  if (!row || !content) throw notFound('Attachment');
  return served(row, content);
}

/**
 * One file as the ticket's requester may fetch it (the portal, which has checked the ticket is
 * within the customer's reach): only a public reply's or the ticket's own, never an internal note's.
 */
export async function readPublicAttachment(conn: Conn, workspaceId: string, ticketId: string, attachmentId: string) {
  const [row] = await conn
    .select({
      filename: ticketAttachments.filename,
      contentType: ticketAttachments.contentType,
      content: ticketAttachments.content,
      emailAttachmentId: ticketAttachments.emailAttachmentId,
    })
    .from(ticketAttachments)
    .leftJoin(
      ticketMessages,
      and(eq(ticketMessages.workspaceId, ticketAttachments.workspaceId), eq(ticketMessages.id, ticketAttachments.messageId)),
    )
    .where(
      and(
        eq(ticketAttachments.workspaceId, workspaceId),
        eq(ticketAttachments.ticketId, ticketId),
        eq(ticketAttachments.id, attachmentId),
        or(isNull(ticketAttachments.messageId), eq(ticketMessages.kind, 'reply')),
      ),
    );
  const content = row && (await bytesOf(conn, workspaceId, row));
  return row && content ? served(row, content) : null;
}

/** The files a public reply carries out by email: the bytes of each one there is (to be sent with it). */
export async function filesToSend(conn: Conn, workspaceId: string, messageId: string): Promise<Upload[]> {
  const rows = await conn
    .select({
      filename: ticketAttachments.filename,
      contentType: ticketAttachments.contentType,
      content: ticketAttachments.content,
      emailAttachmentId: ticketAttachments.emailAttachmentId,
    })
    .from(ticketAttachments)
    .where(and(eq(ticketAttachments.workspaceId, workspaceId), eq(ticketAttachments.messageId, messageId)))
    .orderBy(asc(ticketAttachments.createdAt), asc(ticketAttachments.id));
  const fromEmail = await attachmentBytes(
    conn,
    workspaceId,
    rows.flatMap((r) => (r.emailAttachmentId ? [r.emailAttachmentId] : [])),
  );
  return rows.flatMap((r) => {
    const content = r.content ?? (r.emailAttachmentId ? fromEmail.get(r.emailAttachmentId) : undefined);
    return content ? [{ filename: r.filename ?? 'attachment', contentType: safeType(r.contentType), content }] : [];
  });
}

/** The public replies' and the ticket's own files for the portal, by message id ('' for the ticket's). */
export async function publicAttachments(conn: Conn, workspaceId: string, ticketId: string) {
  const rows = await conn
    .select(columns)
    .from(ticketAttachments)
    .leftJoin(
      ticketMessages,
      and(eq(ticketMessages.workspaceId, ticketAttachments.workspaceId), eq(ticketMessages.id, ticketAttachments.messageId)),
    )
    .where(
      and(
        eq(ticketAttachments.workspaceId, workspaceId),
        eq(ticketAttachments.ticketId, ticketId),
        or(isNull(ticketAttachments.messageId), eq(ticketMessages.kind, 'reply')),
      ),
    )
    .orderBy(asc(ticketAttachments.createdAt), asc(ticketAttachments.id));
  const out = new Map<string, TicketAttachment[]>();
  for (const r of rows) out.set(r.messageId ?? '', [...(out.get(r.messageId ?? '') ?? []), toAttachment(r)]);
  return out;
}

/**
 * Copies files of one ticket to another (a merge copies the conversation, a split one message):
 * `moves` maps each message whose files go (null: the ticket's own files) to the message they go
 * with on the other ticket (null: that ticket's own). The rows are copied, bytes or reference.
 */
export async function copyAttachments(
  conn: Conn,
  workspaceId: string,
  fromTicketId: string,
  toTicketId: string,
  moves: Map<string | null, string | null>,
) {
  if (!moves.size) return;
  const rows = (
    await conn
      .select()
      .from(ticketAttachments)
      .where(and(eq(ticketAttachments.workspaceId, workspaceId), eq(ticketAttachments.ticketId, fromTicketId)))
      .orderBy(asc(ticketAttachments.createdAt), asc(ticketAttachments.id))
  ).filter((r) => moves.has(r.messageId));
  if (!rows.length) return;
  await conn
    .insert(ticketAttachments)
    .values(
      rows.map(({ createdAt: _at, ...r }) => ({ ...r, id: uuidv7(), ticketId: toTicketId, messageId: moves.get(r.messageId) ?? null })),
    );
}
