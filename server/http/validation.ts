import { Ajv } from 'ajv';
import formats from 'ajv-formats';
import type { FastifySchemaValidationError } from 'fastify';
import { isCountry } from '../records/phones.ts';

const currencies = new Set(Intl.supportedValuesOf('currency'));

/** ISO 4217 codes that Intl knows (it is the list browsers format money with). */
export const isCurrency = (v: string) => currencies.has(v);
/**
 * Text that may be a phone number: digits with the punctuation people write them with and an
 * extension. Whether it is one is decided by the service, which knows the workspace's country
 * (server/records/phones.ts) and says why not.
 */
export const isPhone = (v: string) =>
  /\d/.test(v) && /^[\d\s+().\-/#*]*(?:(?:ext\.?|x|extension|durchwahl|dw\.?)\s*[\d]+)?$/i.test(v.trim());

// Internationalised email addresses (RFC 6531/6532): the dot-atom of RFC 5322 in which any non-ASCII
// letter, mark or digit may stand beside the ASCII ones, in the local part (josé@…) and in the
// domain's labels (…@exämple.de). Quoted local parts and address literals are refused, as ajv-formats'
// ASCII "email" refused them. The length of each domain label is checked in characters.
const atom = "[A-Za-z0-9!#$%&'*+/=?^_`{|}~\\-\\p{L}\\p{M}\\p{N}]+";
const label = '[A-Za-z0-9\\p{L}\\p{M}\\p{N}](?:[A-Za-z0-9\\p{L}\\p{M}\\p{N}-]{0,61}[A-Za-z0-9\\p{L}\\p{M}\\p{N}])?';
const idnEmail = new RegExp(`^${atom}(?:\\.${atom})*@(?:${label}\\.)+${label}$`, 'u');
export const isEmailAddress = (v: string) => idnEmail.test(v);

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
  ajv.addFormat('idn-email', isEmailAddress);
  ajv.addFormat('iso4217', isCurrency);
  ajv.addFormat('phone', isPhone);
  ajv.addFormat('country', isCountry);
  ajv.addKeyword({ keyword: 'modifier' });
  // Values that have one canonical form (UUIDs) are brought to it as they are validated, so that an
  // upper-case id compares equal everywhere (links, duplicates, echoes), not only in PostgreSQL.
  ajv.addKeyword({
    keyword: 'x-lowercase',
    modifying: true,
    schemaType: 'boolean',
    validate: (
      on: boolean,
      data: unknown,
      _schema: unknown,
      cxt?: { parentData: Record<string | number, unknown>; parentDataProperty: string | number },
    ) => {
      if (on && typeof data === 'string' && cxt?.parentData) cxt.parentData[cxt.parentDataProperty] = data.toLowerCase();
      return true;
    },
  });
  ajv.addKeyword({ keyword: 'kind' });
  return ajv;
}

const strict = build(false);
const lenient = build(true);

/** NUL, or half of a surrogate pair: text that PostgreSQL's text and jsonb cannot hold. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding NUL is the purpose of this pattern.
const unstorable = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
const unstorableAll = new RegExp(unstorable.source, 'g');

/** How deep JSON input may nest. Nothing Rapport accepts comes near it (a filter nests at most 5 levels). */
export const MAX_JSON_DEPTH = 64;

export interface JsonProblem {
  path: string;
  keyword: 'nul' | 'depth';
  message: string;
}

/**
 * The first problem of JSON input that must be a 400 before anything walks it: a string (value or
 * key) holding NUL or a lone surrogate, which PostgreSQL's text and jsonb cannot hold, or nesting
 * deeper than MAX_JSON_DEPTH, which would exhaust the stack of any recursive walk (a validator, a
 * JSON.stringify). Iterative, so that the check itself cannot overflow whatever the depth.
 */
export function scanJson(root: unknown): JsonProblem | null {
  const stack: { v: unknown; path: string; depth: number }[] = [{ v: root, path: '', depth: 0 }];
  while (stack.length) {
    const { v, path, depth } = stack.pop() as (typeof stack)[number];
    if (typeof v === 'string') {
      if (unstorable.test(v)) return { path, keyword: 'nul', message: 'must not contain NUL characters or unpaired surrogates' };
      continue;
    }
    if (!v || typeof v !== 'object') continue;
    if (depth >= MAX_JSON_DEPTH) return { path, keyword: 'depth', message: `must not nest deeper than ${MAX_JSON_DEPTH} levels` };
    // Pushed in reverse, so that the first problem in document order is the one reported.
    if (Array.isArray(v)) {
      for (let i = v.length - 1; i >= 0; i--) stack.push({ v: v[i], path: `${path}/${i}`, depth: depth + 1 });
    } else {
      const entries = Object.entries(v);
      for (let i = entries.length - 1; i >= 0; i--) {
        const [k, x] = entries[i];
        if (unstorable.test(k)) {
          return {
            path: `${path}/${k.replace(unstorableAll, '')}`,
            keyword: 'nul',
            message: 'must not contain NUL characters or unpaired surrogates',
          };
        }
        stack.push({ v: x, path: `${path}/${k}`, depth: depth + 1 });
      }
    }
  }
  return null;
}

type Validate = ((data: unknown) => boolean) & { errors?: FastifySchemaValidationError[] | null };

// Bodies are validated strictly; params, query strings and headers arrive as text and are coerced.
export function validatorCompiler({ schema, httpPart }: { schema: object; httpPart?: string }) {
  const validate = (httpPart === 'body' ? strict : lenient).compile(schema);
  const checked: Validate = (data: unknown) => {
    const problem = scanJson(data);
    if (problem) {
      checked.errors = [{ instancePath: problem.path, schemaPath: '#', keyword: problem.keyword, message: problem.message, params: {} }];
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
