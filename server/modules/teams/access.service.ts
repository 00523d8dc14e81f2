import { sql } from 'drizzle-orm';
import type { ProfileRights } from '../../../contract/access.ts';
import { type Conn, selectRows } from '../../db/client.ts';
import type { Access } from '../../http/context.ts';

/**
 * The access of a member with a profile, in one round trip: the profile's rights, the teams they
 * are in or lead, every team below those (a recursive walk down the hierarchy), and the members of
 * both sets. Undefined when the member holds no profile: they are not narrowed. Called once per
 * request when its context is built, so that every query of the request reuses the same ids.
 */
export async function resolveAccess(conn: Conn, workspaceId: string, memberId: string): Promise<Access | undefined> {
  const [row] = await selectRows<{
    profile_id: string;
    rights: ProfileRights;
    team_ids: string[];
    below_team_ids: string[];
    team_member_ids: string[];
    below_member_ids: string[];
  }>(
    conn,
    sql`with recursive mine as (
        select team_id as id from team_members where workspace_id = ${workspaceId} and member_id = ${memberId}
        union select id from teams where workspace_id = ${workspaceId} and manager_id = ${memberId}
      ), below as (
        select t.id from teams t where t.workspace_id = ${workspaceId} and t.id in (select id from mine)
        union select t.id from teams t join below b on t.parent_team_id = b.id where t.workspace_id = ${workspaceId}
      ), people as (
        select m.team_id, m.member_id from team_members m where m.workspace_id = ${workspaceId} and m.team_id in (select id from below)
        union select t.id, t.manager_id from teams t where t.workspace_id = ${workspaceId} and t.id in (select id from below) and t.manager_id is not null
      )
      select p.id as profile_id, p.rights,
        array(select id::text from mine where id in (select id from below)) as team_ids,
        array(select id::text from below) as below_team_ids,
        array(select distinct member_id::text from people where team_id in (select id from mine)) as team_member_ids,
        array(select distinct member_id::text from people) as below_member_ids
      from member_profiles mp join access_profiles p on p.workspace_id = mp.workspace_id and p.id = mp.profile_id
      where mp.workspace_id = ${workspaceId} and mp.member_id = ${memberId}`,
  );
  if (!row) return undefined;
  const withSelf = (ids: string[]) => [...new Set([memberId, ...ids])];
  return {
    profileId: row.profile_id,
    rights: row.rights,
    teamIds: row.team_ids,
    belowTeamIds: row.below_team_ids,
    teamMemberIds: withSelf(row.team_member_ids),
    belowMemberIds: withSelf(row.below_member_ids),
  };
}
