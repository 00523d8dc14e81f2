/**
 * Merge fields of email templates: `{{contact.firstName}}`, `{{contact.custom.key}}`, each with an
 * optional fallback `{{contact.firstName | "there"}}`. A small tokenizer of our own rather than a
 * template library: Handlebars and Mustache take helpers, partials, sections and triple braces that
 * a member's template must not reach, and neither refuses an unknown field — which this does, at
 * save time, naming the token.
 */

export interface MergeToken {
  /** The token as written, `{{contact.firstName | "there"}}`. */
  raw: string;
  path: string;
  fallback: string | null;
}

export type Part = string | MergeToken;

export class MergeSyntaxError extends Error {
  constructor(
    message: string,
    readonly token: string,
  ) {
    super(message);
  }
}

const TOKEN = /^\s*([A-Za-z][A-Za-z0-9_]*(?:\.[A-Za-z0-9_]+)*)\s*(?:\|\s*"((?:[^"\\]|\\.)*)"\s*)?$/;

/** Splits a template into text and merge tokens; a `{{` that is not a well-formed token is an error naming it. */
export function tokenize(template: string): Part[] {
  const parts: Part[] = [];
  let at = 0;
  while (at < template.length) {
    const open = template.indexOf('{{', at);
    if (open < 0) break;
    if (open > at) parts.push(template.slice(at, open));
    const close = template.indexOf('}}', open + 2);
    if (close < 0) {
      const raw = template.slice(open, open + 40);
      throw new MergeSyntaxError(`"${raw}" opens a merge field that is never closed with }}`, raw);
    }
    const raw = template.slice(open, close + 2);
    const m = TOKEN.exec(template.slice(open + 2, close));
    if (!m)
      throw new MergeSyntaxError(`"${raw}" is not a merge field: write {{contact.firstName}} or {{contact.firstName | "there"}}`, raw);
    parts.push({ raw, path: m[1], fallback: m[2] === undefined ? null : m[2].replace(/\\(.)/g, '$1') });
    at = close + 2;
  }
  if (at < template.length) parts.push(template.slice(at));
  return parts;
}

/** The fields a template may name, besides `contact.custom.<key>` / `deal.custom.<key>` of live custom fields. */
export const mergeFields = [
  'contact.firstName',
  'contact.lastName',
  'contact.name',
  'contact.email',
  'contact.title',
  'contact.company.name',
  'deal.name',
  'member.name',
  'member.email',
] as const;

/** Custom field keys by object, to check `…custom.<key>` tokens against. */
export interface KnownCustom {
  contact: string[];
  deal: string[];
}

/** Whether a token's path names a field; the reason in words when not. */
export function unknownField(path: string, custom: KnownCustom): string | null {
  if ((mergeFields as readonly string[]).includes(path)) return null;
  const m = /^(contact|deal)\.custom\.([A-Za-z0-9_]+)$/.exec(path);
  if (m) return custom[m[1] as 'contact' | 'deal'].includes(m[2]) ? null : `${m[1]} has no custom field "${m[2]}"`;
  return `"${path}" is not a merge field (use ${mergeFields.join(', ')}, contact.custom.<key> or deal.custom.<key>)`;
}

export type MergeValues = Record<string, unknown>;

const escapeHtml = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');

function show(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (Array.isArray(v)) return v.map(show).filter(Boolean).join(', ');
  if (typeof v === 'object') return '';
  return String(v);
}

/** Fills the tokens from `values` (by path), a missing or empty value taking the token's fallback. */
export function render(parts: Part[], values: MergeValues, mode: 'text' | 'html' = 'text'): string {
  const esc = mode === 'html' ? escapeHtml : (s: string) => s;
  return parts
    .map((p) => {
      if (typeof p === 'string') return esc(p);
      const v = show(values[p.path]).trim();
      return esc(v || (p.fallback ?? ''));
    })
    .join('');
}

/** A plain-text body as HTML: everything escaped (literal text and merged values), line breaks kept. */
export function textToHtml(parts: Part[], values: MergeValues): string {
  return `<div>${render(parts, values, 'html').replace(/\r?\n/g, '<br>\n')}</div>`;
}
