import MailComposer from 'nodemailer/lib/mail-composer/index.js';
import { uuidv7 } from 'uuidv7';
import type { EmailSend } from '../../../contract/email.ts';
import { loadConfig } from '../../config.ts';
import type { Conn } from '../../db/client.ts';
import type { Ctx } from '../../http/context.ts';
import { AppError, invalid } from '../../http/errors.ts';
import { readAttachment } from './attachments.ts';
import { describe, MailError, openImap, smtpTransport } from './connect.ts';
import { findEmail, findMailbox, imapSettings, type MailboxRow, mailboxPassword, smtpSettings } from './email.service.ts';
import { parseEmail } from './parse.ts';
import { storeMessage } from './store.ts';
import { renderEmail } from './templates.service.ts';
import { assertTrackingAllowed, markTracked, sentEmailId } from './tracking.service.ts';
import { linkify, linksOf, plainToHtml, signTrackToken, trackedHtml } from './tracking.ts';

/**
 * Sends an email through a mailbox's SMTP server, puts the same bytes in its Sent folder (as a
 * mail client does: most servers do not), and stores it at once, so it is on the timeline before
 * the next sync — which then finds the same Message-ID and only links it. A reply carries
 * In-Reply-To and References, so the recipient's client threads it. `messageKey` fixes the
 * Message-ID (an automation step's run and path), so that a step tried again can tell it was sent.
 *
 * With `track`, two copies are built from one set of headers: the one sent over SMTP has its links
 * through Rapport's click route and a tracking image (tracking.ts); the one filed in Sent and
 * stored keeps the real links and no image, so the sender reading their own email counts no open.
 * The text part is the same in both: a reader of plain text sees where a link really goes.
 */
export async function sendEmail(
  db: Conn,
  ctx: Ctx,
  input: EmailSend,
  opts: {
    messageKey?: string /** Extra headers (Auto-Submitted on an automatic answer, RFC 3834). */;
    headers?: Record<string, string>;
  } = {},
) {
  const mb = await findMailbox(db, ctx, input.mailboxId);
  if (!mb.shared && mb.ownerId !== ctx.memberId) throw new AppError(403, 'forbidden', 'Only its owner sends from a personal mailbox');
  const track = input.track === true;
  if (track) await assertTrackingAllowed(db, ctx);
  const parent = input.replyTo ? await findEmail(db, ctx, input.replyTo) : null;
  const domain = mb.address.split('@')[1] ?? 'rapport.invalid';
  const messageId = `<${opts.messageKey ?? uuidv7()}@${domain}>`;
  // Merge fields are filled here, for the recipient's records, not in the browser: what is sent is what the server checked.
  const content = input.merge
    ? await renderEmail(
        db,
        ctx,
        { subject: input.subject, body: input.text, merge: input.merge },
        { subject: 'body.subject', body: 'body.text' },
      )
    : { subject: input.subject, text: input.text, html: undefined };
  const files = await outgoingFiles(db, ctx, input);
  const references = parent ? [...parent.references, parent.messageId].slice(-20).map((r) => `<${r}>`) : [];
  // A tracked message needs an HTML part (its links clickable) even when it was written as plain text.
  const html = track ? linkify(content.html ?? plainToHtml(content.text)) : content.html;
  const date = new Date();
  const build = (body: string | undefined) =>
    new MailComposer({
      from: { name: mb.name, address: mb.address },
      to: input.to,
      cc: input.cc,
      subject: content.subject,
      text: content.text,
      ...(body ? { html: body } : {}),
      ...(files.length ? { attachments: files } : {}),
      messageId,
      date,
      ...(parent ? { inReplyTo: `<${parent.messageId}>`, references } : {}),
      ...(opts.headers ? { headers: opts.headers } : {}),
    })
      .compile()
      .build();
  const raw = await build(html);
  let wire = raw;
  let tracking: { emailId: string; links: string[] } | null = null;
  if (track && html) {
    // The tokens name the email before it is stored: its id is fixed here (or is the stored one of a send tried again).
    const emailId = (await sentEmailId(db, ctx, messageId)) ?? uuidv7();
    const links = linksOf(html);
    const base = loadConfig().baseUrl.replace(/\/+$/, '');
    const url = (t: { kind: 'open' } | { kind: 'click'; link: number }) =>
      `${base}/t/${t.kind === 'open' ? 'o' : 'c'}/${signTrackToken({ ...t, workspaceId: ctx.workspaceId, emailId })}`;
    wire = await build(trackedHtml(html, links, url));
    tracking = { emailId, links };
  }
  const password = mailboxPassword(mb);
  const transport = await smtpTransport(smtpSettings(mb, password)).catch((err) => {
    throw sendFailure(err, mb);
  });
  try {
    await transport.sendMail({ envelope: { from: mb.address, to: [...input.to, ...(input.cc ?? [])] }, raw: wire });
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
  const stored = await db.transaction(async (tx) => {
    const out = await storeMessage(tx, mb, null, parsed, true, { viewerId: ctx.memberId, id: tracking?.emailId });
    if (tracking) await markTracked(tx, ctx, out.id, tracking.links);
    return out;
  });
  return { ...(await findEmail(db, ctx, stored.id)), note };
}

/**
 * Sends a calendar message (an invite, its update or cancellation) through a mailbox's SMTP
 * server: a text part for mail clients without a calendar, and the iCalendar as a
 * `text/calendar; method=…` alternative (nodemailer's icalEvent), which calendar clients act on.
 * It is not filed in Sent nor stored as an email: the meeting on the timeline is the record of it.
 */
export async function sendCalendarMessage(
  mb: MailboxRow,
  input: { to: string[]; subject: string; text: string; method: string; ics: string; messageKey: string },
) {
  const domain = mb.address.split('@')[1] ?? 'rapport.invalid';
  const raw = await new MailComposer({
    from: { name: mb.name, address: mb.address },
    to: input.to,
    subject: input.subject,
    text: input.text,
    messageId: `<${input.messageKey}@${domain}>`,
    date: new Date(),
    icalEvent: { method: input.method, filename: 'invite.ics', content: input.ics },
  })
    .compile()
    .build();
  const transport = await smtpTransport(smtpSettings(mb, mailboxPassword(mb))).catch((err) => {
    throw sendFailure(err, mb);
  });
  try {
    await transport.sendMail({ envelope: { from: mb.address, to: input.to }, raw });
  } catch (err) {
    throw sendFailure(err, mb);
  } finally {
    transport.close();
  }
}

const mb = (n: number) => `${(n / (1024 * 1024)).toFixed(1).replace(/\.0$/, '')} MB`;

/**
 * The files a message carries: those uploaded with it, and a forwarded email's stored attachments
 * (read under the same privacy condition as any email: a private one's are not found). Together
 * they stay under the attachment cap, so that what is sent is also what is stored on the email.
 */
async function outgoingFiles(db: Conn, ctx: Ctx, input: EmailSend) {
  const files: { filename: string; contentType: string; content: Buffer }[] = [];
  if (input.forwardOf) {
    const original = await findEmail(db, ctx, input.forwardOf).catch(() => {
      throw invalid([{ field: 'body.forwardOf', code: 'unknown_email', message: 'is not an email you can read' }]);
    });
    for (const a of original.attachments) {
      if (!a.id) continue;
      const f = await readAttachment(db, ctx, original.id, a.id);
      files.push({ filename: f.filename ?? 'attachment', contentType: f.contentType, content: f.content });
    }
  }
  for (const a of input.attachments ?? [])
    files.push({ filename: a.filename, contentType: a.contentType, content: Buffer.from(a.content, 'base64') });
  const max = loadConfig().emailAttachmentMaxBytes;
  let total = 0;
  for (const [i, f] of files.entries()) {
    total += f.content.length;
    if (total > max) {
      const at = i - (files.length - (input.attachments?.length ?? 0));
      throw invalid(
        [
          {
            field: at >= 0 ? `body.attachments.${at}` : 'body.forwardOf',
            code: 'attachments_too_large',
            message: `${f.filename} takes the attachments to ${mb(total)}, over the ${mb(max)} limit`,
            params: { filename: f.filename, limit: mb(max) },
          },
        ],
        `Attachments over the ${mb(max)} limit`,
      );
    }
  }
  return files;
}

function sendFailure(err: unknown, mb: { smtpHost: string; smtpPort: number }) {
  const e = err instanceof MailError ? err : describe('smtp', { host: mb.smtpHost, port: mb.smtpPort }, err);
  return new AppError(502, 'mail_send_failed', `Not sent: ${e.message}`);
}
