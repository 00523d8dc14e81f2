import { type SQL, sql } from 'drizzle-orm';
import type { PgColumn, PgTable } from 'drizzle-orm/pg-core';

/** Object types a record can be; also the `record_type` in links, history and events. */
export const recordTypes = ['company', 'contact', 'lead', 'deal', 'activity', 'task'] as const;
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
  projection?: Record<string, SQL>;
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
