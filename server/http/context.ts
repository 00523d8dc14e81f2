import type { ProfileRights } from '../../contract/access.ts';
import type { Role } from '../../contract/common.ts';

/** Who is acting, in which workspace: passed to every service call, never read from the request body. */
export interface Ctx {
  workspaceId: string;
  /** The member acting, or the member who created the API key acting. */
  memberId: string;
  actor: { type: 'member' | 'api_key' | 'system'; id: string | null };
  role: Role;
  requestId: string | null;
  /** The client's address, for the security log; absent for jobs and the command line. */
  ip?: string;
  /**
   * The events that led to this change, oldest first, when it is a reaction (an automation, a
   * job acting on an event) rather than a person's request. Events written in this context carry
   * it, so a reaction can tell what caused it and stop a loop.
   */
  causes?: string[];
  /**
   * The access profile narrowing which records this member reaches, resolved once when the
   * request's context is built. Absent for owners, admins, members without a profile and the
   * system: they reach every record of the workspace.
   */
  access?: Access;
}

/** A member's profile and the members whose records their team scopes reach. */
export interface Access {
  profileId: string;
  rights: ProfileRights;
  /** The teams the member is in or leads. */
  teamIds: string[];
  /** Those teams and every team below them. */
  belowTeamIds: string[];
  /** The members of `teamIds` (managers included), and the member themself. */
  teamMemberIds: string[];
  /** The members of `belowTeamIds` (managers included), and the member themself. */
  belowMemberIds: string[];
}

/** The permission a route needs; `public` routes take no credentials at all. */
export type Permission = 'public' | 'read' | 'write' | 'admin' | 'owner';

const rank: Record<Role, number> = { 'read-only': 0, member: 1, admin: 2, owner: 3 };
const needed: Record<Exclude<Permission, 'public'>, number> = { read: 0, write: 1, admin: 2, owner: 3 };

export const roleAllows = (role: Role, permission: Exclude<Permission, 'public'>) => rank[role] >= needed[permission];

/** The weaker of two roles. */
export const lowerRole = (a: Role, b: Role): Role => (rank[a] <= rank[b] ? a : b);

export const systemCtx = (workspaceId: string, memberId: string): Ctx => ({
  workspaceId,
  memberId,
  actor: { type: 'system', id: null },
  role: 'owner',
  requestId: null,
});
