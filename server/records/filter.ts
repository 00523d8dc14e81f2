import { type SQL, sql } from 'drizzle-orm';
import { badRequest } from '../http/errors.ts';
import { isIsoDate, isoDateTime, isStorableText } from '../http/validation.ts';
import type { FieldKind, FieldSpec } from './object-def.ts';

/**
 * The one filter language of Rapport: lists, saved views, and later segments, reports and
 * automation conditions all speak it. A filter is JSON:
 *
 *   { "and": [ { "field": "ownerId", "op": "eq", "value": "$me" },
 *              { "or": [ { "field": "custom.tier", "op": "in", "value": ["gold"] }, … ] } ] }
 *
 * It is parsed into this AST, checked against an allowlist of fields and operators per field
 * kind, and compiled to SQL with every value bound as a parameter.
 */
export type Filter = { and: Filter[] } | { or: Filter[] } | { not: Filter } | { field: string; op: string; value?: unknown };

export const MAX_DEPTH = 5;
export const MAX_CONDITIONS = 50;

const ops: Record<FieldKind, readonly string[]> = {
  text: ['eq', 'neq', 'in', 'notIn', 'contains', 'notContains', 'startsWith', 'endsWith', 'isEmpty', 'isNotEmpty'],
  enum: ['eq', 'neq', 'in', 'notIn', 'isEmpty', 'isNotEmpty'],
  uuid: ['eq', 'neq', 'in', 'notIn', 'isEmpty', 'isNotEmpty'],
  number: ['eq', 'neq', 'gt', 'gte', 'lt', 'lte', 'between', 'in', 'notIn', 'isEmpty', 'isNotEmpty'],
  date: ['eq', 'neq', 'gt', 'gte', 'lt', 'lte', 'between', 'isEmpty', 'isNotEmpty'],
  datetime: ['gt', 'gte', 'lt', 'lte', 'between', 'isEmpty', 'isNotEmpty'],
  boolean: ['eq', 'neq', 'isEmpty', 'isNotEmpty'],
  multiselect: ['hasAny', 'hasAll', 'hasNone', 'isEmpty', 'isNotEmpty'],
  labeledValues: ['eq', 'contains', 'startsWith', 'isEmpty', 'isNotEmpty'],
};

/** Operators and the field kinds they apply to, for the API docs and the web filter builder. */
export const operatorsByKind = ops;

export interface FilterEnv {
  /** Resolves a field name (including `custom.key`) to its spec, or undefined if unknown. */
  field(name: string): FieldSpec | undefined;
  /** The acting member, for the `$me` value. */
  memberId: string;
}

const uuidRe = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function parseFilter(text: string, path = 'query.filter'): Filter {
  try {
    return JSON.parse(text) as Filter;
  } catch {
    throw badRequest(path, 'filter_syntax', 'filter must be JSON, e.g. {"field":"name","op":"contains","value":"acme"}');
  }
}

/** Validates a filter AST and compiles it to a SQL condition. Throws 400 naming the offending path. */
export function compileFilter(filter: unknown, env: FilterEnv, path = 'query.filter'): SQL {
  let conditions = 0;
  const walk = (node: unknown, at: string, depth: number): SQL => {
    if (depth > MAX_DEPTH) throw badRequest(at, 'filter_too_deep', `filters nest at most ${MAX_DEPTH} levels`);
    if (!node || typeof node !== 'object' || Array.isArray(node)) {
      throw badRequest(at, 'filter_syntax', 'each filter node must be an object with and/or/not or field/op/value');
    }
    const n = node as Record<string, unknown>;
    const keys = Object.keys(n);
    if ('and' in n || 'or' in n) {
      const key = 'and' in n ? 'and' : 'or';
      const list = n[key];
      if (keys.length !== 1 || !Array.isArray(list) || list.length === 0) {
        throw badRequest(at, 'filter_syntax', `"${key}" takes a non-empty array and nothing beside it`);
      }
      const parts = list.map((child, i) => walk(child, `${at}.${key}.${i}`, depth + 1));
      return sql`(${sql.join(parts, key === 'and' ? sql` and ` : sql` or `)})`;
    }
    if ('not' in n) {
      if (keys.length !== 1) throw badRequest(at, 'filter_syntax', '"not" takes one filter and nothing beside it');
      return sql`(not coalesce(${walk(n.not, `${at}.not`, depth + 1)}, false))`;
    }
    if (++conditions > MAX_CONDITIONS) {
      throw badRequest(at, 'filter_too_large', `a filter holds at most ${MAX_CONDITIONS} conditions`);
    }
    const extra = keys.filter((k) => k !== 'field' && k !== 'op' && k !== 'value');
    if (extra.length) throw badRequest(`${at}.${extra[0]}`, 'filter_syntax', `unknown key "${extra[0]}"`);
    if (typeof n.field !== 'string') throw badRequest(`${at}.field`, 'filter_syntax', 'field must be a string');
    const spec = env.field(n.field);
    if (!spec) throw badRequest(`${at}.field`, 'unknown_field', `"${n.field}" is not a field you can filter on`);
    if (typeof n.op !== 'string' || !ops[spec.kind].includes(n.op)) {
      throw badRequest(`${at}.op`, 'unknown_operator', `operator for "${n.field}" must be one of ${ops[spec.kind].join(', ')}`);
    }
    return condition(spec, n.op, n.value, `${at}.value`, env);
  };
  return walk(filter, path, 1);
}

function condition(spec: FieldSpec, op: string, raw: unknown, at: string, env: FilterEnv): SQL {
  const e = spec.sql;
  if (op === 'isEmpty' || op === 'isNotEmpty') {
    const empty =
      spec.kind === 'multiselect' || spec.kind === 'labeledValues'
        ? sql`(${e} is null or jsonb_array_length(${e}) = 0)`
        : spec.kind === 'text'
          ? sql`(${e} is null or ${e} = '')`
          : sql`(${e} is null)`;
    return op === 'isEmpty' ? empty : sql`(not ${empty})`;
  }
  // Every value is bound with an explicit cast to the field's type, so that PostgreSQL never has to
  // guess (a fractional number against a bigint column would otherwise be an error, not a comparison).
  const one = (v: unknown, p = at) => sql`${value(spec, v, p, env)}::${sql.raw(castOf[spec.kind] ?? 'text')}`;
  const list = () => {
    if (!Array.isArray(raw) || raw.length === 0 || raw.length > 500) {
      throw badRequest(at, 'filter_value', `"${op}" takes an array of 1 to 500 values`);
    }
    return raw.map((v, i) => one(v, `${at}.${i}`));
  };
  switch (spec.kind) {
    case 'labeledValues': {
      const v = String(value(spec, raw, at, env)).toLowerCase();
      const match =
        op === 'eq'
          ? sql`lower(x->>'value') = ${v}`
          : sql`lower(x->>'value') like ${op === 'contains' ? `%${escapeLike(v)}%` : `${escapeLike(v)}%`}`;
      return sql`exists (select 1 from jsonb_array_elements(${e}) x where ${match})`;
    }
    case 'multiselect': {
      if (!Array.isArray(raw) || raw.length === 0 || raw.length > 500) {
        throw badRequest(at, 'filter_value', `"${op}" takes an array of 1 to 500 values`);
      }
      const values = raw.map((v, i) => value(spec, v, `${at}.${i}`, env));
      if (op === 'hasAll') return sql`coalesce(${e} @> ${JSON.stringify(values)}::jsonb, false)`;
      const any = sql`coalesce(${e} ?| array(select jsonb_array_elements_text(${JSON.stringify(values)}::jsonb)), false)`;
      return op === 'hasAny' ? any : sql`(not ${any})`;
    }
  }
  switch (op) {
    case 'eq':
      return sql`${e} = ${one(raw)}`;
    case 'neq':
      return sql`${e} is distinct from ${one(raw)}`;
    case 'gt':
      return sql`${e} > ${one(raw)}`;
    case 'gte':
      return sql`${e} >= ${one(raw)}`;
    case 'lt':
      return sql`${e} < ${one(raw)}`;
    case 'lte':
      return sql`${e} <= ${one(raw)}`;
    case 'between': {
      if (!Array.isArray(raw) || raw.length !== 2) throw badRequest(at, 'filter_value', '"between" takes [from, to]');
      return sql`${e} between ${one(raw[0], `${at}.0`)} and ${one(raw[1], `${at}.1`)}`;
    }
    case 'in':
      return sql`${e} in (${sql.join(list(), sql`, `)})`;
    case 'notIn':
      return sql`(${e} is null or ${e} not in (${sql.join(list(), sql`, `)}))`;
  }
  const text = () => escapeLike(String(value(spec, raw, at, env)));
  switch (op) {
    case 'contains':
      return sql`${e} ilike ${`%${text()}%`}`;
    case 'notContains':
      return sql`(${e} is null or ${e} not ilike ${`%${text()}%`})`;
    case 'startsWith':
      return sql`${e} ilike ${`${text()}%`}`;
    case 'endsWith':
      return sql`${e} ilike ${`%${text()}`}`;
  }
  throw badRequest(at, 'unknown_operator', `operator "${op}" is not supported`);
}

/** Checks a value against the field's kind, so the database never sees a malformed literal. */
function value(spec: FieldSpec, v: unknown, at: string, env: FilterEnv): string | number | boolean {
  const fail = (what: string): never => {
    throw badRequest(at, 'filter_value', `value must be ${what}`);
  };
  switch (spec.kind) {
    case 'number':
      return typeof v === 'number' && Number.isFinite(v) ? v : fail('a number');
    case 'boolean':
      return typeof v === 'boolean' ? v : fail('true or false');
    case 'uuid': {
      const id = v === '$me' ? env.memberId : v;
      return typeof id === 'string' && uuidRe.test(id) ? id : fail('a UUID or "$me"');
    }
    case 'date':
      return isIsoDate(v) ? v : fail('a date YYYY-MM-DD');
    case 'datetime':
      return isoDateTime(v) ?? fail('an ISO date-time in years 1–9999');
    case 'enum':
      return typeof v === 'string' && spec.options?.includes(v) ? v : fail(`one of ${spec.options?.join(', ')}`);
    default:
      return typeof v === 'string' && v.length <= 500 && isStorableText(v) ? v : fail('a string of at most 500 characters, without NUL');
  }
}

/** The SQL type each field kind's values are cast to. */
export const castOf: Partial<Record<FieldKind, string>> = {
  number: 'numeric',
  boolean: 'boolean',
  date: 'date',
  datetime: 'timestamptz',
  uuid: 'uuid',
};

/** `%` and `_` in a user's text are literal characters, not wildcards. */
export const escapeLike = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);
