import { and, asc, eq, sql } from 'drizzle-orm';
import { uuidv7 } from 'uuidv7';
import type { Team, TeamCreate, TeamUpdate } from '../../../contract/access.ts';
import { type Conn, pgArray, selectRows } from '../../db/client.ts';
import type { Ctx } from '../../http/context.ts';
import { conflict, invalid, notFound } from '../../http/errors.ts';
import { checkVersion, metaToApi } from '../../records/crud.ts';
import { assertMembers } from '../auth/members.service.ts';
import { teamMembers, teams } from './teams.table.ts';

type Row = typeof teams.$inferSelect;

const toTeam = (r: Row, memberIds: string[]): Team => ({
  ...metaToApi({ ...r, deletedAt: null }),
  name: r.name,
  parentTeamId: r.parentTeamId,
  managerId: r.managerId,
  memberIds,
});

async function membersOf(conn: Conn, ctx: Ctx, ids: string[]) {
  const out = new Map<string, string[]>(ids.map((id) => [id, []]));
  if (!ids.length) return out;
  const rows = await conn
    .select()
    .from(teamMembers)
    .where(and(eq(teamMembers.workspaceId, ctx.workspaceId), sql`${teamMembers.teamId} = any(${pgArray(ids, 'uuid')})`))
    .orderBy(asc(teamMembers.memberId));
  for (const r of rows) out.get(r.teamId)?.push(r.memberId);
  return out;
}

/** Every team of the workspace, by name. */
export async function listTeams(conn: Conn, ctx: Ctx): Promise<Team[]> {
  const rows = await conn.select().from(teams).where(eq(teams.workspaceId, ctx.workspaceId)).orderBy(asc(teams.name), asc(teams.id));
  const people = await membersOf(
    conn,
    ctx,
    rows.map((r) => r.id),
  );
  return rows.map((r) => toTeam(r, people.get(r.id) ?? []));
}

async function findTeam(conn: Conn, ctx: Ctx, id: string, lock = false): Promise<Row> {
  const q = conn
    .select()
    .from(teams)
    .where(and(eq(teams.workspaceId, ctx.workspaceId), eq(teams.id, id)));
  const [row] = await (lock ? q.for('update') : q);
  if (!row) throw notFound('Team');
  return row;
}

export async function getTeam(conn: Conn, ctx: Ctx, id: string): Promise<Team> {
  const row = await findTeam(conn, ctx, id);
  return toTeam(row, (await membersOf(conn, ctx, [id])).get(id) ?? []);
}

/**
 * Checks a team's new parent: a team of this workspace, and not the team itself or one below it
 * (the hierarchy would become a cycle, and "team and below" would never end). 422 naming
 * body.parentTeamId either way.
 */
async function checkParent(conn: Conn, ctx: Ctx, teamId: string | null, parentId: string) {
  const [found] = await conn
    .select({ id: teams.id })
    .from(teams)
    .where(and(eq(teams.workspaceId, ctx.workspaceId), eq(teams.id, parentId)));
  if (!found) throw invalid([{ field: 'body.parentTeamId', code: 'unknown_team', message: 'is not a team of this workspace' }]);
  if (!teamId) return;
  // The parent's ancestors, the parent included: the team must not be among them.
  const above = await selectRows<{ id: string }>(
    conn,
    sql`with recursive up as (
        select id, parent_team_id from teams where workspace_id = ${ctx.workspaceId} and id = ${parentId}
        union select t.id, t.parent_team_id from teams t join up on t.id = up.parent_team_id where t.workspace_id = ${ctx.workspaceId}
      ) select id from up where id = ${teamId}`,
  );
  if (above.length) {
    throw invalid(
      [{ field: 'body.parentTeamId', code: 'team_cycle', message: 'is this team or a team below it: the hierarchy would loop' }],
      'A team cannot sit under itself or under a team below it',
    );
  }
}

export async function createTeam(conn: Conn, ctx: Ctx, input: TeamCreate): Promise<Team> {
  await assertMembers(conn, ctx, [{ field: 'body.managerId', id: input.managerId }]);
  if (input.parentTeamId) await checkParent(conn, ctx, null, input.parentTeamId);
  const [row] = await conn
    .insert(teams)
    .values({
      workspaceId: ctx.workspaceId,
      id: uuidv7(),
      name: input.name,
      parentTeamId: input.parentTeamId ?? null,
      managerId: input.managerId ?? null,
      createdBy: ctx.memberId,
    })
    .returning();
  return toTeam(row, []);
}

export async function updateTeam(conn: Conn, ctx: Ctx, id: string, version: number, input: Omit<TeamUpdate, 'version'>) {
  const before = await findTeam(conn, ctx, id, true);
  checkVersion('Team', { ...before, deletedAt: null }, version);
  await assertMembers(conn, ctx, [{ field: 'body.managerId', id: input.managerId }]);
  if (input.parentTeamId) await checkParent(conn, ctx, id, input.parentTeamId);
  const [row] = await conn
    .update(teams)
    .set({
      ...(input.name !== undefined ? { name: input.name } : {}),
      ...(input.parentTeamId !== undefined ? { parentTeamId: input.parentTeamId } : {}),
      ...(input.managerId !== undefined ? { managerId: input.managerId } : {}),
      version: sql`${teams.version} + 1`,
      updatedAt: sql`now()`,
    })
    .where(and(eq(teams.workspaceId, ctx.workspaceId), eq(teams.id, id)))
    .returning();
  return toTeam(row, (await membersOf(conn, ctx, [id])).get(id) ?? []);
}

/**
 * Deletes a team and its memberships. A team with teams below it is refused (409 naming them):
 * moving them silently under another team would widen or narrow what their managers see, so the
 * admin decides where they go first.
 */
export async function deleteTeam(conn: Conn, ctx: Ctx, id: string, version: number | undefined) {
  const before = await findTeam(conn, ctx, id, true);
  checkVersion('Team', { ...before, deletedAt: null }, version);
  const children = await conn
    .select({ id: teams.id, name: teams.name })
    .from(teams)
    .where(and(eq(teams.workspaceId, ctx.workspaceId), eq(teams.parentTeamId, id)))
    .orderBy(asc(teams.name));
  if (children.length) {
    throw conflict(
      'team_has_children',
      `This team has teams below it (${children.map((c) => c.name).join(', ')}): move them under another team or delete them first`,
      { childTeamIds: children.map((c) => c.id) },
    );
  }
  const team = toTeam(before, (await membersOf(conn, ctx, [id])).get(id) ?? []);
  await conn.delete(teams).where(and(eq(teams.workspaceId, ctx.workspaceId), eq(teams.id, id)));
  return team;
}

/** Puts members in a team; one already in it stays as they are. */
export async function addTeamMembers(conn: Conn, ctx: Ctx, id: string, ids: string[]) {
  await findTeam(conn, ctx, id, true);
  await assertMembers(
    conn,
    ctx,
    ids.map((m, i) => ({ field: `body.ids.${i}`, id: m })),
  );
  await conn
    .insert(teamMembers)
    .values(ids.map((memberId) => ({ workspaceId: ctx.workspaceId, teamId: id, memberId })))
    .onConflictDoNothing();
  return getTeam(conn, ctx, id);
}

/** Takes members out of a team; one not in it is no error. */
export async function removeTeamMembers(conn: Conn, ctx: Ctx, id: string, ids: string[]) {
  await findTeam(conn, ctx, id, true);
  await conn
    .delete(teamMembers)
    .where(
      and(
        eq(teamMembers.workspaceId, ctx.workspaceId),
        eq(teamMembers.teamId, id),
        sql`${teamMembers.memberId} = any(${pgArray(ids, 'uuid')})`,
      ),
    );
  return getTeam(conn, ctx, id);
}
