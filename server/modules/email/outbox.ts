import { and, desc, eq, inArray } from 'drizzle-orm';
import Type from 'typebox';
import { uuidv7 } from 'uuidv7';
import { Uuid } from '../../../contract/common.ts';
import type { EmailQueue } from '../../../contract/email.ts';
import type { EmailSettingsUpdate, OutboxItem } from '../../../contract/email-templates.ts';
import type { Conn, Db } from '../../db/client.ts';
import type { Ctx } from '../../http/context.ts';
import { AppError, conflict, invalid, notFound } from '../../http/errors.ts';
import { defineJob } from '../../jobs/define.ts';
import { enqueue } from '../../jobs/queue.ts';
import { notify } from '../notifications/notifications.service.ts';
import { findMailbox } from './email.service.ts';
import { emailOutbox, emailSettings } from './outbox.table.ts';
import { sendEmail } from './send.ts';
import { assertTrackingAllowed } from './tracking.service.ts';

type Row = typeof emailOutbox.$inferSelect;

const toItem = (r: Row): OutboxItem => ({
  id: r.id,
  mailboxId: r.mailboxId,
  to: r.request.to,
  subject: r.request.subject,
  sendAt: r.sendAt.toISOString(),
  scheduled: r.scheduled,
  status: r.status,
  emailId: r.emailId,
  error: r.error,
  createdAt: r.createdAt.toISOString(),
});

export async function getEmailSettings(conn: Conn, ctx: Ctx) {
  const [row] = await conn.select().from(emailSettings).where(eq(emailSettings.workspaceId, ctx.workspaceId));
  return { undoSeconds: row?.undoSeconds ?? 10, tracking: row?.tracking ?? true };
}

export async function updateEmailSettings(conn: Conn, ctx: Ctx, input: EmailSettingsUpdate) {
  const set = {
    ...(input.undoSeconds !== undefined ? { undoSeconds: input.undoSeconds } : {}),
    ...(input.tracking !== undefined ? { tracking: input.tracking } : {}),
  };
  await conn
    .insert(emailSettings)
    .values({ workspaceId: ctx.workspaceId, ...set })
    .onConflictDoUpdate({ target: emailSettings.workspaceId, set });
  return getEmailSettings(conn, ctx);
}

/**
 * Queues a message: sent by the `email.outbox` job at `sendAt`, or after the workspace's undo
 * window. Nothing reaches the SMTP server before then, so an undo or a cancel is final.
 */
export async function queueEmail(conn: Conn, ctx: Ctx, input: EmailQueue) {
  const mb = await findMailbox(conn, ctx, input.mailboxId);
  if (!mb.shared && mb.ownerId !== ctx.memberId) throw new AppError(403, 'forbidden', 'Only its owner sends from a personal mailbox');
  // Said at once, not when the job runs after the undo window.
  if (input.track) await assertTrackingAllowed(conn, ctx);
  const { sendAt: at, ...request } = input;
  let sendAt: Date;
  if (at) {
    sendAt = new Date(at);
    if (sendAt.getTime() < Date.now() - 60_000) throw invalid([{ field: 'body.sendAt', code: 'in_the_past', message: 'is in the past' }]);
  } else {
    sendAt = new Date(Date.now() + (await getEmailSettings(conn, ctx)).undoSeconds * 1000);
  }
  const [row] = await conn
    .insert(emailOutbox)
    .values({
      workspaceId: ctx.workspaceId,
      id: uuidv7(),
      mailboxId: mb.id,
      memberId: ctx.memberId,
      role: ctx.role,
      request,
      sendAt,
      scheduled: !!at,
    })
    .returning();
  await enqueue(conn, outboxJob, { outboxId: row.id }, { workspaceId: ctx.workspaceId, runAt: sendAt });
  return toItem(row);
}

/** Your messages that have not gone yet (or went wrong), soonest first. */
export async function listOutbox(conn: Conn, ctx: Ctx) {
  const rows = await conn
    .select()
    .from(emailOutbox)
    .where(
      and(
        eq(emailOutbox.workspaceId, ctx.workspaceId),
        eq(emailOutbox.memberId, ctx.memberId),
        inArray(emailOutbox.status, ['queued', 'sending', 'failed']),
      ),
    )
    .orderBy(emailOutbox.sendAt, desc(emailOutbox.createdAt));
  return rows.map(toItem);
}

async function mine(conn: Conn, ctx: Ctx, id: string, may: readonly Row['status'][] = ['queued']) {
  const [row] = await conn
    .select()
    .from(emailOutbox)
    .where(and(eq(emailOutbox.workspaceId, ctx.workspaceId), eq(emailOutbox.id, id), eq(emailOutbox.memberId, ctx.memberId)))
    .for('update');
  if (!row) throw notFound('Queued email');
  if (!may.includes(row.status)) throw conflict('already_sent', `This message can no longer be changed: it is ${row.status}`);
  return row;
}

/**
 * Undo or cancel (or, for one that failed, discard): the row lock orders it against the job, so a
 * message either goes or never does.
 */
export async function cancelQueued(conn: Conn, ctx: Ctx, id: string) {
  await mine(conn, ctx, id, ['queued', 'failed']);
  const [row] = await conn
    .update(emailOutbox)
    .set({ status: 'cancelled' })
    .where(and(eq(emailOutbox.workspaceId, ctx.workspaceId), eq(emailOutbox.id, id)))
    .returning();
  return toItem(row);
}

/** Sends a failed message again, now (once the mailbox or the address is put right). */
export async function retryFailed(conn: Conn, ctx: Ctx, id: string) {
  await mine(conn, ctx, id, ['failed']);
  const [row] = await conn
    .update(emailOutbox)
    .set({ status: 'queued', error: null, sendAt: new Date() })
    .where(and(eq(emailOutbox.workspaceId, ctx.workspaceId), eq(emailOutbox.id, id)))
    .returning();
  await enqueue(conn, outboxJob, { outboxId: row.id }, { workspaceId: ctx.workspaceId });
  return toItem(row);
}

export async function rescheduleQueued(conn: Conn, ctx: Ctx, id: string, at: string) {
  await mine(conn, ctx, id);
  const sendAt = new Date(at);
  if (sendAt.getTime() < Date.now() - 60_000) throw invalid([{ field: 'body.sendAt', code: 'in_the_past', message: 'is in the past' }]);
  const [row] = await conn
    .update(emailOutbox)
    .set({ sendAt, scheduled: true })
    .where(and(eq(emailOutbox.workspaceId, ctx.workspaceId), eq(emailOutbox.id, id)))
    .returning();
  // The job queued for the old time finds the message not due yet and leaves it to this one.
  await enqueue(conn, outboxJob, { outboxId: row.id }, { workspaceId: ctx.workspaceId, runAt: sendAt });
  return toItem(row);
}

/** Claims a due, queued message (status `sending` in its own transaction), so a cancel after this point is refused. */
async function claim(db: Db, workspaceId: string, id: string) {
  return db.transaction(async (tx) => {
    const [row] = await tx
      .select()
      .from(emailOutbox)
      .where(and(eq(emailOutbox.workspaceId, workspaceId), eq(emailOutbox.id, id)))
      .for('update');
    if (row?.status !== 'queued' || row.sendAt.getTime() > Date.now() + 500) return null;
    await tx
      .update(emailOutbox)
      .set({ status: 'sending' })
      .where(and(eq(emailOutbox.workspaceId, workspaceId), eq(emailOutbox.id, id)));
    return row;
  });
}

export const outboxJob = defineJob({
  name: 'email.outbox',
  input: Type.Object({ outboxId: Uuid }, { additionalProperties: false }),
  // A failed send is said on the message (status `failed`, the reason in words); the member sends it again.
  retry: { attempts: 1 },
  run: async (job) => {
    if (!job.workspaceId) return { skipped: 'no workspace' };
    const row = await claim(job.db, job.workspaceId, job.input.outboxId);
    if (!row) return { skipped: 'not due, cancelled or already sent' };
    const ctx: Ctx = {
      workspaceId: row.workspaceId,
      memberId: row.memberId,
      actor: { type: 'member', id: row.memberId },
      role: row.role,
      requestId: null,
    };
    const where = and(eq(emailOutbox.workspaceId, row.workspaceId), eq(emailOutbox.id, row.id));
    try {
      // The outbox id fixes the Message-ID: a send tried again is the same message.
      const sent = await sendEmail(job.db, ctx, row.request, { messageKey: row.id });
      await job.db.update(emailOutbox).set({ status: 'sent', emailId: sent.id }).where(where);
      return { emailId: sent.id };
    } catch (err) {
      // The send's own words without their "Not sent:" (the message says that itself).
      const error = (err instanceof Error ? err.message : String(err)).replace(/^Not sent:\s*/i, '');
      // Said where the sender will see it: on the record's timeline (the outbox list) and as a notice.
      await job.db.transaction(async (tx) => {
        await tx.update(emailOutbox).set({ status: 'failed', error }).where(where);
        await notify(tx, ctx, {
          memberId: row.memberId,
          title: `Not sent: “${row.request.subject || '(no subject)'}” to ${row.request.to.join(', ')}`,
          body: `${error.charAt(0).toUpperCase()}${error.slice(1)}. Send it again or discard it from the recipient’s page.`,
        });
      });
      return { failed: error };
    }
  },
});
