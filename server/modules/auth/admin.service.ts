import { and, desc, eq, isNull, ne, sql } from 'drizzle-orm';
import { uuidv7 } from 'uuidv7';
import type {
  ApiKey,
  ApiKeyCreate,
  Invitation,
  InvitationCreate,
  MemberUpdate,
  MyProfileUpdate,
  WorkspaceUpdate,
} from '../../../contract/auth.ts';
import type { Conn } from '../../db/client.ts';
import type { Ctx } from '../../http/context.ts';
import { AppError, conflict, forbidden, invalid, notFound } from '../../http/errors.ts';
import { isoDateTime } from '../../http/validation.ts';
import { diff } from '../../records/changes.ts';
import { recordChange } from '../history/history.service.ts';
import * as workspaces from '../workspaces/workspaces.service.ts';
import { INVITATION_TTL_MS, isTimeZone, toMember } from './auth.service.ts';
import { apiKeys, invitations, members, sessions } from './auth.table.ts';
import { normaliseRange } from './ip-ranges.ts';
import { revokeLiveLinks } from './reset.service.ts';
import { newApiKey, newToken } from './tokens.ts';

// Security-relevant changes (roles, keys, invitations, workspace settings) are written to the
// same history as records, under their own record types, so that an admin can audit them.

/** The workspace's settings, as an admin reads them (the rows are the workspaces module's). */
export const getWorkspace = (conn: Conn, ctx: Ctx) => workspaces.getWorkspace(conn, ctx);

/** Changes the workspace's settings: admins only (the route's permission); written to history. */
export const updateWorkspace = (conn: Conn, ctx: Ctx, version: number, input: Omit<WorkspaceUpdate, 'version'>) =>
  workspaces.updateWorkspace(conn, ctx, version, input);

async function memberRow(conn: Conn, ctx: Ctx, id: string) {
  const [m] = await conn
    .select()
    .from(members)
    .where(and(eq(members.workspaceId, ctx.workspaceId), eq(members.id, id)));
  if (!m) throw notFound('Member');
  return m;
}

/** Only an owner grants or takes away owner or admin; the last active owner always stays. */
export async function updateMember(conn: Conn, ctx: Ctx, id: string, input: MemberUpdate) {
  const m = await memberRow(conn, ctx, id);
  // Owners and admins are managed by owners only: an admin may not disable, rename or re-enable
  // another admin or an owner, nor grant either role.
  const powerful = m.role === 'owner' || m.role === 'admin' || input.role === 'owner' || input.role === 'admin';
  if (powerful && ctx.role !== 'owner') throw forbidden('Only an owner can change owners and admins');
  const demotes = m.role === 'owner' && ((input.role && input.role !== 'owner') || input.disabled);
  if (demotes) {
    // Lock the owners first: two owners demoting each other at once must not leave none.
    await conn
      .select({ id: members.id })
      .from(members)
      .where(and(eq(members.workspaceId, ctx.workspaceId), eq(members.role, 'owner')))
      .for('update');
    const [others] = await conn
      .select({ n: sql<number>`count(*)::int` })
      .from(members)
      .where(and(eq(members.workspaceId, ctx.workspaceId), eq(members.role, 'owner'), isNull(members.disabledAt), ne(members.id, id)));
    if (others.n === 0) throw conflict('last_owner', 'A workspace keeps at least one active owner');
  }
  const [after] = await conn
    .update(members)
    .set({
      ...(input.role ? { role: input.role } : {}),
      ...(input.name ? { name: input.name } : {}),
      ...(input.disabled !== undefined ? { disabledAt: input.disabled ? (m.disabledAt ?? new Date()) : null } : {}),
    })
    .where(and(eq(members.workspaceId, ctx.workspaceId), eq(members.id, id)))
    .returning();
  // A disabled member or a changed role ends every session (ASVS 7.4.2): the next request signs in anew.
  if (input.disabled || (input.role && input.role !== m.role)) {
    await conn.delete(sessions).where(and(eq(sessions.workspaceId, ctx.workspaceId), eq(sessions.memberId, id)));
  }
  // What they handed out on the strength of their role goes with it, like their API keys' rights:
  // pending invitations and live reset links they made are revoked, not merely held back.
  if (input.disabled || (input.role && rank(input.role) < rank(m.role))) await revokeHandedOut(conn, ctx, id);
  await recordChange(conn, ctx, 'member', id, 'update', diff(toMember(m), toMember(after)));
  return toMember(after);
}

export async function updateMyProfile(conn: Conn, ctx: Ctx, input: MyProfileUpdate) {
  if (input.timeZone && !isTimeZone(input.timeZone))
    throw invalid([{ field: 'body.timeZone', code: 'unknown_time_zone', message: 'is not an IANA time zone' }]);
  const m = await memberRow(conn, ctx, ctx.memberId);
  const [after] = await conn
    .update(members)
    .set(input)
    .where(and(eq(members.workspaceId, ctx.workspaceId), eq(members.id, ctx.memberId)))
    .returning();
  await recordChange(conn, ctx, 'member', m.id, 'update', diff(toMember(m), toMember(after)));
  return toMember(after);
}

const rank = (role: string) => ['read-only', 'member', 'admin', 'owner'].indexOf(role);

async function revokeHandedOut(conn: Conn, ctx: Ctx, memberId: string) {
  await conn
    .update(invitations)
    .set({ revokedAt: sql`now()` })
    .where(
      and(
        eq(invitations.workspaceId, ctx.workspaceId),
        eq(invitations.invitedBy, memberId),
        isNull(invitations.acceptedAt),
        isNull(invitations.revokedAt),
      ),
    );
  await revokeLiveLinks(conn, ctx, { createdBy: memberId });
}

const toInvitation = (r: typeof invitations.$inferSelect, token?: string): Invitation => ({
  id: r.id,
  email: r.email,
  role: r.role,
  invitedBy: r.invitedBy,
  createdAt: r.createdAt.toISOString(),
  expiresAt: r.expiresAt.toISOString(),
  acceptedAt: r.acceptedAt?.toISOString() ?? null,
  ...(token ? { token } : {}),
});

export async function listInvitations(conn: Conn, ctx: Ctx) {
  const rows = await conn
    .select()
    .from(invitations)
    .where(and(eq(invitations.workspaceId, ctx.workspaceId), isNull(invitations.revokedAt)))
    .orderBy(desc(invitations.createdAt));
  return rows.map((r) => toInvitation(r));
}

export async function createInvitation(conn: Conn, ctx: Ctx, input: InvitationCreate) {
  if (input.role === 'admin' && ctx.role !== 'owner') throw forbidden('Only an owner can invite admins');
  const email = input.email.toLowerCase();
  const [existing] = await conn
    .select({ id: members.id })
    .from(members)
    .where(and(eq(members.workspaceId, ctx.workspaceId), eq(members.email, email)));
  if (existing) throw conflict('already_member', 'This person is already a member');
  const { token, hash } = newToken(ctx.workspaceId);
  const [row] = await conn
    .insert(invitations)
    .values({
      workspaceId: ctx.workspaceId,
      id: uuidv7(),
      email,
      role: input.role,
      tokenHash: hash,
      invitedBy: ctx.memberId,
      expiresAt: new Date(Date.now() + INVITATION_TTL_MS),
    })
    .returning();
  await recordChange(conn, ctx, 'invitation', row.id, 'create', [{ field: null, old: null, new: toInvitation(row) }]);
  return toInvitation(row, token);
}

export async function revokeInvitation(conn: Conn, ctx: Ctx, id: string) {
  const [row] = await conn
    .update(invitations)
    .set({ revokedAt: sql`now()` })
    .where(and(eq(invitations.workspaceId, ctx.workspaceId), eq(invitations.id, id), isNull(invitations.revokedAt)))
    .returning();
  if (!row) throw notFound('Invitation');
  await recordChange(conn, ctx, 'invitation', id, 'delete', [{ field: null, old: null, new: null }]);
  return toInvitation(row);
}

const toApiKey = (r: typeof apiKeys.$inferSelect, key?: string): ApiKey => ({
  id: r.id,
  name: r.name,
  prefix: r.prefix,
  role: r.role,
  scopes: r.scopes,
  allowedIps: r.allowedIps,
  createdBy: r.createdBy,
  createdAt: r.createdAt.toISOString(),
  expiresAt: r.expiresAt?.toISOString() ?? null,
  lastUsedAt: r.lastUsedAt?.toISOString() ?? null,
  revokedAt: r.revokedAt?.toISOString() ?? null,
  ...(key ? { key } : {}),
});

export async function listApiKeys(conn: Conn, ctx: Ctx) {
  const rows = await conn.select().from(apiKeys).where(eq(apiKeys.workspaceId, ctx.workspaceId)).orderBy(desc(apiKeys.createdAt));
  return rows.map((r) => toApiKey(r));
}

/** A key's scopes as given, each checked against the objects the API has; `all` alone when none are given. */
function checkScopes(scopes: string[] | undefined, objects: readonly string[]) {
  if (!scopes) return ['all'];
  const errors = scopes.flatMap((scope, i) => {
    const [object, right, ...rest] = scope.split(':');
    if (scope === 'all' || (objects.includes(object) && (right === 'read' || right === 'write') && !rest.length)) return [];
    return [
      {
        field: `body.scopes.${i}`,
        code: 'unknown_scope',
        message: `"${scope}" is not a scope: use all, or <object>:read or <object>:write`,
      },
    ];
  });
  if (errors.length) throw invalid(errors);
  return [...new Set(scopes)];
}

function checkIpRanges(ranges: string[] | undefined) {
  const out = (ranges ?? []).map((r) => normaliseRange(r));
  const errors = out.flatMap((r, i) =>
    r ? [] : [{ field: `body.allowedIps.${i}`, code: 'invalid_cidr', message: 'is not an IP address or CIDR range' }],
  );
  if (errors.length) throw invalid(errors);
  return [...new Set(out as string[])];
}

/**
 * The key is returned once, here; only its hash is kept. A key never outranks the member who made
 * it. `scopeObjects` are the objects of the route table (http/api-scopes.ts).
 */
export async function createApiKey(conn: Conn, ctx: Ctx, input: ApiKeyCreate, scopeObjects: readonly string[]) {
  if (input.role === 'admin' && ctx.role !== 'owner' && ctx.role !== 'admin') throw forbidden();
  const expires = input.expiresAt ? isoDateTime(input.expiresAt) : null;
  if (input.expiresAt && !expires) {
    throw invalid([{ field: 'body.expiresAt', code: 'invalid_date', message: 'is not a date-time we can store' }]);
  }
  if (expires && Date.parse(expires) <= Date.now()) {
    throw invalid([{ field: 'body.expiresAt', code: 'in_past', message: 'must be in the future' }]);
  }
  const scopes = checkScopes(input.scopes, scopeObjects);
  const allowedIps = checkIpRanges(input.allowedIps);
  if (ctx.actor.type === 'api_key') throw new AppError(403, 'forbidden', 'An API key cannot create API keys');
  const { key, hash, prefix } = newApiKey(ctx.workspaceId);
  const [row] = await conn
    .insert(apiKeys)
    .values({
      workspaceId: ctx.workspaceId,
      id: uuidv7(),
      name: input.name,
      prefix,
      tokenHash: hash,
      role: input.role,
      scopes,
      allowedIps,
      createdBy: ctx.memberId,
      expiresAt: expires ? new Date(expires) : null,
    })
    .returning();
  await recordChange(conn, ctx, 'api_key', row.id, 'create', [{ field: null, old: null, new: toApiKey(row) }]);
  return toApiKey(row, key);
}

export async function revokeApiKey(conn: Conn, ctx: Ctx, id: string) {
  const [row] = await conn
    .update(apiKeys)
    // The time comes from the app: Citus refuses now() inside COALESCE on a distributed table.
    .set({ revokedAt: sql`coalesce(${apiKeys.revokedAt}, ${new Date().toISOString()}::timestamptz)` })
    .where(and(eq(apiKeys.workspaceId, ctx.workspaceId), eq(apiKeys.id, id)))
    .returning();
  if (!row) throw notFound('API key');
  await recordChange(conn, ctx, 'api_key', id, 'delete', [{ field: null, old: null, new: null }]);
  return toApiKey(row);
}
