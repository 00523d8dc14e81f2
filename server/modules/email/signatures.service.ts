import { and, eq } from 'drizzle-orm';
import type { EmailSignature } from '../../../contract/email-templates.ts';
import type { Conn } from '../../db/client.ts';
import type { Ctx } from '../../http/context.ts';
import { findMailbox, mailboxRows } from './email.service.ts';
import { emailSignatures } from './templates.table.ts';

/** Your signature for every mailbox you can see (an empty one where none is set). */
export async function listSignatures(conn: Conn, ctx: Ctx): Promise<EmailSignature[]> {
  const boxes = await mailboxRows(conn, ctx);
  const rows = await conn
    .select()
    .from(emailSignatures)
    .where(and(eq(emailSignatures.workspaceId, ctx.workspaceId), eq(emailSignatures.memberId, ctx.memberId)));
  const byBox = new Map(rows.map((r) => [r.mailboxId, r]));
  return boxes.map((b) => {
    const s = byBox.get(b.id);
    return { mailboxId: b.id, body: s?.body ?? '', updatedAt: s ? s.updatedAt.toISOString() : null };
  });
}

/** Sets your signature for a mailbox you can see (404 for one you cannot). */
export async function putSignature(conn: Conn, ctx: Ctx, mailboxId: string, body: string): Promise<EmailSignature> {
  await findMailbox(conn, ctx, mailboxId);
  const [row] = await conn
    .insert(emailSignatures)
    .values({ workspaceId: ctx.workspaceId, memberId: ctx.memberId, mailboxId, body })
    .onConflictDoUpdate({
      target: [emailSignatures.workspaceId, emailSignatures.memberId, emailSignatures.mailboxId],
      set: { body, updatedAt: new Date() },
    })
    .returning();
  return { mailboxId, body: row.body, updatedAt: row.updatedAt.toISOString() };
}
