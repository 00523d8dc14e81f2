import { type SQL, sql } from 'drizzle-orm';
import type { Conn } from '../db/client.ts';
import type { Ctx } from '../http/context.ts';
import { conflict } from '../http/errors.ts';
import { columnsOf, type ObjectDef } from './object-def.ts';

/**
 * The operations a domain rule is written in. A rule is one function over them, read two ways: over
 * values when one record changes (its row before and the request are at hand), and over SQL when a
 * bulk update changes many records in one statement (the row before is `t`). Written once, the two
 * readings cannot drift apart; rules.test.ts checks that they agree on a table of cases.
 *
 * Conditions are never null: build them from `same`, `not`, `and` and non-null boolean columns, so
 * that SQL's three-valued logic and JavaScript's two agree.
 */
export interface RuleOps<V> {
  lit(value: string | number | boolean | null): V;
  /** The time of the change: the transaction's now() in both readings. */
  now: V;
  /** Equal, null equal to null (SQL's `is not distinct from`). */
  same(a: V, b: V): V;
  not(a: V): V;
  and(a: V, b: V): V;
  when(cond: V, then: V, otherwise: V): V;
  /** `a`, or `b` when `a` is null. */
  orElse(a: V, b: V): V;
}

/** Every key of a row or an input, read as V (a value, or SQL). */
export type Reading<T, V> = { readonly [K in keyof T]-?: V };

/**
 * A domain rule of an object type: what else changes when a field is set (a task's doneAt follows
 * done; a deal's status, closedAt and probability follow its stage), and which records may not take
 * the change. Declared in the object's module, in its ObjectDef; applied by the single-record write
 * (applyRule), by bulk updates (bulk.ts renders it as SQL) and by whatever else writes the field.
 */
export interface DomainRule<Row = Record<string, unknown>, Input = Record<string, unknown>> {
  /** The API field whose new value sets the rule off. */
  field: string;
  /**
   * The facts the rule needs besides the row, read once from the field's new value (a stage from its
   * id) when many records take the same value; a 422 naming `field` when the value names nothing.
   * Without it, the input is the new value alone, under the field's name.
   */
  input?(conn: Conn, ctx: Ctx, value: unknown, field: string): Promise<Input>;
  /** The columns that follow, by their key in the table, from the row before and the input. */
  follow?<V>(x: RuleOps<V>, before: Reading<Row, V>, input: Reading<Input, V>): Partial<Reading<Row, V>>;
  /** Records the change cannot apply to: one of them refuses the whole request with 409, nothing written. */
  refuse?: {
    when<V>(x: RuleOps<V>, before: Reading<Row, V>, input: Reading<Input, V>): V;
    code: string;
    /** For one record changed alone. */
    one: string;
    /** For `n` records of a bulk update. */
    many(n: number): string;
  };
}

/** A rule of any row, as an ObjectDef lists it. */
// biome-ignore lint/suspicious/noExplicitAny: a def lists the rules of its own row type; the engine reads them untyped
export type AnyRule = DomainRule<any, any>;

/** The value reading. `now` is the database's, so that a stamp agrees with one a bulk update writes. */
export const valueOps: RuleOps<unknown> = {
  lit: (v) => v,
  now: sql`now()`,
  same: (a, b) => (a instanceof Date && b instanceof Date ? a.getTime() === b.getTime() : (a ?? null) === (b ?? null)),
  not: (a) => !a,
  and: (a, b) => Boolean(a) && Boolean(b),
  when: (c, a, b) => (c ? a : b),
  orElse: (a, b) => a ?? b,
};

/** The SQL reading. Literals are parameters whose type PostgreSQL infers from what they meet. */
export const sqlOps: RuleOps<SQL> = {
  lit: (v) => (v === null ? sql`null` : sql`${v}`),
  now: sql`now()`,
  same: (a, b) => sql`(${a} is not distinct from ${b})`,
  not: (a) => sql`(not ${a})`,
  and: (a, b) => sql`(${a} and ${b})`,
  when: (c, a, b) => sql`(case when ${c} then ${a} else ${b} end)`,
  orElse: (a, b) => sql`coalesce(${a}, ${b})`,
};

/**
 * A rule applied to one record: the columns that follow the input, to write with it. A record the
 * rule refuses is a 409 with the rule's message for one record.
 */
export function applyRule<Row, Input>(rule: DomainRule<Row, Input>, before: Row, input: Input): Partial<Row> {
  const b = before as Reading<Row, unknown>;
  const i = input as Reading<Input, unknown>;
  if (rule.refuse?.when(valueOps, b, i)) throw conflict(rule.refuse.code, rule.refuse.one);
  return (rule.follow?.(valueOps, b, i) ?? {}) as Partial<Row>;
}

/**
 * A rule read as SQL for a set-based write over the old row `t`: the columns that follow, by key,
 * and the condition of the records that refuse the change. `given` are the values the write sets
 * (already SQL), `facts` what the rule's `input` read once; the columns the rule reads of the old
 * row are added to `reads`, so that the statement that locks the records can select just those.
 */
export function ruleSql(
  def: ObjectDef,
  rule: AnyRule,
  given: Record<string, SQL>,
  facts: Record<string, unknown>,
  reads: Set<string>,
  /** The time of the change as SQL, when not now(): Citus refuses now() inside CASE and COALESCE, which these readings build. */
  now: SQL = sqlOps.now,
) {
  const ops = { ...sqlOps, now };
  const lits = Object.fromEntries(Object.entries(facts).map(([k, v]) => [k, ops.lit(v as string | number | boolean | null)]));
  const input = sqlInput({ ...given, ...lits });
  const before = sqlRow(def, reads);
  return {
    follow: (rule.follow?.(ops, before, input) ?? {}) as Record<string, SQL>,
    refuse: rule.refuse ? (rule.refuse.when(ops, before, input) as SQL) : undefined,
  };
}

/** The row before a set-based write as SQL: each key reads `t.<column>`, and its column is added to `used`. */
function sqlRow(def: ObjectDef, used: Set<string>): Record<string, SQL> {
  const columns = columnsOf(def);
  return new Proxy({} as Record<string, SQL>, {
    get(_, key) {
      const column = typeof key === 'string' && Object.hasOwn(columns, key) ? columns[key] : undefined;
      if (!column) throw new Error(`${def.type} has no column ${String(key)}`);
      used.add(column.name);
      return sql`t.${sql.identifier(column.name)}`;
    },
  });
}

/** An input as SQL: its values as parameters, any key it lacks as null (an optional input not sent). */
function sqlInput(values: Record<string, SQL>): Record<string, SQL> {
  return new Proxy(values, { get: (target, key) => (typeof key === 'string' && Object.hasOwn(target, key) ? target[key] : sql`null`) });
}
