import { getTableName, type SQL, sql } from 'drizzle-orm';
import type { PgColumn } from 'drizzle-orm/pg-core';
import type { TObject } from 'typebox';
import { BulkUpdate, type BulkUpdateInput, BulkUpdateResult, pickSet } from '../../contract/bulk.ts';
import { type Conn, pgArray, selectRows } from '../db/client.ts';
import type { Ctx } from '../http/context.ts';
import { badRequest, conflict, invalid } from '../http/errors.ts';
import type { App } from '../http/typed-app.ts';
import type { FieldChange } from './changes.ts';
import { compileFilter } from './filter.ts';
import { builtInField, columnsOf, isoTimestamp, type ObjectDef } from './object-def.ts';
import { ports } from './ports.ts';
import { ruleSql } from './rules.ts';
import { eventsOfWritten } from './set-writes.ts';
import { assertAction, visibleWhere } from './visibility.ts';

/** One column a bulk update writes: the field's API name, its column, and its new value as SQL (which may read the old row `t`). */
interface Assignment {
  field: string;
  column: string;
  kind: string;
  next: SQL;
}

/** Records a rule refuses the change for (the old row is `t`): any in the selection refuses the whole request with 409. */
interface Refusal {
  when: SQL;
  code: string;
  message: (n: number) => string;
}

const castOf: Record<string, string> = { uuid: 'uuid', boolean: 'boolean', enum: 'text', text: 'text' };

function columnOf(def: ObjectDef, field: string) {
  const spec = builtInField(def, field);
  if (!spec) throw new Error(`${def.type}.${field} is not a field`);
  return { column: (spec.sql as PgColumn).name, kind: spec.kind };
}

/** A column a rule writes, by its key in the table (a rule may write columns that are no filterable field, such as closeReason). */
function ruleColumn(def: ObjectDef, key: string) {
  const column = Object.hasOwn(columnsOf(def), key) ? columnsOf(def)[key] : undefined;
  if (!column) throw new Error(`${def.type} has no column ${key}`);
  const kind = builtInField(def, key)?.kind ?? (column.columnType === 'PgTimestamp' ? 'datetime' : 'text');
  return { column: column.name, kind };
}

/** A value a bulk update sets, as SQL of its field's type. */
export function setValue(def: ObjectDef, field: string, value: unknown) {
  return sql`${value}::${sql.raw(castOf[columnOf(def, field).kind] ?? 'text')}`;
}

/** The value as the API shows it, as jsonb (timestamps as JavaScript's toISOString writes them). */
const apiJson = (kind: string, e: SQL) => (kind === 'datetime' ? sql`to_jsonb(${isoTimestamp(e)})` : sql`to_jsonb(${e})`);

/** Owners and assignees must be active members of this workspace; a foreign or disabled one is a 422 with nothing written. */
async function checkMembers(conn: Conn, ctx: Ctx, def: ObjectDef, set: Record<string, unknown>) {
  for (const [field, value] of Object.entries(set)) {
    if (!builtInField(def, field)?.member || value === null) continue;
    const [found] = await selectRows<{ n: number }>(
      conn,
      sql`select count(*)::int as n from members where workspace_id = ${ctx.workspaceId} and id = ${value as string}::uuid and disabled_at is null`,
    );
    if (!found.n) {
      throw invalid([{ field: `body.set.${field}`, code: 'unknown_member', message: 'is not an active member of this workspace' }]);
    }
  }
}

/** The filter's condition; custom field definitions are loaded only when the filter names one. */
async function filterCondition(conn: Conn, ctx: Ctx, def: ObjectDef, filter: unknown) {
  const field = JSON.stringify(filter).includes('custom.')
    ? await ports().fieldLookup(conn, ctx, def)
    : (n: string) => builtInField(def, n);
  return compileFilter(filter, { field, memberId: ctx.memberId }, 'body.filter');
}

/**
 * Sets a few fields on many records of one type at once: every record named by `ids` or matched
 * by `filter`, of this workspace and not in the trash. Two set-based statements: one locks the
 * records, the other updates those whose value changes (version + 1, updated_at) and writes their
 * history rows (one per changed field) and one `<type>.updated` event each, with the same
 * `{ changes, after }` as a PATCH. Records already holding the values are matched but not
 * written. Runs in the caller's transaction.
 */
export async function bulkUpdate(conn: Conn, ctx: Ctx, def: ObjectDef, input: BulkUpdateInput) {
  if ((input.ids === undefined) === (input.filter === undefined)) {
    throw badRequest('body.ids', 'ids_or_filter', 'send either ids or filter (exactly one of them)');
  }
  assertAction(ctx, def, 'bulkEdit');
  await checkMembers(conn, ctx, def, input.set);
  const selection = input.ids
    ? sql`${def.table.id} = any(${pgArray(input.ids, 'uuid')})`
    : await filterCondition(conn, ctx, def, input.filter);

  // The time of the change, from the app: Citus refuses now() inside the CASE a rule builds, and
  // one value for the stamps the rules write and updated_at keeps them equal, as PATCH writes them.
  const at = sql`${new Date().toISOString()}::timestamptz`;
  const byField = new Map<string, Assignment>();
  for (const [field, value] of Object.entries(input.set))
    byField.set(field, { field, ...columnOf(def, field), next: setValue(def, field, value) });
  // The object's domain rules, read as SQL over the old row `t`: the columns that follow a field
  // set here, and the records that refuse it. The columns they read are locked and read below.
  const ruleReads = new Set<string>();
  const refusals: Refusal[] = [];
  for (const rule of def.rules ?? []) {
    if (!Object.hasOwn(input.set, rule.field)) continue;
    const facts = rule.input ? await rule.input(conn, ctx, input.set[rule.field], `body.set.${rule.field}`) : {};
    const given = Object.fromEntries([...byField.values()].map((a) => [a.field, a.next]));
    const read = ruleSql(def, rule, given, facts, ruleReads, at);
    for (const [key, next] of Object.entries(read.follow)) byField.set(key, { field: key, ...ruleColumn(def, key), next });
    if (rule.refuse && read.refuse) refusals.push({ when: read.refuse, code: rule.refuse.code, message: rule.refuse.many });
  }
  const assignments = [...byField.values()];

  const table = sql.identifier(getTableName(def.table));
  const col = (c: string) => sql`${table}.${sql.identifier(c)}`;
  const old = (c: string) => sql`t.${sql.identifier(c)}`;
  // The old values of every written column (the change check and the history read them as `t`) and of those the rules read.
  const read = [...new Set(['id', ...assignments.map((a) => a.column), ...ruleReads])];
  const refused = refusals.length
    ? sql.join(
        refusals.map((r) => sql`(${r.when})`),
        sql` or `,
      )
    : sql`false`;
  // The update returns each written column's old and new value raw (o0, n0, …), and the changes are
  // built from those in the next step: Citus refuses json building and time formatting in RETURNING.
  const oldOut = (i: number) => sql.identifier(`o${i}`);
  const newOut = (i: number) => sql.identifier(`n${i}`);
  const returned = sql.join(
    assignments.map((a, i) => sql`${old(a.column)} as ${oldOut(i)}, ${col(a.column)} as ${newOut(i)}`),
    sql`, `,
  );
  const changes = sql.join(
    assignments.map(
      (a, i) => sql`case when u.${oldOut(i)} is distinct from u.${newOut(i)}
        then jsonb_build_object('field', ${a.field}::text, 'old', ${apiJson(a.kind, sql`u.${oldOut(i)}`)}, 'new', ${apiJson(a.kind, sql`u.${newOut(i)}`)}) end`,
    ),
    sql`, `,
  );
  if (!(def.eventShape ?? def.projection)) throw new Error(`${def.type} has no event shape for bulk updates`);

  // Only records the request may both see and edit are touched; the others are not matched at all,
  // as if the ids or the filter had not named them.
  const reach = [def.scope, visibleWhere(ctx, def, 'read'), visibleWhere(ctx, def, 'edit')].filter((c) => c !== undefined);
  const live = sql`${col('workspace_id')} = ${ctx.workspaceId} and ${col('deleted_at')} is null and ${selection}${sql.join(
    reach.map((c) => sql` and ${c}`),
  )}`;

  // First the records are locked, in id order so that two bulk updates cannot deadlock. Once they
  // are locked nobody else can change them, so the next statement, with a fresh snapshot, reads
  // their current values as the old ones.
  const [lock] = await selectRows<{ matched: number; refused: number }>(
    conn,
    sql`select count(*)::int as matched, (count(*) filter (where ${refused}))::int as refused
    from (select ${sql.join(
      read.map((c) => col(c)),
      sql`, `,
    )} from ${table} where ${live} order by ${col('id')} for update) t`,
  );
  if (lock.refused) {
    const refusal = refusals[0];
    throw conflict(refusal.code, refusal.message(lock.refused), { count: lock.refused });
  }
  if (!lock.matched) return { matched: 0, updated: 0 };

  // Then one statement updates the records whose value changes, joined to themselves by primary key
  // (`t` is the row before the update), and writes their history rows and events from what the
  // update returns. A join to the locked set itself would be planned on the planner's guess of its
  // size, and a guess of one row on fresh statistics made it a nested loop over all of it: 5,000
  // records took 20 s on PGlite. The self-join is an index lookup per record whatever the guess.
  // None of the fields a bulk update sets (owners, stages, statuses, flags) is a search term, so
  // the search index needs no refresh here.
  const { history, events } = ports();
  // A field with an event of its own (a deal's stage) gets it beside `<type>.updated`, as PATCH writes it.
  const fieldEvents = Object.entries(def.changeEvents ?? {})
    .filter(([field]) => byField.has(field))
    .map(
      ([field, type], i) => sql`, ev${sql.raw(String(i))} as (
      ${events.rowsSql(
        ctx,
        type,
        def.type,
        { recordId: sql`u.id`, payload: sql`jsonb_build_object('from', c->'old', 'to', c->'new')` },
        sql`ch u cross join lateral jsonb_array_elements(u.changes) c where c->>'field' = ${field}::text`,
      )})`,
    );
  const updated = await selectRows<{ id: string; changes: FieldChange[] }>(
    conn,
    sql`
    with upd as (
      update ${table} set ${sql.join(
        assignments.map((a) => sql`${sql.identifier(a.column)} = ${a.next}`),
        sql`, `,
      )}, "version" = ${col('version')} + 1, "updated_at" = ${at}
      from ${table} t
      where ${live} and t.workspace_id = ${ctx.workspaceId} and t.id = ${col('id')}
        and (${sql.join(
          assignments.map((a) => sql`${old(a.column)} is distinct from ${a.next}`),
          sql` or `,
        )})
      returning ${col('id')} as id, ${col('version')} as version, ${returned}
    ), ch as (
      select u.id, u.version, to_jsonb(array_remove(array[${changes}]::jsonb[], null)) as changes from upd u
    ), hist as (
      ${history.rowsSql(
        ctx,
        def.type,
        'update',
        {
          recordId: sql`u.id`,
          field: sql`c->>'field'`,
          old: sql`nullif(c->'old', 'null'::jsonb)`,
          new: sql`nullif(c->'new', 'null'::jsonb)`,
          version: sql`u.version`,
        },
        sql`ch u cross join lateral jsonb_array_elements(u.changes) c`,
      )}
    )${sql.join(fieldEvents, sql``)}
    select id, changes from ch`,
  );
  // `<type>.updated` with the record as it now reads, in a statement of its own (set-writes.ts says why).
  await eventsOfWritten(conn, ctx, def, `${def.type}.updated`, updated);
  return { matched: lock.matched, updated: updated.length };
}

export interface BulkRoute {
  path: string;
  tag: string;
  def: ObjectDef;
  /** The object's PATCH body schema: bulk values are validated by the same definitions. */
  update: TObject;
  fields: readonly string[];
}

/** `POST /<object>/bulk-update`: the fields a person changes on many records at once (owner, stage, status). */
export function registerBulkUpdate(app: App, r: BulkRoute, errorResponses: Record<number, unknown>) {
  app.post(`/${r.path}/bulk-update`, {
    config: { permission: 'write' },
    // 100,000 ids are ~3.9 MB of JSON.
    bodyLimit: 8 * 1024 * 1024,
    schema: {
      tags: [r.tag],
      summary: `Set ${r.fields.join(', ')} on many ${r.path} at once`,
      description:
        'Send `ids` (up to 100,000) or a `filter` (the list filter language), not both. Records in the trash and ids of no record of this workspace are left out. Each record whose value changes gets a new version, history rows and an event; `updated` counts them.',
      body: BulkUpdate(pickSet(r.update, r.fields)),
      response: { 200: BulkUpdateResult, ...errorResponses },
    },
    handler: async (req) => app.db.transaction((tx) => bulkUpdate(tx, req.ctx, r.def, req.body)),
  });
}
