import type { Conn } from '../../db/client.ts';
import type { Ctx } from '../../http/context.ts';
import { companiesOfContacts } from '../contacts/contacts.service.ts';
import { publicAttachments, storeUploads, type Upload } from '../tickets/attachments.ts';
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

/** A file the customer may download from the portal. */
export interface PortalFile {
  id: string;
  filename: string | null;
  size: number;
  /** Why it cannot be downloaded (not stored), or null. */
  note: string | null;
}

export interface PortalMessage {
  id: string;
  body: string;
  createdAt: Date;
  /** Who wrote it, as the customer reads it. */
  by: 'you' | 'support' | 'customer';
  files: PortalFile[];
}

/** A ticket's public conversation: the files that came with the ticket, and its public replies. */
export interface PortalConversation {
  ticketFiles: PortalFile[];
  messages: PortalMessage[];
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

const toFile = (a: PortalFile): PortalFile => ({ id: a.id, filename: a.filename, size: a.size, note: a.note });

/**
 * A ticket's public replies, oldest first, with their files and those that came with the ticket
 * (the caller has checked the viewer may see the ticket). Internal notes and their files never.
 */
export async function portalMessages(conn: Conn, viewer: PortalViewer, ticketId: string): Promise<PortalConversation> {
  const rows = await publicReplies(conn, viewer, ticketId);
  const files = await publicAttachments(conn, viewer.workspaceId, ticketId);
  return {
    ticketFiles: (files.get('') ?? []).map(toFile),
    messages: rows.map((m) => ({
      id: m.id,
      body: m.body,
      createdAt: m.createdAt,
      by: m.authorMemberId ? 'support' : m.authorContactId === viewer.contactId ? 'you' : 'customer',
      files: (files.get(m.id) ?? []).map(toFile),
    })),
  };
}

/**
 * The customer answers on their own ticket: a reply by the requester, which starts the team's
 * next-response clock, and a solved ticket opens again (it is not solved for them).
 */
export async function replyAsCustomer(conn: Conn, ctx: Ctx, ticket: PortalTicket, body: string, files: Upload[] = []) {
  await addMessage(conn, ctx, ticket.id, { kind: 'reply', body, fromRequester: true }, files);
  if (ticket.status === 'solved') {
    const t = await getTicket(conn, ctx, ticket.id);
    await updateTicket(conn, ctx, ticket.id, t.version, { status: 'open' });
  }
}

/** A request the customer opens in the portal; its files come with the ticket, beside its description. */
export async function openTicketAsCustomer(
  conn: Conn,
  ctx: Ctx,
  viewer: PortalViewer,
  input: { subject: string; description: string },
  files: Upload[] = [],
) {
  const ticket = await createTicket(conn, ctx, { ...input, requesterId: viewer.contactId, channel: 'web_form' });
  await storeUploads(conn, ctx.workspaceId, ticket.id, null, files);
  return ticket;
}
