import { getTableColumns, type SQL, sql } from 'drizzle-orm';
import type { PgColumn, PgTable } from 'drizzle-orm/pg-core';
import { recordTypes } from '../../contract/enums.ts';
import type { Conn } from '../db/client.ts';
import type { Ctx } from '../http/context.ts';
import type { AnyRule } from './rules.ts';

/** Object types a record can be; also the `record_type` in links, history and events. */
export { recordTypes };
export type RecordType = (typeof recordTypes)[number];

/** How a field behaves in filters and sorts. Built-in fields and custom fields share these types. */
export type FieldKind = 'text' | 'number' | 'boolean' | 'date' | 'datetime' | 'uuid' | 'enum' | 'multiselect' | 'labeledValues';

export interface FieldSpec {
  kind: FieldKind;
  /** The SQL expression the field reads; a column, a jsonb path, or a cast. */
  sql: SQL | PgColumn;
  /** Values an `enum` field may take. */
  options?: readonly string[];
  sortable?: boolean;
  /** The expression is never NULL: sorts and cursors can then use plain index order. */
  notNull?: boolean;
  /** The id of a member (an owner, an assignee): a bulk update checks that it names an active member. */
  member?: boolean;
}

export interface ObjectDef {
  /** `contact`, `deal` …; also the record_type written to history and events. */
  type: string;
  /** What a person calls one record ("Contact"), for messages. */
  label: string;
  table: PgTable & {
    workspaceId: PgColumn;
    id: PgColumn;
    version: PgColumn;
    deletedAt: PgColumn;
    updatedAt: PgColumn;
    createdAt: PgColumn;
  };
  /** Filterable / sortable fields by their API name. */
  fields: Record<string, FieldSpec>;
  /**
   * The member a record belongs to for access scopes (own, team, team and below): its owner, a
   * task's assignee. See visibility.ts; without one, a scoped profile reaches none of its records.
   */
  owner?: PgColumn;
  /** Whether the object has custom fields (a `custom` jsonb column). */
  hasCustom: boolean;
  /** The object type its custom field definitions name (default: `type`); a custom object's key. */
  fieldsKey?: string;
  /**
   * A condition every read and write of this object adds to the workspace's: a custom object's
   * records share one table with every other custom object's, told apart by their type.
   */
  scope?: SQL;
  defaultSort: string;
  /** Names a client may ask for in `fields=` or put in a view's columns (besides `custom.<key>`). */
  apiFields?: readonly string[];
  /**
   * Columns a list shows that are not one API field but read some (a contact's `name` reads
   * firstName and lastName, its `email` the emails): accepted in a view's columns and in `fields=`,
   * and fetched as the fields they read.
   */
  derivedColumns?: Record<string, readonly string[]>;
  /**
   * The API shape as SQL, key by key, for lists built as JSON by the database. Must read exactly
   * like the module's row mapper; each module's tests compare the two.
   */
  projection?: Record<string, ProjectionSql>;
  /**
   * The record as its events and history carry it (`after`), as SQL, where that differs from the
   * projection or there is none: a task's list adds its related records' names, its events do not.
   * Bulk updates write it; it must read like the module's row mapper (bulk.test.ts compares).
   */
  eventShape?: Record<string, ProjectionSql>;
  /** Fields a person sets on many records at once: their record routes add `POST /<path>/bulk-update` (bulk.ts). */
  bulk?: readonly string[];
  /** What else follows when a field is set, and which records refuse it (rules.ts). */
  rules?: readonly AnyRule[];
  /** Events written beside `<type>.updated` when a field changes, with `{ from, to }`: `{ stageId: 'deal.stage_changed' }`. */
  changeEvents?: Record<string, string>;
  /** How a record is named, as SQL over the record `r`: in search hits, links and the trash. */
  title?: string;
  /**
   * What search finds a record by, as SQL over the record `r`: `terms` is a query of (kind, term)
   * rows (see search.service.ts), `subtitle` the line shown under the title. A subquery in `subtitle`
   * names the workspace as `{ws}` (sqlInWorkspace), so that Citus keeps the query on one shard.
   * `reads` names the API fields each kind of term and the subtitle are made of: a role that hides
   * one of them finds no record by those terms and sees no subtitle (field-rules.ts).
   */
  search?: { terms: string; subtitle: string; reads?: { kinds: Record<string, readonly string[]>; subtitle: readonly string[] } };
  /** The column activities stamp with the time of the newest activity linked to the record. */
  lastActivityAt?: PgColumn;
  /**
   * Columns that hold the id of another record, by key, with that record's type: purging that record
   * clears them, as an edit of this one (a deal's companyId when its company is deleted for good).
   */
  references?: Record<string, RecordType>;
  /**
   * What this object's module removes when a record of any type is deleted for good (links to it,
   * in the module's own tables), in the purge's transaction.
   */
  onPurge?(conn: Conn, ctx: Ctx, type: string, id: string): Promise<void>;
  /** How records of this object are told to be duplicates of each other (modules/duplicates). */
  duplicates?: DuplicateRules;
  /** The fields a merge of records of this object lets a person pick, and their columns. */
  merge?: MergeSpec;
  /**
   * This module's tables whose rows name records (of any type, or of one): a merge moves the rows
   * that name a merged record onto the survivor, and its undo moves them back.
   */
  linkTables?: readonly LinkTable[];
}

/** What a table that holds records of any type (not an object itself) declares: links a merge moves, and what a purge lets go of. */
export type RecordHolder = Pick<ObjectDef, 'type' | 'linkTables' | 'onPurge'>;

export interface DuplicateRules {
  /**
   * The kinds of the object's search terms (`search.terms`) that make two records duplicates when
   * one term is the same: `email`, `phone` (digits, 7 or more), `domain`.
   */
  exact: readonly string[];
  /** The name compared by trigram similarity, as SQL over the record `r`, written as its trigram index is. */
  name: string;
  /**
   * The companies a record belongs to, as text[] over `r`, for workspace `ws` (a subquery names it
   * itself: one shard on Citus): look-alike names at one company score higher.
   */
  company?: (ws: SQL) => SQL;
}

export interface MergeSpec {
  /** Each field a person picks the value of, by API name, with the table keys of the columns it is. */
  fields: Record<string, readonly string[]>;
  /**
   * List fields (a contact's emails) that, when nobody picks a source, become the survivor's list
   * followed by the merged records' items, each item once (by the property named here).
   */
  lists?: Record<string, string>;
}

export interface LinkTable {
  /** The table's name in SQL. */
  table: string;
  /** The column holding the id of the record named. */
  column: string;
  /** The type of the records named: one type, or the column that holds it. */
  type: RecordType | { column: string };
  /** The other columns of the primary key (besides workspace_id, `column` and a type column). */
  key: readonly string[];
  /** A boolean column cleared on rows moved to a survivor: a contact keeps one primary company. */
  demote?: string;
}

/** The fields every record has, for filters and sorts. */
export function metaFields(t: ObjectDef['table'] & { createdBy: PgColumn }): Record<string, FieldSpec> {
  return {
    id: { kind: 'uuid', sql: t.id, notNull: true },
    createdAt: { kind: 'datetime', sql: t.createdAt, notNull: true },
    updatedAt: { kind: 'datetime', sql: t.updatedAt, notNull: true },
    createdBy: { kind: 'uuid', sql: t.createdBy },
    deletedAt: { kind: 'datetime', sql: t.deletedAt },
  };
}

/** `address.city` and friends: filterable parts of an address jsonb column. */
export function addressFields(address: PgColumn): Record<string, FieldSpec> {
  const part = (k: string): FieldSpec => ({ kind: 'text', sql: sql`(${address}->>${k})` });
  return {
    'address.street': part('street'),
    'address.city': part('city'),
    'address.region': part('region'),
    'address.postalCode': part('postalCode'),
    'address.country': part('country'),
  };
}

/** A built-in field by API name; own properties only, so `__proto__` or `toString` are unknown fields. */
export const builtInField = (def: ObjectDef, name: string): FieldSpec | undefined =>
  Object.hasOwn(def.fields, name) ? def.fields[name] : undefined;

/** The table's columns by their key in TypeScript (`doneAt` → the column done_at). */
export const columnsOf = (def: ObjectDef) => getTableColumns(def.table) as Record<string, PgColumn>;

/** A timestamp as JavaScript's toISOString() writes it (UTC, milliseconds, Z). */
export const isoTimestamp = (c: PgColumn | SQL) => sql`to_char(${c} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

/** The bookkeeping keys every record's projection starts with (the SQL twin of metaToApi). */
export function metaProjection(t: ObjectDef['table'] & { createdBy: PgColumn }): Record<string, SQL> {
  return {
    id: sql`${t.id}`,
    version: sql`${t.version}`,
    createdAt: isoTimestamp(t.createdAt),
    updatedAt: isoTimestamp(t.updatedAt),
    createdBy: sql`${t.createdBy}`,
    deletedAt: isoTimestamp(t.deletedAt),
  };
}

/**
 * One key of a projection: SQL over the record's own row, or, for a subquery over other tables (a
 * contact's companies, a deal's contacts), SQL made for the request's workspace `ws`. The subquery
 * must name the workspace itself, not only through the outer row: Citus routes a query to one shard
 * only when every table in every subquery is pinned to one workspace_id (docs/operations.md).
 */
export type ProjectionSql = SQL | ((ws: SQL) => SQL);

/** A projection's keys as SQL for workspace `ws` (a bound value, or a prepared statement's placeholder). */
export function projectionFor(projection: Record<string, ProjectionSql>, ws: SQL): Record<string, SQL> {
  return Object.fromEntries(Object.entries(projection).map(([k, v]) => [k, typeof v === 'function' ? v(ws) : v]));
}

/** Raw SQL text of a definition with `{ws}` standing for the workspace: as SQL for workspace `ws`. */
export function sqlInWorkspace(text: string, ws: SQL): SQL {
  return sql.join(
    text.split('{ws}').map((part) => sql.raw(part)),
    ws,
  );
}
