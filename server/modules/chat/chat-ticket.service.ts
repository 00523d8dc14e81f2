import type { VisitorOfflineMessage } from '../../../contract/chat.ts';
import type { Conn } from '../../db/client.ts';
import { type Ctx, systemCtx } from '../../http/context.ts';
import { actingMember } from '../auth/members.service.ts';
import { addMessage } from '../tickets/messages.service.ts';
import { createTicket } from '../tickets/tickets.service.ts';
import { claimForTicket, linkTicket } from './chat.service.ts';

// Where chat meets the ticket desk: a conversation an agent turns into a ticket, and the message a
// visitor leaves while no agent is online. Both go through the tickets module's own service.

const subjectOf = (text: string) => {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > 80 ? `${line.slice(0, 79)}…` : line;
};

/**
 * Turns a conversation into a ticket on the chat channel, its messages copied as the ticket's first
 * messages: the visitor's as the requester's replies (internal notes when the visitor left no email,
 * as there is nobody to answer), each agent's as that agent's reply.
 */
export async function conversationToTicket(conn: Conn, ctx: Ctx, id: string) {
  const { row, messages, contactId } = await claimForTicket(conn, ctx, id);
  const firstVisitor = messages.find((m) => m.author === 'visitor')?.body ?? 'Chat';
  const ticket = await createTicket(conn, ctx, {
    subject: subjectOf(`Chat: ${firstVisitor}`),
    channel: 'chat',
    ...(contactId ? { requesterId: contactId } : {}),
    assigneeId: row.assigneeId ?? ctx.memberId,
  });
  // The copy is the system's: an agent narrowed to their own tickets may convert a chat another agent answered.
  const copying = { ...ctx, access: undefined };
  for (const m of messages) {
    if (m.author === 'system') continue;
    if (m.author === 'visitor') {
      await addMessage(
        conn,
        copying,
        ticket.id,
        contactId
          ? { kind: 'reply', body: m.body, fromRequester: true }
          : { kind: 'note', body: `${row.visitorName ?? 'Visitor'}: ${m.body}` },
      );
    } else {
      await addMessage(conn, { ...copying, memberId: m.authorMemberId ?? ctx.memberId }, ticket.id, { kind: 'reply', body: m.body });
    }
  }
  await linkTicket(conn, ctx, id, ticket.id, contactId);
  return { ticketId: ticket.id, number: ticket.number };
}

/**
 * "Leave a message" while no agent is online: a ticket on the chat channel from the visitor's email
 * (its contact found or filed by the tickets module), written by the system on the owner's behalf.
 */
export async function offlineMessageToTicket(conn: Conn, workspaceId: string, input: VisitorOfflineMessage) {
  const owner = await actingMember(conn, workspaceId);
  if (!owner) throw new Error(`workspace ${workspaceId} has no owner`);
  const ctx = systemCtx(workspaceId, owner.id);
  const ticket = await createTicket(conn, ctx, {
    subject: subjectOf(`Chat message from ${input.name?.trim() || input.email}`),
    description: input.body,
    channel: 'chat',
    requesterEmail: input.email,
  });
  return { ticketId: ticket.id, number: ticket.number };
}
