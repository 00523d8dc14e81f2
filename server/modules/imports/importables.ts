import type { TSchema } from 'typebox';
import { ActivityCreate } from '../../../contract/activities.ts';
import { DealCreate } from '../../../contract/deals.ts';
import type { ImportObject } from '../../../contract/imports.ts';
import { LeadCreate } from '../../../contract/leads.ts';
import { CustomRecordCreate } from '../../../contract/objects.ts';
import { TaskCreate } from '../../../contract/tasks.ts';
import type { Conn } from '../../db/client.ts';
import type { Ctx } from '../../http/context.ts';
import { notFound } from '../../http/errors.ts';
import type { ObjectDef } from '../../records/object-def.ts';
import { createActivity } from '../activities/activities.service.ts';
import { createDeal } from '../deals/deals.service.ts';
import { createLead } from '../leads/leads.service.ts';
import { createCustomRecord, defOfType, typeOfKey } from '../objects/objects.service.ts';
import { objectDefs } from '../registry.ts';
import { createTask } from '../tasks/tasks.service.ts';
import { fieldsOfSchema, type ImportField } from './record-fields.ts';

// The objects the generic importer writes (every one but contacts and companies, which have importers
// of their own with dedupe and several emails and phones): each is its registry definition, its
// create body's schema (from which the importable fields, their types, enums and required fields are
// read, record-fields.ts) and its module's create, which keeps the object's own rules (a deal's stage,
// a task's done date, an activity's links) in one place.

export interface Importable {
  object: ImportObject;
  /** The record type its history rows carry: what an undo finds. */
  recordType: string;
  def: ObjectDef;
  /** Whose custom fields a row fills: the object type, or a custom object's key. */
  fieldsKey: string;
  /** "deal", "Project": for messages. */
  label: string;
  fields: ImportField[];
  /** Fields of which a file must fill one (a mapping without any is refused): a deal's name. */
  needs: string[];
  create(conn: Conn, ctx: Ctx, body: Record<string, unknown>): Promise<{ id: string }>;
}

interface BuiltIn {
  schema: TSchema & { properties: Record<string, unknown>; required?: string[] };
  needs: string[];
  create(conn: Conn, ctx: Ctx, body: Record<string, unknown>): Promise<{ id: string }>;
}

// The bodies are built from the schema's own fields and checked by the module's create.
const builtIns: Record<Exclude<ImportObject, 'contact' | 'company' | `custom:${string}`>, BuiltIn> = {
  lead: { schema: LeadCreate, needs: ['firstName', 'lastName', 'email'], create: (c, x, b) => createLead(c, x, b as never) },
  deal: { schema: DealCreate, needs: ['name'], create: (c, x, b) => createDeal(c, x, b as never) },
  task: { schema: TaskCreate, needs: ['title'], create: (c, x, b) => createTask(c, x, b as never) },
  activity: {
    schema: ActivityCreate,
    needs: ['links.contact', 'links.company', 'links.deal', 'links.lead'],
    create: (c, x, b) => createActivity(c, x, b as never),
  },
};

/** Whether the generic importer writes this object (not contacts or companies). */
export const isGeneric = (object: string) => object !== 'contact' && object !== 'company';

/** The custom object's key of `custom:<key>`, or null. */
export const customKeyOf = (object: string) => (object.startsWith('custom:') ? object.slice(7) : null);

/** Whose custom fields an object's rows fill. */
export const fieldsKeyOf = (object: string) => customKeyOf(object) ?? object;

/** An object as the generic importer writes it; a custom object that does not exist is a 404. */
export async function importableOf(conn: Conn, ctx: Ctx, object: ImportObject): Promise<Importable> {
  const key = customKeyOf(object);
  if (key) {
    const t = await typeOfKey(conn, ctx, key).catch(() => {
      throw notFound('Object');
    });
    return {
      object,
      recordType: 'custom_record',
      def: defOfType(t),
      fieldsKey: t.key,
      label: t.label,
      fields: fieldsOfSchema(CustomRecordCreate),
      needs: ['name'],
      create: (c, x, b) => createCustomRecord(c, x, t.key, b as never),
    };
  }
  const b = builtIns[object as keyof typeof builtIns];
  const def = objectDefs[object];
  if (!b || !def) throw new Error(`${object} is not imported by the generic importer`);
  return {
    object,
    recordType: def.type,
    def,
    fieldsKey: object,
    label: def.label.toLowerCase(),
    fields: fieldsOfSchema(b.schema),
    needs: b.needs,
    create: b.create,
  };
}

/** The fields a column of an object may fill, as the mapping screen offers them (sync: built-in objects, and a custom object's shared ones). */
export function targetsOf(object: ImportObject): string[] {
  if (!isGeneric(object)) return [];
  const b = builtIns[object as keyof typeof builtIns];
  return fieldsOfSchema(b ? b.schema : CustomRecordCreate).map((f) => f.name);
}
