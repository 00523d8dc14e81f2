import { and, asc, desc, eq, gt, lt, ne, sql } from 'drizzle-orm';
import type { PresencePut, TicketPresence } from '../../../contract/desk.ts';
import type { Conn } from '../../db/client.ts';
import type { Ctx } from '../../http/context.ts';
import { conflict, invalid } from '../../http/errors.ts';
import { findRow } from '../../records/crud.ts';
import { now } from '../automation/clock.ts';
import { ticketPresence } from './desk.table.ts';
import { ticketDef } from './tickets.service.ts';
import { ticketMessages } from './tickets.table.ts';

/** How long a heartbeat keeps an agent on a ticket: the page beats every 10 s, so two missed beats and a margin. */
export const PRESENCE_TTL_MS = 30_000;

/**
 * Records that the caller has the ticket open (viewing, or writing in the composer), or has left
 * it, and answers who else is on it now. Stale rows of this ticket are removed on the way: a page
 * closed without saying so drops out after the window.
 */
export async function beat(conn: Conn, ctx: Ctx, ticketId: string, input: PresencePut): Promise<TicketPresence> {
  await findRow(conn, ctx, ticketDef, ticketId);
  const at = now();
  const here = and(eq(ticketPresence.workspaceId, ctx.workspaceId), eq(ticketPresence.ticketId, ticketId));
  await conn.delete(ticketPresence).where(and(here, lt(ticketPresence.seenAt, new Date(at.getTime() - PRESENCE_TTL_MS))));
  if (input.state === 'left') {
    await conn.delete(ticketPresence).where(and(here, eq(ticketPresence.memberId, ctx.memberId)));
  } else {
    await conn
      .insert(ticketPresence)
      .values({ workspaceId: ctx.workspaceId, ticketId, memberId: ctx.memberId, state: input.state, seenAt: at })
      .onConflictDoUpdate({
        target: [ticketPresence.workspaceId, ticketPresence.ticketId, ticketPresence.memberId],
        set: { state: input.state, seenAt: at },
      });
  }
  return othersOn(conn, ctx, ticketId);
}

/** Who else is on a ticket the caller can read (404 otherwise). */
export async function presenceOn(conn: Conn, ctx: Ctx, ticketId: string): Promise<TicketPresence> {
  await findRow(conn, ctx, ticketDef, ticketId);
  return othersOn(conn, ctx, ticketId);
}

async function othersOn(conn: Conn, ctx: Ctx, ticketId: string): Promise<TicketPresence> {
  const rows = await conn
    .select()
    .from(ticketPresence)
    .where(
      and(
        eq(ticketPresence.workspaceId, ctx.workspaceId),
        eq(ticketPresence.ticketId, ticketId),
        ne(ticketPresence.memberId, ctx.memberId),
        gt(ticketPresence.seenAt, new Date(now().getTime() - PRESENCE_TTL_MS)),
      ),
    )
    .orderBy(desc(ticketPresence.state), asc(ticketPresence.memberId));
  return { data: rows.map((r) => ({ memberId: r.memberId, state: r.state, seenAt: r.seenAt.toISOString() })) };
}

/**
 * Refuses a public reply written without sight of a newer one: the agent began with
 * `lastSeenMessageId` the newest message they had (null: none), and a public reply has come since.
 * The agent reads it and sends again with `confirmed`. A `lastSeenMessageId` that is not a message
 * of this ticket is bad input rather than a reason to skip the check.
 */
export async function assertNoNewerReply(conn: Conn, ctx: Ctx, ticketId: string, lastSeenMessageId: string | null) {
  const ofTicket = and(eq(ticketMessages.workspaceId, ctx.workspaceId), eq(ticketMessages.ticketId, ticketId));
  if (lastSeenMessageId) {
    const [seen] = await conn
      .select({ id: ticketMessages.id })
      .from(ticketMessages)
      .where(and(ofTicket, eq(ticketMessages.id, lastSeenMessageId)));
    if (!seen) {
      throw invalid([{ field: 'body.lastSeenMessageId', code: 'unknown_record', message: 'is not a message of this ticket' }]);
    }
  }
  // Compared in SQL: PostgreSQL keeps microseconds that a JavaScript Date would round away.
  const after = lastSeenMessageId
    ? sql`(${ticketMessages.createdAt}, ${ticketMessages.id}) > (select m.created_at, m.id from ${ticketMessages} m
        where m.workspace_id = ${ctx.workspaceId} and m.id = ${lastSeenMessageId}::uuid)`
    : undefined;
  const [newer] = await conn
    .select({ id: ticketMessages.id, authorMemberId: ticketMessages.authorMemberId })
    .from(ticketMessages)
    .where(and(ofTicket, eq(ticketMessages.kind, 'reply'), after))
    .orderBy(desc(ticketMessages.createdAt))
    .limit(1);
  if (newer) {
    throw conflict(
      'newer_reply',
      'A new public reply came in on this ticket since you began writing. Read it, then send again to confirm.',
      {
        messageId: newer.id,
      },
    );
  }
}
