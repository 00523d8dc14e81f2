import { and, desc, eq, gt, sql } from 'drizzle-orm';
import EmailReplyParser from 'email-reply-parser';
import { uuidv7 } from 'uuidv7';
import type { Conn } from '../../db/client.ts';
import { type Ctx, systemCtx } from '../../http/context.ts';
import { AppError } from '../../http/errors.ts';
import type { JobLog } from '../../jobs/define.ts';
import { enqueue } from '../../jobs/queue.ts';
import { createContact } from '../contacts/contacts.service.ts';
import type { StoredAttachment } from '../email/attachments.ts';
import { isOwnAddress, storedEmail, systemMailbox } from '../email/email.service.ts';
import { textArray } from '../email/threads.ts';
import { emitEvent } from '../history/history.service.ts';
import { contactsByEmail } from '../imports/imports.queries.ts';
import { linkEmailAttachments } from './attachments.ts';
import { ticketRelations } from './desk.table.ts';
import { supportMailboxOf } from './support-mailboxes.service.ts';
import { ticketMailOutJob } from './ticket-mail.jobs.ts';
import { ticketEmails } from './ticket-mail.table.ts';
import { createTicket, noteMessage, updateTicket } from './tickets.service.ts';
import { ticketMessages, tickets } from './tickets.table.ts';

/** New tickets one sender may open by email in an hour; more is a loop or a flood, and waits. */
export const TICKETS_PER_SENDER_HOUR = 20;
/** Automatic acknowledgements one address gets in an hour, however many tickets it opens. */
export const ACKS_PER_SENDER_HOUR = 3;

/** `[#123]` in a subject: the ticket reference Rapport puts in every email it sends for a ticket. */
const reference = /\[#(\d{1,9})\]/;

/** What became of one email that arrived in a support mailbox (logged by the job, asserted by tests). */
export type Outcome =
  | { done: 'created'; ticketId: string }
  | { done: 'threaded'; ticketId: string }
  | { done: 'noted'; ticketId: string }
  | { done: 'ignored'; why: string };

/**
 * Turns an email that arrived in a support mailbox into a ticket, or into a reply on its ticket:
 * - its ticket is the one whose email it answers (In-Reply-To, then References); failing that, the
 *   one named by `[#N]` in its subject — only when its sender already wrote on that ticket or is
 *   its requester, so that a guessed number never puts a stranger's words on someone's ticket;
 * - a reply reopens a solved ticket; a closed one stays closed and the email opens a new ticket;
 * - mail no person wrote (automated.ts) never opens a ticket or gets an acknowledgement: a bounce or
 *   an out-of-office on a ticket becomes an internal note, for the agent to read;
 * - mail from the workspace's own addresses, without a From, or from a sender past the hourly
 *   limit is left as ordinary mail.
 * Runs once per email (a job with the email as its key); the Message-ID's row makes a run again a no-op.
 */
export async function ticketFromEmail(conn: Conn, workspaceId: string, mailboxId: string, emailId: string, log: JobLog): Promise<Outcome> {
  const support = await supportMailboxOf(conn, workspaceId, mailboxId);
  if (!support) return { done: 'ignored', why: 'not a support mailbox' };
  const email = await storedEmail(conn, workspaceId, emailId);
  if (email?.direction !== 'received') return { done: 'ignored', why: 'not a received email' };
  const [seen] = await conn
    .select({ ticketId: ticketEmails.ticketId })
    .from(ticketEmails)
    .where(and(eq(ticketEmails.workspaceId, workspaceId), eq(ticketEmails.messageId, email.messageId)));
  if (seen) return { done: 'ignored', why: 'already read' };
  const from = email.from?.address?.toLowerCase();
  if (!from) return { done: 'ignored', why: 'no From address' };
  if (await isOwnAddress(conn, workspaceId, from)) return { done: 'ignored', why: 'sent from one of our own addresses' };

  const mb = await systemMailbox(conn, workspaceId, mailboxId);
  if (!mb) return { done: 'ignored', why: 'mailbox gone' };
  // The system acts for the mailbox's owner: an admin connected the shared address.
  const ctx: Ctx = { ...systemCtx(workspaceId, mb.ownerId), access: undefined };
  const record = (ticketId: string) =>
    conn.insert(ticketEmails).values({
      workspaceId,
      id: uuidv7(),
      ticketId,
      mailboxId,
      messageId: email.messageId,
      emailId,
      direction: 'in',
      kind: 'message',
      address: from,
    });

  // One sender's emails are read one at a time (two workers may hold two of them): the hourly
  // count below and the ticket it lets through are then one step, and a flood cannot slip past it.
  await conn.execute(sql`select pg_advisory_xact_lock(hashtextextended(${`ticket-mail:${workspaceId}:${from}`}, 0))`);
  const ticket = await ticketOf(conn, ctx, email, from);
  if (ticket && email.automated && email.automated !== 'bulk') {
    await insertMessage(
      conn,
      ctx,
      ticket.id,
      'note',
      null,
      `Automatic ${email.automated === 'bounce' ? 'delivery report' : 'reply'} from ${from}: ${email.subject}\n\n${email.text}`,
    );
    await record(ticket.id);
    return { done: 'noted', ticketId: ticket.id };
  }
  if (email.automated === 'auto_reply' || email.automated === 'bounce')
    return { done: 'ignored', why: `an automatic message (${email.automated})` };

  const text = visibleText(email.text);
  if (ticket) {
    const authorId = await contactFor(conn, ctx, from);
    await insertMessage(conn, ctx, ticket.id, 'reply', authorId, text || email.subject, email.attachments);
    await noteMessage(conn, ctx, ticket.id, 'reply', true);
    if (ticket.status === 'solved') await updateTicket(conn, ctx, ticket.id, ticket.version, { status: 'open' });
    await record(ticket.id);
    return { done: 'threaded', ticketId: ticket.id };
  }

  const since = new Date(Date.now() - 3_600_000);
  // Tickets, not emails: a customer replying often on one ticket is no flood.
  const [{ n }] = await conn
    .select({ n: sql<number>`count(distinct ${ticketEmails.ticketId})::int` })
    .from(ticketEmails)
    .where(
      and(
        eq(ticketEmails.workspaceId, workspaceId),
        eq(ticketEmails.address, from),
        eq(ticketEmails.direction, 'in'),
        gt(ticketEmails.createdAt, since),
      ),
    );
  if (n >= TICKETS_PER_SENDER_HOUR) {
    log.warn({ workspaceId, from, emailId }, 'email-to-ticket: sender over the hourly limit; the email stays ordinary mail');
    return { done: 'ignored', why: `over ${TICKETS_PER_SENDER_HOUR} tickets from this sender in an hour` };
  }
  // In a savepoint: an address no contact may hold (refused by the contact's checks) costs this
  // email its ticket, said in the job's result, never the job's transaction or endless retries.
  let created: { id: string };
  try {
    created = await conn.transaction((tx) =>
      createTicket(tx, ctx, {
        subject: (email.subject.replace(reference, '').trim() || '(no subject)').slice(0, 200),
        description: (text || email.text).slice(0, 20_000) || null,
        requesterEmail: from,
        channel: 'email',
        teamId: support.teamId,
      }),
    );
  } catch (err) {
    if (!(err instanceof AppError) || err.status >= 500) throw err;
    log.warn({ workspaceId, from, emailId, err: err.message }, 'email-to-ticket: no ticket for this sender');
    return { done: 'ignored', why: `the sender cannot be a requester: ${err.message}` };
  }
  // The files that came with the email go with the ticket it opened, as references to the email's.
  await linkEmailAttachments(conn, workspaceId, created.id, null, email.attachments);
  await record(created.id);
  if (support.autoAcknowledge && !email.automated) {
    const [{ acks }] = await conn
      .select({ acks: sql<number>`count(*)::int` })
      .from(ticketEmails)
      .where(
        and(
          eq(ticketEmails.workspaceId, workspaceId),
          eq(ticketEmails.address, from),
          eq(ticketEmails.kind, 'ack'),
          gt(ticketEmails.createdAt, since),
        ),
      );
    if (acks < ACKS_PER_SENDER_HOUR) {
      await enqueue(
        conn,
        ticketMailOutJob,
        { workspaceId, ticketId: created.id, kind: 'ack', ticketMessageId: null },
        { workspaceId, singletonKey: `ticket-ack:${created.id}` },
      );
    }
  }
  return { done: 'created', ticketId: created.id };
}

/** The open or solved ticket an email answers, or null (closed tickets are not reopened by mail). */
async function ticketOf(conn: Conn, ctx: Ctx, email: { inReplyTo: string | null; references: string[]; subject: string }, from: string) {
  const { workspaceId } = ctx;
  const refs = [...new Set([email.inReplyTo, ...email.references].filter((r): r is string => Boolean(r)))].slice(0, 100);
  const columns = { id: tickets.id, status: tickets.status, version: tickets.version };
  if (refs.length) {
    const [byHeader] = await conn
      .select(columns)
      .from(ticketEmails)
      .innerJoin(tickets, and(eq(tickets.workspaceId, ticketEmails.workspaceId), eq(tickets.id, ticketEmails.ticketId)))
      .where(
        and(
          eq(ticketEmails.workspaceId, workspaceId),
          sql`${ticketEmails.messageId} = any(${textArray(refs)})`,
          sql`${tickets.deletedAt} is null`,
        ),
      )
      .orderBy(desc(ticketEmails.createdAt))
      .limit(1);
    if (byHeader) return open(await survivor(conn, workspaceId, byHeader));
  }
  const n = reference.exec(email.subject)?.[1];
  if (!n) return null;
  // The sender must be on the ticket already: its requester, or someone who wrote to it by email.
  const contactId = (await contactsByEmail(conn, ctx, [from])).get(from) ?? null;
  const [byNumber] = await conn
    .select(columns)
    .from(tickets)
    .where(
      and(
        eq(tickets.workspaceId, workspaceId),
        eq(tickets.number, Number(n)),
        sql`${tickets.deletedAt} is null`,
        sql`(exists (select 1 from ticket_emails te where te.workspace_id = ${workspaceId} and te.ticket_id = ${tickets.id} and te.address = ${from})
          or ${tickets.requesterId} = ${contactId}::uuid)`,
      ),
    );
  return byNumber ? open(await survivor(conn, workspaceId, byNumber)) : null;
}

type Found = { id: string; status: (typeof tickets.$inferSelect)['status']; version: number };

const open = (t: Found) => (t.status === 'closed' ? null : t);

/** The ticket a merged one lives on in (desk merge: B closed, "merged into" A): a reply to B's thread belongs on A. */
async function survivor(conn: Conn, workspaceId: string, t: Found): Promise<Found> {
  let current = t;
  for (let hop = 0; hop < 5; hop++) {
    const [next] = await conn
      .select({ id: tickets.id, status: tickets.status, version: tickets.version })
      .from(ticketRelations)
      .innerJoin(tickets, and(eq(tickets.workspaceId, ticketRelations.workspaceId), eq(tickets.id, ticketRelations.otherId)))
      .where(
        and(
          eq(ticketRelations.workspaceId, workspaceId),
          eq(ticketRelations.ticketId, current.id),
          eq(ticketRelations.kind, 'merged_into'),
          sql`${tickets.deletedAt} is null`,
        ),
      )
      .limit(1);
    if (!next) return current;
    current = next;
  }
  return current;
}

/** The contact an address belongs to, made when nobody has it (someone in Cc answering). */
async function contactFor(conn: Conn, ctx: Ctx, address: string) {
  const found = (await contactsByEmail(conn, ctx, [address])).get(address);
  if (found) return found;
  return (await createContact(conn, ctx, { emails: [{ label: 'work', value: address }], source: 'ticket' })).id;
}

/** What the customer wrote, without the quoted conversation below it. */
function visibleText(text: string) {
  try {
    return new EmailReplyParser().parseReply(text).trim();
  } catch {
    return text.trim();
  }
}

async function insertMessage(
  conn: Conn,
  ctx: Ctx,
  ticketId: string,
  kind: 'reply' | 'note',
  authorContactId: string | null,
  body: string,
  files?: StoredAttachment[],
) {
  const [row] = await conn
    .insert(ticketMessages)
    .values({
      workspaceId: ctx.workspaceId,
      id: uuidv7(),
      ticketId,
      kind,
      authorMemberId: null,
      authorContactId,
      body: body.slice(0, 20_000),
    })
    .returning();
  const attachments = await linkEmailAttachments(conn, ctx.workspaceId, ticketId, row.id, files);
  await emitEvent(conn, ctx, `ticket.${kind === 'note' ? 'note_added' : 'replied'}`, 'ticket', ticketId, {
    message: { ...row, attachments, createdAt: row.createdAt.toISOString() },
  });
}
