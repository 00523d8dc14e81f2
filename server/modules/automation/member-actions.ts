import { type SQL, sql } from 'drizzle-orm';
import Type from 'typebox';
import { Uuid } from '../../../contract/common.ts';
import { selectRows } from '../../db/client.ts';
import { invalid } from '../../http/errors.ts';
import { memberIdsAmong } from '../auth/members.service.ts';
import { notify } from '../notifications/notifications.service.ts';
import { checkMemberRef, closed, MemberRef, memberRefWords, needRecord, recordName, resolveMember, scopeOf } from './action-values.ts';
import { checkField, checkMembers, checkTemplates, problem } from './checks.ts';
import type { AutomationObject } from './objects.ts';
import { render } from './templates.ts';
import { type ActionContext, defineAction } from './types.ts';

// Actions about members: who owns a record, and who is told about it.

const strategies = ['member', 'round_robin', 'least_loaded'] as const;

/** Records that still count as someone's work when counting load: open deals, tasks not done, leads not closed. */
function openWork(obj: AutomationObject): SQL | undefined {
  const t = obj.def.table as unknown as Record<string, SQL>;
  if (obj.name === 'deal') return sql`${t.status} = 'open'`;
  if (obj.name === 'task') return sql`${t.done} = false`;
  if (obj.name === 'lead') return sql`${t.status} not in ('converted', 'unqualified')`;
  return undefined;
}

/** Members of the list who can still be given work (not disabled), in the list's order. */
async function activeMembers(ac: ActionContext, ids: string[]) {
  const live = new Set(await memberIdsAmong(ac.conn, ac.ctx, ids, { active: true }));
  return ids.filter((id) => live.has(id));
}

/** The next member after the last one this step chose; the counter row is locked until the step commits. */
async function nextInTurn(ac: ActionContext, ids: string[]) {
  const key = `rr:${ac.rule.id}:${ac.path}`;
  if (!ac.runId) {
    // A dry run only reads where the turn is.
    const [row] = await selectRows<{ value: { last?: string } | string }>(
      ac.conn,
      sql`select value from automation_counters where workspace_id = ${ac.ctx.workspaceId} and key = ${key}`,
    );
    const value = row ? (typeof row.value === 'string' ? JSON.parse(row.value) : row.value) : {};
    return ids[(ids.indexOf(value.last ?? '') + 1) % ids.length];
  }
  await ac.conn.execute(sql`insert into automation_counters (workspace_id, key, value) values (${ac.ctx.workspaceId}, ${key}, '{}'::jsonb)
    on conflict (workspace_id, key) do nothing`);
  const [row] = await selectRows<{ value: { last?: string } | string }>(
    ac.conn,
    sql`select value from automation_counters where workspace_id = ${ac.ctx.workspaceId} and key = ${key} for update`,
  );
  const value = typeof row.value === 'string' ? JSON.parse(row.value) : row.value;
  const next = ids[(ids.indexOf(value.last ?? '') + 1) % ids.length];
  await ac.conn.execute(sql`update automation_counters set value = ${JSON.stringify({ last: next })}::jsonb
    where workspace_id = ${ac.ctx.workspaceId} and key = ${key}`);
  return next;
}

/** The member with the fewest open records of this object; ties go to the earlier in the list. */
async function leastLoaded(ac: ActionContext, obj: AutomationObject, field: string, ids: string[]) {
  const t = obj.def.table;
  const owner = (t as unknown as Record<string, SQL>)[field];
  const rows = await selectRows<{ member: string; n: number }>(
    ac.conn,
    sql`select ${owner} as member, count(*)::int as n from ${t}
      where ${t.workspaceId} = ${ac.ctx.workspaceId} and ${t.deletedAt} is null and ${owner} = any(${`{${ids.join(',')}}`}::uuid[])
        ${obj.def.scope ? sql`and ${obj.def.scope}` : sql``} ${openWork(obj) ? sql`and ${openWork(obj)}` : sql``}
      group by ${owner}`,
  );
  const load = new Map(rows.map((r) => [r.member, Number(r.n)]));
  return ids.reduce((best, id) => ((load.get(id) ?? 0) < (load.get(best) ?? 0) ? id : best), ids[0]);
}

const AssignInput = Type.Object(
  {
    strategy: Type.Enum(strategies, {
      description: 'member: always memberId; round_robin: each in turn; least_loaded: fewest open records',
    }),
    memberId: Type.Optional(Uuid),
    members: Type.Optional(Type.Array(Uuid, { minItems: 1, maxItems: 50, uniqueItems: true })),
    field: Type.Optional(
      Type.String({ minLength: 1, maxLength: 100, description: "The member field to set (default: the record's owner)" }),
    ),
  },
  closed,
);

async function choose(
  ac: ActionContext,
  input: { strategy: string; memberId?: string; members?: string[] },
  obj: AutomationObject,
  field: string,
) {
  if (input.strategy === 'member') return input.memberId ?? null;
  const ids = await activeMembers(ac, input.members ?? []);
  if (!ids.length)
    throw invalid([{ field: 'input.members', code: 'no_member', message: 'none of the members can be assigned (all disabled)' }]);
  return input.strategy === 'round_robin' ? nextInTurn(ac, ids) : leastLoaded(ac, obj, field, ids);
}

export const assignOwner = defineAction({
  name: 'assign_owner',
  label: 'Assign an owner',
  description:
    'Makes a member the owner of the record: a chosen one, each of a list in turn (round robin), or the one with the fewest open records.',
  input: AssignInput,
  needsRecord: true,
  check: async (input, env, at, obj) => {
    if (!obj) return [problem(at, 'no_record', 'runs of this trigger have no record')];
    const field = input.field ?? obj.ownerField;
    const errors = !field
      ? [problem(`${at}.field`, 'required', 'name the member field')]
      : field.startsWith('custom.') || !Object.hasOwn(obj.def.table, field) || ['id', 'createdBy'].includes(field)
        ? [problem(`${at}.field`, 'unknown_field', `"${field}" is not a member field of ${obj.label.toLowerCase()} a rule can set`)]
        : await checkField(env, obj, field, `${at}.field`, ['uuid']);
    if (input.strategy === 'member') {
      if (!input.memberId) errors.push(problem(`${at}.memberId`, 'required', 'name the member'));
      else errors.push(...(await checkMembers(env, [{ field: `${at}.memberId`, id: input.memberId }])));
    } else if (!input.members) errors.push(problem(`${at}.members`, 'required', 'list the members to choose from'));
    else
      errors.push(
        ...(await checkMembers(
          env,
          input.members.map((id, i) => ({ field: `${at}.members.${i}`, id })),
        )),
      );
    return errors;
  },
  writes: (input, object) => [{ object: object ?? '', change: 'updated', fields: [input.field ?? 'ownerId'] }],
  run: async (ac, input) => {
    const { obj, record } = needRecord(ac);
    const field = input.field ?? (obj.ownerField as string);
    const fresh = await obj.get(ac.conn, ac.ctx, record.id);
    const chosen = await choose(ac, input, obj, field);
    const after = await obj.update(ac.conn, ac.ctx, fresh.id, fresh.version, { [field]: chosen });
    return {
      detail: `Gave ${recordName(obj, after)} to member ${chosen} (${input.strategy.replace('_', ' ')})`,
      output: { memberId: chosen },
    };
  },
  describe: async (ac, input) => {
    const { obj, record } = needRecord(ac);
    const chosen = await choose(ac, input, obj, input.field ?? (obj.ownerField as string));
    return `Would give ${recordName(obj, record)} to member ${chosen} (${input.strategy.replace('_', ' ')})`;
  },
});

export const notifyMember = defineAction({
  name: 'notify',
  label: 'Notify a member',
  description: "Sends a member an in-app notification, linked to the run's record (placeholders fill in the title and body).",
  input: Type.Object(
    {
      to: MemberRef,
      title: Type.String({ minLength: 1, maxLength: 300 }),
      body: Type.Optional(Type.String({ maxLength: 5000 })),
      link: Type.Optional(Type.Boolean({ description: "Link to the run's record (default true)" })),
    },
    closed,
  ),
  needsRecord: false,
  check: async (input, env, at, obj) => {
    const fields = obj ? await env.fields(obj) : null;
    return [...(await checkMemberRef(input.to, env, obj, `${at}.to`)), ...checkTemplates(input, at, obj, fields, true)];
  },
  writes: () => [],
  run: async (ac, input) => {
    const memberId = resolveMember(input.to, ac);
    if (!memberId) return { detail: `Nobody to notify: ${memberRefWords(input.to, ac)} is empty`, output: { notificationId: null } };
    const title = String(render(input.title, scopeOf(ac))).slice(0, 300);
    const n = await notify(ac.conn, ac.ctx, {
      memberId,
      kind: 'automation',
      title,
      body: input.body ? String(render(input.body, scopeOf(ac))).slice(0, 5000) : null,
      record: input.link !== false && ac.object && ac.record ? { type: ac.object.name, id: ac.record.id } : null,
    });
    if (!n) return { detail: `Member ${memberId} turned automation notices off`, output: { notificationId: null, memberId } };
    return { detail: `Notified member ${memberId}: "${title}"`, output: { notificationId: n.id, memberId } };
  },
  describe: async (ac, input) => {
    const memberId = resolveMember(input.to, ac);
    if (!memberId) return `Would notify nobody: ${memberRefWords(input.to, ac)} is empty`;
    return `Would notify member ${memberId} (${memberRefWords(input.to, ac)}): "${render(input.title, scopeOf(ac))}"`;
  },
});
