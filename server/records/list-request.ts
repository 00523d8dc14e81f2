import type { Conn } from '../db/client.ts';
import type { Ctx } from '../http/context.ts';
import { badRequest } from '../http/errors.ts';
import { parseFilter } from './filter.ts';
import type { ListInput } from './list.ts';
import type { ObjectDef } from './object-def.ts';
import { ports } from './ports.ts';

/**
 * The API fields behind asked-for names: API fields as they are, a derived column (a contact's
 * `name`) as the fields it reads. Unknown names are a 400 naming them.
 */
export function expandFields(def: ObjectDef, fields: string) {
  const names = fields
    .split(',')
    .map((f) => f.trim())
    .filter(Boolean);
  const out: string[] = [];
  for (const n of names) {
    const derived = def.derivedColumns && Object.hasOwn(def.derivedColumns, n) ? def.derivedColumns[n] : undefined;
    if (derived) out.push(...derived);
    else if (def.apiFields?.includes(n) || /^custom\.[a-z][a-z0-9_]*$/.test(n)) out.push(n);
    else throw badRequest('query.fields', 'unknown_field', `"${n}" is not a field of ${def.label.toLowerCase()}`);
  }
  return [...new Set(out)];
}

/** Keeps only the asked-for fields of each record; `id` and `version` always come along. */
export function pickFields(def: ObjectDef, fields: string | undefined) {
  if (!fields) return <T>(x: T) => x;
  const names = expandFields(def, fields);
  const top = new Set(['id', 'version', ...names.map((n) => n.split('.')[0])]);
  return <T extends Record<string, unknown>>(x: T) => Object.fromEntries(Object.entries(x).filter(([k]) => top.has(k))) as T;
}

/**
 * What a list request asks for once a saved view is applied: the view's filter (and the request's,
 * both must hold), its sort and columns unless the request names its own. Lists and exports read
 * their records through this, so an export holds exactly what the list shows.
 */
export async function listInputOf(
  conn: Conn,
  ctx: Ctx,
  def: ObjectDef,
  q: { filter?: string; sort?: string; fields?: string; view?: string; deleted?: boolean; limit?: number; cursor?: string },
): Promise<{ input: ListInput; fields: string | undefined }> {
  let { filter, sort, fields }: { filter?: unknown; sort?: string; fields?: string } = q;
  if (q.view) {
    const view = await ports().resolveView(conn, ctx, def.fieldsKey ?? def.type, q.view);
    if (view.filter) filter = filter ? { and: [view.filter, parseFilter(String(filter))] } : view.filter;
    sort ??= view.sort ?? undefined;
    fields ??= view.columns?.join(',') || undefined;
  }
  return { input: { limit: q.limit, cursor: q.cursor, filter, sort, deleted: q.deleted }, fields };
}
