import { and, asc, desc, eq, inArray, isNull, or, type SQL } from 'drizzle-orm';
import type { Conn } from '../../db/client.ts';
import type { Ctx } from '../../http/context.ts';
import { ticketMessages, tickets } from './tickets.table.ts';

// Tickets as their requester sees them (the customer portal): only the tickets a contact asked, or
// their companies' when the workspace allows it, and on a ticket only its public replies — never an
// internal note. Keyed by the workspace like every query; no member's access profile applies.

/** Whose tickets a customer may read: their own, and those of the companies listed. */
export interface RequesterReach {
  contactId: string;
  companyIds: string[];
}

const columns = {
  id: tickets.id,
  number: tickets.number,
  subject: tickets.subject,
  description: tickets.description,
  status: tickets.status,
  requesterId: tickets.requesterId,
  createdAt: tickets.createdAt,
  updatedAt: tickets.updatedAt,
};

const within = (ctx: Pick<Ctx, 'workspaceId'>, reach: RequesterReach) => {
  const own = eq(tickets.requesterId, reach.contactId);
  return and(
    eq(tickets.workspaceId, ctx.workspaceId),
    isNull(tickets.deletedAt),
    reach.companyIds.length ? (or(own, inArray(tickets.companyId, reach.companyIds)) as SQL) : own,
  );
};

/** The tickets within reach, most recently changed first (the newest 200). */
export const requesterTickets = (conn: Conn, ctx: Pick<Ctx, 'workspaceId'>, reach: RequesterReach) =>
  conn.select(columns).from(tickets).where(within(ctx, reach)).orderBy(desc(tickets.updatedAt)).limit(200);

/** One ticket within reach, or undefined (another customer's or workspace's id reads as none). */
export async function requesterTicket(conn: Conn, ctx: Pick<Ctx, 'workspaceId'>, reach: RequesterReach, id: string) {
  const [row] = await conn
    .select(columns)
    .from(tickets)
    .where(and(within(ctx, reach), eq(tickets.id, id)));
  return row;
}

/** A ticket's public replies, oldest first: what its requester may read of the conversation. */
export const publicReplies = (conn: Conn, ctx: Pick<Ctx, 'workspaceId'>, ticketId: string) =>
  conn
    .select({
      id: ticketMessages.id,
      body: ticketMessages.body,
      createdAt: ticketMessages.createdAt,
      authorMemberId: ticketMessages.authorMemberId,
      authorContactId: ticketMessages.authorContactId,
    })
    .from(ticketMessages)
    .where(and(eq(ticketMessages.workspaceId, ctx.workspaceId), eq(ticketMessages.ticketId, ticketId), eq(ticketMessages.kind, 'reply')))
    .orderBy(asc(ticketMessages.createdAt), asc(ticketMessages.id));
