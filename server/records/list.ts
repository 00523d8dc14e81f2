import { and, eq, isNotNull, isNull, type SQL, sql } from 'drizzle-orm';
import { type Conn, type Db, statementName } from '../db/client.ts';
import type { Ctx } from '../http/context.ts';
import { badRequest } from '../http/errors.ts';
import { isIsoDate, isStorableText } from '../http/validation.ts';
import { castOf, compileFilter, parseFilter } from './filter.ts';
import { builtInField, type FieldSpec, type ObjectDef, type ProjectionSql, projectionFor } from './object-def.ts';
import { ports } from './ports.ts';
import { visibleWhere } from './visibility.ts';

export interface ListInput {
  limit?: number;
  cursor?: string;
  /** JSON text (from a query string) or an already parsed AST (from a saved view). */
  filter?: string | unknown;
  sort?: string;
  deleted?: boolean;
  /** Conditions the module adds (e.g. tasks of one assignee); already bound SQL. */
  where?: SQL;
  /**
   * Related data to read in the same query, per row (e.g. a contact's companies as a json
   * aggregate): one round trip for the page instead of two.
   */
  with?: Record<string, SQL>;
}

interface SortKey {
  name: string;
  spec: Pick<FieldSpec, 'sql' | 'notNull' | 'kind'>;
  desc: boolean;
}

export const MAX_SORT_KEYS = 3;

export function parseSort(def: ObjectDef, text: string | undefined, field: (n: string) => FieldSpec | undefined) {
  const names = (text || def.defaultSort)
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (names.length > MAX_SORT_KEYS) throw badRequest('query.sort', 'sort_too_long', `sort by at most ${MAX_SORT_KEYS} fields`);
  const keys: SortKey[] = names.map((raw) => {
    const desc = raw.startsWith('-');
    const name = desc ? raw.slice(1) : raw;
    const spec = field(name);
    if (!spec || spec.sortable === false || spec.kind === 'multiselect' || spec.kind === 'labeledValues') {
      throw badRequest('query.sort', 'unknown_sort_field', `"${name}" is not a field you can sort by`);
    }
    return { name, spec, desc };
  });
  // The id breaks ties; it follows the last key's direction so that one index scan serves the query.
  keys.push({ name: 'id', spec: { sql: def.table.id, notNull: true, kind: 'uuid' }, desc: keys.at(-1)?.desc ?? false });
  return keys;
}

function orderBy(k: SortKey): SQL {
  // A NOT NULL expression keeps plain ASC/DESC so that it matches a b-tree index; otherwise empty values sort last.
  if (k.spec.notNull) return k.desc ? sql`${k.spec.sql} desc` : sql`${k.spec.sql} asc`;
  return k.desc ? sql`${k.spec.sql} desc nulls last` : sql`${k.spec.sql} asc nulls last`;
}

/** Row comparison `(a, b, id) < (…)`: one index range condition, fast on deep pages. */
function rowAfter(keys: SortKey[], values: (string | null)[]): SQL {
  const lhs = sql.join(
    keys.map((k) => sql`${k.spec.sql}`),
    sql`, `,
  );
  const rhs = sql.join(
    values.map((v, i) => cast(keys[i], v)),
    sql`, `,
  );
  return keys[0].desc ? sql`(${lhs}) < (${rhs})` : sql`(${lhs}) > (${rhs})`;
}

/** The condition "row comes after the cursor" for a keyset over `keys`, with empty values last. */
function after(keys: SortKey[], values: (string | null)[]): SQL {
  const uniform = keys.every((k) => k.spec.notNull && k.desc === keys[0].desc);
  if (uniform && values.every((v) => v !== null)) return rowAfter(keys, values);
  const ors: SQL[] = [];
  for (let i = 0; i < keys.length; i++) {
    const eqs = keys
      .slice(0, i)
      .map((k, j) => (values[j] === null ? sql`${k.spec.sql} is null` : sql`${k.spec.sql} = ${cast(k, values[j])}`));
    const k = keys[i];
    const v = values[i];
    if (v === null) continue; // nothing sorts after an empty value within the same key
    const beyond = k.desc ? sql`${k.spec.sql} < ${cast(k, v)}` : sql`${k.spec.sql} > ${cast(k, v)}`;
    const step = k.spec.notNull ? beyond : sql`(${beyond} or ${k.spec.sql} is null)`;
    ors.push(eqs.length ? sql`(${sql.join([...eqs, step], sql` and `)})` : step);
  }
  return ors.length ? sql`(${sql.join(ors, sql` or `)})` : sql`false`;
}

/** Cursor values travel as text and are cast back to the type of the expression they compare with. */
const cast = (k: SortKey, v: string | null) => sql`${v}::${sql.raw(castOf[k.spec.kind] ?? 'text')}`;

function encodeCursor(values: (string | null)[]) {
  return Buffer.from(JSON.stringify(values)).toString('base64url');
}

/** Whether a cursor value (text, as PostgreSQL printed it) can be cast back to the key's type. */
function fits(k: SortKey, v: string | null) {
  if (v === null) return !k.spec.notNull;
  if (v.length > 500 || !isStorableText(v)) return false;
  switch (k.spec.kind) {
    case 'number':
      return /^-?\d{1,400}(\.\d{1,400})?$/.test(v);
    case 'boolean':
      return v === 'true' || v === 'false';
    case 'date':
      return isIsoDate(v);
    case 'datetime':
      // PostgreSQL prints `2025-02-01 00:00:00.5+00`; JavaScript parses it once the offset has minutes.
      return (
        /^\d{4}-\d{2}-\d{2} ([01]\d|2[0-3]):[0-5]\d:[0-5]\d(\.\d{1,6})?[+-]\d{2}(:\d{2})?$/.test(v) &&
        isIsoDate(v.slice(0, 10)) &&
        !Number.isNaN(Date.parse(v.replace(' ', 'T').replace(/([+-]\d{2})$/, '$1:00')))
      );
    case 'uuid':
      return /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(v);
    default:
      return true;
  }
}

function decodeCursor(text: string, keys: SortKey[]): (string | null)[] {
  try {
    const v = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
    if (Array.isArray(v) && v.length === keys.length && v.every((x, i) => (x === null || typeof x === 'string') && fits(keys[i], x)))
      return v;
  } catch {}
  throw badRequest('query.cursor', 'bad_cursor', 'cursor is not one this list gave out (was the sort changed?)');
}

/**
 * Which records a list holds, whatever page: tenant-scoped, trash excluded unless asked, the
 * object's scope, the records the request may see (visibility.ts), the module's own condition
 * and the filter. The page and the count both read
 * these, so a count never disagrees with the list it counts.
 */
export function listConditions(ctx: Ctx, def: ObjectDef, input: ListInput, field: (n: string) => FieldSpec | undefined) {
  const t = def.table;
  const conds: (SQL | undefined)[] = [
    sql`${t.workspaceId} = ${ctx.workspaceId}`,
    input.deleted ? isNotNull(t.deletedAt) : isNull(t.deletedAt),
    def.scope,
    visibleWhere(ctx, def, 'read'),
    input.where,
  ];
  if (input.filter !== undefined && input.filter !== null && input.filter !== '') {
    const ast = typeof input.filter === 'string' ? parseFilter(input.filter) : input.filter;
    conds.push(compileFilter(ast, { field, memberId: ctx.memberId }));
  }
  return conds;
}

/**
 * One page of a record list: the list's conditions, sorted, and paged by keyset so that page
 * 1,000 costs what page 1 costs. Conditions, sort keys and cursor columns are shared by the row
 * and the JSON readers.
 */
function pageQuery(ctx: Ctx, def: ObjectDef, input: ListInput, field: (n: string) => FieldSpec | undefined) {
  const keys = parseSort(def, input.sort, field);
  const conds = listConditions(ctx, def, input, field);
  let split: { first: SQL; rest: SQL } | undefined;
  if (input.cursor) {
    const values = decodeCursor(input.cursor, keys);
    const [k0, ...others] = keys;
    if (!k0.spec.notNull && values.every((v) => v !== null) && others.every((k) => k.spec.notNull && k.desc === k0.desc)) {
      // "After (v, id), empty values last" is `(x, id) < (v, id) OR x IS NULL`, and the OR makes the
      // database walk the index from the top and filter (page 100 read 5,000 rows). As two queries,
      // the rows with a value after the cursor and then the empty ones, each is one index range.
      split = { first: rowAfter(keys, values), rest: sql`${k0.spec.sql} is null` };
    } else conds.push(after(keys, values));
  }
  // Sort values are selected as text so that the cursor keeps full precision (timestamps carry microseconds).
  const cursorCols = Object.fromEntries(keys.map((k, i) => [`_k${i}`, sql<string | null>`(${k.spec.sql})::text`]));
  const limit = input.limit ?? 50;
  const finish = <R extends Record<string, unknown>>(rows: R[]) => {
    const more = rows.length > limit;
    const page = more ? rows.slice(0, limit) : rows;
    const last = page.at(-1);
    return { page, nextCursor: more && last ? encodeCursor(keys.map((_, i) => last[`_k${i}`] as string | null)) : null };
  };
  /** Runs the page query (`run` adds a condition to it): once, or in the two parts of a split keyset. */
  const fetch = async <R>(run: (extra?: SQL) => Promise<R[]>): Promise<R[]> => {
    if (!split) return run();
    const first = await run(split.first);
    if (first.length > limit) return first;
    return [...first, ...(await run(split.rest))].slice(0, limit + 1);
  };
  return { where: and(...conds), order: keys.map(orderBy), cursorCols, limit, finish, fetch };
}

export async function listRows<Row>(
  conn: Conn,
  ctx: Ctx,
  def: ObjectDef,
  input: ListInput,
  field: (n: string) => FieldSpec | undefined,
): Promise<{ rows: Row[]; extras: Record<string, unknown>[]; nextCursor: string | null }> {
  const q = pageQuery(ctx, def, input, field);
  const withCols = Object.fromEntries(Object.entries(input.with ?? {}).map(([k, v]) => [`_w_${k}`, v]));
  const rows = await q.fetch(
    async (extra) =>
      (await conn
        .select({ row: def.table, ...q.cursorCols, ...withCols } as never)
        .from(def.table)
        .where(extra ? and(q.where, extra) : q.where)
        .orderBy(...q.order)
        .limit(q.limit + 1)) as unknown as ({ row: Row } & Record<string, unknown>)[],
  );
  const { page, nextCursor } = q.finish(rows);
  const extraNames = Object.keys(input.with ?? {});
  return {
    rows: page.map((r) => r.row),
    extras: page.map((r) => Object.fromEntries(extraNames.map((k) => [k, r[`_w_${k}`]]))),
    nextCursor,
  };
}

/**
 * The field lookup of a list. Custom field definitions cost a query and most lists name no custom
 * field, so they are loaded only when the filter or sort mentions one.
 */
export async function fieldsFor(conn: Conn, ctx: Ctx, def: ObjectDef, input: ListInput) {
  const named = `${typeof input.filter === 'string' ? input.filter : JSON.stringify(input.filter ?? null)} ${input.sort ?? ''}`;
  if (named.includes('custom.')) return ports().fieldLookup(conn, ctx, def);
  return (n: string) => builtInField(def, n);
}

/**
 * A row as a json value, key by key from a projection for workspace `ws` (optionally only some
 * keys): for nesting in bigger JSON. `build` is json_build_object, or jsonb_build_object for events.
 */
export function projectionObject(
  projection: Record<string, ProjectionSql>,
  ws: SQL,
  only?: ReadonlySet<string>,
  build: 'json' | 'jsonb' = 'json',
) {
  const pairs = Object.entries(projectionFor(projection, ws)).filter(([k]) => !only || only.has(k));
  return sql`${sql.raw(`${build}_build_object`)}(${sql.join(
    pairs.map(([k, v]) => sql`${sql.raw(`'${k}'`)}, ${v}`),
    sql`, `,
  )})`;
}

/** A row as JSON text, key by key from a projection (optionally only some keys). */
const projectionJson = (projection: Record<string, ProjectionSql>, ws: SQL, only?: ReadonlySet<string>) =>
  sql<string>`${projectionObject(projection, ws, only)}::text`;

/**
 * A page as JSON text built by PostgreSQL from the object's projection, ready to send. No row
 * becomes a JavaScript object: on the hot list path that allocation, not SQL, was most of the
 * cost (see bench/RESULTS.md). `only` limits the keys (the `fields=` parameter).
 */
export async function listJson(conn: Conn, ctx: Ctx, def: ObjectDef, input: ListInput, only?: ReadonlySet<string>) {
  if (!def.projection) throw new Error(`${def.type} has no projection`);
  const field = await fieldsFor(conn, ctx, def, input);
  const q = pageQuery(ctx, def, input, field);
  const json = projectionJson(def.projection, sql`${ctx.workspaceId}`, only);
  const rows = await q.fetch(
    async (extra) =>
      (await conn
        .select({ _json: json, ...q.cursorCols } as never)
        .from(def.table)
        .where(extra ? and(q.where, extra) : q.where)
        .orderBy(...q.order)
        .limit(q.limit + 1)) as unknown as Record<string, unknown>[],
  );
  const { page, nextCursor } = q.finish(rows);
  return { json: `[${page.map((r) => r._json).join(',')}]`, count: page.length, nextCursor };
}

/** listRows with the object's built-in and custom fields resolved, mapped to the API shape. */
export async function listRecords<Row, A>(
  conn: Conn,
  ctx: Ctx,
  def: ObjectDef,
  input: ListInput,
  toApi: (r: Row, extra: Record<string, unknown>) => A,
) {
  const field = await fieldsFor(conn, ctx, def, input);
  const page = await listRows<Row>(conn, ctx, def, input, field);
  return { data: page.rows.map((r, i) => toApi(r, page.extras[i])), nextCursor: page.nextCursor };
}

const readers = new WeakMap<Db, Map<string, ReturnType<typeof prepareRead>>>();

function prepareRead(db: Db, def: ObjectDef) {
  const t = def.table;
  const json = projectionJson(def.projection ?? {}, sql`${sql.placeholder('workspaceId')}`);
  return db
    .select({ json, version: t.version })
    .from(t)
    .where(and(eq(t.workspaceId, sql.placeholder('workspaceId')), eq(t.id, sql.placeholder('id'))))
    .prepare(statementName(db, `rapport_read_${def.type}`));
}

/**
 * One record as JSON text built by PostgreSQL from the projection, with its version (for the
 * ETag). Prepared once per database and object type: record pages read this on every view.
 */
export async function readJson(db: Db, ctx: Ctx, def: ObjectDef, id: string) {
  if (!def.projection) throw new Error(`${def.type} has no projection`);
  const visible = visibleWhere(ctx, def, 'read');
  if (def.scope || visible) {
    // A scoped object (a custom object's records) differs per workspace, and a member narrowed by a
    // profile sees only some records: no statement to prepare once for either.
    const t = def.table;
    const [row] = (await db
      .select({ json: projectionJson(def.projection, sql`${ctx.workspaceId}`), version: t.version })
      .from(t)
      .where(and(eq(t.workspaceId, ctx.workspaceId), eq(t.id, id), def.scope, visible))) as { json: string; version: number }[];
    return row ?? null;
  }
  let byType = readers.get(db);
  if (!byType) {
    byType = new Map();
    readers.set(db, byType);
  }
  let read = byType.get(def.type);
  if (!read) {
    read = prepareRead(db, def);
    byType.set(def.type, read);
  }
  const [row] = (await read.execute({ workspaceId: ctx.workspaceId, id })) as { json: string; version: number }[];
  return row ?? null;
}
