import type { ObjectDef, RecordHolder, RecordType } from '../records/object-def.ts';
import { wireRecordPorts } from '../records/ports.ts';
import { activityDef } from './activities/activities.service.ts';
import { logSecurityEvent } from './audit/security-log.ts';
import { companyDef } from './companies/companies.service.ts';
import { contactDef } from './contacts/contacts.service.ts';
import { dealDef } from './deals/deals.service.ts';
import { fieldResolver } from './fields/fields.service.ts';
import { emitEvent, eventRowsSql, fieldsChangedSince, historyRowsSql, listHistory, writeHistory } from './history/history.service.ts';
import { leadDef } from './leads/leads.service.ts';
import { listDef } from './lists/lists.service.ts';
import { customRecordDef } from './objects/objects.service.ts';
import { newTermsSql, refreshSearch } from './search/search.service.ts';
import { taskDef } from './tasks/tasks.service.ts';
import { shareHolder } from './teams/shares.service.ts';
import { ticketDef } from './tickets/tickets.service.ts';
import { resolveView } from './views/views.service.ts';

/**
 * Every object type with records, by name: each declared once, in its module (table, fields, shapes,
 * rules, search terms, what purging needs). The generic layers (lists, filters, bulk updates,
 * search, views, the trash, timelines, links) find their definitions here.
 */
export const objectDefs: Partial<Record<RecordType, ObjectDef>> & Record<string, ObjectDef> = {
  company: companyDef,
  activity: activityDef,
  task: taskDef,
  contact: contactDef,
  deal: dealDef,
  lead: leadDef,
  ticket: ticketDef,
  custom_record: customRecordDef,
};

/**
 * Tables that are not objects with records but hold records of any type, and let go of one when it
 * is deleted for good (`onPurge`): a static list's members, a record's shares.
 */
export const recordHolders: RecordHolder[] = [listDef, shareHolder];

/**
 * Plugs the modules into the record engine's ports (records/ports.ts), which imports no module.
 * Every process that writes records calls it once at startup: the app (buildApp), the job worker
 * (startWorker) and the command line.
 */
export function wireRecordEngine() {
  wireRecordPorts({
    objectDef: (type) => (Object.hasOwn(objectDefs, type) ? objectDefs[type] : undefined),
    fieldLookup: async (conn, ctx, def) => (await fieldResolver(conn, ctx, def)).field,
    customFieldKeys: async (conn, ctx, def) => (await fieldResolver(conn, ctx, def)).defs.map((d) => d.key),
    history: { write: writeHistory, changedSince: fieldsChangedSince, list: listHistory, rowsSql: historyRowsSql },
    events: { emit: emitEvent, rowsSql: eventRowsSql },
    indexSearch: (conn, ctx, def, ids, opts) => refreshSearch(conn, ctx.workspaceId, def, ids, opts),
    searchTermsSql: newTermsSql,
    resolveView,
    securityEvent: logSecurityEvent,
  });
}
