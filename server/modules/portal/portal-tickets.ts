import type { Conn } from '../../db/client.ts';
import type { Ctx } from '../../http/context.ts';
import { companiesOfContacts } from '../contacts/contacts.service.ts';
import { addMessage } from '../tickets/messages.service.ts';
import { publicReplies, type RequesterReach, requesterTicket, requesterTickets } from '../tickets/requester-tickets.ts';
import { createTicket, getTicket, updateTicket } from '../tickets/tickets.service.ts';
import { getPortalSettings, type PortalViewer, workspaceOnly } from './portal.service.ts';

// What a signed-in customer sees of the support desk: the tickets they asked (and their companies'
// when the workspace allows it), and on each only the public replies. A guessed ticket id of another
// customer or workspace reads as "not found".

export interface PortalTicket {
  id: string;
  number: number;
  subject: string;
  description: string | null;
  status: string;
  createdAt: Date;
  updatedAt: Date;
  /** The viewer asked it (they may reply), rather than a colleague at their company. */
  own: boolean;
}

export interface PortalMessage {
  id: string;
  body: string;
  createdAt: Date;
  /** Who wrote it, as the customer reads it. */
  by: 'you' | 'support' | 'customer';
}

async function reach(conn: Conn, viewer: PortalViewer): Promise<RequesterReach> {
  const companyIds = (await getPortalSettings(conn, viewer)).companyTickets
    ? await companiesOfContacts(conn, workspaceOnly(viewer.workspaceId), [viewer.contactId])
    : [];
  return { contactId: viewer.contactId, companyIds };
}

const toPortalTicket = (viewer: PortalViewer, r: { requesterId: string | null } & Omit<PortalTicket, 'own'>): PortalTicket => {
  const { requesterId, ...rest } = r;
  return { ...rest, own: requesterId === viewer.contactId };
};

export async function portalTickets(conn: Conn, viewer: PortalViewer): Promise<PortalTicket[]> {
  const rows = await requesterTickets(conn, viewer, await reach(conn, viewer));
  return rows.map((r) => toPortalTicket(viewer, r));
}

export async function portalTicket(conn: Conn, viewer: PortalViewer, id: string): Promise<PortalTicket | null> {
  const row = await requesterTicket(conn, viewer, await reach(conn, viewer), id);
  return row ? toPortalTicket(viewer, row) : null;
}

/** A ticket's public replies, oldest first (the caller has checked the viewer may see the ticket). */
export async function portalMessages(conn: Conn, viewer: PortalViewer, ticketId: string): Promise<PortalMessage[]> {
  const rows = await publicReplies(conn, viewer, ticketId);
  return rows.map((m) => ({
    id: m.id,
    body: m.body,
    createdAt: m.createdAt,
    by: m.authorMemberId ? 'support' : m.authorContactId === viewer.contactId ? 'you' : 'customer',
  }));
}

/**
 * The customer answers on their own ticket: a reply by the requester, which starts the team's
 * next-response clock, and a solved ticket opens again (it is not solved for them).
 */
export async function replyAsCustomer(conn: Conn, ctx: Ctx, ticket: PortalTicket, body: string) {
  await addMessage(conn, ctx, ticket.id, { kind: 'reply', body, fromRequester: true });
  if (ticket.status === 'solved') {
    const t = await getTicket(conn, ctx, ticket.id);
    await updateTicket(conn, ctx, ticket.id, t.version, { status: 'open' });
  }
}

export async function openTicketAsCustomer(conn: Conn, ctx: Ctx, viewer: PortalViewer, input: { subject: string; description: string }) {
  return createTicket(conn, ctx, { ...input, requesterId: viewer.contactId, channel: 'web_form' });
}
