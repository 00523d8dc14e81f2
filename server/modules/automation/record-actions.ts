import Type from 'typebox';
import { taskPriorities } from '../../../contract/enums.ts';
import { conflict, invalid } from '../../http/errors.ts';
import { createTask } from '../tasks/tasks.service.ts';
import {
  checkMemberRef,
  closed,
  FieldValues,
  MemberRef,
  memberRefWords,
  needRecord,
  ObjectName,
  prepareValues,
  recordName,
  resolveMember,
  scopeOf,
  shown,
} from './action-values.ts';
import { checkFieldValues, checkTemplates, problem } from './checks.ts';
import type { AutomationObject, Rec } from './objects.ts';
import { objectFields, resolveObject } from './objects.ts';
import { hasPlaceholder, isRelativeDate, render, resolveRelativeDate } from './templates.ts';
import { type ActionContext, defineAction } from './types.ts';

// Actions that write records, each through its object's module service: the write gets history,
// an event (carrying the run's causes), search and every domain rule, as a person's write does.

const valuesWords = (values: Record<string, unknown>) =>
  Object.entries(values)
    .map(([k, v]) => `${k} to ${shown(v)}`)
    .join(', ');

/** The record an update acts on: the run's own, or one named by id (a template such as {{record.companyId}}). */
async function target(ac: ActionContext, input: { object?: string; recordId?: string }): Promise<{ obj: AutomationObject; record: Rec }> {
  if (!input.object) {
    const { obj, record } = needRecord(ac);
    // Read again in the step's transaction: an earlier step, or a person, may have changed it.
    return { obj, record: await obj.get(ac.conn, ac.ctx, record.id) };
  }
  const obj = await resolveObject(ac.conn, ac.ctx, input.object);
  if (!obj)
    throw invalid([
      { field: 'input.object', code: 'unknown_object', message: `"${input.object}" is no longer an object of this workspace` },
    ]);
  const id = render(input.recordId ?? '', scopeOf(ac));
  if (typeof id !== 'string' || !/^[0-9a-f-]{36}$/i.test(id)) {
    throw invalid([
      { field: 'input.recordId', code: 'no_record', message: `names no ${obj.label.toLowerCase()} (it came out as ${shown(id)})` },
    ]);
  }
  return { obj, record: await obj.get(ac.conn, ac.ctx, id) };
}

export const updateRecord = defineAction({
  name: 'update_record',
  label: 'Update fields',
  description:
    "Sets fields of the run's record, or of a record named by `object` and `recordId` (`{{record.companyId}}`), through the object's own service.",
  input: Type.Object(
    {
      fields: FieldValues,
      object: Type.Optional(ObjectName),
      recordId: Type.Optional(Type.String({ maxLength: 200, description: 'An id or a placeholder; with object' })),
    },
    closed,
  ),
  needsRecord: false,
  check: async (input, env, at, ruleObject) => {
    let obj = ruleObject;
    if (input.object) {
      obj = (await env.object(input.object)) ?? null;
      if (!obj) return [problem(`${at}.object`, 'unknown_object', `"${input.object}" is not an object of this workspace`)];
      if (!input.recordId) return [problem(`${at}.recordId`, 'required', 'name the record to update')];
    } else if (input.recordId) return [problem(`${at}.object`, 'required', 'say which object recordId names')];
    if (!obj) return [problem(`${at}.fields`, 'no_record', 'runs of this trigger have no record: name one with object and recordId')];
    const fields = ruleObject ? await env.fields(ruleObject) : null;
    return [
      ...(await checkFieldValues(input.fields, obj, env, 'update', `${at}.fields`)),
      ...checkTemplates(input, at, ruleObject, fields, true),
    ];
  },
  writes: (input, object) => [{ object: input.object ?? object ?? '', change: 'updated', fields: Object.keys(input.fields) }],
  run: async (ac, input) => {
    const { obj, record } = await target(ac, input);
    const values = prepareValues(input.fields, obj, await objectFields(ac.conn, ac.ctx, obj), ac, 'update');
    const after = await obj.update(ac.conn, ac.ctx, record.id, record.version, values);
    return {
      detail: `Set ${valuesWords(input.fields)} on ${recordName(obj, after)}`,
      output: { recordId: after.id, version: after.version },
    };
  },
  describe: async (ac, input) => {
    const { obj, record } = await target(ac, input);
    // The run's write would be refused for a record in the trash; the dry run says so instead of "Would set".
    if (record.deletedAt) throw conflict('record_deleted', `This ${obj.label.toLowerCase()} is in the trash; restore it first`);
    const values = prepareValues(input.fields, obj, await objectFields(ac.conn, ac.ctx, obj), ac, 'update');
    const { custom, ...plain } = values as { custom?: Record<string, unknown> };
    const all = { ...plain, ...Object.fromEntries(Object.entries(custom ?? {}).map(([k, v]) => [`custom.${k}`, v])) };
    return `Would set ${valuesWords(all)} on ${recordName(obj, record)}`;
  },
});

/** Links a new task or activity to the run's record, when it has one that can be linked. */
const linkTo = (ac: ActionContext) =>
  ac.object?.linkType && ac.record ? [{ recordType: ac.object.linkType, recordId: ac.record.id }] : undefined;

export const createRecord = defineAction({
  name: 'create_record',
  label: 'Create a record',
  description:
    "Creates a record of any object (a note is an activity of type note). A task or activity is linked to the run's record unless `link` is false.",
  input: Type.Object({ object: ObjectName, fields: FieldValues, link: Type.Optional(Type.Boolean()) }, closed),
  needsRecord: false,
  check: async (input, env, at, ruleObject) => {
    const obj = await env.object(input.object);
    if (!obj) return [problem(`${at}.object`, 'unknown_object', `"${input.object}" is not an object of this workspace`)];
    const linked = input.link !== false && ruleObject?.linkType && (obj.name === 'task' || obj.name === 'activity');
    const given = linked ? { links: [], ...input.fields } : input.fields;
    const errors = await checkFieldValues(given, obj, env, 'create', `${at}.fields`);
    const fields = ruleObject ? await env.fields(ruleObject) : null;
    return [
      ...errors.filter((e) => !(linked && e.field === `${at}.fields.links`)),
      ...checkTemplates(input.fields, `${at}.fields`, ruleObject, fields, true),
    ];
  },
  writes: (input) => [{ object: input.object, change: 'created' }],
  run: async (ac, input) => {
    const obj = await resolveObject(ac.conn, ac.ctx, input.object);
    if (!obj)
      throw invalid([
        { field: 'input.object', code: 'unknown_object', message: `"${input.object}" is no longer an object of this workspace` },
      ]);
    const values = prepareValues(input.fields, obj, await objectFields(ac.conn, ac.ctx, obj), ac, 'create');
    const links = input.link !== false && (obj.name === 'task' || obj.name === 'activity') ? linkTo(ac) : undefined;
    if (links && values.links === undefined) values.links = links;
    const made = await obj.create(ac.conn, ac.ctx, values);
    return { detail: `Created ${recordName(obj, made)}`, output: { object: obj.name, recordId: made.id } };
  },
  describe: async (ac, input) => {
    const obj = await resolveObject(ac.conn, ac.ctx, input.object);
    if (!obj) return `Would fail: "${input.object}" is no longer an object of this workspace`;
    const values = prepareValues(input.fields, obj, await objectFields(ac.conn, ac.ctx, obj), ac, 'create');
    return `Would create a ${obj.label.toLowerCase()} with ${valuesWords(values)}`;
  },
});

const Due = Type.String({ maxLength: 200, description: 'When it is due: +2d, +4h, today, now, or a placeholder / ISO date-time' });

/** A task's due time: a relative date, or a date-time (a placeholder's value). */
function dueAt(due: string | undefined, ac: ActionContext): string | null {
  if (!due) return null;
  const v = render(due, scopeOf(ac));
  if (isRelativeDate(v)) return resolveRelativeDate(v, 'datetime', ac.now, ac.timeZone);
  if (v === null || v === '') return null;
  if (typeof v === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(v)) return new Date(`${v}T00:00:00Z`).toISOString();
  return typeof v === 'string' && !Number.isNaN(Date.parse(v)) ? new Date(v).toISOString() : String(v);
}

export const createTaskAction = defineAction({
  name: 'create_task',
  label: 'Create a task',
  description: "Creates a task linked to the run's record, for its owner (or another member), due in a while.",
  input: Type.Object(
    {
      title: Type.String({ minLength: 1, maxLength: 300 }),
      notes: Type.Optional(Type.String({ maxLength: 20_000 })),
      due: Type.Optional(Due),
      assignee: Type.Optional(MemberRef),
      priority: Type.Optional(Type.Enum(taskPriorities)),
    },
    closed,
  ),
  needsRecord: false,
  check: async (input, env, at, ruleObject) => {
    const errors = input.assignee ? await checkMemberRef(input.assignee, env, ruleObject, `${at}.assignee`) : [];
    if (!input.assignee && !ruleObject)
      errors.push(problem(`${at}.assignee`, 'required', 'runs of this trigger have no record: name the assignee'));
    if (input.due && !isRelativeDate(input.due) && !hasPlaceholder(input.due) && Number.isNaN(Date.parse(input.due))) {
      errors.push(problem(`${at}.due`, 'bad_date', 'is not +2d, +4h, today, now, a date-time or a placeholder'));
    }
    const fields = ruleObject ? await env.fields(ruleObject) : null;
    return [...errors, ...checkTemplates(input, at, ruleObject, fields, true)];
  },
  writes: () => [{ object: 'task', change: 'created' }],
  run: async (ac, input) => {
    const assigneeId = resolveMember(input.assignee ?? { kind: 'owner' }, ac);
    const task = await createTask(ac.conn, ac.ctx, {
      title: String(render(input.title, scopeOf(ac))).slice(0, 300) || input.title,
      notes: input.notes ? String(render(input.notes, scopeOf(ac))) : undefined,
      dueAt: dueAt(input.due, ac),
      assigneeId,
      priority: input.priority,
      links: linkTo(ac),
    });
    return {
      detail: `Created task "${task.title}"${task.dueAt ? ` due ${task.dueAt}` : ''}${assigneeId ? '' : ' (nobody to assign it to)'}`,
      output: { taskId: task.id, assigneeId, dueAt: task.dueAt },
    };
  },
  describe: async (ac, input) => {
    const who = resolveMember(input.assignee ?? { kind: 'owner' }, ac);
    const due = dueAt(input.due, ac);
    return `Would create task "${render(input.title, scopeOf(ac))}" for ${who ? memberRefWords(input.assignee ?? { kind: 'owner' }, ac) : 'nobody (no member to assign)'}${due ? `, due ${due}` : ''}`;
  },
});
