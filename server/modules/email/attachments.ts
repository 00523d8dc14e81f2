import { and, eq, inArray, sql } from 'drizzle-orm';
import { uuidv7 } from 'uuidv7';
import { loadConfig } from '../../config.ts';
import type { Conn } from '../../db/client.ts';
import type { Ctx } from '../../http/context.ts';
import { notFound } from '../../http/errors.ts';
import { emailAttachments, emailMessages, emailThreads, type StoredAttachment } from './email.table.ts';
import type { ParsedEmail } from './parse.ts';

/** What an email carried, as the email module stores it (other modules name its files by it). */
export type { StoredAttachment };

/** The cap read when a message is stored (RAPPORT_EMAIL_ATTACHMENT_MAX_BYTES), so an operator's change applies without a restart of the sync. */
const cap = () => loadConfig().emailAttachmentMaxBytes;

export const sizeText = (n: number) =>
  n < 1024 * 1024 ? `${Math.ceil(n / 1024)} KB` : `${(n / (1024 * 1024)).toFixed(1).replace(/\.0$/, '')} MB`;

/**
 * The attachment list of a new email, each with the id its bytes will be stored under, or a note
 * saying why they are not: over the cap (the rest of the message arrives all the same).
 */
export function planAttachments(m: ParsedEmail): StoredAttachment[] {
  const max = cap();
  return m.attachments.map((a, i) => {
    const size = m.files[i]?.length ?? a.size;
    if (size > max) return { ...a, size, id: null, note: `not stored: ${sizeText(size)} is over the ${sizeText(max)} limit` };
    return { ...a, size, id: uuidv7(), note: null };
  });
}

/** Stores the bytes of the attachments `planAttachments` gave an id, in the caller's transaction. */
export async function storeAttachments(conn: Conn, workspaceId: string, emailId: string, plan: StoredAttachment[], m: ParsedEmail) {
  const rows = plan.flatMap((a, i) =>
    a.id ? [{ workspaceId, id: a.id, emailId, filename: a.filename, contentType: a.contentType, size: a.size, content: m.files[i] }] : [],
  );
  if (rows.length) await conn.insert(emailAttachments).values(rows);
}

/** `text/plain; charset=x` and the like pass; anything that is not a plain type/subtype is sent as bytes. */
export const safeType = (t: string) =>
  /^[a-z0-9][a-z0-9!#$&^_.+-]*\/[a-z0-9][a-z0-9!#$&^_.+-]*$/i.test(t) ? t.toLowerCase() : 'application/octet-stream';

/** `attachment; filename="ascii"; filename*=UTF-8''…`: the name as sent, safe in a header whatever it holds (RFC 6266). */
export function contentDisposition(filename: string | null) {
  const name = (filename ?? 'attachment').replace(/[\r\n"\\/]/g, '_').slice(0, 200) || 'attachment';
  const ascii = name.replace(/[^\x20-\x7e]/g, '_');
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)}`;
}

/**
 * One stored attachment, if the acting member may read its email's content (the same condition as
 * every email read: a shared thread, or one of their mailboxes holds it); 404 otherwise, so a
 * private email's attachments are not even confirmed to exist.
 */
export async function readAttachment(conn: Conn, ctx: Ctx, emailId: string, attachmentId: string) {
  const [row] = await conn
    .select({ filename: emailAttachments.filename, contentType: emailAttachments.contentType, content: emailAttachments.content })
    .from(emailAttachments)
    .innerJoin(
      emailMessages,
      and(eq(emailMessages.workspaceId, emailAttachments.workspaceId), eq(emailMessages.id, emailAttachments.emailId)),
    )
    .leftJoin(emailThreads, and(eq(emailThreads.workspaceId, emailMessages.workspaceId), eq(emailThreads.id, emailMessages.threadId)))
    .where(
      and(
        eq(emailAttachments.workspaceId, ctx.workspaceId),
        eq(emailAttachments.emailId, emailId),
        eq(emailAttachments.id, attachmentId),
        sql`(coalesce(${emailThreads.shared}, true) or ${ctx.memberId}::uuid = any(${emailMessages.viewerIds}))`,
      ),
    );
  if (!row) throw notFound('Attachment');
  return {
    filename: row.filename,
    contentType: safeType(row.contentType),
    disposition: contentDisposition(row.filename),
    content: row.content,
  };
}

/**
 * The bytes of stored attachments by id, read as the system: for a module that reached them through
 * a record of its own (a ticket the email opened) and checked the reader's right to that record.
 */
export async function attachmentBytes(conn: Conn, workspaceId: string, ids: string[]) {
  if (!ids.length) return new Map<string, Buffer>();
  const rows = await conn
    .select({ id: emailAttachments.id, content: emailAttachments.content })
    .from(emailAttachments)
    .where(and(eq(emailAttachments.workspaceId, workspaceId), inArray(emailAttachments.id, ids)));
  return new Map(rows.map((r) => [r.id, r.content]));
}
