import MailComposer from 'nodemailer/lib/mail-composer/index.js';
import type { Conn } from '../../db/client.ts';
import type { Ctx } from '../../http/context.ts';
import { AppError } from '../../http/errors.ts';
import { describe, MailError, smtpTransport } from './connect.ts';
import { findMailbox, mailboxPassword, smtpSettings } from './email.service.ts';

// Rapport's own notices to members (a task reminder, the daily digest) by email, through a shared
// mailbox an admin chose. Unlike an email to a customer, a notice is not filed in Sent, stored, or
// put on any timeline: it is about the CRM, not a conversation in it.

export interface Notice {
  to: string;
  subject: string;
  text: string;
  /** Makes the Message-ID (`<key@domain>`), so that a notice sent twice after a retry reads as one to mail clients. */
  messageKey: string;
}

/** Whether a mailbox of this workspace can send notices: it exists and is shared (a personal one speaks for its owner). */
export async function noticeSender(conn: Conn, ctx: Ctx, mailboxId: string) {
  const mb = await findMailbox(conn, ctx, mailboxId).catch(() => null);
  if (!mb) return { ok: false as const, reason: 'is not a mailbox of this workspace' };
  if (!mb.shared) return { ok: false as const, reason: "is a member's personal mailbox: notices go out from a shared one" };
  return { ok: true as const, mailbox: mb };
}

/** Sends one notice over the mailbox's SMTP server; a refusal is an AppError in words (the job retries it). */
export async function sendNotice(conn: Conn, ctx: Ctx, mailboxId: string, notice: Notice) {
  const sender = await noticeSender(conn, ctx, mailboxId);
  if (!sender.ok) throw new AppError(422, 'no_sender', `The notification mailbox ${sender.reason}`);
  const mb = sender.mailbox;
  const domain = mb.address.split('@')[1] ?? 'rapport.invalid';
  const raw = await new MailComposer({
    from: { name: mb.name, address: mb.address },
    to: notice.to,
    subject: notice.subject,
    text: notice.text,
    messageId: `<${notice.messageKey}@${domain}>`,
    date: new Date(),
    // RFC 3834: sent by a program, so that vacation responders and ticket systems do not answer it.
    headers: { 'Auto-Submitted': 'auto-generated' },
  })
    .compile()
    .build();
  const fail = (err: unknown) => {
    const e = err instanceof MailError ? err : describe('smtp', { host: mb.smtpHost, port: mb.smtpPort }, err);
    return new AppError(502, 'mail_send_failed', `Not sent: ${e.message}`);
  };
  const transport = await smtpTransport(smtpSettings(mb, mailboxPassword(mb))).catch((err) => {
    throw fail(err);
  });
  try {
    await transport.sendMail({ envelope: { from: mb.address, to: [notice.to] }, raw });
  } catch (err) {
    throw fail(err);
  } finally {
    transport.close();
  }
}
