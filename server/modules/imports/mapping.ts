import { badRequest } from '../../http/errors.ts';
import type { CustomDef } from '../fields/custom-values.ts';

export type ScalarField = 'firstName' | 'lastName' | 'name' | 'title' | 'lifecycleStage' | 'source';

export type Target =
  | { kind: 'scalar'; field: ScalarField }
  | { kind: 'email'; label: string }
  | { kind: 'phone'; label: string }
  | { kind: 'custom'; def: CustomDef };

export interface MappedColumn {
  index: number;
  header: string;
  /** The contact field as the API names it: `firstName`, `email`, `custom.industry`. */
  field: string;
  target: Target;
}

export interface Mapping {
  columns: MappedColumn[];
  /** header → field, as the response reports it. */
  report: Record<string, string>;
  ignored: string[];
}

/** Headers compared without case, accents, spaces, underscores or punctuation: "E-mail", "e_mail" and "EMAIL" are one. */
export const normalizeHeader = (h: string) =>
  h
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]/g, '');

const scalarAliases: Record<string, ScalarField> = {};
for (const [field, names] of Object.entries({
  firstName: ['firstname', 'first', 'givenname', 'forename'],
  lastName: ['lastname', 'last', 'surname', 'familyname'],
  name: ['name', 'fullname', 'contactname', 'displayname'],
  title: ['title', 'jobtitle', 'position'],
  lifecycleStage: ['lifecyclestage', 'lifecycle', 'stage'],
  source: ['source', 'leadsource', 'contactsource'],
})) {
  for (const n of names) scalarAliases[n] = field as ScalarField;
}

// Several email and phone columns are common ("Email", "Email 2", "Work email", "Mobile phone").
// The pattern is strict on purpose: "Email opt-out" or "Phone calls allowed" are not addresses.
const labels = 'work|home|personal|private|business|office|other|primary|secondary|main|direct|alternate|alternative|additional';
const emailHeader = new RegExp(`^(${labels})?e?mail(address)?(${labels})?\\d*$`);
const phoneHeader = new RegExp(
  `^(${labels}|mobile|cell)?(phone|phonenumber|telephone|telephonenumber|tel|mobile|mobilephone|mobilenumber|cell|cellphone)(${labels})?\\d*$`,
);
const labelOf = (m: RegExpExecArray) => m[1] ?? m[3];

/**
 * Maps a file's header to contact fields. Built-in names come first, then custom fields by key or
 * label, then the email and phone patterns. Each single-valued field takes the first column that
 * names it; a later one is ignored. A file needs a name or an email column.
 */
export function mapHeader(header: string[], defs: CustomDef[]): Mapping {
  const customByName = new Map<string, CustomDef>();
  for (const d of defs) {
    customByName.set(normalizeHeader(d.label), d);
    customByName.set(normalizeHeader(d.key), d);
  }
  const customByKey = new Map(defs.map((d) => [d.key, d]));
  const taken = new Set<string>();
  const columns: MappedColumn[] = [];
  const report: Record<string, string> = {};
  const ignored: string[] = [];
  header.forEach((h, index) => {
    const target = targetOf(h, customByName, customByKey);
    const field = !target
      ? null
      : target.kind === 'scalar'
        ? target.field
        : target.kind === 'custom'
          ? `custom.${target.def.key}`
          : target.kind;
    if (!target || !field || (taken.has(field) && target.kind !== 'email' && target.kind !== 'phone')) {
      ignored.push(h);
      return;
    }
    taken.add(field);
    columns.push({ index, header: h, field, target });
    // Two columns with one header ("Email", "Email") are reported apart.
    report[h in report ? `${h} (column ${index + 1})` : h] = field;
  });
  if (!['firstName', 'lastName', 'name', 'email'].some((f) => taken.has(f))) {
    const shown = header.slice(0, 10).map((h) => `"${h.slice(0, 40)}"`);
    throw badRequest(
      'body.header',
      'no_usable_column',
      `No column of the header holds a name or an email (the first row reads ${shown.join(', ')}${header.length > 10 ? ' …' : ''}). ` +
        'Name the columns in the first row, for example: First name, Last name, Email.',
    );
  }
  return { columns, report, ignored };
}

function targetOf(header: string, customByName: Map<string, CustomDef>, customByKey: Map<string, CustomDef>): Target | null {
  // `custom.<key>` names a custom field exactly, even one whose label is also a built-in name.
  const explicit = /^custom\.([a-z][a-z0-9_]*)$/.exec(header.trim());
  if (explicit) {
    const d = customByKey.get(explicit[1]);
    return d ? { kind: 'custom', def: d } : null;
  }
  const n = normalizeHeader(header);
  if (!n) return null;
  const scalar = scalarAliases[n];
  if (scalar) return { kind: 'scalar', field: scalar };
  const custom = customByName.get(n);
  if (custom) return { kind: 'custom', def: custom };
  const email = emailHeader.exec(n);
  if (email) return { kind: 'email', label: labelOf(email) ?? 'work' };
  const phone = phoneHeader.exec(n);
  if (phone) {
    const label = labelOf(phone) ?? (/mobile|cell/.test(n) ? 'mobile' : 'work');
    return { kind: 'phone', label: label === 'cell' ? 'mobile' : label };
  }
  return null;
}
