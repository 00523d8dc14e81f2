import { and, asc, eq, inArray, isNull, sql } from 'drizzle-orm';
import type { TicketCreate } from '../../../contract/support.ts';
import { openTicketStatuses } from '../../../contract/support.ts';
import type { Conn } from '../../db/client.ts';
import type { Ctx } from '../../http/context.ts';
import { memberIdsAmong } from '../auth/members.service.ts';
import { getTeam } from '../teams/teams.service.ts';
import { customerTier, fold } from './customer-tier.ts';
import { routingRules, supportAgents, teamRouting } from './routing.table.ts';
import { tickets } from './tickets.table.ts';

// Routing (issue 14): which team and agent a new ticket goes to. Rules pick the team (and maybe a
// skill); the team's method picks the agent among its online members. A ticket is routed inside the
// transaction that creates it, so that whoever created it sees its assignee in the answer and a
// ticket is never committed half-routed; the team's routing row is locked for the pick, which
// serialises concurrent creates per team (the round-robin cursor and the least-loaded counts are
// read after the previous pick has committed).

type RuleRow = typeof routingRules.$inferSelect;

/** What routing reads of a new ticket. */
export type Routable = Pick<TicketCreate, 'subject' | 'description' | 'channel' | 'companyId' | 'teamId'> & {
  requesterId: string | null;
};

/** Whether a ticket meets a rule: each non-empty condition must hold; within one, any value will do. */
export function ruleMatches(rule: Pick<RuleRow, 'keywords' | 'channels' | 'tiers'>, t: Routable, tier: string | null) {
  if (rule.keywords.length) {
    const text = fold(`${t.subject}\n${t.description ?? ''}`);
    if (!rule.keywords.some((k) => text.includes(fold(k)))) return false;
  }
  if (rule.channels.length && !rule.channels.includes(t.channel ?? 'web_form')) return false;
  if (rule.tiers.length && (tier === null || !rule.tiers.some((x) => fold(x) === tier))) return false;
  return true;
}

export async function listRuleRows(conn: Conn, ctx: Ctx) {
  return conn.select().from(routingRules).where(eq(routingRules.workspaceId, ctx.workspaceId)).orderBy(asc(routingRules.position));
}

/** The online, enabled members of a team (with the skill, when one is required), by id: the rotation order. */
export async function availableAgents(conn: Conn, ctx: Ctx, teamId: string, skill: string | null) {
  // The teams and members modules own their tables: asked through their services.
  const enabled = await memberIdsAmong(conn, ctx, (await getTeam(conn, ctx, teamId)).memberIds, { active: true });
  if (!enabled.length) return [];
  const rows = await conn
    .select({ id: supportAgents.memberId })
    .from(supportAgents)
    .where(
      and(
        eq(supportAgents.workspaceId, ctx.workspaceId),
        inArray(supportAgents.memberId, enabled),
        eq(supportAgents.status, 'online'),
        skill ? sql`${fold(skill)} = any(${supportAgents.skills})` : undefined,
      ),
    )
    .orderBy(asc(supportAgents.memberId));
  return rows.map((r) => r.id);
}

/** Open tickets assigned to each of `ids`: an agent's load, whichever team the tickets are in. */
async function loads(conn: Conn, ctx: Ctx, ids: string[]) {
  const rows = await conn
    .select({ id: tickets.assigneeId, n: sql<number>`count(*)::int` })
    .from(tickets)
    .where(
      and(
        eq(tickets.workspaceId, ctx.workspaceId),
        inArray(tickets.assigneeId, ids),
        inArray(tickets.status, [...openTicketStatuses]),
        isNull(tickets.deletedAt),
      ),
    )
    .groupBy(tickets.assigneeId);
  return new Map(rows.map((r) => [r.id as string, Number(r.n)]));
}

/** `ids` (sorted) starting after `last`, wrapping round: the order round-robin offers them in. */
export function rotation(ids: string[], last: string | null) {
  const next = last === null ? 0 : ids.findIndex((id) => id > last);
  const from = next < 0 ? 0 : next;
  return [...ids.slice(from), ...ids.slice(0, from)];
}

/**
 * Picks the agent of a team for a ticket by the team's method, or null (manual team, nobody
 * online, nobody with the skill). Least-loaded breaks ties in round-robin order, so that equally
 * loaded agents still take turns. Locks the team's routing row until the caller's transaction ends.
 */
export async function pickAgent(conn: Conn, ctx: Ctx, teamId: string, skill: string | null): Promise<string | null> {
  const [team] = await conn
    .select()
    .from(teamRouting)
    .where(and(eq(teamRouting.workspaceId, ctx.workspaceId), eq(teamRouting.teamId, teamId)))
    .for('update');
  if (!team || team.method === 'manual') return null;
  const order = rotation(await availableAgents(conn, ctx, teamId, skill), team.lastMemberId);
  if (!order.length) return null;
  let pick = order[0];
  if (team.method === 'least_loaded') {
    const load = await loads(conn, ctx, order);
    for (const id of order) if ((load.get(id) ?? 0) < (load.get(pick) ?? 0)) pick = id;
  }
  await conn
    .update(teamRouting)
    .set({ lastMemberId: pick })
    .where(and(eq(teamRouting.workspaceId, ctx.workspaceId), eq(teamRouting.teamId, teamId)));
  return pick;
}

/**
 * The team and assignee of a new ticket that names no assignee: its own team, else the team of the
 * first rule it meets (with that rule's skill); then an agent of that team, or nobody (the ticket
 * waits in the team queue). A ticket given a team skips the rules: whoever chose the team knew.
 */
export async function routeNewTicket(conn: Conn, ctx: Ctx, t: Routable): Promise<{ teamId: string | null; assigneeId: string | null }> {
  let teamId = t.teamId ?? null;
  let skill: string | null = null;
  if (!teamId) {
    const rules = await listRuleRows(conn, ctx);
    const tier = rules.some((r) => r.tiers.length) ? await customerTier(conn, ctx.workspaceId, t) : null;
    const rule = rules.find((r) => ruleMatches(r, t, tier));
    if (rule) {
      teamId = rule.teamId;
      skill = rule.requiredSkill;
    }
  }
  if (!teamId) return { teamId: null, assigneeId: null };
  return { teamId, assigneeId: await pickAgent(conn, ctx, teamId, skill) };
}
