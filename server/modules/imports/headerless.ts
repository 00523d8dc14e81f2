import type { ImportObject } from './headers.ts';
import type { Target } from './mapping.ts';

const email = /^[^\s@,;]+@[^\s@,;]+\.[^\s@,;]+$/u;
const phone = /^\+?[\d\s().\-/]+$/;
const domain = /^(https?:\/\/)?(www\.)?[\p{L}\p{N}-]+(\.[\p{L}\p{N}-]+)+\/?$/u;

type Kind = 'email' | 'phone' | 'domain' | 'text' | 'empty';

/** What most filled cells of a column hold in the first rows. */
function kindOf(values: string[]): Kind {
  const filled = values.map((v) => v.trim()).filter(Boolean);
  if (!filled.length) return 'empty';
  const share = (test: (v: string) => boolean) => filled.filter(test).length / filled.length;
  if (share((v) => email.test(v)) >= 0.6) return 'email';
  if (share((v) => phone.test(v) && (v.match(/\d/g)?.length ?? 0) >= 6) >= 0.6) return 'phone';
  if (share((v) => domain.test(v)) >= 0.6) return 'domain';
  return 'text';
}

/**
 * The columns of a file without a header, by what their first rows hold: emails, phone numbers,
 * web addresses (a company's domain), and text. For contacts, the text columns before the first email or phone are the
 * name (one column: the full name; two: first and last name); for companies the first text column
 * is the name. Other text columns are left out: without a header nothing says what they are, and a
 * person can name every column by position instead (`columns=`).
 */
export function inferColumns(sample: string[][], width: number, object: ImportObject): Map<number, Target> {
  const kinds = Array.from({ length: width }, (_, i) => kindOf(sample.map((r) => r[i] ?? '')));
  const targets = new Map<number, Target>();
  kinds.forEach((k, i) => {
    if (k === 'email' && object === 'contact') targets.set(i, { kind: 'email', label: 'work' });
    if (k === 'phone') targets.set(i, object === 'contact' ? { kind: 'phone', label: 'work' } : { kind: 'company', field: 'phone' });
  });
  // A web address is a company's for a list of companies; in a list of people it may be their own site.
  const firstDomain = kinds.indexOf('domain');
  if (firstDomain !== -1 && object === 'company') targets.set(firstDomain, { kind: 'company', field: 'domain' });
  const firstContact = kinds.findIndex((k) => k === 'email' || k === 'phone');
  const text = kinds.flatMap((k, i) => (k === 'text' && (firstContact === -1 || i < firstContact) ? [i] : []));
  if (object === 'company') {
    if (text.length) targets.set(text[0], { kind: 'company', field: 'name' });
  } else if (text.length === 1) {
    targets.set(text[0], { kind: 'contact', field: 'name' });
  } else if (text.length >= 2) {
    targets.set(text[0], { kind: 'contact', field: 'firstName' });
    targets.set(text[1], { kind: 'contact', field: 'lastName' });
  }
  return targets;
}
