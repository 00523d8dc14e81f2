import Type, { type Static, type TSchema } from 'typebox';
import { Uuid } from '../../../contract/common.ts';
import { invalid } from '../../http/errors.ts';
import { checkField, checkMembers, dateKindOf, problem } from './checks.ts';
import type { AutomationObject, ObjectFields, Rec } from './objects.ts';
import { isRelativeDate, render, resolveRelativeDate, type TemplateScope } from './templates.ts';
import type { ActionContext, CheckEnv } from './types.ts';

// What actions share: values for fields (templates filled in, relative dates resolved, custom
// values gathered), and "which member" (the record's owner, a chosen member, a member field).

export const closed = { additionalProperties: false } as const;
export const ObjectName = Type.String({ pattern: '^[a-z][a-z0-9_]{1,39}$', maxLength: 40 });
export const FieldValues = Type.Record(Type.String({ minLength: 1, maxLength: 100 }), Type.Unknown(), {
  minProperties: 1,
  maxProperties: 50,
  description: 'Field → value; `custom.<key>` for custom fields; text may hold {{…}} placeholders, date fields take +2d, today, now',
});

export const scopeOf = (ac: ActionContext): TemplateScope => ({
  record: ac.record,
  previous: ac.previous,
  trigger: ac.trigger,
  rule: { id: ac.rule.id, name: ac.rule.name },
  now: ac.now,
  timeZone: ac.timeZone,
});

/**
 * Field values as a module's create or update takes them: placeholders filled in, relative dates
 * made dates, `custom.<key>` gathered under `custom`.
 */
export function prepareValues(
  values: Record<string, unknown>,
  obj: AutomationObject,
  fields: ObjectFields,
  ac: ActionContext,
  mode: 'create' | 'update',
): Record<string, unknown> {
  const props = (mode === 'create' ? obj.createSchema : obj.updateSchema).properties as Record<string, TSchema>;
  const out: Record<string, unknown> = {};
  const custom: Record<string, unknown> = {};
  for (const [name, raw] of Object.entries(values)) {
    const key = name.startsWith('custom.') ? name.slice(7) : null;
    const def = key ? fields.customs.find((d) => d.key === key) : undefined;
    const kind = key ? (def?.type === 'date' ? 'date' : null) : dateKindOf(props[name], fields.spec(name));
    let v = render(raw, scopeOf(ac));
    if (kind && isRelativeDate(v)) v = resolveRelativeDate(v, kind, ac.now, ac.timeZone);
    if (key) custom[key] = v;
    else out[name] = v;
  }
  if (Object.keys(custom).length) out.custom = custom;
  return out;
}

/** A short text for a value in the run log. */
export function shown(v: unknown) {
  const text = typeof v === 'string' ? `"${v}"` : JSON.stringify(v ?? null);
  return text.length > 80 ? `${text.slice(0, 77)}…` : text;
}

/** What a record is called in words: its name, title or subject. */
export function recordName(obj: AutomationObject | null, r: Rec | null) {
  if (!r) return 'no record';
  const name =
    r.name ?? r.title ?? r.subject ?? [r.firstName, r.lastName].filter((x) => x !== null && x !== undefined && x !== '').join(' ');
  return `${(obj?.label ?? 'record').toLowerCase()} "${name || r.id}"`;
}

export const MemberRef = Type.Object(
  {
    kind: Type.Enum(['owner', 'member', 'field'] as const, {
      description: "owner: the record's owner (a task's assignee); member: memberId; field: a member field of the record",
    }),
    memberId: Type.Optional(Uuid),
    field: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
  },
  closed,
);
export type MemberRef = Static<typeof MemberRef>;

export async function checkMemberRef(ref: MemberRef, env: CheckEnv, obj: AutomationObject | null, at: string) {
  if (ref.kind === 'member') {
    if (!ref.memberId) return [problem(`${at}.memberId`, 'required', 'name the member')];
    return checkMembers(env, [{ field: `${at}.memberId`, id: ref.memberId }]);
  }
  if (!obj) return [problem(`${at}.kind`, 'no_record', 'runs of this trigger have no record to take a member from')];
  if (ref.kind === 'owner') {
    return obj.ownerField ? [] : [problem(`${at}.kind`, 'no_owner', `a ${obj.label.toLowerCase()} has no owner`)];
  }
  return checkField(env, obj, ref.field, `${at}.field`, ['uuid']);
}

/** The member a reference names for this run, or null when the record names none. */
export function resolveMember(ref: MemberRef, ac: ActionContext): string | null {
  if (ref.kind === 'member') return ref.memberId ?? null;
  const field = ref.kind === 'owner' ? ac.object?.ownerField : ref.field;
  const v = field && ac.record ? ac.record[field] : null;
  return typeof v === 'string' ? v : null;
}

export const memberRefWords = (ref: MemberRef, ac: ActionContext) =>
  ref.kind === 'member'
    ? 'the chosen member'
    : ref.kind === 'owner'
      ? `the ${recordName(ac.object, ac.record)}'s owner`
      : `the member in ${ref.field}`;

/** The record an action works on: the run's. */
export function needRecord(ac: ActionContext): { obj: AutomationObject; record: Rec } {
  if (!ac.object || !ac.record) throw invalid([{ field: 'record', code: 'no_record', message: 'this run has no record to act on' }]);
  return { obj: ac.object, record: ac.record };
}
