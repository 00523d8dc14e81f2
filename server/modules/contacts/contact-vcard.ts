import type { Contact } from '../../../contract/contacts.ts';

// A contact as a vCard 3.0 (RFC 2426): the version every address book reads (iOS, macOS, Android,
// Google Contacts, Outlook, Thunderbird); 4.0 is read by fewer. UTF-8, lines folded at 75 octets.

/** A text value with the characters vCard gives a meaning escaped (RFC 2426 §5: \ , ; and line breaks). */
export const vcardText = (v: string) => v.replace(/\\/g, '\\\\').replace(/,/g, '\\,').replace(/;/g, '\\;').replace(/\r?\n/g, '\\n');

/** Folds a content line at 75 octets (RFC 2425 §5.8.1), never inside a UTF-8 character. */
export function foldLine(line: string) {
  const out: string[] = [];
  let cur = '';
  let bytes = 0;
  for (const ch of line) {
    const n = Buffer.byteLength(ch);
    const limit = out.length ? 74 : 75; // a continuation line starts with its one space
    if (bytes + n > limit) {
      out.push(cur);
      cur = '';
      bytes = 0;
    }
    cur += ch;
    bytes += n;
  }
  out.push(cur);
  return out.join('\r\n ');
}

/** A vCard TYPE for our label: the standard ones as vCard names them, others as X- free text is not portable, so kept as TYPE too. */
const typeOf = (label: string) => {
  const l = label.trim().toLowerCase();
  if (!l) return '';
  if (l === 'mobile' || l === 'cell') return ';TYPE=CELL';
  if (/^[a-z][a-z0-9-]{0,30}$/.test(l)) return `;TYPE=${l.toUpperCase()}`;
  return '';
};

type VcardContact = Partial<Contact> & { id: string };

/** One contact as a vCard, CRLF line ends. */
export function contactVcard(c: VcardContact) {
  const first = c.firstName ?? '';
  const last = c.lastName ?? '';
  const fn = [first, last].filter(Boolean).join(' ') || c.emails?.[0]?.value || '';
  const lines = ['BEGIN:VCARD', 'VERSION:3.0', `UID:${c.id}`, `FN:${vcardText(fn)}`, `N:${vcardText(last)};${vcardText(first)};;;`];
  for (const e of c.emails ?? []) lines.push(`EMAIL;TYPE=INTERNET${typeOf(e.label)}:${vcardText(e.value)}`);
  for (const p of c.phones ?? []) lines.push(`TEL${typeOf(p.label)}:${vcardText(p.e164 ?? p.value)}`);
  const company = c.companies?.find((x) => x.isPrimary) ?? c.companies?.[0];
  if (company) lines.push(`ORG:${vcardText(company.name)}`);
  if (c.title) lines.push(`TITLE:${vcardText(c.title)}`);
  const a = c.address;
  if (a && Object.values(a).some(Boolean)) {
    const parts = [a.street, a.city, a.region, a.postalCode, a.country].map((x) => vcardText(x ?? ''));
    lines.push(`ADR;TYPE=WORK:;;${parts.join(';')}`);
  }
  if (c.updatedAt) lines.push(`REV:${c.updatedAt}`);
  lines.push('END:VCARD');
  return `${lines.map(foldLine).join('\r\n')}\r\n`;
}
