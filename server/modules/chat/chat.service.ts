import { createHash } from 'node:crypto';
import { and, asc, desc, eq, gt, sql } from 'drizzle-orm';
import { uuidv7 } from 'uuidv7';
import type { ChatConversation, ChatMessage, chatAuthors } from '../../../contract/chat.ts';
import type { Conn } from '../../db/client.ts';
import type { Ctx } from '../../http/context.ts';
import { conflict, notFound } from '../../http/errors.ts';
import { createActivity } from '../activities/activities.service.ts';
import { createContact } from '../contacts/contacts.service.ts';
import { contactsByEmail } from '../imports/imports.queries.ts';
import { notifyChat } from './chat.hub.ts';
import { chatAgents, chatConversations, chatMessages } from './chat.table.ts';

// The chat itself, for both sides. Every query names the workspace: for an agent, the one of their
// session; for a visitor, the one the widget's slug resolved to, and then the conversation must also
// match the visitor's token. A visitor's token of workspace A therefore finds nothing in B.

type ConversationRow = typeof chatConversations.$inferSelect;
type MessageRow = typeof chatMessages.$inferSelect;

/** How long after the Chat page's last sign of life its agent still counts as online. */
export const ONLINE_FOR_MS = 45_000;

export const hashToken = (token: string) => createHash('sha256').update(token).digest('hex');

const iso = (d: Date | null) => d?.toISOString() ?? null;

export const toConversation = (r: ConversationRow): ChatConversation => ({
  id: r.id,
  status: r.status,
  visitorName: r.visitorName,
  visitorEmail: r.visitorEmail,
  contactId: r.contactId,
  assigneeId: r.assigneeId,
  ticketId: r.ticketId,
  lastMessage: r.lastMessage,
  lastMessageAt: iso(r.lastMessageAt),
  pageUrl: r.pageUrl,
  createdAt: r.createdAt.toISOString(),
  closedAt: iso(r.closedAt),
});

export const toMessage = (r: MessageRow): ChatMessage => ({
  id: r.id,
  conversationId: r.conversationId,
  seq: r.seq,
  author: r.author,
  authorMemberId: r.authorMemberId,
  body: r.body,
  createdAt: r.createdAt.toISOString(),
});

const inWorkspace = (workspaceId: string, id: string) => and(eq(chatConversations.workspaceId, workspaceId), eq(chatConversations.id, id));

/** Adds a message: the conversation's row is locked while its seq is taken, so seq order is commit order. */
async function appendMessage(
  conn: Conn,
  workspaceId: string,
  conversationId: string,
  author: (typeof chatAuthors)[number],
  authorMemberId: string | null,
  body: string,
) {
  const at = new Date();
  const [conv] = await conn
    .update(chatConversations)
    .set({
      lastSeq: sql`${chatConversations.lastSeq} + 1`,
      ...(author === 'system' ? {} : { lastMessage: body.slice(0, 200), lastMessageAt: at }),
      updatedAt: at,
    })
    .where(inWorkspace(workspaceId, conversationId))
    .returning({ seq: chatConversations.lastSeq });
  if (!conv) throw notFound('Conversation');
  const [row] = await conn
    .insert(chatMessages)
    .values({ workspaceId, id: uuidv7(), conversationId, seq: conv.seq, author, authorMemberId, body, createdAt: at })
    .returning();
  await notifyChat(conn);
  return toMessage(row);
}

export async function messagesAfter(conn: Conn, workspaceId: string, conversationId: string, afterSeq = 0) {
  const rows = await conn
    .select()
    .from(chatMessages)
    .where(and(eq(chatMessages.workspaceId, workspaceId), eq(chatMessages.conversationId, conversationId), gt(chatMessages.seq, afterSeq)))
    .orderBy(asc(chatMessages.seq))
    .limit(500);
  return rows.map(toMessage);
}

// The visitor's side.

/** Starts a conversation with the visitor's first message; answers the token the widget keeps. */
export async function startConversation(
  conn: Conn,
  workspaceId: string,
  token: string,
  input: { body: string; name?: string; email?: string; pageUrl?: string },
) {
  const email = input.email?.normalize('NFC').toLowerCase() ?? null;
  // Matched, never created here: anyone on the internet can start a chat, and only a chat an agent
  // took part in is worth a contact (see closeConversation).
  const contactId = email ? ((await contactsByEmail(conn, { workspaceId } as Ctx, [email])).get(email) ?? null) : null;
  const id = uuidv7();
  const [row] = await conn
    .insert(chatConversations)
    .values({
      workspaceId,
      id,
      visitorTokenHash: hashToken(token),
      visitorName: input.name?.trim() || null,
      visitorEmail: email,
      contactId,
      pageUrl: input.pageUrl ?? null,
    })
    .returning();
  const message = await appendMessage(conn, workspaceId, id, 'visitor', null, input.body);
  return { conversation: toConversation(row), message };
}

/** The visitor's own conversation; the same 404 for another workspace's, another visitor's or none. */
export async function visitorConversation(conn: Conn, workspaceId: string, id: string, token: string) {
  const [row] = await conn
    .select()
    .from(chatConversations)
    .where(and(inWorkspace(workspaceId, id), eq(chatConversations.visitorTokenHash, hashToken(token))));
  if (!row) throw notFound('Conversation');
  return row;
}

export async function postVisitorMessage(conn: Conn, conversation: ConversationRow, body: string) {
  if (conversation.status === 'closed') throw conflict('conversation_closed', 'This conversation has ended; start a new one');
  return appendMessage(conn, conversation.workspaceId, conversation.id, 'visitor', null, body);
}

/** Whether any agent has the Chat page open (its stream stamps `seen_at`). */
export async function agentsOnline(conn: Conn, workspaceId: string) {
  const [row] = await conn
    .select({ one: sql`1` })
    .from(chatAgents)
    .where(and(eq(chatAgents.workspaceId, workspaceId), gt(chatAgents.seenAt, new Date(Date.now() - ONLINE_FOR_MS))))
    .limit(1);
  return !!row;
}

// The agents' side.

export async function markAgentSeen(conn: Conn, ctx: Ctx, seen: boolean) {
  const seenAt = seen ? new Date() : new Date(0);
  await conn
    .insert(chatAgents)
    .values({ workspaceId: ctx.workspaceId, memberId: ctx.memberId, seenAt })
    .onConflictDoUpdate({ target: [chatAgents.workspaceId, chatAgents.memberId], set: { seenAt } });
}

export async function listConversations(conn: Conn, ctx: Ctx, status: 'open' | 'closed' = 'open') {
  const rows = await conn
    .select()
    .from(chatConversations)
    .where(and(eq(chatConversations.workspaceId, ctx.workspaceId), eq(chatConversations.status, status)))
    .orderBy(desc(chatConversations.updatedAt))
    .limit(200);
  return rows.map(toConversation);
}

async function conversationRow(conn: Conn, ctx: Ctx, id: string, lock = false) {
  const q = conn.select().from(chatConversations).where(inWorkspace(ctx.workspaceId, id));
  const [row] = lock ? await q.for('update') : await q;
  if (!row) throw notFound('Conversation');
  return row;
}

export async function getConversation(conn: Conn, ctx: Ctx, id: string) {
  const row = await conversationRow(conn, ctx, id);
  return { conversation: toConversation(row), messages: await messagesAfter(conn, ctx.workspaceId, id) };
}

/** An agent's reply; the first agent to answer an unassigned conversation takes it. */
export async function replyToConversation(conn: Conn, ctx: Ctx, id: string, body: string) {
  const row = await conversationRow(conn, ctx, id, true);
  if (row.status === 'closed') throw conflict('conversation_closed', 'This conversation is closed');
  if (!row.assigneeId) {
    await conn.update(chatConversations).set({ assigneeId: ctx.memberId }).where(inWorkspace(ctx.workspaceId, id));
  }
  return appendMessage(conn, ctx.workspaceId, id, 'agent', ctx.memberId, body);
}

const transcript = (messages: ChatMessage[], visitor: string) =>
  messages
    .filter((m) => m.author !== 'system')
    .map((m) => `${m.author === 'visitor' ? visitor : 'Agent'}: ${m.body}`)
    .join('\n');

/** The contact of the visitor's email: the one matched at the start, found now, or filed now. */
async function contactOf(conn: Conn, ctx: Ctx, row: ConversationRow) {
  if (row.contactId || !row.visitorEmail) return row.contactId;
  const found = (await contactsByEmail(conn, ctx, [row.visitorEmail])).get(row.visitorEmail);
  if (found) return found;
  const [firstName, ...rest] = (row.visitorName ?? '').split(/\s+/).filter(Boolean);
  const contact = await createContact(
    conn,
    { ...ctx, access: undefined },
    {
      ...(firstName ? { firstName, lastName: rest.join(' ') || null } : {}),
      emails: [{ label: 'work', value: row.visitorEmail }],
      source: 'chat',
    },
  );
  return contact.id;
}

/**
 * Ends the conversation. It lands on the contact's timeline when it closes (not when it starts: only
 * then is the whole conversation known), as a chat activity holding the transcript.
 */
export async function closeConversation(conn: Conn, ctx: Ctx, id: string) {
  const row = await conversationRow(conn, ctx, id, true);
  if (row.status === 'closed') return toConversation(row);
  const contactId = await contactOf(conn, ctx, row);
  const messages = await messagesAfter(conn, ctx.workspaceId, id);
  await appendMessage(conn, ctx.workspaceId, id, 'system', null, 'The conversation was closed.');
  const [closed] = await conn
    .update(chatConversations)
    .set({ status: 'closed', closedAt: new Date(), contactId, updatedAt: new Date() })
    .where(inWorkspace(ctx.workspaceId, id))
    .returning();
  if (contactId) {
    await createActivity(
      conn,
      { ...ctx, access: undefined },
      {
        type: 'chat',
        subject: `Chat with ${row.visitorName ?? row.visitorEmail ?? 'a visitor'}`,
        body: transcript(messages, row.visitorName ?? 'Visitor'),
        occurredAt: row.createdAt.toISOString(),
        links: [{ recordType: 'contact', recordId: contactId }],
      },
    );
  }
  return toConversation(closed);
}

/** Links the ticket a conversation became; a second conversion is refused. */
export async function claimForTicket(conn: Conn, ctx: Ctx, id: string) {
  const row = await conversationRow(conn, ctx, id, true);
  if (row.ticketId) throw conflict('already_ticket', 'This conversation is already a ticket', { ticketId: row.ticketId });
  return { row, messages: await messagesAfter(conn, ctx.workspaceId, id), contactId: await contactOf(conn, ctx, row) };
}

export async function linkTicket(conn: Conn, ctx: Ctx, id: string, ticketId: string, contactId: string | null) {
  await conn.update(chatConversations).set({ ticketId, contactId, updatedAt: new Date() }).where(inWorkspace(ctx.workspaceId, id));
  await notifyChat(conn);
}
