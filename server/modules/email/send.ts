import MailComposer from 'nodemailer/lib/mail-composer/index.js';
import { uuidv7 } from 'uuidv7';
import type { EmailSend } from '../../../contract/email.ts';
import type { Conn } from '../../db/client.ts';
import type { Ctx } from '../../http/context.ts';
import { AppError } from '../../http/errors.ts';
import { describe, MailError, openImap, smtpTransport } from './connect.ts';
import { findEmail, findMailbox, imapSettings, mailboxPassword, smtpSettings, toEmail } from './email.service.ts';
import { parseEmail } from './parse.ts';
import { storeMessage } from './store.ts';

/**
 * Sends an email through a mailbox's SMTP server, puts the same bytes in its Sent folder (as a
 * mail client does: most servers do not), and stores it at once, so it is on the timeline before
 * the next sync — which then finds the same Message-ID and only links it. A reply carries
 * In-Reply-To and References, so the recipient's client threads it. `messageKey` fixes the
 * Message-ID (an automation step's run and path), so that a step tried again can tell it was sent.
 */
export async function sendEmail(db: Conn, ctx: Ctx, input: EmailSend, opts: { messageKey?: string } = {}) {
  const mb = await findMailbox(db, ctx, input.mailboxId);
  if (!mb.shared && mb.ownerId !== ctx.memberId) throw new AppError(403, 'forbidden', 'Only its owner sends from a personal mailbox');
  const parent = input.replyTo ? await findEmail(db, ctx, input.replyTo) : null;
  const domain = mb.address.split('@')[1] ?? 'rapport.invalid';
  const messageId = `<${opts.messageKey ?? uuidv7()}@${domain}>`;
  const references = parent ? [...parent.references, parent.messageId].slice(-20).map((r) => `<${r}>`) : [];
  const raw = await new MailComposer({
    from: { name: mb.name, address: mb.address },
    to: input.to,
    cc: input.cc,
    subject: input.subject,
    text: input.text,
    messageId,
    date: new Date(),
    ...(parent ? { inReplyTo: `<${parent.messageId}>`, references } : {}),
  })
    .compile()
    .build();
  const password = mailboxPassword(mb);
  const transport = await smtpTransport(smtpSettings(mb, password)).catch((err) => {
    throw sendFailure(err, mb);
  });
  try {
    await transport.sendMail({ envelope: { from: mb.address, to: [...input.to, ...(input.cc ?? [])] }, raw });
  } catch (err) {
    throw sendFailure(err, mb);
  } finally {
    transport.close();
  }
  // The message is out; the copy in Sent is a courtesy that a failure must not turn into "not sent".
  let note: string | null = null;
  try {
    const client = await openImap(imapSettings(mb, password));
    try {
      const list = await client.list();
      const sent = list.find((f) => f.specialUse === '\\Sent');
      if (sent) await client.append(sent.path, raw, ['\\Seen']);
      else note = 'folder Sent not found: the message was sent but not filed';
    } finally {
      await client.logout().catch(() => client.close());
    }
  } catch (err) {
    note = `sent, but not filed in Sent: ${describe('imap', { host: mb.imapHost, port: mb.imapPort }, err).message}`;
  }
  const parsed = await parseEmail(raw, new Date());
  const stored = await db.transaction((tx) => storeMessage(tx, mb, null, parsed, true));
  return { ...toEmail(await findEmail(db, ctx, stored.id)), note };
}

function sendFailure(err: unknown, mb: { smtpHost: string; smtpPort: number }) {
  const e = err instanceof MailError ? err : describe('smtp', { host: mb.smtpHost, port: mb.smtpPort }, err);
  return new AppError(502, 'mail_send_failed', `Not sent: ${e.message}`);
}
