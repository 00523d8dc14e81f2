import { Ajv } from 'ajv';
import formats from 'ajv-formats';
import type { FastifySchemaValidationError } from 'fastify';
import { isValidPhoneNumber } from 'libphonenumber-js';

const currencies = new Set(Intl.supportedValuesOf('currency'));

/** ISO 4217 codes that Intl knows (it is the list browsers format money with). */
export const isCurrency = (v: string) => currencies.has(v);
/** Phone numbers in international form (+49 30 …); local forms are ambiguous without a country. */
export const isPhone = (v: string) => isValidPhoneNumber(v);

function build(coerce: boolean) {
  const ajv = new Ajv({
    // Unknown fields are an error, never silently dropped (mass-assignment guard, SECURITY §3).
    removeAdditional: false,
    useDefaults: true,
    // Query strings are text, so they are coerced; JSON bodies are not: "12" is not a number.
    coerceTypes: coerce ? 'array' : false,
    allErrors: false,
    strict: false,
  });
  (formats as unknown as typeof formats.default)(ajv, ['email', 'date', 'date-time', 'uri', 'uuid']);
  ajv.addFormat('iso4217', isCurrency);
  ajv.addFormat('phone', isPhone);
  ajv.addKeyword({ keyword: 'modifier' });
  ajv.addKeyword({ keyword: 'kind' });
  return ajv;
}

const strict = build(false);
const lenient = build(true);

/** NUL, or half of a surrogate pair: text that PostgreSQL's text and jsonb cannot hold. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding NUL is the purpose of this pattern.
const unstorable = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
const unstorableAll = new RegExp(unstorable.source, 'g');

/**
 * The JSON path of the first string (value or key) holding a NUL character or a lone surrogate, or null. PostgreSQL
 * refuses NUL in text and jsonb, so such input must be a 400 here, not a database error later.
 */
export function findNul(v: unknown, path = ''): string | null {
  if (typeof v === 'string') return unstorable.test(v) ? path : null;
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) {
      const p = findNul(v[i], `${path}/${i}`);
      if (p !== null) return p;
    }
  } else if (v && typeof v === 'object') {
    for (const [k, x] of Object.entries(v)) {
      if (unstorable.test(k)) return `${path}/${k.replace(unstorableAll, '')}`;
      const p = findNul(x, `${path}/${k}`);
      if (p !== null) return p;
    }
  }
  return null;
}

type Validate = ((data: unknown) => boolean) & { errors?: FastifySchemaValidationError[] | null };

// Bodies are validated strictly; params, query strings and headers arrive as text and are coerced.
export function validatorCompiler({ schema, httpPart }: { schema: object; httpPart?: string }) {
  const validate = (httpPart === 'body' ? strict : lenient).compile(schema);
  const checked: Validate = (data: unknown) => {
    const nul = findNul(data);
    if (nul !== null) {
      checked.errors = [
        {
          instancePath: nul,
          schemaPath: '#',
          keyword: 'nul',
          message: 'must not contain NUL characters or unpaired surrogates',
          params: {},
        },
      ];
      return false;
    }
    const ok = validate(data) as boolean;
    checked.errors = validate.errors as FastifySchemaValidationError[] | null | undefined;
    return ok;
  };
  return checked;
}

export { strict as bodyAjv };

/** A real calendar date `YYYY-MM-DD` in years 1–9999 (Date.parse accepts 2026-02-30 and rolls it into March). */
export function isIsoDate(v: unknown): v is string {
  if (typeof v !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(v) || v.startsWith('0000')) return false;
  const d = new Date(`${v}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === v;
}

/** A date-time PostgreSQL can store (years 1–9999), normalised to ISO UTC; null if it is none. */
export function isoDateTime(v: unknown): string | null {
  if (typeof v !== 'string' || v.length > 40) return null;
  const t = Date.parse(v);
  if (Number.isNaN(t)) return null;
  const iso = new Date(t).toISOString();
  return /^\d{4}-/.test(iso) && !iso.startsWith('0000') ? iso : null;
}

/** Whether text can be stored by PostgreSQL (no NUL, no lone surrogate). */
export const isStorableText = (v: string) => !unstorable.test(v);
