import type { ImportObject, ImportRowWarning } from '../../../contract/imports.ts';
import { components, isPreferred, labelOf, parseVcards, unescapeText, type Vcard, type VcardProperty } from './vcard.ts';

// A vCard file as the table the importer reads: one row per card, under the column names of a
// Google Contacts export ("E-mail 1 - Label", "E-mail 1 - Value", "Organization Name" …), which
// the mapping already knows. So a vCard goes through the same preview, mapping screen, job and
// resume as a CSV file, and the mapping screen shows what each card property became.

export interface Table {
  header: string[];
  rows: string[][];
  /** What could not be read, naming the card and property (rows count from 2: line 1 is the header). */
  notes: ImportRowWarning[];
}

const all = (card: Vcard, name: string) => card.properties.filter((p) => p.name === name);
const first = (card: Vcard, name: string) => all(card, name)[0];
/** The preferred values first (TYPE=PREF, PREF=1), else in card order. */
const ordered = (ps: VcardProperty[]) => [...ps.filter(isPreferred), ...ps.filter((p) => !isPreferred(p))];

/** The person's or organisation's name for messages: FN, else N. */
const nameOf = (card: Vcard) => {
  const fn = unescapeText(first(card, 'FN')?.value ?? '').trim();
  if (fn) return fn;
  const [family = '', given = ''] = components(first(card, 'N')?.value ?? '');
  return [given, family].filter(Boolean).join(' ');
};
const describe = (card: Vcard) => {
  const n = nameOf(card);
  return `card ${card.index}${n ? ` (${n})` : ''}`;
};

/** Whether a card is an organisation: KIND:org (4.0), X-ABShowAs:COMPANY (Apple), or an ORG without any personal name. */
function isOrganisation(card: Vcard) {
  const kind = (first(card, 'KIND') ?? first(card, 'X-ADDRESSBOOKSERVER-KIND'))?.value.trim().toLowerCase();
  if (kind) return kind === 'org' || kind === 'organization';
  if (first(card, 'X-ABSHOWAS')?.value.trim().toUpperCase() === 'COMPANY') return true;
  return false;
}

/** vCard's BDAY as an ISO date where it is one (19850412, 1985-04-12, --0412 without a year stays as written). */
function birthday(v: string) {
  const t = v.trim();
  const m = /^(\d{4})-?(\d{2})-?(\d{2})(?:T.*)?$/.exec(t);
  return m ? `${m[1]}-${m[2]}-${m[3]}` : t;
}

/**
 * A card's PHOTO as the "Photo Data" cell (photo-cell.ts reads it): 4.0's data: URL or a link as
 * written, 2.1/3.0's inline base64 (ENCODING=b or BASE64) without its folding whitespace.
 */
function photo(card: Vcard) {
  const p = first(card, 'PHOTO');
  if (!p) return '';
  const v = p.value.trim();
  const encoding = (p.params.ENCODING ?? [])[0]?.toUpperCase();
  return encoding === 'B' || encoding === 'BASE64' ? v.replace(/\s+/g, '') : v;
}

/** A website as a domain-like value: `URL:https://www.initech.example/about` → `https://www.initech.example/about` (the reader takes its domain). */
const website = (card: Vcard) => unescapeText(first(card, 'URL')?.value ?? '').trim();

function contactsTable(cards: Vcard[], notes: ImportRowWarning[]): Omit<Table, 'notes'> & { rowOf?: Map<number, number> } {
  const emails = Math.max(1, ...cards.map((c) => all(c, 'EMAIL').length));
  const phones = Math.max(1, ...cards.map((c) => all(c, 'TEL').length));
  const header = ['First Name', 'Middle Name', 'Last Name', 'Name', 'Organization Name', 'Organization Title', 'Birthday', 'Notes'];
  for (let i = 1; i <= emails; i++) header.push(`E-mail ${i} - Label`, `E-mail ${i} - Value`);
  for (let i = 1; i <= phones; i++) header.push(`Phone ${i} - Label`, `Phone ${i} - Value`);
  header.push(
    'Address 1 - Label',
    'Address 1 - Street',
    'Address 1 - City',
    'Address 1 - Region',
    'Address 1 - Postal Code',
    'Address 1 - Country',
  );
  header.push('Website 1 - Value', 'Photo Data');
  const rows = cards.map((card, i) => {
    const [family = '', given = '', middle = ''] = components(first(card, 'N')?.value ?? '');
    const org = components(first(card, 'ORG')?.value ?? '')[0] ?? '';
    const organisation = isOrganisation(card);
    if (organisation) {
      notes.push({
        row: i + 2,
        field: 'name',
        column: null,
        value: nameOf(card).slice(0, 200),
        message: `${describe(card)} is an organisation (KIND:org), not a person: import the file as companies to add it`,
      });
    }
    const row = [
      organisation ? '' : given,
      organisation ? '' : middle,
      organisation ? '' : family,
      // FN fills the name only where N says nothing (the reader uses it only then).
      organisation || given || family ? '' : unescapeText(first(card, 'FN')?.value ?? ''),
      organisation ? nameOf(card) || org : org,
      unescapeText(first(card, 'TITLE')?.value ?? ''),
      birthday(first(card, 'BDAY')?.value ?? ''),
      all(card, 'NOTE')
        .map((n) => unescapeText(n.value))
        .join('\n'),
    ];
    const es = ordered(all(card, 'EMAIL'));
    for (let k = 0; k < emails; k++) row.push(es[k] ? labelOf(es[k], card) : '', es[k] ? unescapeText(es[k].value).trim() : '');
    const ts = ordered(all(card, 'TEL'));
    for (let k = 0; k < phones; k++)
      row.push(ts[k] ? labelOf(ts[k], card) : '', ts[k] ? unescapeText(ts[k].value).replace(/^tel:/i, '').trim() : '');
    const adr = ordered(all(card, 'ADR'))[0];
    if (adr) {
      const [, ext = '', street = '', city = '', region = '', postal = '', country = ''] = components(adr.value);
      row.push(labelOf(adr, card), [street, ext].filter(Boolean).join(', '), city, region, postal, country);
    } else row.push('', '', '', '', '', '');
    row.push(website(card), photo(card));
    return row;
  });
  return { header, rows };
}

function companiesTable(cards: Vcard[], notes: ImportRowWarning[]): Omit<Table, 'notes'> & { rowOf: Map<number, number> } {
  const header = ['Company Name', 'Website', 'Phone', 'Street', 'City', 'Region', 'Postal Code', 'Country'];
  // Organisation cards first: they carry the company's details, and a person's ORG naming the same
  // company later is then its duplicate, not the other way round.
  const order = [...cards.filter(isOrganisation), ...cards.filter((c) => !isOrganisation(c))];
  const rows = order.map((card, i) => {
    const org = components(first(card, 'ORG')?.value ?? '')[0] ?? '';
    if (!isOrganisation(card)) {
      // A person's card names their organisation: that is the company it adds; their own phone and address are not the company's.
      if (!org) {
        notes.push({
          row: i + 2,
          field: 'name',
          column: null,
          value: nameOf(card).slice(0, 200),
          message: `${describe(card)} is a person without an organisation (ORG): import the file as contacts to add them`,
        });
      }
      return [org, '', '', '', '', '', '', ''];
    }
    const tel = ordered(all(card, 'TEL'))[0];
    const adr = ordered(all(card, 'ADR'))[0];
    const [, ext = '', street = '', city = '', region = '', postal = '', country = ''] = adr ? components(adr.value) : [];
    return [
      org || nameOf(card),
      website(card),
      tel ? unescapeText(tel.value).replace(/^tel:/i, '').trim() : '',
      [street, ext].filter(Boolean).join(', '),
      city,
      region,
      postal,
      country,
    ];
  });
  return { header, rows, rowOf: new Map(order.map((c, i) => [c.index, i + 2])) };
}

/** A vCard file as a table of rows for `object`, with every card and property that could not be read reported. */
export function vcardTable(text: string, object: ImportObject): Table {
  const { cards, problems } = parseVcards(text);
  const notes: ImportRowWarning[] = [];
  const { header, rows, rowOf } = object === 'company' ? companiesTable(cards, notes) : contactsTable(cards, notes);
  const rowOfCard = (index: number) => rowOf?.get(index) ?? Math.max(index, 1) + 1;
  const read: ImportRowWarning[] = problems.map((p) => {
    const card = cards[p.card - 1];
    return {
      row: rowOfCard(p.card),
      field: p.property?.toLowerCase() ?? 'card',
      column: p.property,
      value: '',
      message: `${card ? describe(card) : `card ${p.card}`}${p.property ? `, ${p.property}` : ''}: ${p.message}`,
    };
  });
  return { header, rows, notes: [...read, ...notes].sort((a, b) => a.row - b.row) };
}
