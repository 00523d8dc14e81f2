import { randomBytes } from 'node:crypto';
import { and, count, desc, eq, isNull, lt, sql } from 'drizzle-orm';
import { uuidv7 } from 'uuidv7';
import {
  MAX_RULES,
  type Rule,
  type RuleCreate,
  type RuleDefinition,
  type RuleUpdate,
  type RuleVersion,
  type RunStatus,
  type VersionListQuery,
} from '../../../contract/automation.ts';
import type { Conn } from '../../db/client.ts';
import type { Ctx } from '../../http/context.ts';
import { conflict, type FieldError, invalid, notFound } from '../../http/errors.ts';
import { nextTick } from '../../jobs/worker.ts';
import { diff } from '../../records/changes.ts';
import { memberTimeZone } from '../auth/members.service.ts';
import { recordChange } from '../history/history.service.ts';
import { automationRules, automationRuleVersions, automationRuns } from './automation.table.ts';
import { now } from './clock.ts';
import { type AutomationObject, type ObjectFields, objectFields, resolveObject } from './objects.ts';
import { sealRuleSecret } from './secrets.ts';
import { triggerOf } from './triggers.ts';
import type { CheckEnv } from './types.ts';
import { checkDefinition, findCycle, touchesOf } from './validate.ts';

type RuleRow = typeof automationRules.$inferSelect;

export const webhookPathOf = (r: { workspaceId: string; id: string }) => `/automation/hooks/${r.workspaceId}/${r.id}`;

export function toRule(r: RuleRow, secret?: string): Rule {
  return {
    id: r.id,
    version: r.version,
    name: r.name,
    description: r.description,
    enabled: r.enabled,
    definition: r.definition,
    createdAt: r.createdAt.toISOString(),
    updatedAt: r.updatedAt.toISOString(),
    createdBy: r.createdBy,
    webhookPath: r.triggerType === 'webhook' ? webhookPathOf(r) : null,
    ...(secret ? { webhookSecret: secret } : {}),
  };
}

/** What save-time checks read, each object and its fields looked up once per save. */
export function checkEnv(conn: Conn, ctx: Ctx): CheckEnv {
  const objects = new Map<string, Promise<AutomationObject | undefined>>();
  const fields = new Map<string, Promise<ObjectFields>>();
  return {
    conn,
    ctx,
    object: (name) => {
      if (!objects.has(name)) objects.set(name, resolveObject(conn, ctx, name));
      return objects.get(name) as Promise<AutomationObject | undefined>;
    },
    fields: (obj) => {
      if (!fields.has(obj.name)) fields.set(obj.name, objectFields(conn, ctx, obj));
      return fields.get(obj.name) as Promise<ObjectFields>;
    },
  };
}

export async function findRule(conn: Conn, ctx: Ctx, id: string, lock = false) {
  const q = conn
    .select()
    .from(automationRules)
    .where(and(eq(automationRules.workspaceId, ctx.workspaceId), eq(automationRules.id, id), isNull(automationRules.deletedAt)));
  const [row] = await (lock ? q.for('update') : q);
  if (!row) throw notFound('Rule');
  return row;
}

export async function listRules(conn: Conn, ctx: Ctx) {
  const rows = await conn
    .select()
    .from(automationRules)
    .where(and(eq(automationRules.workspaceId, ctx.workspaceId), isNull(automationRules.deletedAt)))
    .orderBy(automationRules.name, automationRules.id);
  // One grouped read of the runs (the newest per rule by its time-ordered id), not one per rule.
  const stats = await conn
    .select({
      ruleId: automationRuns.ruleId,
      total: count(),
      failed: sql<number>`count(*) filter (where ${automationRuns.status} = 'failed')`.mapWith(Number),
      waiting: sql<number>`count(*) filter (where ${automationRuns.status} = 'waiting')`.mapWith(Number),
      lastAt: sql<Date | null>`max(${automationRuns.createdAt})`.mapWith((v) => (v == null ? null : new Date(v))),
      lastStatus: sql<RunStatus | null>`(array_agg(${automationRuns.status} order by ${automationRuns.createdAt} desc, ${automationRuns.id} desc))[1]`,
    })
    .from(automationRuns)
    .where(eq(automationRuns.workspaceId, ctx.workspaceId))
    .groupBy(automationRuns.ruleId);
  const byRule = new Map(stats.map((s) => [s.ruleId, s]));
  return {
    data: rows.map((r) => {
      const s = byRule.get(r.id);
      return {
        ...toRule(r),
        runs: {
          total: s?.total ?? 0,
          failed: s?.failed ?? 0,
          waiting: s?.waiting ?? 0,
          lastAt: s?.lastAt ? s.lastAt.toISOString() : null,
          lastStatus: s?.lastStatus ?? null,
        },
      };
    }),
  };
}

export const getRule = async (conn: Conn, ctx: Ctx, id: string) => toRule(await findRule(conn, ctx, id));

/** A definition as it is stored: the time zone filled in (the saving admin's), so that it never changes under the rule. */
async function normalise(conn: Conn, ctx: Ctx, def: RuleDefinition): Promise<RuleDefinition> {
  if (def.timeZone) return def;
  return { ...def, timeZone: (await memberTimeZone(conn, ctx, ctx.memberId)) ?? 'UTC' };
}

/**
 * Refuses a definition with problems (422, every problem named by its path), and one that would
 * close a cycle with the workspace's other enabled rules.
 */
async function check(conn: Conn, ctx: Ctx, id: string, name: string, def: RuleDefinition, enabled: boolean) {
  const errors: FieldError[] = await checkDefinition(def, checkEnv(conn, ctx));
  if (errors.length) throw invalid(errors, 'The rule cannot be saved: see errors');
  if (enabled) await refuseCycle(conn, ctx, id, name, def, 'body.definition');
}

async function refuseCycle(conn: Conn, ctx: Ctx, id: string, name: string, def: RuleDefinition, at: string) {
  const others = await conn
    .select({ id: automationRules.id, name: automationRules.name, definition: automationRules.definition })
    .from(automationRules)
    .where(
      and(
        eq(automationRules.workspaceId, ctx.workspaceId),
        eq(automationRules.enabled, true),
        isNull(automationRules.deletedAt),
        sql`${automationRules.id} <> ${id}`,
      ),
    );
  const cycle = findCycle(
    touchesOf(id, name, def),
    others.map((o) => touchesOf(o.id, o.name, o.definition)),
  );
  if (cycle) {
    throw invalid(
      [
        {
          field: `${at}.steps.${cycle.path}`,
          code: 'rule_cycle',
          message: `this step writes what triggers ${cycle.names.map((n) => `"${n}"`).join(', then ')}, which in turn triggers this rule: the rules would trigger each other without end`,
        },
      ],
      'The rule cannot be saved: it would form a cycle with other rules',
    );
  }
}

const newSecret = () => `whsec_${randomBytes(24).toString('base64url')}`;

/** What the rule row keeps of its definition for the consumer and the scanner. */
function derived(def: RuleDefinition, at: Date) {
  const trigger = triggerOf(def.trigger.type);
  const config = def.trigger.config ?? {};
  const cron = trigger?.source === 'schedule' ? String((config as { cron: string }).cron) : null;
  return {
    triggerType: def.trigger.type,
    objectType: trigger?.objectOf(config) ?? null,
    nextFireAt: cron ? nextTick(cron, def.timeZone ?? 'UTC', at) : null,
  };
}

async function insertVersion(
  conn: Conn,
  ctx: Ctx,
  r: { id: string; version: number; name: string; description: string | null; definition: RuleDefinition },
) {
  await conn.insert(automationRuleVersions).values({
    workspaceId: ctx.workspaceId,
    ruleId: r.id,
    version: r.version,
    name: r.name,
    description: r.description,
    definition: r.definition,
    createdBy: ctx.memberId,
  });
}

export async function createRule(conn: Conn, ctx: Ctx, input: RuleCreate) {
  const [{ n }] = await conn
    .select({ n: count() })
    .from(automationRules)
    .where(and(eq(automationRules.workspaceId, ctx.workspaceId), isNull(automationRules.deletedAt)));
  if (Number(n) >= MAX_RULES) throw invalid([{ field: 'body', code: 'too_many', message: `a workspace has at most ${MAX_RULES} rules` }]);
  const definition = await normalise(conn, ctx, input.definition);
  const id = uuidv7();
  const enabled = input.enabled ?? true;
  await check(conn, ctx, id, input.name, definition, enabled);
  const t = now();
  const secret = definition.trigger.type === 'webhook' ? newSecret() : undefined;
  const [row] = await conn
    .insert(automationRules)
    .values({
      workspaceId: ctx.workspaceId,
      id,
      name: input.name,
      description: input.description ?? null,
      enabled,
      version: 1,
      definition,
      ...derived(definition, t),
      webhookSecret: secret ? sealRuleSecret(ctx.workspaceId, id, secret) : null,
      armedAt: t,
      createdBy: ctx.memberId,
    })
    .returning();
  await insertVersion(conn, ctx, row);
  await recordChange(conn, ctx, 'automation_rule', id, 'create', [
    { field: null, old: null, new: { name: row.name, enabled, version: 1, definition } },
  ]);
  return toRule(row, secret);
}

/** Saves a new version. Based on the version read (409 if another save came first); the trigger's clock restarts when it changed. */
export async function updateRule(conn: Conn, ctx: Ctx, id: string, version: number, input: Omit<RuleUpdate, 'version'>) {
  const before = await findRule(conn, ctx, id, true);
  if (before.version !== version) {
    throw conflict(
      'version_conflict',
      `This rule was saved by someone else since you read it (you sent version ${version}, it is now ${before.version}). Reload and apply your change again.`,
      {
        currentVersion: before.version,
      },
    );
  }
  const name = input.name ?? before.name;
  const description = input.description !== undefined ? input.description : before.description;
  const definition = input.definition ? await normalise(conn, ctx, input.definition) : before.definition;
  await check(conn, ctx, id, name, definition, before.enabled);
  const t = now();
  const triggerChanged =
    JSON.stringify(definition.trigger) !== JSON.stringify(before.definition.trigger) || definition.timeZone !== before.definition.timeZone;
  const secret = definition.trigger.type === 'webhook' && !before.webhookSecret ? newSecret() : undefined;
  const [row] = await conn
    .update(automationRules)
    .set({
      name,
      description,
      definition,
      version: before.version + 1,
      ...(triggerChanged ? { ...derived(definition, t), armedAt: t } : {}),
      ...(secret ? { webhookSecret: sealRuleSecret(ctx.workspaceId, id, secret) } : {}),
      updatedAt: sql`now()`,
    })
    .where(and(eq(automationRules.workspaceId, ctx.workspaceId), eq(automationRules.id, id)))
    .returning();
  await insertVersion(conn, ctx, row);
  const shape = (r: RuleRow) => ({ name: r.name, description: r.description, definition: r.definition, version: r.version });
  await recordChange(conn, ctx, 'automation_rule', id, 'update', diff(shape(before), shape(row)));
  return toRule(row, secret);
}

/**
 * Pauses or resumes a rule. A paused rule starts no runs; its waiting runs stay parked and go on
 * when it is enabled again (those due meanwhile at once: the scanner wakes them). Time triggers
 * fire for times from the moment it is enabled: what fell due while it was paused is not caught up.
 */
export async function setEnabled(conn: Conn, ctx: Ctx, id: string, enabled: boolean) {
  const before = await findRule(conn, ctx, id, true);
  if (before.enabled === enabled) return toRule(before);
  if (enabled) await refuseCycle(conn, ctx, id, before.name, before.definition, 'definition');
  const t = now();
  const [row] = await conn
    .update(automationRules)
    .set({ enabled, ...(enabled ? { armedAt: t, nextFireAt: derived(before.definition, t).nextFireAt } : {}), updatedAt: sql`now()` })
    .where(and(eq(automationRules.workspaceId, ctx.workspaceId), eq(automationRules.id, id)))
    .returning();
  await recordChange(conn, ctx, 'automation_rule', id, 'update', [{ field: 'enabled', old: before.enabled, new: enabled }]);
  return toRule(row);
}

/** Removes a rule; its runs that have not finished are cancelled, those done stay readable. */
export async function deleteRule(conn: Conn, ctx: Ctx, id: string) {
  const before = await findRule(conn, ctx, id, true);
  const [row] = await conn
    .update(automationRules)
    .set({ deletedAt: sql`now()`, enabled: false, updatedAt: sql`now()` })
    .where(and(eq(automationRules.workspaceId, ctx.workspaceId), eq(automationRules.id, id)))
    .returning();
  await conn
    .update(automationRuns)
    .set({ status: 'cancelled', reason: 'The rule was deleted', finishedAt: now(), updatedAt: sql`now()` })
    .where(
      and(
        eq(automationRuns.workspaceId, ctx.workspaceId),
        eq(automationRuns.ruleId, id),
        sql`${automationRuns.status} in ('queued', 'running', 'waiting', 'failed')`,
      ),
    );
  await recordChange(conn, ctx, 'automation_rule', id, 'delete', [{ field: null, old: { name: before.name }, new: null }]);
  return toRule(row);
}

/** A new signing secret for the rule's webhook: the old one stops working at once. */
export async function rotateSecret(conn: Conn, ctx: Ctx, id: string) {
  const before = await findRule(conn, ctx, id, true);
  if (before.triggerType !== 'webhook') throw conflict('not_a_webhook', 'This rule is not triggered by a webhook');
  const secret = newSecret();
  await conn
    .update(automationRules)
    .set({ webhookSecret: sealRuleSecret(ctx.workspaceId, id, secret), updatedAt: sql`now()` })
    .where(and(eq(automationRules.workspaceId, ctx.workspaceId), eq(automationRules.id, id)));
  await recordChange(conn, ctx, 'automation_rule', id, 'update', [{ field: 'webhookSecret', old: '[rotated]', new: '[new secret]' }]);
  return { secret, webhookPath: webhookPathOf(before) };
}

export async function listVersions(conn: Conn, ctx: Ctx, id: string, q: VersionListQuery) {
  await findRule(conn, ctx, id);
  const limit = q.limit ?? 50;
  const rows = await conn
    .select({
      v: automationRuleVersions,
      runs: sql<number>`(select count(*)::int from automation_runs r where r.workspace_id = ${ctx.workspaceId}
        and r.rule_id = ${id} and r.rule_version = automation_rule_versions.version)`,
    })
    .from(automationRuleVersions)
    .where(
      and(
        eq(automationRuleVersions.workspaceId, ctx.workspaceId),
        eq(automationRuleVersions.ruleId, id),
        q.cursor ? lt(automationRuleVersions.version, Number(q.cursor)) : undefined,
      ),
    )
    .orderBy(desc(automationRuleVersions.version))
    .limit(limit + 1);
  const page = rows.slice(0, limit);
  const data: RuleVersion[] = page.map(({ v, runs }) => ({
    ruleId: v.ruleId,
    version: v.version,
    name: v.name,
    description: v.description,
    definition: v.definition,
    createdAt: v.createdAt.toISOString(),
    createdBy: v.createdBy,
    runCount: Number(runs),
  }));
  return { data, nextCursor: rows.length > limit ? String(page.at(-1)?.v.version) : null };
}

/** The definition of one version of a rule (runs name theirs). */
export async function versionDefinition(conn: Conn, workspaceId: string, ruleId: string, version: number) {
  const [v] = await conn
    .select()
    .from(automationRuleVersions)
    .where(
      and(
        eq(automationRuleVersions.workspaceId, workspaceId),
        eq(automationRuleVersions.ruleId, ruleId),
        eq(automationRuleVersions.version, version),
      ),
    );
  return v;
}
