// The importable fields of an object, read from its create body's JSON schema (the contract): a
// field's type, enum, length and whether the body requires it come from there, so a field added to a
// create body is importable without a line here. What a cell names rather than holds (an owner, a
// pipeline, a stage, a company, contacts, linked records) is a relation, found by name or email when
// a batch is written (record-links.ts), by the kind of relation, not by object.

/** Relations, by the body property that holds the id(s). */
export type RelationKind = 'member' | 'pipeline' | 'stage' | 'company' | 'contacts' | 'link';

export type FieldType =
  | { kind: 'text'; max: number }
  | { kind: 'email' }
  | { kind: 'phone' }
  | { kind: 'currency' }
  | { kind: 'integer'; min: number; max: number }
  /** Money in minor units, read from an amount as people type it ("12,500.00", "$ 1.200,50"). */
  | { kind: 'amount' }
  | { kind: 'boolean' }
  | { kind: 'date' }
  | { kind: 'datetime' }
  | { kind: 'enum'; options: readonly string[] }
  | { kind: 'relation'; relation: RelationKind; linkType?: string };

export interface ImportField {
  /** The API's name for it (`name`, `stageId`), or `links.<type>` for a linked record of one type. */
  name: string;
  /** The body property it fills (`links` for every `links.<type>`). */
  property: string;
  type: FieldType;
  /** The create body requires it (a deal's name, a task's title). */
  required: boolean;
}

interface JsonSchema {
  type?: string | string[];
  format?: string;
  enum?: readonly string[];
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  items?: JsonSchema;
  properties?: Record<string, JsonSchema>;
  required?: string[];
}

/** Body properties that are not a file's to fill: mentions and meeting attendees are people picked in the app; invites are sent by hand. */
const notImported = new Set(['custom', 'mentions', 'attendees', 'sendInvites', 'autoLink', 'version']);

/** Relations by the property that holds them: an owner or assignee is a member; a deal sits in a pipeline at a stage. */
const relations: Record<string, RelationKind> = {
  ownerId: 'member',
  assigneeId: 'member',
  pipelineId: 'pipeline',
  stageId: 'stage',
  companyId: 'company',
  contacts: 'contacts',
};

const typeOf = (s: JsonSchema) => (Array.isArray(s.type) ? s.type.find((t) => t !== 'null') : s.type);

function fieldType(name: string, s: JsonSchema): FieldType | null {
  if (relations[name]) return { kind: 'relation', relation: relations[name] };
  if (s.enum) return { kind: 'enum', options: s.enum };
  switch (typeOf(s)) {
    case 'integer':
      if (name.endsWith('Minor')) return { kind: 'amount' };
      return { kind: 'integer', min: s.minimum ?? Number.MIN_SAFE_INTEGER, max: s.maximum ?? Number.MAX_SAFE_INTEGER };
    case 'boolean':
      return { kind: 'boolean' };
    case 'string':
      if (s.format === 'date') return { kind: 'date' };
      if (s.format === 'date-time') return { kind: 'datetime' };
      if (s.format === 'idn-email' || s.format === 'email') return { kind: 'email' };
      if (s.format === 'phone') return { kind: 'phone' };
      if (s.format === 'iso4217') return { kind: 'currency' };
      // An id that no relation above names is not a file's to give.
      if (s.format === 'uuid') return null;
      return { kind: 'text', max: s.maxLength ?? 20_000 };
    default:
      return null;
  }
}

/** The importable fields of a create body's schema, in its order. */
export function fieldsOfSchema(schema: unknown): ImportField[] {
  const s = schema as JsonSchema;
  const required = new Set(s.required ?? []);
  const out: ImportField[] = [];
  for (const [name, p] of Object.entries(s.properties ?? {})) {
    if (notImported.has(name)) continue;
    if (name === 'links') {
      // A linked record of each type a link may name: "Contact", "Company", "Deal" columns.
      const types = p.items?.properties?.recordType?.enum ?? [];
      for (const t of types) {
        if (t === 'custom_record') continue;
        out.push({
          name: `links.${t}`,
          property: 'links',
          type: { kind: 'relation', relation: 'link', linkType: t },
          required: required.has('links'),
        });
      }
      continue;
    }
    const type = fieldType(name, p);
    if (type) out.push({ name, property: name, type, required: required.has(name) });
  }
  return out;
}
