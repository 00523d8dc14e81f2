// What a column's header says it holds, for the files other tools export: Google Contacts, Outlook,
// Apple Contacts, Thunderbird, HubSpot, Salesforce (reports too), Pipedrive, Zoho and Twenty. The
// header shapes, and the corpus files that show each one, are in corpus/README.md; the names
// themselves are in header-names.ts.

import {
  addressAliases,
  companyAliases,
  contactAliases,
  contactCompanyAliases,
  fold,
  type ImportObject,
  labelWords,
  localContact,
  type Meaning,
  normalizeHeader,
} from './header-names.ts';

export type { AddressPart, CompanyScalar, ContactScalar, ImportObject, Meaning } from './header-names.ts';
export { isHonorific, normalizeHeader } from './header-names.ts';

const words = (h: string) =>
  fold(h)
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();

export interface Classified {
  meaning: Meaning;
  /** Which columns belong together (a value and its label): "email 1", "phones primary". */
  group?: string;
  /** Lower wins when two columns name one field ("Job Title" over "Title"). */
  rank: number;
  /** A "Title" column, which in Outlook, Salesforce and others holds honorifics (Mr., Dr.), not job titles. */
  maybeHonorific?: boolean;
}

/** Which side of the file a prefixed header ("Account: Account Name", "Person - Email - Work") belongs to. */
type Side = 'person' | 'company';
const objectWords: Record<string, Side> = {};
for (const w of ['contact', 'contacts', 'person', 'people', 'persons', 'lead', 'leads']) objectWords[w] = 'person';
for (const w of ['account', 'accounts', 'organization', 'organizations', 'organisation', 'organisations', 'company', 'companies'])
  objectWords[w] = 'company';

/**
 * A label as a file writes it ("* Work", "Mobile", "Work Fax", "_$!<Home>!$_") in the words the app
 * uses; an unknown one is kept as written, lower-cased. Google marks the primary value with "* ".
 */
export function labelOf(text: string, kind: 'email' | 'phone'): string | null {
  const raw = text
    .replace(/^[\s*]+/, '')
    .replace(/^_\$!<(.*)>!\$_$/, '$1')
    .trim();
  if (!raw) return null;
  const key = normalizeHeader(raw);
  const known = labelWords[key];
  if (known === 'main' && kind === 'email') return 'work';
  return known ?? raw.toLowerCase().slice(0, 50);
}

const emailLabelGroup = 'work|business|office|home|personal|private|other|primary|secondary|main|alternate|alternative|additional|direct';
// The pattern is strict on purpose: "Email opt-out", "E-mail Type" or "Email Display Name" are not addresses.
const emailHeader = new RegExp(
  `^(${emailLabelGroup})?(?:e?mails?)(\\d*)(?:address|addresses|adresse|adressen)?(${emailLabelGroup})?(\\d*)$`,
);
const phoneLabelGroup = `${emailLabelGroup}|company|companymain|car|radio|assistant|assistants|asst|callback|isdn|ttytdd|telex|mobile|cell|iphone|geschaftlich|privat`;
const phoneHeader = new RegExp(
  `^(${phoneLabelGroup})?(phone|telephone|tel|mobile|mobil|cell|cellular|handy|fax|pager|telefon|mobiltelefon|cellphone|mobilephone)(\\d*)(?:number|no|nummer)?(${phoneLabelGroup})?(\\d*)$`,
);
const impliedPhoneLabel: Record<string, string> = {
  mobile: 'mobile',
  mobil: 'mobile',
  cell: 'mobile',
  cellular: 'mobile',
  handy: 'mobile',
  cellphone: 'mobile',
  mobilephone: 'mobile',
  mobiltelefon: 'mobile',
  fax: 'fax',
  pager: 'pager',
};

/** An email or phone column by its name: "Work email", "E-mail 2 Address", "Business Phone", "Phone (mobile)", "Mobile Phone Number". */
function emailOrPhone(compact: string): Meaning | null {
  const local = localContact[compact];
  if (local) return { ...local };
  const email = emailHeader.exec(compact);
  if (email) return { kind: 'email', label: labelOf(email[1] ?? email[3] ?? '', 'email') ?? 'work' };
  const phone = phoneHeader.exec(compact);
  if (phone) {
    // What the number is (a fax, a mobile) says more than where it is: "Business Fax" is a fax.
    const word = phone[1] ?? phone[4];
    return { kind: 'phone', label: impliedPhoneLabel[phone[2]] || (word && labelOf(word, 'phone')) || 'work' };
  }
  return null;
}

/** Google Contacts' numbered columns: "E-mail 1 - Value", "Phone 2 - Label", "Organization 1 - Name", "Organization 1 - Title". */
const googleNumbered = /^(e ?mail|phone|organization|organisation) (\d+) (value|label|type|name|title)$/;

function google(w: string, object: ImportObject): Classified | null {
  const m = googleNumbered.exec(w);
  if (!m) return null;
  const [, what, n, part] = m;
  if (what === 'organization' || what === 'organisation') {
    // Only the first organisation is the contact's company; a second one is history.
    if (n !== '1') return null;
    if (object === 'company') return part === 'name' ? { meaning: { kind: 'company', field: 'name' }, rank: 0 } : null;
    if (part === 'name') return { meaning: { kind: 'company', field: 'name' }, rank: 0 };
    if (part === 'title') return { meaning: { kind: 'contact', field: 'title' }, rank: 0 };
    return null;
  }
  if (object === 'company') return null;
  const kind = what === 'phone' ? 'phone' : 'email';
  const group = `${kind} ${n}`;
  // The label comes from the group's label column, row by row; "work" where it is empty.
  if (part === 'value') return { meaning: { kind, label: 'work' }, group, rank: 0 };
  if (part === 'label' || part === 'type') return { meaning: { kind: 'qualifier', of: 'label' }, group, rank: 0 };
  return null;
}

/**
 * Twenty's composite columns: "Name / First Name", "Emails / Primary Email", "Phones / Primary Phone
 * Number" with "Phones / Primary Phone Country Code", "Domain Name / Primary Link Url", "Address /
 * City". A composite Rapport has no field for ("Linkedin / Link URL", "Created by / Name") is not
 * read: its sub-field's name would otherwise pass for one of ours.
 */
function twenty(composite: string, sub: string, object: ImportObject): Classified | null {
  const c = normalizeHeader(composite);
  const s = normalizeHeader(sub);
  if (c === 'name' && object === 'contact') return plain(sub, object, null);
  if (c === 'emails' && object === 'contact') {
    if (s === 'primaryemail') return { meaning: { kind: 'email', label: 'work' }, rank: 0 };
    if (s === 'additionalemails') return { meaning: { kind: 'email', label: 'other' }, rank: 0 };
    return null;
  }
  if (c === 'phones' || c === 'mobile' || c === 'workphone' || c === 'homephone') {
    const label = c === 'phones' ? null : (labelOf(c.replace(/phone$/, ''), 'phone') ?? 'work');
    const group = `phones ${c}`;
    if (object === 'company') return s === 'primaryphonenumber' ? { meaning: { kind: 'company', field: 'phone' }, rank: 0 } : null;
    if (s === 'primaryphonenumber') return { meaning: { kind: 'phone', label: label ?? 'work' }, group, rank: 0 };
    if (s === 'primaryphonecountrycode') return { meaning: { kind: 'qualifier', of: 'country' }, group, rank: 0 };
    if (s === 'primaryphonecallingcode') return { meaning: { kind: 'qualifier', of: 'callingCode' }, group, rank: 0 };
    if (s === 'additionalphones') return { meaning: { kind: 'phone', label: 'other' }, rank: 0 };
    return null;
  }
  if ((c === 'domainname' || c === 'domain' || c === 'website') && /url$/.test(s)) {
    return { meaning: { kind: 'company', field: 'domain' }, rank: 0 };
  }
  if (c === 'company' && object === 'contact' && s === 'name') return { meaning: { kind: 'company', field: 'name' }, rank: 0 };
  if (c === 'address' && object === 'company') {
    const part = addressAliases[s];
    return part ? { meaning: { kind: 'address', part: part[0] }, rank: part[1] } : null;
  }
  return null;
}

/** A header without a prefix, for the object being imported (`side`: the object a prefix named, if any). */
function plain(header: string, object: ImportObject, side: Side | null): Classified | null {
  const compact = normalizeHeader(header);
  if (!compact) return null;
  const w = words(header);
  const numbered = google(w, object);
  if (numbered) return numbered;
  if (object === 'company') {
    if (side === 'person') return null;
    const f = companyAliases[compact];
    if (f) return { meaning: { kind: 'company', field: f[0] }, rank: f[1] };
    const a = addressAliases[compact];
    if (a) return { meaning: { kind: 'address', part: a[0] }, rank: a[1] };
    return null;
  }
  if (side === 'company') {
    // "Account: Account Name", "Organization - Name", "Account: Website": the contact's company.
    const f = companyAliases[compact];
    if (f?.[0] === 'name' || f?.[0] === 'domain') return { meaning: { kind: 'company', field: f[0] }, rank: 0 };
    return null;
  }
  const scalar = contactAliases[compact];
  if (scalar) return { meaning: { kind: 'contact', field: scalar[0] }, rank: scalar[1], maybeHonorific: compact === 'title' };
  const company = contactCompanyAliases[compact];
  if (company) return { meaning: { kind: 'company', field: company[0] }, rank: company[1] };
  const contact = emailOrPhone(compact);
  return contact ? { meaning: contact, rank: 0 } : null;
}

/**
 * What a header says its column holds when importing `object`, or null. Custom fields are matched
 * before this (by the caller), object prefixes are read first: "Contact: First Name" is a first
 * name, "Account: Account Name" the contact's company, "Person - Email - Work" a work email.
 */
export function classify(header: string, object: ImportObject): Classified | null {
  const h = header.trim();
  const composite = /^(.{1,40}?)\s+\/\s+(.+)$/.exec(h);
  if (composite) return twenty(composite[1], composite[2], object);
  const prefixed = /^([^:]{1,40}?)\s*:\s*(.+)$/.exec(h) ?? /^(.{1,40}?)\s+[-–]\s+(.+)$/.exec(h);
  if (prefixed) {
    const side = objectWords[words(prefixed[1])];
    if (side) return plain(prefixed[2], object, side);
  }
  return plain(h, object, null);
}

/** Header words that only a list of companies has: a file of them sent to the contact importer is refused. */
export const isCompanyOnly = (header: string) => {
  const c = classify(header, 'company');
  return c?.meaning.kind === 'company' && (c.meaning.field === 'domain' || c.meaning.field === 'industry' || c.meaning.field === 'size');
};
