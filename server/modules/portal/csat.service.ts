import { and, eq, gte, lt, sql } from 'drizzle-orm';
import type { SatisfactionQuery, SatisfactionReport, TicketSatisfaction } from '../../../contract/portal.ts';
import type { Conn } from '../../db/client.ts';
import type { Ctx } from '../../http/context.ts';
import type { HelpSite } from '../knowledge/help-centre.service.ts';
import { getTicket } from '../tickets/tickets.service.ts';
import { ticketRatings } from './portal.table.ts';
import { sign, verify } from './signed.ts';

// Customer satisfaction (CSAT): the requester of a solved ticket rates it good or bad, by a link in
// the "solved" email or in the portal, and may add a comment. The link's token names the workspace
// and the ticket and is signed, so a changed ticket id or another workspace's token is refused.

export type Rating = 'good' | 'bad';

export const csatToken = (workspaceId: string, ticketId: string) => sign('csat', [workspaceId, ticketId]);

/** The ticket a rating link is for, on this site; null for a token altered or of another workspace. */
export function ticketOfCsatToken(site: HelpSite, token: string | undefined) {
  const parts = verify('csat', token);
  return parts?.length === 2 && parts[0] === site.workspaceId ? parts[1] : null;
}

/**
 * Records the requester's rating of a ticket that was solved (a ticket never solved has nothing to
 * rate: false). A later rating replaces the earlier one; a comment stays unless a new one is given.
 */
export async function rateTicket(conn: Conn, ctx: Ctx, ticketId: string, rating: Rating, comment?: string) {
  const ticket = await getTicket(conn, ctx, ticketId).catch(() => null);
  if (!ticket?.solvedAt && ticket?.status !== 'closed') return false;
  const values = { rating, assigneeId: ticket.assigneeId, teamId: ticket.teamId, ratedAt: new Date() };
  await conn
    .insert(ticketRatings)
    .values({ workspaceId: ctx.workspaceId, ticketId, ...values, comment: comment ?? null })
    .onConflictDoUpdate({
      target: [ticketRatings.workspaceId, ticketRatings.ticketId],
      set: { ...values, ...(comment !== undefined ? { comment } : {}) },
    });
  return true;
}

export async function commentOnRating(conn: Conn, ctx: Ctx, ticketId: string, comment: string) {
  const rows = await conn
    .update(ticketRatings)
    .set({ comment })
    .where(and(eq(ticketRatings.workspaceId, ctx.workspaceId), eq(ticketRatings.ticketId, ticketId)))
    .returning({ ticketId: ticketRatings.ticketId });
  return rows.length > 0;
}

/** A ticket's rating, for whoever may read the ticket (404 otherwise). */
export async function ticketSatisfaction(conn: Conn, ctx: Ctx, ticketId: string): Promise<TicketSatisfaction> {
  await getTicket(conn, ctx, ticketId);
  const [r] = await conn
    .select()
    .from(ticketRatings)
    .where(and(eq(ticketRatings.workspaceId, ctx.workspaceId), eq(ticketRatings.ticketId, ticketId)));
  return { ticketId, rating: r?.rating ?? null, comment: r?.comment ?? null, ratedAt: r?.ratedAt.toISOString() ?? null };
}

const percent = (good: number, bad: number) => (good + bad ? Math.round((1000 * good) / (good + bad)) / 10 : null);

/** Ratings given in [from, to) (default: the last 30 days), in all, per agent and per team. */
export async function satisfactionReport(conn: Conn, ctx: Ctx, q: SatisfactionQuery): Promise<SatisfactionReport> {
  const to = q.to ? new Date(q.to) : new Date();
  const from = q.from ? new Date(q.from) : new Date(to.getTime() - 30 * 24 * 3_600_000);
  const counts = {
    good: sql<number>`count(*) filter (where ${ticketRatings.rating} = 'good')::int`,
    bad: sql<number>`count(*) filter (where ${ticketRatings.rating} = 'bad')::int`,
  };
  const where = and(eq(ticketRatings.workspaceId, ctx.workspaceId), gte(ticketRatings.ratedAt, from), lt(ticketRatings.ratedAt, to));
  const byAgent = await conn
    .select({ assigneeId: ticketRatings.assigneeId, ...counts })
    .from(ticketRatings)
    .where(where)
    .groupBy(ticketRatings.assigneeId);
  const byTeam = await conn
    .select({ teamId: ticketRatings.teamId, ...counts })
    .from(ticketRatings)
    .where(where)
    .groupBy(ticketRatings.teamId);
  const good = byAgent.reduce((n, r) => n + Number(r.good), 0);
  const bad = byAgent.reduce((n, r) => n + Number(r.bad), 0);
  const withPercent = <T extends { good: number; bad: number }>(r: T) => ({
    ...r,
    good: Number(r.good),
    bad: Number(r.bad),
    percentGood: percent(Number(r.good), Number(r.bad)),
  });
  return {
    from: from.toISOString(),
    to: to.toISOString(),
    total: { good, bad, percentGood: percent(good, bad) },
    byAgent: byAgent.map(withPercent),
    byTeam: byTeam.map(withPercent),
  };
}
