import Type, { type Static, type TSchema } from 'typebox';
import { Uuid } from './common.ts';
import { duplicateTypes } from './duplicates.ts';

/**
 * The catalog of domain events: every event Rapport writes to its outbox (`domain_events`), with the
 * shape of its payload. Automation, webhooks and live updates read these; docs/events.md describes
 * them for people. A change of a payload's shape gets a new version, never a silent edit.
 */

/** One changed field: `custom.<key>` for custom fields, null for a create, delete or restore. */
export const FieldChange = Type.Object({ field: Type.Union([Type.String(), Type.Null()]), old: Type.Unknown(), new: Type.Unknown() });

/** A record as the API reads it (the object's own API shape). */
const RecordShape = Type.Record(Type.String(), Type.Unknown(), { description: 'The record as GET returns it' });

const created = Type.Object({ after: RecordShape });
const updated = Type.Object({ changes: Type.Array(FieldChange), after: RecordShape });
const removed = Type.Object({ after: RecordShape });
const changed = Type.Object({ changes: Type.Array(FieldChange) });
const purged = Type.Object({ id: Uuid });

/** Objects whose every write is a record event: `<object>.created|updated|deleted|restored`. */
export const recordEventObjects = [
  'company',
  'contact',
  'lead',
  'deal',
  'activity',
  'task',
  'ticket',
  'pipeline',
  'field_definition',
  'saved_view',
  'object_type',
  'custom_record',
  'list',
] as const;
/** Settings and people, whose changes are events of their own: `<subject>.created|updated|deleted`. */
export const settingsEventSubjects = [
  'webhook',
  'member',
  'workspace',
  'invitation',
  'api_key',
  'job',
  'field_definition',
  'automation_rule',
] as const;

export const eventVersion = 1;

type Catalog = Record<string, { version: number; payload: TSchema; description: string }>;

function recordEvents(): Catalog {
  const out: Catalog = {};
  for (const o of recordEventObjects) {
    out[`${o}.created`] = { version: 1, payload: created, description: `A ${o} was created.` };
    out[`${o}.updated`] = { version: 1, payload: updated, description: `Fields of a ${o} changed: each change, and the ${o} after.` };
    out[`${o}.deleted`] = { version: 1, payload: removed, description: `A ${o} went to the trash.` };
    out[`${o}.restored`] = { version: 1, payload: removed, description: `A ${o} came back from the trash.` };
    out[`${o}.purged`] = { version: 1, payload: purged, description: `A ${o} was deleted for good from the trash.` };
  }
  for (const s of settingsEventSubjects) {
    for (const [action, what] of [
      ['created', 'was created'],
      ['updated', 'changed'],
      ['deleted', 'was removed or revoked'],
    ] as const) {
      out[`${s}.${action}`] ??= { version: 1, payload: changed, description: `A ${s.replace('_', ' ')} ${what}.` };
    }
  }
  return out;
}

/** An email as events carry it: ids and headers, never the body (the API reads it with its privacy rules). */
const emailPayload = Type.Object({
  emailId: Uuid,
  mailboxId: Type.Union([Uuid, Type.Null()]),
  activityId: Type.Union([Uuid, Type.Null()]),
  messageId: Type.String(),
  subject: Type.String({ description: 'Empty when the email is private to its mailboxes’ owners' }),
  from: Type.Union([Type.String(), Type.Null()]),
  to: Type.Array(Type.String()),
  contactIds: Type.Array(Uuid, { description: 'The contacts whose addresses it holds' }),
});

/** A merge as its events carry it: the survivor after it, and the records merged into it (now in the trash, or back). */
const mergePayload = Type.Object({ mergeId: Uuid, survivorId: Uuid, mergedIds: Type.Array(Uuid), after: RecordShape });

function mergeEvents(): Catalog {
  const out: Catalog = {};
  for (const o of duplicateTypes) {
    out[`${o}.merged`] = {
      version: 1,
      payload: mergePayload,
      description: `${o[0].toUpperCase()}${o.slice(1)}s were merged into this one (the survivor): their links moved to it and they went to the trash.`,
    };
    out[`${o}.merge_undone`] = {
      version: 1,
      payload: mergePayload,
      description: `A merge into this ${o} was undone: the merged records are back, with their links, and the survivor has its earlier values.`,
    };
  }
  return out;
}
/** Records going into or out of a static list: the list, what it holds, and the records. */
const listMembers = Type.Object({
  listId: Uuid,
  objectType: Type.String({ description: "A built-in object or a custom object's key" }),
  recordIds: Type.Array(Uuid),
});

/** An SLA warning or breach: which target, when it fell or falls due, and who holds the ticket. */
const slaPayload = Type.Object({
  target: Type.Union([Type.Enum(['firstResponse', 'nextResponse', 'resolution']), Type.Null()]),
  dueAt: Type.Union([Type.String(), Type.Null()]),
  assigneeId: Type.Union([Uuid, Type.Null()]),
  after: RecordShape,
});

export const eventCatalog: Catalog = {
  ...recordEvents(),
  ...mergeEvents(),
  'ticket.replied': {
    version: 1,
    payload: Type.Object({ message: Type.Record(Type.String(), Type.Unknown()) }),
    description: 'A public reply was added to a ticket (by an agent, or from the requester).',
  },
  'ticket.note_added': {
    version: 1,
    payload: Type.Object({ message: Type.Record(Type.String(), Type.Unknown()) }),
    description: 'An internal note was added to a ticket.',
  },
  'ticket.sla_breaching_soon': {
    version: 1,
    payload: slaPayload,
    description:
      "A ticket's nearest SLA target (first response, next response, resolution) falls due within 30 minutes: escalate, reassign or notify.",
  },
  'ticket.sla_breached': {
    version: 1,
    payload: slaPayload,
    description: "A ticket's SLA target passed unmet.",
  },
  'deal.stage_changed': {
    version: 1,
    payload: Type.Object({ from: Uuid, to: Uuid }),
    description: 'A deal moved to another stage (also sent as deal.updated): automations react to moves on the board.',
  },
  'list.members_added': {
    version: 1,
    payload: listMembers,
    description: 'Records were added to a static list (only the ones not in it before): by a person, a bulk action or automation.',
  },
  'list.members_removed': {
    version: 1,
    payload: listMembers,
    description: 'Records were taken out of a static list (only the ones that were in it).',
  },
  'webhook.disabled': {
    version: 1,
    payload: Type.Object({ reason: Type.String(), failures: Type.Integer(), failingSince: Type.String({ format: 'date-time' }) }),
    description: 'Rapport turned a webhook endpoint off after it failed for too long (also sent as webhook.updated): admins are told.',
  },
  'automation.run_failed': {
    version: 1,
    payload: Type.Object({ ruleId: Uuid, runId: Uuid, step: Type.Union([Type.String(), Type.Null()]), error: Type.String() }),
    description: 'A run of a workflow rule stopped at a step that failed; it can be retried from that step.',
  },
  'email.received': {
    version: 1,
    payload: emailPayload,
    description: 'A mailbox sync stored an email not seen before (once per workspace, however many mailboxes hold it).',
  },
  'email.sent': {
    version: 1,
    payload: emailPayload,
    description: 'An email was sent from Rapport, or one sent from elsewhere was synced from a mailbox’s Sent folder.',
  },
  'email.opened': {
    version: 1,
    payload: Type.Object({ emailId: Uuid, activityId: Type.Union([Uuid, Type.Null()]) }),
    description:
      'A recipient’s mail client loaded the tracking image of an email sent with tracking on (each load: clients and scanners load it too).',
  },
  'email.clicked': {
    version: 1,
    payload: Type.Object({ emailId: Uuid, activityId: Type.Union([Uuid, Type.Null()]), url: Type.String() }),
    description: 'A recipient followed a link of an email sent with tracking on (url: where the link goes).',
  },
  'notification.created': {
    version: 1,
    payload: Type.Object({ after: RecordShape }),
    description: 'A member was sent an in-app notification (after: the notification as GET /notifications lists it).',
  },
};

export type EventType = keyof typeof eventCatalog & string;
export type FieldChangeShape = Static<typeof FieldChange>;

/** Whether `type` is in the catalog: the outbox refuses anything else. */
export const isEventType = (type: string): type is EventType => Object.hasOwn(eventCatalog, type);
