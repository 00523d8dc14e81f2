import type { Offset } from '../../../contract/automation.ts';

// What an action's text may say about the run: `{{record.name}}`, `{{previous.amountMinor}}`,
// `{{trigger.body.orderId}}`, `{{rule.name}}`; and relative dates for date fields: `+2d`, `-3h`,
// `+1w`, `today`, `now`, read in the rule's time zone.

export interface TemplateScope {
  record: Record<string, unknown> | null;
  previous: Record<string, unknown> | null;
  trigger: Record<string, unknown>;
  rule: { id: string; name: string };
  now: Date;
  timeZone: string;
}

export const templateRoots = ['record', 'previous', 'trigger', 'rule', 'now', 'today'] as const;
const placeholder = /\{\{\s*([A-Za-z_][A-Za-z0-9_.]{0,200})\s*\}\}/g;

/** The paths a text's placeholders name (`record.name` …), to check them when the rule is saved. */
export const placeholders = (text: string) => [...text.matchAll(placeholder)].map((m) => m[1]);
export const hasPlaceholder = (v: unknown) => typeof v === 'string' && placeholders(v).length > 0;

function lookup(scope: TemplateScope, path: string): unknown {
  const [root, ...rest] = path.split('.');
  if (root === 'now') return scope.now.toISOString();
  if (root === 'today') return dateIn(scope.now, scope.timeZone);
  let v: unknown = Object.hasOwn(scope, root) ? scope[root as keyof TemplateScope] : undefined;
  // A contact's or lead's `name` is not a field of its own: it reads the way lists show it.
  if ((root === 'record' || root === 'previous') && rest[0] === 'name' && v && typeof v === 'object' && !('name' in v)) {
    const r = v as Record<string, unknown>;
    return [r.firstName, r.lastName].filter((p) => p !== null && p !== undefined && p !== '').join(' ');
  }
  for (const k of rest) {
    if (!v || typeof v !== 'object' || !Object.hasOwn(v, k)) return undefined;
    v = (v as Record<string, unknown>)[k];
  }
  return v;
}

const asText = (v: unknown) => (v === null || v === undefined ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v));

/**
 * Fills in the placeholders of every string in `value` (objects and arrays are walked). A string
 * that is one placeholder alone takes the value's own type, so `{{record.amountMinor}}` copies a
 * number and `{{record.ownerId}}` an id; placeholders inside text are written as text.
 */
export function render(value: unknown, scope: TemplateScope): unknown {
  if (typeof value === 'string') {
    const whole = /^\{\{\s*([A-Za-z_][A-Za-z0-9_.]{0,200})\s*\}\}$/.exec(value);
    if (whole) return lookup(scope, whole[1]) ?? null;
    return value.replace(placeholder, (_m, path: string) => asText(lookup(scope, path)));
  }
  if (Array.isArray(value)) return value.map((v) => render(v, scope));
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, render(v, scope)]));
  }
  return value;
}

const unitMs = { m: 60_000, h: 3_600_000, d: 86_400_000, w: 7 * 86_400_000 } as const;
const relative = /^(?:(now|today)|([+-])(\d{1,5})([mhdw]))$/;

/** Whether text is a relative date: `now`, `today`, `+2d`, `-3h`, `+1w`, `+30m`. */
export const isRelativeDate = (v: unknown): v is string => typeof v === 'string' && relative.test(v.trim());

/** The calendar date of an instant in a time zone, `YYYY-MM-DD`. */
export function dateIn(at: Date, timeZone: string) {
  const parts = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).formatToParts(at);
  const get = (t: string) => parts.find((p) => p.type === t)?.value ?? '';
  return `${get('year')}-${get('month')}-${get('day')}`;
}

/** A relative date as a value for a `date` field (`YYYY-MM-DD` in the rule's zone) or a date-time one (ISO). */
export function resolveRelativeDate(text: string, kind: 'date' | 'datetime', now: Date, timeZone: string): string {
  const m = relative.exec(text.trim());
  if (!m) return text;
  const at = m[1] ? now : new Date(now.getTime() + (m[2] === '-' ? -1 : 1) * Number(m[3]) * unitMs[m[4] as keyof typeof unitMs]);
  return kind === 'date' ? dateIn(at, timeZone) : at.toISOString();
}

const offsetMs = { minutes: 60_000, hours: 3_600_000, days: 86_400_000, weeks: 7 * 86_400_000 } as const;

/** An offset or duration in milliseconds (a day is 24 hours). */
export const durationMs = (d: Offset) => d.amount * offsetMs[d.unit];

/** An offset in words: "3 days before", "2 hours after". */
export function offsetWords(d: Offset, before = 'before', after = 'after') {
  const n = Math.abs(d.amount);
  const unit = n === 1 ? d.unit.slice(0, -1) : d.unit;
  return d.amount === 0 ? 'at' : `${n} ${unit} ${d.amount < 0 ? before : after}`;
}
