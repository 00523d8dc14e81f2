import { and, asc, eq, sql } from 'drizzle-orm';
import { uuidv7 } from 'uuidv7';
import type { AccessProfile, AccessProfileCreate, AccessProfileUpdate, ProfileRights } from '../../../contract/access.ts';
import type { Conn } from '../../db/client.ts';
import type { Ctx } from '../../http/context.ts';
import { conflict, invalid, notFound } from '../../http/errors.ts';
import { checkVersion, metaToApi } from '../../records/crud.ts';
import { memberRoles } from '../auth/members.service.ts';
import { accessProfiles, memberProfiles } from './profiles.table.ts';

type Row = typeof accessProfiles.$inferSelect;

const toProfile = (r: Row, memberIds: string[]): AccessProfile => ({
  ...metaToApi({ ...r, deletedAt: null }),
  name: r.name,
  description: r.description,
  rights: r.rights,
  memberIds,
});

/**
 * Refuses rights for an object type the registry does not know (a typo would otherwise leave that
 * object closed without anyone noticing). 422 naming body.rights.<type>.
 */
async function checkRights(rights: ProfileRights) {
  // Imported when called: the registry imports the modules, and this module is imported by auth.
  const { objectDefs } = await import('../registry.ts');
  const unknown = Object.keys(rights).filter((k) => !Object.hasOwn(objectDefs, k));
  if (unknown.length) {
    throw invalid(
      unknown.map((k) => ({
        field: `body.rights.${k}`,
        code: 'unknown_object',
        message: `is not an object type (one of: ${Object.keys(objectDefs).join(', ')})`,
      })),
    );
  }
  // A rule names a field of the object as answers carry it (or a custom field, `custom.<key>`, whose definitions may
  // come later); the id and version are what every answer is built around, never hidden.
  const known = (type: string, f: string) => {
    const def = objectDefs[type];
    if (f === 'id' || f === 'version') return false;
    if (f.startsWith('custom.')) return def.hasCustom;
    return (def.apiFields ?? []).includes(f);
  };
  const badFields = Object.entries(rights).flatMap(([type, r]) =>
    Object.keys(r.fields ?? {})
      .filter((f) => !known(type, f))
      .map((f) => ({
        field: `body.rights.${type}.fields.${f}`,
        code: 'unknown_field',
        message: `is not a field of ${type} a role can restrict`,
      })),
  );
  if (badFields.length) throw invalid(badFields);
}

async function holders(conn: Conn, ctx: Ctx) {
  const rows = await conn
    .select()
    .from(memberProfiles)
    .where(eq(memberProfiles.workspaceId, ctx.workspaceId))
    .orderBy(asc(memberProfiles.memberId));
  const out = new Map<string, string[]>();
  for (const r of rows) out.set(r.profileId, [...(out.get(r.profileId) ?? []), r.memberId]);
  return out;
}

export async function listProfiles(conn: Conn, ctx: Ctx): Promise<AccessProfile[]> {
  const rows = await conn
    .select()
    .from(accessProfiles)
    .where(eq(accessProfiles.workspaceId, ctx.workspaceId))
    .orderBy(asc(accessProfiles.name), asc(accessProfiles.id));
  const held = await holders(conn, ctx);
  return rows.map((r) => toProfile(r, held.get(r.id) ?? []));
}

async function findProfile(conn: Conn, ctx: Ctx, id: string, lock = false): Promise<Row> {
  const q = conn
    .select()
    .from(accessProfiles)
    .where(and(eq(accessProfiles.workspaceId, ctx.workspaceId), eq(accessProfiles.id, id)));
  const [row] = await (lock ? q.for('update') : q);
  if (!row) throw notFound('Role');
  return row;
}

export async function getProfile(conn: Conn, ctx: Ctx, id: string) {
  return toProfile(await findProfile(conn, ctx, id), (await holders(conn, ctx)).get(id) ?? []);
}

export async function createProfile(conn: Conn, ctx: Ctx, input: AccessProfileCreate) {
  await checkRights(input.rights);
  const [row] = await conn
    .insert(accessProfiles)
    .values({
      workspaceId: ctx.workspaceId,
      id: uuidv7(),
      name: input.name,
      description: input.description ?? null,
      rights: input.rights,
      createdBy: ctx.memberId,
    })
    .returning();
  return toProfile(row, []);
}

export async function updateProfile(conn: Conn, ctx: Ctx, id: string, version: number, input: Omit<AccessProfileUpdate, 'version'>) {
  const before = await findProfile(conn, ctx, id, true);
  checkVersion('Role', { ...before, deletedAt: null }, version);
  if (input.rights) await checkRights(input.rights);
  const [row] = await conn
    .update(accessProfiles)
    .set({
      ...(input.name !== undefined ? { name: input.name } : {}),
      ...(input.description !== undefined ? { description: input.description } : {}),
      ...(input.rights !== undefined ? { rights: input.rights } : {}),
      version: sql`${accessProfiles.version} + 1`,
      updatedAt: sql`now()`,
    })
    .where(and(eq(accessProfiles.workspaceId, ctx.workspaceId), eq(accessProfiles.id, id)))
    .returning();
  return toProfile(row, (await holders(conn, ctx)).get(id) ?? []);
}

/** Deletes a role nobody holds; one still held is refused (409 naming how many hold it). */
export async function deleteProfile(conn: Conn, ctx: Ctx, id: string, version: number | undefined) {
  const before = await findProfile(conn, ctx, id, true);
  checkVersion('Role', { ...before, deletedAt: null }, version);
  const held = (await holders(conn, ctx)).get(id) ?? [];
  if (held.length) {
    throw conflict('role_in_use', `${held.length} member(s) hold this role: give them another role or none first`, { memberIds: held });
  }
  await conn.delete(accessProfiles).where(and(eq(accessProfiles.workspaceId, ctx.workspaceId), eq(accessProfiles.id, id)));
  return toProfile(before, []);
}

/**
 * Gives a member a role (or none, with null). Owners and admins are refused one: they manage
 * roles, and a role that narrowed them could leave the workspace with nobody able to undo it (a
 * lock-out). Keeping them unrestricted by construction means no change of a role can lock every
 * admin out; the last owner is kept by the member routes (admin.service.ts).
 */
export async function setMemberProfile(conn: Conn, ctx: Ctx, memberId: string, profileId: string | null) {
  const [member] = await memberRoles(conn, ctx, [memberId]);
  if (!member) throw notFound('Member');
  if (profileId === null) {
    await conn.delete(memberProfiles).where(and(eq(memberProfiles.workspaceId, ctx.workspaceId), eq(memberProfiles.memberId, memberId)));
    return { memberId, profileId };
  }
  if (member.role === 'owner' || member.role === 'admin') {
    throw invalid(
      [{ field: 'body.profileId', code: 'role_lockout', message: `an ${member.role} is never narrowed by a role` }],
      'Owners and admins keep full access so that someone can always manage roles; change their role to member first',
    );
  }
  const [found] = await conn
    .select({ id: accessProfiles.id })
    .from(accessProfiles)
    .where(and(eq(accessProfiles.workspaceId, ctx.workspaceId), eq(accessProfiles.id, profileId)));
  if (!found) throw invalid([{ field: 'body.profileId', code: 'unknown_role', message: 'is not a role of this workspace' }]);
  await conn
    .insert(memberProfiles)
    .values({ workspaceId: ctx.workspaceId, memberId, profileId })
    .onConflictDoUpdate({ target: [memberProfiles.workspaceId, memberProfiles.memberId], set: { profileId } });
  return { memberId, profileId };
}
