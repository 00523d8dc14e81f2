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
