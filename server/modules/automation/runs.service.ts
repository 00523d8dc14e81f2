import { and, asc, desc, eq, lt, sql } from 'drizzle-orm';
import { uuidv7 } from 'uuidv7';
import type { Run, RunDetail, RunListQuery, RunStep } from '../../../contract/automation.ts';
import { type Conn, selectRows } from '../../db/client.ts';
import type { Ctx } from '../../http/context.ts';
import { conflict, notFound } from '../../http/errors.ts';
import { enqueue } from '../../jobs/queue.ts';
import { notifyAdmins } from '../notifications/notifications.service.ts';
import { runJob } from './automation.jobs.ts';
import { automationRules, automationRunSteps, automationRuns, automationSettings } from './automation.table.ts';
import { now } from './clock.ts';
import { firstPath, pathText, type StepPath } from './steps.ts';

type RunRow = typeof automationRuns.$inferSelect;

/** Runs a workspace may start per minute unless its settings say otherwise. */
export const DEFAULT_RUNS_PER_MINUTE = 1000;
/** Rules a chain of causes may pass through before it is stopped: a loop between rules that the save-time check could not see. */
export const MAX_CAUSE_CHAIN = 8;

export const ruleMarker = (ruleId: string) => `rule:${ruleId}`;

export function toRun(r: RunRow, ruleName: string): Run {
  return {
    id: r.id,
    ruleId: r.ruleId,
    ruleVersion: r.ruleVersion,
    ruleName,
    status: r.status as Run['status'],
    objectType: r.objectType,
    recordId: r.recordId,
    trigger: r.trigger,
    position: r.position ? pathText(r.position) : null,
    resumeAt: r.resumeAt?.toISOString() ?? null,
    reason: r.reason,
    error: r.error,
    attempts: r.attempts,
    createdAt: r.createdAt.toISOString(),
    startedAt: r.startedAt?.toISOString() ?? null,
    finishedAt: r.finishedAt?.toISOString() ?? null,
  };
}

/**
 * The per-workspace rate guard, for one batch of starts (an event batch, a scan, a request): it
 * counts the workspace's runs of the last minute once, then each start it allows.
 */
export class RateGuard {
  private readonly seen = new Map<string, { left: number; limit: number }>();

  async allow(conn: Conn, workspaceId: string, at: Date) {
    let s = this.seen.get(workspaceId);
    if (!s) {
      const [row] = await selectRows<{ n: number; limit: number | null }>(
        conn,
        sql`select (select count(*)::int from automation_runs where workspace_id = ${workspaceId} and status <> 'skipped'
            and created_at > ${new Date(at.getTime() - 60_000).toISOString()}::timestamptz) as n,
          (select runs_per_minute from automation_settings where workspace_id = ${workspaceId}) as limit`,
      );
      const limit = row.limit ?? DEFAULT_RUNS_PER_MINUTE;
      s = { left: limit - Number(row.n), limit };
      this.seen.set(workspaceId, s);
    }
    s.left--;
    return s.left >= 0 ? null : s.limit;
  }
}

/** Tells the admins once an hour at most that the rate guard skipped runs. */
async function warnAdmins(conn: Conn, ctx: Ctx, limit: number, at: Date) {
  // The hour before `at` computed here: Citus refuses a timestamptz - interval (a stable function)
  // in the WHERE of ON CONFLICT.
  const [row] = await selectRows<{ notified: boolean }>(
    conn,
    sql`insert into automation_settings (workspace_id, rate_notified_at) values (${ctx.workspaceId}, ${at.toISOString()}::timestamptz)
      on conflict (workspace_id) do update set rate_notified_at = excluded.rate_notified_at
        where automation_settings.rate_notified_at is null
          or automation_settings.rate_notified_at < ${new Date(at.getTime() - 3_600_000).toISOString()}::timestamptz
      returning true as notified`,
  );
  if (!row) return;
  await notifyAdmins(conn, ctx, {
    title: 'Automation runs were skipped',
    body: `This workspace started more than ${limit} rule runs in a minute, the most its settings allow. Runs beyond it are recorded as skipped, not run. Look for rules that trigger each other or fire on bulk changes, or raise the limit in the automation settings.`,
  });
}

export interface RunStart {
  rule: { id: string; version: number; definition: { steps: unknown[] } };
  objectType: string | null;
  recordId: string | null;
  /** What started it: `{ type, eventId, eventType, changes, record }`, `{ type: 'schedule', tick }` … */
  trigger: Record<string, unknown>;
  /** The triggering event's causes and its id; the rule's marker is added here. */
  causes: string[];
  /** Record the run as skipped for this reason (a record that does not meet the conditions of a manual run). */
  skip?: string;
}

/**
 * Records a run of a rule and enqueues the job that carries it out, both in the caller's
 * transaction. A run the rate guard stops, or one at the end of too long a chain of causes, is
 * recorded as skipped with the reason, and not run.
 */
export async function startRun(conn: Conn, ctx: Ctx, start: RunStart, guard = new RateGuard()) {
  const at = now();
  const causes = [...start.causes, ruleMarker(start.rule.id)];
  let reason: string | null = start.skip ?? null;
  const chain = causes.filter((c) => c.startsWith('rule:')).length;
  if (reason) {
    // Skipped by the caller: not counted by the rate guard.
  } else if (chain > MAX_CAUSE_CHAIN) {
    reason = `Stopped a chain of ${chain} rules triggering one another (at most ${MAX_CAUSE_CHAIN}): the rules likely loop`;
  } else {
    const limit = await guard.allow(conn, ctx.workspaceId, at);
    if (limit !== null) {
      reason = `Rate guard: this workspace started more than ${limit} runs in the last minute`;
      await warnAdmins(conn, ctx, limit, at);
    }
  }
  const id = uuidv7();
  const [row] = await conn
    .insert(automationRuns)
    .values({
      workspaceId: ctx.workspaceId,
      id,
      ruleId: start.rule.id,
      ruleVersion: start.rule.version,
      status: reason ? 'skipped' : 'queued',
      objectType: start.objectType,
      recordId: start.recordId,
      trigger: start.trigger,
      causes,
      position: reason ? null : firstPath(start.rule.definition.steps as never),
      reason,
      createdAt: at,
      updatedAt: at,
      finishedAt: reason ? at : null,
    })
    .returning();
  if (!reason) await enqueue(conn, runJob, { workspaceId: ctx.workspaceId, runId: id }, { workspaceId: ctx.workspaceId });
  return row;
}

const withRuleName = {
  run: automationRuns,
  ruleName: automationRules.name,
};

function joinRule() {
  return and(eq(automationRules.workspaceId, automationRuns.workspaceId), eq(automationRules.id, automationRuns.ruleId));
}

export async function listRuns(conn: Conn, ctx: Ctx, q: RunListQuery) {
  const limit = q.limit ?? 50;
  const rows = await conn
    .select(withRuleName)
    .from(automationRuns)
    .innerJoin(automationRules, joinRule())
    .where(
      and(
        eq(automationRuns.workspaceId, ctx.workspaceId),
        q.ruleId ? eq(automationRuns.ruleId, q.ruleId) : undefined,
        q.recordId ? eq(automationRuns.recordId, q.recordId) : undefined,
        q.status ? eq(automationRuns.status, q.status) : undefined,
        q.cursor ? lt(automationRuns.id, q.cursor) : undefined,
      ),
    )
    .orderBy(desc(automationRuns.id))
    .limit(limit + 1);
  const page = rows.slice(0, limit);
  return { data: page.map((r) => toRun(r.run, r.ruleName)), nextCursor: rows.length > limit ? (page.at(-1)?.run.id ?? null) : null };
}

async function findRun(conn: Conn, ctx: Ctx, id: string, lock = false) {
  const q = conn
    .select(withRuleName)
    .from(automationRuns)
    .innerJoin(automationRules, joinRule())
    .where(and(eq(automationRuns.workspaceId, ctx.workspaceId), eq(automationRuns.id, id)));
  const [row] = await (lock ? q.for('update', { of: automationRuns }) : q);
  if (!row) throw notFound('Run');
  return row;
}

export async function getRun(conn: Conn, ctx: Ctx, id: string): Promise<RunDetail> {
  const { run, ruleName } = await findRun(conn, ctx, id);
  const steps = await conn
    .select()
    .from(automationRunSteps)
    .where(and(eq(automationRunSteps.workspaceId, ctx.workspaceId), eq(automationRunSteps.runId, id)))
    .orderBy(asc(automationRunSteps.seq));
  return {
    ...toRun(run, ruleName),
    causes: run.causes,
    steps: steps.map(
      (s): RunStep => ({
        seq: s.seq,
        path: s.path,
        type: s.stepType as RunStep['type'],
        action: s.action,
        label: s.label,
        input: s.input,
        outcome: s.outcome as RunStep['outcome'],
        detail: s.detail,
        output: s.output,
        error: s.error,
        startedAt: s.startedAt.toISOString(),
        durationMs: s.durationMs,
      }),
    ),
  };
}

/** Runs a failed run again from the step that failed: the steps before it are not repeated. */
export async function retryRun(conn: Conn, ctx: Ctx, id: string) {
  const { run } = await findRun(conn, ctx, id, true);
  if (run.status !== 'failed') throw conflict('not_failed', `Only a failed run can be retried; this one is ${run.status}`);
  await conn
    .update(automationRuns)
    .set({ status: 'queued', error: null, finishedAt: null, attempts: run.attempts + 1, updatedAt: now() })
    .where(and(eq(automationRuns.workspaceId, ctx.workspaceId), eq(automationRuns.id, id)));
  await enqueue(conn, runJob, { workspaceId: ctx.workspaceId, runId: id }, { workspaceId: ctx.workspaceId });
  return getRun(conn, ctx, id);
}

/** Stops a run that has not finished: a step under way completes, the next does not start. */
export async function cancelRun(conn: Conn, ctx: Ctx, id: string) {
  const { run } = await findRun(conn, ctx, id, true);
  if (!['queued', 'running', 'waiting', 'failed'].includes(run.status)) {
    throw conflict('finished', `This run is ${run.status}; there is nothing to cancel`);
  }
  await conn
    .update(automationRuns)
    .set({ status: 'cancelled', reason: 'Cancelled by a person', resumeAt: null, finishedAt: now(), updatedAt: now() })
    .where(and(eq(automationRuns.workspaceId, ctx.workspaceId), eq(automationRuns.id, id)));
  return getRun(conn, ctx, id);
}

export async function getSettings(conn: Conn, ctx: Ctx) {
  const [row] = await conn.select().from(automationSettings).where(eq(automationSettings.workspaceId, ctx.workspaceId));
  return { runsPerMinute: row?.runsPerMinute ?? DEFAULT_RUNS_PER_MINUTE };
}

export async function updateSettings(conn: Conn, ctx: Ctx, input: { runsPerMinute: number }) {
  await conn
    .insert(automationSettings)
    .values({ workspaceId: ctx.workspaceId, runsPerMinute: input.runsPerMinute })
    .onConflictDoUpdate({ target: automationSettings.workspaceId, set: { runsPerMinute: input.runsPerMinute } });
  return getSettings(conn, ctx);
}

export type { StepPath };
