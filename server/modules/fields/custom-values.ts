import { type SQL, sql } from 'drizzle-orm';
import type { PgColumn } from 'drizzle-orm/pg-core';
import { Email, Url } from '../../../contract/common.ts';
import type { CustomFieldType } from '../../../contract/fields.ts';
import type { FieldError } from '../../http/errors.ts';
import { bodyAjv, isCurrency, isIsoDate, isPhone } from '../../http/validation.ts';
import type { FieldSpec } from '../../records/object-def.ts';
import { phoneError, readPhone } from '../../records/phones.ts';

export interface CustomDef {
  key: string;
  label: string;
  type: CustomFieldType;
  options: string[] | null;
  /** A relation field's target object. */
  target?: string | null;
  required: boolean;
}

/** How a custom field reads in filters and sorts: the same kinds as built-in fields. */
export function customSpec(custom: PgColumn, d: CustomDef): FieldSpec {
  const text: SQL = sql`(${custom}->>${d.key})`;
  switch (d.type) {
    case 'number':
      return { kind: 'number', sql: sql`(${custom}->>${d.key})::numeric` };
    case 'currency':
      return { kind: 'number', sql: sql`(${custom}->${d.key}->>'amountMinor')::bigint` };
    case 'date':
      return { kind: 'date', sql: sql`(${custom}->>${d.key})::date` };
    case 'boolean':
      return { kind: 'boolean', sql: sql`(${custom}->>${d.key})::boolean` };
    case 'select':
      return { kind: 'enum', sql: text, options: d.options ?? [] };
    case 'multiSelect':
      return { kind: 'multiselect', sql: sql`(${custom}->${d.key})`, options: d.options ?? [] };
    case 'relation':
      return { kind: 'uuid', sql: sql`(${custom}->>${d.key})::uuid` };
    default:
      return { kind: 'text', sql: text };
  }
}

// The contract's own validators, compiled by the same Ajv as request bodies: a custom email or URL
// field accepts exactly what a built-in one does (one rule per format, not two that drift apart).
const isEmail = bodyAjv.compile(Email);
const uuidRe = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const isUrl = bodyAjv.compile(Url);

/** What a client words its own message with: the field's type, and its limit or options. */
function customParams(d: CustomDef, v: unknown, country: string | null): Record<string, unknown> {
  if (d.type === 'phone' && typeof v === 'string') {
    const read = readPhone(v, country);
    if (typeof read === 'string') return { type: d.type, reason: read, country };
  }
  if (d.type === 'text') return { type: d.type, limit: 500 };
  if (d.type === 'longText') return { type: d.type, limit: 20_000 };
  if (d.type === 'select' || d.type === 'multiSelect') return { type: d.type, allowedValues: d.options ?? [] };
  return { type: d.type };
}

/** Why `v` is not a valid value for `d`, or null when it is. */
function problem(d: CustomDef, v: unknown, country: string | null): string | null {
  const str = (max: number) => (typeof v === 'string' && v.length <= max ? null : `must be text of at most ${max} characters`);
  switch (d.type) {
    case 'text':
      return str(500);
    case 'longText':
      return str(20_000);
    case 'number':
      return typeof v === 'number' && Number.isFinite(v) ? null : 'must be a number';
    case 'boolean':
      return typeof v === 'boolean' ? null : 'must be true or false';
    case 'date':
      return isIsoDate(v) ? null : 'must be a date YYYY-MM-DD';
    case 'select':
      return typeof v === 'string' && d.options?.includes(v) ? null : `must be one of ${d.options?.join(', ')}`;
    case 'multiSelect':
      return Array.isArray(v) && v.length <= 200 && new Set(v).size === v.length && v.every((x) => d.options?.includes(x))
        ? null
        : `must be a list of distinct values from ${d.options?.join(', ')}`;
    case 'url':
      return isUrl(v) ? null : 'must be an http(s) URL';
    case 'email':
      return isEmail(v) ? null : 'must be an email address';
    case 'phone': {
      if (typeof v !== 'string' || v.length > 40 || !isPhone(v)) return 'must be a phone number';
      const read = readPhone(v, country);
      return typeof read === 'string' ? phoneError('', read, country).message : null;
    }
    case 'relation':
      // Whether the record exists is checked by checkCustom, which can ask the database.
      return typeof v === 'string' && uuidRe.test(v) ? null : 'must be the id of a record';
    case 'currency': {
      const m = v as { amountMinor?: unknown; currency?: unknown };
      return m &&
        typeof m === 'object' &&
        !Array.isArray(m) &&
        Object.keys(m).length === 2 &&
        Number.isSafeInteger(m.amountMinor) &&
        typeof m.currency === 'string' &&
        isCurrency(m.currency)
        ? null
        : 'must be {"amountMinor": integer, "currency": ISO 4217 code}';
    }
  }
}

/**
 * Checks custom values against the workspace's definitions and returns the merged object to
 * store. `null` clears a value. On create, required fields must be present.
 */
export function validateCustom(
  defs: CustomDef[],
  input: Record<string, unknown> | undefined,
  current: Record<string, unknown> | null,
  creating: boolean,
  path = 'body.custom',
  /** The workspace's country, in which national phone numbers are read. */
  country: string | null = null,
): { value: Record<string, unknown>; errors: FieldError[] } {
  const byKey = new Map(defs.map((d) => [d.key, d]));
  const errors: FieldError[] = [];
  const value: Record<string, unknown> = { ...(current ?? {}) };
  for (const [k, v] of Object.entries(input ?? {})) {
    const d = byKey.get(k);
    if (!d) {
      errors.push({ field: `${path}.${k}`, code: 'unknown_field', message: `"${k}" is not a custom field of this object` });
      continue;
    }
    if (v === null) {
      delete value[k];
      continue;
    }
    const why = problem(d, v, country);
    if (why)
      errors.push({ field: `${path}.${k}`, code: 'invalid_value', message: `${d.label} ${why}`, params: customParams(d, v, country) });
    else if (typeof v === 'string' && d.type === 'email') value[k] = v.normalize('NFC').toLowerCase();
    else value[k] = typeof v === 'string' && d.type === 'relation' ? v.toLowerCase() : v;
  }
  // Required applies to new records and to clearing a value; a field made required later
  // does not block edits of records that predate it.
  for (const d of defs) {
    if (!creating && !(input && d.key in input)) continue;
    if (d.required && (value[d.key] === undefined || value[d.key] === '')) {
      errors.push({ field: `${path}.${d.key}`, code: 'required', message: `${d.label} is required` });
    }
  }
  if (JSON.stringify(value).length > 64 * 1024) {
    errors.push({ field: path, code: 'too_large', message: 'custom values may take at most 64 KiB' });
  }
  return { value, errors };
}
