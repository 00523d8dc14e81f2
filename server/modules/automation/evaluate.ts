import { isoDateTime } from '../../http/validation.ts';
import type { Filter } from '../../records/filter.ts';
import type { FieldKind } from '../../records/object-def.ts';

/**
 * The filter language of views, evaluated in JavaScript against one record, the way the database
 * evaluates the SQL compileFilter makes of it (evaluate.test.ts holds the two side by side). Rules
 * check their conditions with it as each event comes, without a query.
 *
 * Where SQL would be NULL (a comparison with an empty field) the condition is false: SQL's NULL in
 * `and`/`or` then comes out the same, and `not` coalesces NULL to false before it negates, as
 * compileFilter does. Case-insensitive operators lower-case by Unicode, as PostgreSQL does under a
 * UTF-8 collation (under the C collation the database folds ASCII letters only).
 */
export interface EvalEnv {
  /** The kind of a field (and the options of an enum), or undefined when the field is unknown. */
  kind(field: string): { kind: FieldKind } | undefined;
  /** A field's value on the record, as the API shape holds it (`previous.<field>` reads the value before the change). */
  read(field: string): unknown;
  /** The member `$me` stands for. */
  memberId: string;
}

export function evaluateFilter(filter: unknown, env: EvalEnv): boolean {
  const node = filter as Filter & Record<string, unknown>;
  if (!node || typeof node !== 'object') return false;
  if (Array.isArray(node.and)) return node.and.every((f: unknown) => evaluateFilter(f, env));
  if (Array.isArray(node.or)) return node.or.some((f: unknown) => evaluateFilter(f, env));
  if ('not' in node) return !evaluateFilter(node.not, env);
  if (typeof node.field !== 'string' || typeof node.op !== 'string') return false;
  const spec = env.kind(node.field);
  if (!spec) return false;
  return leaf(spec.kind, node.op, env.read(node.field), node.value, env);
}

const isEmptyValue = (v: unknown) => v === null || v === undefined;

/** A value of the record and a value of the filter, brought to one comparable form per kind. */
function normalise(kind: FieldKind, v: unknown, env: EvalEnv, fromFilter: boolean): string | number | boolean | null {
  if (isEmptyValue(v)) return null;
  switch (kind) {
    case 'number':
      return typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v)) ? Number(v) : null;
    case 'boolean':
      return typeof v === 'boolean' ? v : v === 'true' ? true : v === 'false' ? false : null;
    case 'datetime': {
      const iso = isoDateTime(v);
      return iso ? Date.parse(iso) : null;
    }
    case 'uuid': {
      const id = fromFilter && v === '$me' ? env.memberId : v;
      return typeof id === 'string' ? id.toLowerCase() : null;
    }
    default:
      return typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v) : null;
  }
}

const lower = (s: string) => s.toLowerCase();

function leaf(kind: FieldKind, op: string, raw: unknown, value: unknown, env: EvalEnv): boolean {
  if (op === 'isEmpty' || op === 'isNotEmpty') {
    let empty: boolean;
    if (kind === 'multiselect' || kind === 'labeledValues') empty = !Array.isArray(raw) || raw.length === 0;
    else if (kind === 'text') empty = isEmptyValue(raw) || raw === '';
    else empty = isEmptyValue(raw);
    return op === 'isEmpty' ? empty : !empty;
  }
  if (kind === 'multiselect') {
    const have = Array.isArray(raw) ? raw : null;
    const want = Array.isArray(value) ? value : [];
    const any = have ? want.some((w) => have.includes(w)) : false;
    if (op === 'hasAll') return have ? want.every((w) => have.includes(w)) : false;
    return op === 'hasAny' ? any : !any;
  }
  if (kind === 'labeledValues') {
    if (!Array.isArray(raw)) return false;
    const needle = lower(String(value));
    return raw.some((x) => {
      const v = x && typeof x === 'object' ? (x as { value?: unknown }).value : undefined;
      if (typeof v !== 'string') return false;
      const hay = lower(v);
      return op === 'eq' ? hay === needle : op === 'contains' ? hay.includes(needle) : hay.startsWith(needle);
    });
  }
  const v = normalise(kind, raw, env, false);
  const one = (x: unknown) => normalise(kind, x, env, true);
  switch (op) {
    case 'eq':
      return v !== null && v === one(value);
    case 'neq':
      return v === null || v !== one(value);
    case 'gt':
    case 'gte':
    case 'lt':
    case 'lte': {
      const x = one(value);
      if (v === null || x === null) return false;
      return op === 'gt' ? v > x : op === 'gte' ? v >= x : op === 'lt' ? v < x : v <= x;
    }
    case 'between': {
      if (!Array.isArray(value) || v === null) return false;
      const a = one(value[0]);
      const b = one(value[1]);
      return a !== null && b !== null && a <= v && v <= b;
    }
    case 'in':
      return v !== null && Array.isArray(value) && value.some((x) => one(x) === v);
    case 'notIn':
      return v === null || !(Array.isArray(value) && value.some((x) => one(x) === v));
  }
  const hay = v === null ? null : lower(String(v));
  const needle = lower(String(value));
  switch (op) {
    case 'contains':
      return hay?.includes(needle) ?? false;
    case 'notContains':
      return !hay?.includes(needle);
    case 'startsWith':
      return hay?.startsWith(needle) ?? false;
    case 'endsWith':
      return hay?.endsWith(needle) ?? false;
  }
  return false;
}
