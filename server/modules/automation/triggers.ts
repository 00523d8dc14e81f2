import { Cron } from 'croner';
import Type, { type Static } from 'typebox';
import { Offset } from '../../../contract/automation.ts';
import { Uuid } from '../../../contract/common.ts';
import type { FieldError } from '../../http/errors.ts';
import { findLiveStage, isLivePipeline } from '../pipelines/pipelines.service.ts';
import { checkField, checkKindValue, problem } from './checks.ts';
import type { AutomationObject, Rec } from './objects.ts';
import { type CheckEnv, defineTrigger, type TriggerDef, type TriggerMatch } from './types.ts';

// The trigger registry: what starts a run. Event triggers are matched by the automation consumer
// against each event of the outbox; date and schedule triggers by the scanner job; manual and
// webhook triggers by their routes. A later module adds its trigger (email received, form
// submitted …) with registerTrigger, and the consumer, checks and catalog take it from here.

const ObjectName = Type.String({
  pattern: '^[a-z][a-z0-9_]{1,39}$',
  maxLength: 40,
  description: 'company, contact, lead, deal, activity, task, or a custom object key',
});
const FieldName = Type.String({ minLength: 1, maxLength: 100 });
const closed = { additionalProperties: false } as const;

async function checkObject(env: CheckEnv, name: string | undefined, at: string): Promise<[AutomationObject | undefined, FieldError[]]> {
  if (name === undefined) return [undefined, []];
  const obj = await env.object(name);
  return obj ? [obj, []] : [undefined, [problem(at, 'unknown_object', `"${name}" is not an object of this workspace`)]];
}

/** The names a record's changes carry: API fields, and `custom.<key>` for custom fields. */
async function checkChangeField(env: CheckEnv, obj: AutomationObject, name: string, at: string) {
  const fields = await env.fields(obj);
  const known = name.startsWith('custom.')
    ? fields.customs.some((d) => `custom.${d.key}` === name)
    : (obj.def.apiFields ?? []).includes(name) && !['createdAt', 'updatedAt', 'createdBy', 'custom'].includes(name);
  return known ? [] : [problem(at, 'unknown_field', `"${name}" is not a field of ${obj.label.toLowerCase()}`)];
}

/** The record before the change: the record after it, with each changed field put back. */
export function previousOf(after: Rec, changes: { field: string | null; old: unknown }[]): Rec {
  const prev: Rec = { ...after, custom: { ...((after.custom as Record<string, unknown>) ?? {}) } };
  for (const c of changes) {
    if (!c.field) continue;
    if (c.field.startsWith('custom.')) (prev.custom as Record<string, unknown>)[c.field.slice(7)] = c.old;
    else prev[c.field] = c.old;
  }
  return prev;
}

type Change = { field: string | null; old: unknown; new: unknown };

/** An event about the object named, of the given change: its record after, and before for updates. */
function recordEvent(
  event: { type: string; recordId: string; payload: Record<string, unknown> },
  object: string | null,
  config: { object: string },
  change: string,
): TriggerMatch | null {
  if (object !== config.object || !event.type.endsWith(`.${change}`)) return null;
  const after = event.payload.after as Rec | undefined;
  if (!after) return null;
  const changes = (event.payload.changes as Change[] | undefined) ?? [];
  return {
    recordId: event.recordId,
    record: after,
    previous: change === 'updated' ? previousOf(after, changes) : null,
    info: change === 'updated' ? { changes } : {},
  };
}

const same = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

const RecordConfig = Type.Object({ object: ObjectName }, closed);

export const recordCreated = defineTrigger({
  type: 'record_created',
  label: 'Record created',
  description: 'A record of the object was created (by a person, an import, the API or another rule).',
  config: RecordConfig,
  source: 'event',
  hasPrevious: false,
  objectOf: (c) => c.object,
  check: async (c, env, at) => (await checkObject(env, c.object, `${at}.object`))[1],
  match: (e, object, c) => recordEvent(e, object, c, 'created'),
  watches: (c) => [{ object: c.object, change: 'created' }],
});

export const recordUpdated = defineTrigger({
  type: 'record_updated',
  label: 'Record updated',
  description: 'Fields of a record changed; with `fields`, only when one of those changed.',
  config: Type.Object({ object: ObjectName, fields: Type.Optional(Type.Array(FieldName, { minItems: 1, maxItems: 50 })) }, closed),
  source: 'event',
  hasPrevious: true,
  objectOf: (c) => c.object,
  check: async (c, env, at) => {
    const [obj, errors] = await checkObject(env, c.object, `${at}.object`);
    if (obj) for (const [i, f] of (c.fields ?? []).entries()) errors.push(...(await checkChangeField(env, obj, f, `${at}.fields.${i}`)));
    return errors;
  },
  match: (e, object, c) => {
    const m = recordEvent(e, object, c, 'updated');
    if (!m || !c.fields) return m;
    const changes = m.info.changes as Change[];
    return changes.some((x) => x.field && c.fields?.includes(x.field)) ? m : null;
  },
  watches: (c) => [{ object: c.object, change: 'updated', fields: c.fields }],
});

export const recordDeleted = defineTrigger({
  type: 'record_deleted',
  label: 'Record deleted',
  description: 'A record of the object went to the trash.',
  config: RecordConfig,
  source: 'event',
  hasPrevious: false,
  objectOf: (c) => c.object,
  check: async (c, env, at) => (await checkObject(env, c.object, `${at}.object`))[1],
  match: (e, object, c) => recordEvent(e, object, c, 'deleted'),
  watches: (c) => [{ object: c.object, change: 'deleted' }],
});

export const fieldChanged = defineTrigger({
  type: 'field_changed',
  label: 'Field changed',
  description: 'One field of a record changed; optionally only from one value, or to one value.',
  config: Type.Object(
    { object: ObjectName, field: FieldName, from: Type.Optional(Type.Unknown()), to: Type.Optional(Type.Unknown()) },
    closed,
  ),
  source: 'event',
  hasPrevious: true,
  objectOf: (c) => c.object,
  check: async (c, env, at) => {
    const [obj, errors] = await checkObject(env, c.object, `${at}.object`);
    if (!obj) return errors;
    const fieldErrors = await checkChangeField(env, obj, c.field, `${at}.field`);
    if (fieldErrors.length) return fieldErrors;
    const spec = (await env.fields(obj)).spec(c.field);
    for (const side of ['from', 'to'] as const) {
      if (c[side] !== undefined) errors.push(...checkKindValue(spec, c[side], `${at}.${side}`));
    }
    return errors;
  },
  match: (e, object, c) => {
    const m = recordEvent(e, object, c, 'updated');
    const change = (m?.info.changes as Change[] | undefined)?.find((x) => x.field === c.field);
    if (!m || !change) return null;
    if (c.from !== undefined && !same(change.old, c.from)) return null;
    if (c.to !== undefined && !same(change.new, c.to)) return null;
    return m;
  },
  watches: (c) => [{ object: c.object, change: 'updated', fields: [c.field] }],
});

/**
 * A deal moved to another stage. The move is matched on its `deal.updated` event, which the same
 * transaction writes beside `deal.stage_changed` and which carries the deal after the move and its
 * stage before: conditions and previous values need both.
 */
export const stageChanged = defineTrigger({
  type: 'stage_changed',
  label: 'Deal stage changed',
  description: 'A deal moved to another stage (on the board, by the API, by a rule); optionally in one pipeline, from or to one stage.',
  config: Type.Object({ pipelineId: Type.Optional(Uuid), fromStageId: Type.Optional(Uuid), toStageId: Type.Optional(Uuid) }, closed),
  source: 'event',
  hasPrevious: true,
  objectOf: () => 'deal',
  check: async (c, env, at) => {
    const errors: FieldError[] = [];
    if (c.pipelineId && !(await isLivePipeline(env.conn, env.ctx, c.pipelineId))) {
      errors.push(problem(`${at}.pipelineId`, 'unknown_record', 'is not a pipeline of this workspace'));
    }
    for (const side of ['fromStageId', 'toStageId'] as const) {
      const id = c[side];
      if (!id) continue;
      const stage = await findLiveStage(env.conn, env.ctx, id);
      if (!stage) errors.push(problem(`${at}.${side}`, 'unknown_stage', 'is not a stage of a pipeline of this workspace'));
      else if (c.pipelineId && stage.pipelineId !== c.pipelineId) {
        errors.push(problem(`${at}.${side}`, 'stage_not_in_pipeline', 'is not a stage of the pipeline in pipelineId'));
      }
    }
    return errors;
  },
  match: (e, object, c) => {
    const m = recordEvent(e, object, { object: 'deal' }, 'updated');
    const move = (m?.info.changes as Change[] | undefined)?.find((x) => x.field === 'stageId');
    if (!m || !move) return null;
    if (c.pipelineId && m.record?.pipelineId !== c.pipelineId) return null;
    if (c.fromStageId && move.old !== c.fromStageId) return null;
    if (c.toStageId && move.new !== c.toStageId) return null;
    return { ...m, info: { ...m.info, fromStageId: move.old, toStageId: move.new } };
  },
  watches: () => [{ object: 'deal', change: 'updated', fields: ['stageId'] }],
});

export const ticketSla = defineTrigger({
  type: 'ticket_sla',
  label: 'Ticket SLA warning or breach',
  description:
    "A ticket's nearest SLA target (first response, next response, resolution) falls due within 30 minutes (`breaching_soon`) or passed unmet (`breached`): escalate, reassign, notify. Templates read {{trigger.target}} and {{trigger.dueAt}}.",
  config: Type.Object({ state: Type.Enum(['breaching_soon', 'breached']) }, closed),
  source: 'event',
  hasPrevious: false,
  objectOf: () => 'ticket',
  match: (e, object, c) => {
    if (object !== 'ticket' || e.type !== `ticket.sla_${c.state}`) return null;
    const after = e.payload.after as Rec | undefined;
    if (!after) return null;
    return { recordId: e.recordId, record: after, previous: null, info: { target: e.payload.target, dueAt: e.payload.dueAt } };
  },
  watches: () => [],
});

const AtTime = Type.String({
  pattern: '^([01][0-9]|2[0-3]):[0-5][0-9]$',
  description: 'HH:MM: the time of day a date field is reached (default 09:00)',
});

export const dateReached = defineTrigger({
  type: 'date_reached',
  label: 'Date reached',
  description:
    'A time relative to a date field of each record ("3 days before expectedCloseDate"): fires once per record and date, and again when the date moves.',
  config: Type.Object({ object: ObjectName, field: FieldName, offset: Type.Optional(Offset), atTime: Type.Optional(AtTime) }, closed),
  source: 'date',
  hasPrevious: false,
  objectOf: (c) => c.object,
  check: async (c, env, at) => {
    const [obj, errors] = await checkObject(env, c.object, `${at}.object`);
    if (obj) errors.push(...(await checkField(env, obj, c.field, `${at}.field`, ['date', 'datetime'])));
    return errors;
  },
  watches: (c) => [{ object: c.object, change: 'updated', fields: [c.field] }],
});

export type DateReachedConfig = Static<typeof dateReached.config> & { object: string; field: string; offset?: Offset; atTime?: string };

export const schedule = defineTrigger({
  type: 'schedule',
  label: 'Schedule',
  description:
    "On a cron schedule in the rule's time zone (`0 9 * * 1`: Mondays at 9:00). With an object, one run per record that meets the conditions; without, one run.",
  config: Type.Object(
    {
      cron: Type.String({ minLength: 9, maxLength: 100, description: 'Five fields: minute hour day-of-month month day-of-week' }),
      object: Type.Optional(ObjectName),
    },
    closed,
  ),
  source: 'schedule',
  hasPrevious: false,
  objectOf: (c) => c.object ?? null,
  check: async (c, env, at) => {
    const errors = (await checkObject(env, c.object, `${at}.object`))[1];
    if (c.cron.trim().split(/\s+/).length !== 5) {
      errors.push(problem(`${at}.cron`, 'bad_cron', 'a schedule takes five fields (minute hour day month weekday): once a minute at most'));
    } else {
      try {
        new Cron(c.cron, { paused: true });
      } catch (err) {
        errors.push(problem(`${at}.cron`, 'bad_cron', `is not a cron expression: ${(err as Error).message}`));
      }
    }
    return errors;
  },
  watches: () => [],
});

const OptionalObject = Type.Object({ object: Type.Optional(ObjectName) }, closed);

export const manual = defineTrigger({
  type: 'manual',
  label: 'Run by hand',
  description: 'Started by a person: on one record, on records chosen in a list, or (without an object) on none.',
  config: OptionalObject,
  source: 'manual',
  hasPrevious: false,
  objectOf: (c) => c.object ?? null,
  check: async (c, env, at) => (await checkObject(env, c.object, `${at}.object`))[1],
  watches: () => [],
});

export const webhook = defineTrigger({
  type: 'webhook',
  label: 'Incoming webhook',
  description:
    'A signed POST to the rule\'s webhook path: header X-Rapport-Timestamp (Unix seconds) and X-Rapport-Signature `v1=<hex HMAC-SHA256 of "<timestamp>.<body>">` with the rule\'s secret. With an object, the body names the record as `recordId`; templates read the body as {{trigger.body.…}}.',
  config: OptionalObject,
  source: 'webhook',
  hasPrevious: false,
  objectOf: (c) => c.object ?? null,
  check: async (c, env, at) => (await checkObject(env, c.object, `${at}.object`))[1],
  watches: () => [],
});

const registry = new Map<string, TriggerDef>(
  [recordCreated, recordUpdated, recordDeleted, fieldChanged, stageChanged, ticketSla, dateReached, schedule, manual, webhook].map((t) => [
    t.type,
    t,
  ]),
);

/** Adds a trigger (a later module's: `email_received`, `form_submitted` …). */
export function registerTrigger(def: TriggerDef) {
  if (registry.has(def.type)) throw new Error(`trigger ${def.type} is registered twice`);
  registry.set(def.type, def);
}

export const triggerOf = (type: string) => registry.get(type);
export const allTriggers = () => [...registry.values()];
/** Trigger types whose runs start from events of the outbox. */
export const eventTriggerTypes = () =>
  allTriggers()
    .filter((t) => t.source === 'event')
    .map((t) => t.type);
