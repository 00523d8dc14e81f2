import { and, eq, type SQL, sql } from 'drizzle-orm';
import type { RuleDefinition } from '../../../contract/automation.ts';
import { acrossWorkspaces } from '../../db/citus.ts';
import { type Conn, type Db, selectRows } from '../../db/client.ts';
import type { Ctx } from '../../http/context.ts';
import { enqueue } from '../../jobs/queue.ts';
import { dueByWorkspace, uuidArray } from '../../jobs/sweep.ts';
import { nextTick } from '../../jobs/worker.ts';
import { compileFilter } from '../../records/filter.ts';
import { runJob } from './automation.jobs.ts';
import { automationRules } from './automation.table.ts';
import { now } from './clock.ts';
import { type AutomationObject, objectFields, resolveObject } from './objects.ts';
import { RateGuard, startRun } from './runs.service.ts';
import { durationMs } from './templates.ts';
import type { DateReachedConfig } from './triggers.ts';

// What the clock starts, looked at by the scanner job every half minute: waits that are over,
// schedule ticks, and date triggers. Every query takes its `now` from the automation clock, so a
// test that moves the clock forward and scans sees exactly what a worker would then.

/** Records one scan starts runs for per date rule, and per schedule tick: the rest wait for the next scan. */
const BATCH = 500;

interface DueRule {
  workspace_id: string;
  id: string;
  version: number;
  definition: RuleDefinition;
  armed_at: string | Date;
  next_fire_at: string | Date | null;
  saved_by: string | null;
}

const parse = <T>(v: T | string): T => (typeof v === 'string' ? JSON.parse(v) : v);

export async function scan(db: Db, at = now()) {
  return {
    woken: await wakeDueWaits(db, at),
    scheduled: await fireSchedules(db, at),
    dated: await fireDates(db, at),
  };
}

/** Waiting runs whose time has come (and whose rule is not paused) are queued again. */
export async function wakeDueWaits(db: Db, at: Date) {
  const due = await dueByWorkspace(
    db,
    sql`select w.workspace_id, w.id from automation_runs w
      join automation_rules u on u.workspace_id = w.workspace_id and u.id = w.rule_id
      where w.status = 'waiting' and w.resume_at <= ${at.toISOString()}::timestamptz and u.enabled and u.deleted_at is null
      order by w.resume_at limit ${BATCH}`,
  );
  let woken = 0;
  for (const [workspaceId, ids] of due) woken += await wakeInWorkspace(db, workspaceId, ids, at);
  return woken;
}

/** Queues again the runs `ids` of one workspace that still wait and are due (one shard, SKIP LOCKED). */
async function wakeInWorkspace(db: Db, workspaceId: string, ids: string[], at: Date) {
  return db.transaction(async (tx) => {
    const due = await selectRows<{ workspace_id: string; id: string }>(
      tx,
      sql`update automation_runs r set status = 'queued', updated_at = ${at.toISOString()}::timestamptz
        where r.workspace_id = ${workspaceId} and r.id in (
          select w.id from automation_runs w
          join automation_rules u on u.workspace_id = w.workspace_id and u.id = w.rule_id
          where w.workspace_id = ${workspaceId} and u.workspace_id = ${workspaceId} and w.id = any(${uuidArray(ids)}::uuid[])
            and w.status = 'waiting' and w.resume_at <= ${at.toISOString()}::timestamptz and u.enabled and u.deleted_at is null
          for update of w skip locked)
        returning r.workspace_id, r.id`,
    );
    for (const r of due) await enqueue(tx, runJob, { workspaceId: r.workspace_id, runId: r.id }, { workspaceId: r.workspace_id });
    return due.length;
  });
}

/** The enabled rules of a trigger type in every workspace: a named cross-workspace query (the scanner serves them all). */
const rulesOf = (db: Conn, triggerType: string, extra: SQL) =>
  acrossWorkspaces(db, (tx) =>
    selectRows<DueRule>(
      tx,
      sql`select r.workspace_id, r.id, r.version, r.definition, r.armed_at, r.next_fire_at, v.created_by as saved_by
      from automation_rules r join automation_rule_versions v on v.workspace_id = r.workspace_id and v.rule_id = r.id and v.version = r.version
      where r.enabled and r.deleted_at is null and r.trigger_type = ${triggerType} and ${extra}`,
    ),
  );

export const ruleCtx = (workspaceId: string, savedBy: string | null): Ctx => ({
  workspaceId,
  memberId: savedBy ?? '00000000-0000-0000-0000-000000000000',
  actor: { type: 'system', id: null },
  role: 'admin',
  requestId: null,
  causes: [],
});

/** Claims a firing: true for the first caller with this key, false for every later one. */
export async function claimFire(conn: Conn, workspaceId: string, ruleId: string, key: string) {
  const rows = await selectRows<{ key: string }>(
    conn,
    sql`insert into automation_fires (workspace_id, rule_id, key) values (${workspaceId}, ${ruleId}, ${key})
      on conflict do nothing returning key`,
  );
  return rows.length > 0;
}

/** The records of a rule's object that meet its conditions (compiled to SQL, as views are), by id. */
async function matching(
  conn: Conn,
  ctx: Ctx,
  def: RuleDefinition,
  objectName: string,
  extra: (fields: Awaited<ReturnType<typeof objectFields>>, t: AutomationObject['def']['table']) => SQL,
) {
  const obj = await resolveObject(conn, ctx, objectName);
  if (!obj) return null;
  const fields = await objectFields(conn, ctx, obj);
  const t = obj.def.table;
  const conditions = def.conditions ? compileFilter(def.conditions, { field: fields.spec, memberId: ctx.memberId }) : sql`true`;
  return {
    obj,
    fields,
    t,
    where: and(eq(t.workspaceId, ctx.workspaceId), sql`${t.deletedAt} is null`, obj.def.scope, conditions, extra(fields, t)),
  };
}

/**
 * Schedule ticks that are due. A tick belongs to whoever moves the rule's next tick on (the update
 * names the tick it read), and its firing is written down as well: one run per tick (per record,
 * for a schedule over an object), however many scanners run.
 */
export async function fireSchedules(db: Db, at: Date) {
  const due = await rulesOf(db, 'schedule', sql`r.next_fire_at <= ${at.toISOString()}::timestamptz`);
  let started = 0;
  for (const rule of due) {
    const def = parse(rule.definition);
    const config = def.trigger.config as { cron: string; object?: string };
    const tick = new Date(rule.next_fire_at as string);
    const next = nextTick(config.cron, def.timeZone ?? 'UTC', new Date(Math.max(at.getTime(), tick.getTime())));
    started += await db.transaction(async (tx) => {
      const won = await tx
        .update(automationRules)
        .set({ nextFireAt: next })
        .where(
          and(eq(automationRules.workspaceId, rule.workspace_id), eq(automationRules.id, rule.id), eq(automationRules.nextFireAt, tick)),
        )
        .returning({ id: automationRules.id });
      if (!won.length || !(await claimFire(tx, rule.workspace_id, rule.id, `cron:${tick.toISOString()}`))) return 0;
      const ctx = ruleCtx(rule.workspace_id, rule.saved_by);
      const trigger = { type: 'schedule', tick: tick.toISOString(), at: at.toISOString() };
      const guard = new RateGuard();
      if (!config.object) {
        await startRun(tx, ctx, { rule: { ...rule, definition: def }, objectType: null, recordId: null, trigger, causes: [] }, guard);
        return 1;
      }
      const m = await matching(tx, ctx, def, config.object, () => sql`true`);
      if (!m) return 0;
      const ids = (await tx.select({ id: m.t.id }).from(m.t).where(m.where).limit(BATCH)) as { id: string }[];
      for (const { id } of ids) {
        await startRun(tx, ctx, { rule: { ...rule, definition: def }, objectType: m.obj.name, recordId: id, trigger, causes: [] }, guard);
      }
      return ids.length;
    });
  }
  return started;
}

/**
 * The SQL for when a date trigger fires for a record: a date-time field's instant moved by the
 * offset; a date field's day at the trigger's time of day in the rule's time zone, moved by the
 * offset in local time (three days before is the same clock time, across a change of summer time).
 */
export function fireAtSql(
  column: SQL | unknown,
  kind: 'date' | 'datetime',
  config: { offset?: DateReachedConfig['offset']; atTime?: string },
  timeZone: string,
) {
  const ms = config.offset ? durationMs(config.offset) : 0;
  if (kind === 'datetime') return sql`(${column} + ${ms} * interval '1 millisecond')`;
  return sql`((${column})::timestamp + ${config.atTime ?? '09:00'}::time + ${ms} * interval '1 millisecond') at time zone ${timeZone}`;
}

/** A date value as the key of a firing: a moved date is a new key, and the trigger fires again. */
export const dateKeySql = (column: SQL | unknown, kind: 'date' | 'datetime') =>
  kind === 'date' ? sql`(${column})::text` : sql`(floor(extract(epoch from ${column}) * 1000))::bigint::text`;

/**
 * Date triggers: each record whose field, moved by the offset, falls between the moment the rule
 * was armed and now, and whose (rule, record, date) has not fired, fires now — once: the firing is
 * written in the same transaction as the run, and a second scanner's insert of it finds it there.
 */
export async function fireDates(db: Db, at: Date) {
  const rules = await rulesOf(db, 'date_reached', sql`true`);
  let started = 0;
  for (const rule of rules) {
    const def = parse(rule.definition);
    const config = def.trigger.config as DateReachedConfig;
    const ctx = ruleCtx(rule.workspace_id, rule.saved_by);
    started += await db.transaction(async (tx) => {
      let kind: 'date' | 'datetime' = 'date';
      let fire: SQL = sql`null`;
      let key: SQL = sql`null`;
      const m = await matching(tx, ctx, def, config.object, (fields, t) => {
        const spec = fields.spec(config.field);
        if (!spec || (spec.kind !== 'date' && spec.kind !== 'datetime')) return sql`false`;
        kind = spec.kind;
        fire = fireAtSql(spec.sql, kind, config, def.timeZone ?? 'UTC');
        key = sql`${`date:`}::text || ${t.id}::text || ':' || ${dateKeySql(spec.sql, kind)}`;
        return sql`${spec.sql} is not null and ${fire} <= ${at.toISOString()}::timestamptz
          and ${fire} >= ${new Date(rule.armed_at).toISOString()}::timestamptz
          and not exists (select 1 from automation_fires f where f.workspace_id = ${rule.workspace_id} and f.rule_id = ${rule.id} and f.key = ${key})`;
      });
      if (!m) return 0;
      const rows = (await tx
        .select({ id: m.t.id, key: sql<string>`${key}`, fireAt: sql<string>`${fire}` })
        .from(m.t)
        .where(m.where)
        .limit(BATCH)) as { id: string; key: string; fireAt: string | Date }[];
      const guard = new RateGuard();
      let n = 0;
      for (const r of rows) {
        if (!(await claimFire(tx, rule.workspace_id, rule.id, r.key))) continue;
        const trigger = {
          type: 'date_reached',
          field: config.field,
          value: r.key.split(':').slice(2).join(':'),
          fireAt: new Date(r.fireAt).toISOString(),
          kind,
        };
        await startRun(tx, ctx, { rule: { ...rule, definition: def }, objectType: m.obj.name, recordId: r.id, trigger, causes: [] }, guard);
        n++;
      }
      return n;
    });
  }
  return started;
}
