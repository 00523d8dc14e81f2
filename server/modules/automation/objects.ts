import type { TObject } from 'typebox';
import { ActivityCreate, ActivityUpdate, type LinkableType } from '../../../contract/activities.ts';
import { CompanyCreate, CompanyUpdate } from '../../../contract/companies.ts';
import { ContactCreate, ContactUpdate } from '../../../contract/contacts.ts';
import { DealCreate, DealUpdate } from '../../../contract/deals.ts';
import { LeadCreate, LeadUpdate } from '../../../contract/leads.ts';
import { CustomRecordCreate, CustomRecordUpdate } from '../../../contract/objects.ts';
import { TicketCreate, TicketUpdate } from '../../../contract/support.ts';
import { TaskCreate, TaskUpdate } from '../../../contract/tasks.ts';
import type { Conn } from '../../db/client.ts';
import type { Ctx } from '../../http/context.ts';
import type { FieldSpec, ObjectDef } from '../../records/object-def.ts';
import * as activities from '../activities/activities.service.ts';
import * as companies from '../companies/companies.service.ts';
import * as contacts from '../contacts/contacts.service.ts';
import * as deals from '../deals/deals.service.ts';
import type { CustomDef } from '../fields/custom-values.ts';
import { fieldResolver } from '../fields/fields.service.ts';
import * as leads from '../leads/leads.service.ts';
import * as objects from '../objects/objects.service.ts';
import * as tasks from '../tasks/tasks.service.ts';
import * as tickets from '../tickets/tickets.service.ts';

/** A record as the API shapes it. */
export type Rec = Record<string, unknown> & { id: string; version: number };

/**
 * An object as automation sees it: what rules name (`deal`, or a custom object's key), its fields for
 * conditions, and its module's own service functions for reads and writes, so that a rule's writes
 * get history, events, search and every domain rule exactly as a person's do.
 */
export interface AutomationObject {
  name: string;
  label: string;
  def: ObjectDef;
  /** The record type of its events: its own name, or `custom_record` for every custom object. */
  eventType: string;
  /** How tasks and activities link to its records. */
  linkType: LinkableType | null;
  /** The member whose record it is: `ownerId` (`assigneeId` for tasks). */
  ownerField: string | null;
  createSchema: TObject;
  updateSchema: TObject;
  get(conn: Conn, ctx: Ctx, id: string): Promise<Rec>;
  create(conn: Conn, ctx: Ctx, input: Record<string, unknown>): Promise<Rec>;
  update(conn: Conn, ctx: Ctx, id: string, version: number, input: Record<string, unknown>): Promise<Rec>;
}

type Service = Pick<AutomationObject, 'get' | 'create' | 'update'>;
const service = (s: { get: unknown; create: unknown; update: unknown }) => s as unknown as Service;

export const builtInObjects: Record<string, AutomationObject> = {
  company: {
    name: 'company',
    label: 'Company',
    def: companies.companyDef,
    eventType: 'company',
    linkType: 'company',
    ownerField: 'ownerId',
    createSchema: CompanyCreate,
    updateSchema: CompanyUpdate,
    ...service({ get: companies.getCompany, create: companies.createCompany, update: companies.updateCompany }),
  },
  contact: {
    name: 'contact',
    label: 'Contact',
    def: contacts.contactDef,
    eventType: 'contact',
    linkType: 'contact',
    ownerField: 'ownerId',
    createSchema: ContactCreate,
    updateSchema: ContactUpdate,
    ...service({ get: contacts.getContact, create: contacts.createContact, update: contacts.updateContact }),
  },
  lead: {
    name: 'lead',
    label: 'Lead',
    def: leads.leadDef,
    eventType: 'lead',
    linkType: 'lead',
    ownerField: 'ownerId',
    createSchema: LeadCreate,
    updateSchema: LeadUpdate,
    ...service({ get: leads.getLead, create: leads.createLead, update: leads.updateLead }),
  },
  deal: {
    name: 'deal',
    label: 'Deal',
    def: deals.dealDef,
    eventType: 'deal',
    linkType: 'deal',
    ownerField: 'ownerId',
    createSchema: DealCreate,
    updateSchema: DealUpdate,
    ...service({ get: deals.getDeal, create: deals.createDeal, update: deals.updateDeal }),
  },
  activity: {
    name: 'activity',
    label: 'Activity',
    def: activities.activityDef,
    eventType: 'activity',
    linkType: null,
    ownerField: 'ownerId',
    createSchema: ActivityCreate,
    updateSchema: ActivityUpdate,
    ...service({ get: activities.getActivity, create: activities.createActivity, update: activities.updateActivity }),
  },
  task: {
    name: 'task',
    label: 'Task',
    def: tasks.taskDef,
    eventType: 'task',
    linkType: null,
    ownerField: 'assigneeId',
    createSchema: TaskCreate,
    updateSchema: TaskUpdate,
    ...service({ get: tasks.getTask, create: tasks.createTask, update: tasks.updateTask }),
  },
  ticket: {
    name: 'ticket',
    label: 'Ticket',
    def: tickets.ticketDef,
    eventType: 'ticket',
    linkType: null,
    ownerField: 'assigneeId',
    createSchema: TicketCreate,
    updateSchema: TicketUpdate,
    ...service({ get: tickets.getTicket, create: tickets.createTicket, update: tickets.updateTicket }),
  },
};

/** The built-in object types whose record events rules react to. */
export const builtInNames = Object.keys(builtInObjects);

/** The object a rule names, built-in or a live custom object of this workspace; undefined when there is none. */
export async function resolveObject(conn: Conn, ctx: Ctx, name: string): Promise<AutomationObject | undefined> {
  if (Object.hasOwn(builtInObjects, name)) return builtInObjects[name];
  if (!/^[a-z][a-z0-9_]{1,39}$/.test(name)) return undefined;
  const t = await objects.findObjectType(conn, ctx, name);
  if (!t) return undefined;
  const key = t.key;
  return {
    name: key,
    label: t.label,
    def: objects.defOfType(t),
    eventType: 'custom_record',
    linkType: 'custom_record',
    ownerField: 'ownerId',
    createSchema: CustomRecordCreate,
    updateSchema: CustomRecordUpdate,
    get: (c, x, id) => objects.getCustomRecord(c, x, key, id) as Promise<Rec>,
    create: (c, x, input) => objects.createCustomRecord(c, x, key, input as never) as Promise<Rec>,
    update: (c, x, id, version, input) => objects.updateCustomRecord(c, x, key, id, version, input as never) as Promise<Rec>,
  };
}

/** The object an event is about: its record type, or for a custom record the key of its object. */
export function objectOfEvent(recordType: string, payload: Record<string, unknown>): string | null {
  if (recordType === 'custom_record') {
    const after = payload.after as { objectKey?: unknown } | undefined;
    return typeof after?.objectKey === 'string' ? after.objectKey : null;
  }
  return Object.hasOwn(builtInObjects, recordType) ? recordType : null;
}

/** The fields of an object as conditions and field steps name them, with how to read each from a record. */
export interface ObjectFields {
  /** A field's spec for filters (built-in or `custom.<key>`). */
  spec(name: string): FieldSpec | undefined;
  /** A field's value in a record as the API shapes it, read the way its SQL expression reads the row. */
  read(record: Rec | null, name: string): unknown;
  customs: CustomDef[];
}

export async function objectFields(conn: Conn, ctx: Ctx, obj: AutomationObject): Promise<ObjectFields> {
  const { defs, field } = await fieldResolver(conn, ctx, obj.def);
  const byKey = new Map(defs.map((d) => [d.key, d]));
  return {
    spec: field,
    customs: defs,
    read: (record, name) => (record ? readValue(obj.name, byKey, record, name) : null),
  };
}

function readValue(object: string, customs: Map<string, CustomDef>, record: Rec, name: string): unknown {
  if (name.startsWith('custom.')) {
    const key = name.slice('custom.'.length);
    const v = (record.custom as Record<string, unknown> | undefined)?.[key];
    const d = customs.get(key);
    if (d?.type === 'currency') return (v as { amountMinor?: unknown } | undefined)?.amountMinor ?? null;
    return v ?? null;
  }
  if (name.startsWith('address.')) return (record.address as Record<string, unknown> | null | undefined)?.[name.slice(8)] ?? null;
  if (name === 'name' && (object === 'contact' || object === 'lead')) {
    // concat_ws(' ', first, last): empty parts are skipped, so "Smith" alone reads "Smith".
    return [record.firstName, record.lastName].filter((p) => p !== null && p !== undefined).join(' ');
  }
  if (object === 'contact' && name === 'email') return record.emails ?? null;
  if (object === 'contact' && name === 'phone') return record.phones ?? null;
  return record[name] ?? null;
}
