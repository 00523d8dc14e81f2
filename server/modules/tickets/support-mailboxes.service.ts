import { and, asc, eq } from 'drizzle-orm';
import { uuidv7 } from 'uuidv7';
import type { SupportMailbox, SupportMailboxPut } from '../../../contract/support.ts';
import type { Conn } from '../../db/client.ts';
import type { Ctx } from '../../http/context.ts';
import { invalid, notFound } from '../../http/errors.ts';
import { findMailbox } from '../email/email.service.ts';
import { supportMailboxes } from './ticket-mail.table.ts';
import { assertTeam } from './tickets.service.ts';

export const defaultAck = {
  subject: 'We received your request [#{{ticket.number}}]',
  body: 'Hello {{requester.name}},\n\nthank you for writing to us. Your request "{{ticket.subject}}" has the number {{ticket.number}}; we will answer as soon as we can. Reply to this email to add anything.\n',
};

type Row = typeof supportMailboxes.$inferSelect;

const toSupportMailbox = (r: Row, address: string): SupportMailbox => ({
  mailboxId: r.mailboxId,
  address,
  teamId: r.teamId,
  autoAcknowledge: r.autoAcknowledge,
  ackSubject: r.ackSubject,
  ackBody: r.ackBody,
  updatedAt: r.updatedAt.toISOString(),
});

/** The workspace's support addresses, oldest first. */
export async function listSupportMailboxes(conn: Conn, ctx: Ctx): Promise<SupportMailbox[]> {
  const rows = await conn
    .select()
    .from(supportMailboxes)
    .where(eq(supportMailboxes.workspaceId, ctx.workspaceId))
    .orderBy(asc(supportMailboxes.createdAt));
  const out: SupportMailbox[] = [];
  for (const r of rows) out.push(toSupportMailbox(r, (await findMailbox(conn, ctx, r.mailboxId)).address));
  return out;
}

/** The support settings of one mailbox, or null when it is not a support address (a system read). */
export async function supportMailboxOf(conn: Conn, workspaceId: string, mailboxId: string) {
  const [row] = await conn
    .select()
    .from(supportMailboxes)
    .where(and(eq(supportMailboxes.workspaceId, workspaceId), eq(supportMailboxes.mailboxId, mailboxId)));
  return row ?? null;
}

/**
 * Makes a mailbox a support address, or changes its settings. Only a shared mailbox can be one:
 * a member's personal mailbox speaks for that member, not for the team.
 */
export async function putSupportMailbox(conn: Conn, ctx: Ctx, mailboxId: string, input: SupportMailboxPut) {
  const mb = await findMailbox(conn, ctx, mailboxId);
  if (!mb.shared) {
    throw invalid([
      { field: 'params.id', code: 'not_shared', message: "is a member's personal mailbox: a support address is a shared one" },
    ]);
  }
  await assertTeam(conn, ctx, input.teamId);
  const at = new Date();
  const values = {
    ...(input.teamId !== undefined ? { teamId: input.teamId?.toLowerCase() ?? null } : {}),
    ...(input.autoAcknowledge !== undefined ? { autoAcknowledge: input.autoAcknowledge } : {}),
    ...(input.ackSubject !== undefined ? { ackSubject: input.ackSubject } : {}),
    ...(input.ackBody !== undefined ? { ackBody: input.ackBody } : {}),
  };
  const [row] = await conn
    .insert(supportMailboxes)
    .values({
      workspaceId: ctx.workspaceId,
      id: uuidv7(),
      mailboxId: mb.id,
      ackSubject: defaultAck.subject,
      ackBody: defaultAck.body,
      ...values,
      createdAt: at,
      updatedAt: at,
    })
    .onConflictDoUpdate({ target: [supportMailboxes.workspaceId, supportMailboxes.mailboxId], set: { ...values, updatedAt: at } })
    .returning();
  return toSupportMailbox(row, mb.address);
}

/** Stops a mailbox being a support address; its tickets stay, its mail becomes ordinary mail again. */
export async function removeSupportMailbox(conn: Conn, ctx: Ctx, mailboxId: string) {
  const gone = await conn
    .delete(supportMailboxes)
    .where(and(eq(supportMailboxes.workspaceId, ctx.workspaceId), eq(supportMailboxes.mailboxId, mailboxId)))
    .returning({ id: supportMailboxes.id });
  if (!gone.length) throw notFound('Support mailbox');
}
