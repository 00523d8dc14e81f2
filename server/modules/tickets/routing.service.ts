import { and, eq } from 'drizzle-orm';
import { uuidv7 } from 'uuidv7';
import type { RoutingRule, RoutingRulesPut, TeamRouting, TeamRoutingPut } from '../../../contract/support.ts';
import type { Conn } from '../../db/client.ts';
import type { Ctx } from '../../http/context.ts';
import { invalid } from '../../http/errors.ts';
import { getTeam, listTeams } from '../teams/teams.service.ts';
import { routingRules, teamRouting } from './routing.table.ts';
import { listRuleRows } from './routing.ts';

// The routing settings an admin edits: each team's method and the workspace's ordered rules.

export const skillOf = (s: string | null | undefined) => (s ? s.normalize('NFKC').toLowerCase().trim() : null);

/** A team's routing; a team never set up routes manually and keeps an agent's tickets when they go away. */
export async function getTeamRouting(conn: Conn, ctx: Ctx, teamId: string): Promise<TeamRouting> {
  await getTeam(conn, ctx, teamId);
  const [row] = await conn
    .select()
    .from(teamRouting)
    .where(and(eq(teamRouting.workspaceId, ctx.workspaceId), eq(teamRouting.teamId, teamId)));
  return { teamId, method: row?.method ?? 'manual', reassignWhenAway: row?.reassignWhenAway ?? false };
}

/** Sets a team's routing, keeping its round-robin cursor (a change of method does not restart the turns). */
export async function putTeamRouting(conn: Conn, ctx: Ctx, teamId: string, input: TeamRoutingPut): Promise<TeamRouting> {
  await getTeam(conn, ctx, teamId);
  await conn
    .insert(teamRouting)
    .values({ workspaceId: ctx.workspaceId, teamId, method: input.method, reassignWhenAway: input.reassignWhenAway })
    .onConflictDoUpdate({
      target: [teamRouting.workspaceId, teamRouting.teamId],
      set: { method: input.method, reassignWhenAway: input.reassignWhenAway },
    });
  return { teamId, ...input };
}

const toRule = (r: typeof routingRules.$inferSelect): RoutingRule => ({
  id: r.id,
  name: r.name,
  keywords: r.keywords,
  channels: r.channels,
  tiers: r.tiers,
  teamId: r.teamId,
  requiredSkill: r.requiredSkill,
});

export const listRoutingRules = async (conn: Conn, ctx: Ctx) => (await listRuleRows(conn, ctx)).map(toRule);

/**
 * Replaces the workspace's rules with `rules`, in that order. Every team must be a team of this
 * workspace (422 naming `body.rules.<i>.teamId`); nothing is written otherwise.
 */
export async function putRoutingRules(conn: Conn, ctx: Ctx, input: RoutingRulesPut): Promise<RoutingRule[]> {
  const known = new Set((await listTeams(conn, ctx)).map((t) => t.id));
  const bad = input.rules.flatMap((r, i) =>
    known.has(r.teamId.toLowerCase())
      ? []
      : [{ field: `body.rules.${i}.teamId`, code: 'unknown_team', message: 'is not a team of this workspace' }],
  );
  if (bad.length) throw invalid(bad);
  await conn.delete(routingRules).where(eq(routingRules.workspaceId, ctx.workspaceId));
  if (input.rules.length) {
    await conn.insert(routingRules).values(
      input.rules.map((r, position) => ({
        workspaceId: ctx.workspaceId,
        id: uuidv7(),
        position,
        name: r.name.trim(),
        keywords: [...new Set((r.keywords ?? []).map((k) => k.trim()))],
        channels: r.channels ?? [],
        tiers: [...new Set((r.tiers ?? []).map((k) => k.trim()))],
        teamId: r.teamId.toLowerCase(),
        requiredSkill: skillOf(r.requiredSkill),
      })),
    );
  }
  return listRoutingRules(conn, ctx);
}
