import { and, asc, eq, isNull, or, sql } from 'drizzle-orm';
import { uuidv7 } from 'uuidv7';
import { type Macro, type MacroChanges, type MacroCreate, type MacroUpdate, macroPlaceholders } from '../../../contract/desk.ts';
import type { Conn } from '../../db/client.ts';
import { type Ctx, roleAllows } from '../../http/context.ts';
import { type FieldError, forbidden, invalid, notFound } from '../../http/errors.ts';
import { checkVersion } from '../../records/crud.ts';
import { assertMembers } from '../auth/members.service.ts';
import { listTeams } from '../teams/teams.service.ts';
import { ticketMacros } from './desk.table.ts';

type Row = typeof ticketMacros.$inferSelect;

const toMacro = (r: Row): Macro => ({
  id: r.id,
  name: r.name,
  ownerId: r.ownerId,
  body: r.body,
  kind: r.kind,
  changes: r.changes,
  version: r.version,
  createdAt: r.createdAt.toISOString(),
  updatedAt: r.updatedAt.toISOString(),
});

/** `{{ name }}` in a macro's body; the name is checked against macroPlaceholders. */
const placeholder = /\{\{\s*([^{}]*?)\s*\}\}/g;
const known = new Set<string>(macroPlaceholders);

/**
 * Fills a macro's placeholders with plain text. The result is a message body, which every page
 * shows as text, so a requester named `<script>` stays a name; no template engine evaluates it.
 */
export function renderMacro(body: string, values: Partial<Record<(typeof macroPlaceholders)[number], string>>) {
  return body.replace(placeholder, (_, name: string) => (known.has(name) ? (values[name as keyof typeof values] ?? '') : ''));
}

/** The field changes of a macro or a bulk action: a tag not both added and removed, a team and an assignee of this workspace. */
export async function checkChanges(conn: Conn, ctx: Ctx, c: MacroChanges, field = 'body.changes') {
  const errors: FieldError[] = [];
  if (c.addTags && c.removeTags && c.addTags.some((t) => c.removeTags?.includes(t))) {
    errors.push({ field: `${field}.removeTags`, code: 'conflict', message: 'a tag cannot be both added and removed' });
  }
  if (c.teamId && !(await listTeams(conn, ctx)).some((t) => t.id === c.teamId?.toLowerCase())) {
    errors.push({ field: `${field}.teamId`, code: 'unknown_record', message: 'is not a team of this workspace' });
  }
  if (errors.length) throw invalid(errors);
  await assertMembers(conn, ctx, [{ field: `${field}.assigneeId`, id: c.assigneeId }]);
}

async function checkMacro(conn: Conn, ctx: Ctx, input: Partial<MacroCreate>) {
  const errors: FieldError[] = [];
  for (const m of (input.body ?? '').matchAll(placeholder)) {
    if (!known.has(m[1])) {
      errors.push({
        field: 'body.body',
        code: 'unknown_placeholder',
        message: `{{${m[1]}}} is not a placeholder (${macroPlaceholders.join(', ')})`,
      });
    }
  }
  if (errors.length) throw invalid(errors);
  await checkChanges(conn, ctx, input.changes ?? {});
}

/** Shared macros and the caller's own, by name. */
export async function listMacros(conn: Conn, ctx: Ctx) {
  const rows = await conn
    .select()
    .from(ticketMacros)
    .where(and(eq(ticketMacros.workspaceId, ctx.workspaceId), or(isNull(ticketMacros.ownerId), eq(ticketMacros.ownerId, ctx.memberId))))
    .orderBy(asc(ticketMacros.name), asc(ticketMacros.id));
  return rows.map(toMacro);
}

/** A macro the caller may use: shared, or their own. Another member's personal macro is not found. */
export async function findMacro(conn: Conn, ctx: Ctx, id: string, lock = false) {
  const q = conn
    .select()
    .from(ticketMacros)
    .where(
      and(
        eq(ticketMacros.workspaceId, ctx.workspaceId),
        eq(ticketMacros.id, id),
        or(isNull(ticketMacros.ownerId), eq(ticketMacros.ownerId, ctx.memberId)),
      ),
    );
  const [row] = await (lock ? q.for('update') : q);
  if (!row) throw notFound('Macro');
  return row;
}

/** Shared macros are the workspace's canned answers: admins manage them; anyone who writes keeps personal ones. */
function assertManage(ctx: Ctx, ownerId: string | null) {
  if (ownerId === null && !roleAllows(ctx.role, 'admin'))
    throw forbidden('Only admins manage shared macros; create a personal one instead');
}

export async function createMacro(conn: Conn, ctx: Ctx, input: MacroCreate) {
  const ownerId = input.personal ? ctx.memberId : null;
  assertManage(ctx, ownerId);
  await checkMacro(conn, ctx, input);
  const [row] = await conn
    .insert(ticketMacros)
    .values({
      workspaceId: ctx.workspaceId,
      id: uuidv7(),
      name: input.name,
      ownerId,
      body: input.body?.trim() ? input.body : null,
      kind: input.kind ?? 'reply',
      changes: input.changes ?? {},
    })
    .returning();
  return toMacro(row);
}

export async function updateMacro(conn: Conn, ctx: Ctx, id: string, input: MacroUpdate) {
  const before = await findMacro(conn, ctx, id, true);
  assertManage(ctx, before.ownerId);
  checkVersion('Macro', { version: before.version, deletedAt: null }, input.version);
  await checkMacro(conn, ctx, input);
  const [row] = await conn
    .update(ticketMacros)
    .set({
      ...(input.name !== undefined && { name: input.name }),
      ...(input.body !== undefined && { body: input.body?.trim() ? input.body : null }),
      ...(input.kind !== undefined && { kind: input.kind }),
      ...(input.changes !== undefined && { changes: input.changes }),
      version: sql`${ticketMacros.version} + 1`,
      updatedAt: sql`now()`,
    })
    .where(and(eq(ticketMacros.workspaceId, ctx.workspaceId), eq(ticketMacros.id, id)))
    .returning();
  return toMacro(row);
}

export async function deleteMacro(conn: Conn, ctx: Ctx, id: string) {
  const before = await findMacro(conn, ctx, id, true);
  assertManage(ctx, before.ownerId);
  await conn.delete(ticketMacros).where(and(eq(ticketMacros.workspaceId, ctx.workspaceId), eq(ticketMacros.id, id)));
}
