import { and, eq, sql } from 'drizzle-orm';
import type { RuleDefinition, RuleStep, StepOutcome } from '../../../contract/automation.ts';
import { type Conn, type Db, selectRows, type Tx } from '../../db/client.ts';
import type { Ctx } from '../../http/context.ts';
import { AppError } from '../../http/errors.ts';
import { enqueue } from '../../jobs/queue.ts';
import { emitEvent } from '../history/history.service.ts';
import { actionOf } from './actions.ts';
import { runJob } from './automation.jobs.ts';
import { automationRules, automationRunSteps, automationRuns } from './automation.table.ts';
import { now } from './clock.ts';
import { evaluateFilter } from './evaluate.ts';
import { type AutomationObject, type ObjectFields, objectFields, type Rec, resolveObject } from './objects.ts';
import { versionDefinition } from './rules.service.ts';
import { conditionEnv, recordOf, waitTarget } from './run-context.ts';
import { enterBranch, nextPath, pathText, type StepPath, stepAt } from './steps.ts';
import { durationMs } from './templates.ts';
import { previousOf } from './triggers.ts';
import type { ActionContext } from './types.ts';

// Carries out a run, one step per transaction: the step's effects, its log row and the run's new
// position commit together, so a worker that dies mid-run leaves the run at the last step that
// committed and the next worker goes on from there — nothing done is done twice.

type RunRow = typeof automationRuns.$inferSelect;

/** How often a wait on a condition looks again by itself (record events of the run's record wake it sooner). */
export const CONDITION_RECHECK_MS = 15 * 60_000;

/** Errors worth another try of the same step: two writers in each other's way. */
function transient(err: unknown) {
  const code = (err as { code?: string }).code ?? (err as { cause?: { code?: string } }).cause?.code;
  if (code === '40001' || code === '40P01') return true;
  return err instanceof AppError && err.status === 409 && ['version_conflict', 'concurrent_change', 'conflict'].includes(err.code);
}

/** An error in words for the run log: a service's message with the fields it names. */
export function errorWords(err: unknown) {
  if (err instanceof AppError) {
    const fields = err.errors.map((e) => `${e.field.replace(/^body\./, '')} ${e.message}`).join('; ');
    return fields ? `${err.message}: ${fields}` : err.message;
  }
  return `Unexpected error: ${err instanceof Error ? err.message : String(err)}`;
}

interface Outcome {
  outcome: StepOutcome;
  detail: string;
  input?: unknown;
  output?: unknown;
  error?: string | null;
  /** Where the run goes next: a path, null for the end, or 'stay' to keep the position (parked or failed). */
  next: StepPath | null | 'stay';
  park?: { resumeAt: Date; state: Record<string, unknown> };
  status?: 'failed' | 'completed';
  reason?: string;
}

export interface RunStepContext {
  conn: Tx;
  run: RunRow;
  def: RuleDefinition;
  ruleName: string;
  ctx: Ctx;
  obj: AutomationObject | null;
  fields: ObjectFields | null;
  record: Rec | null;
  previous: Rec | null;
  at: Date;
}

/**
 * Takes steps of a run until it ends, parks on a wait, fails, or the worker is stopped. Safe to
 * call for any run at any time: a run that is not ready (finished, parked until later, its rule
 * paused) is left as it is.
 */
export async function executeRun(db: Db, workspaceId: string, runId: string, opts: { signal?: AbortSignal; lastTry?: boolean } = {}) {
  for (let i = 0; i < 10_000 && !opts.signal?.aborted; i++) {
    const more = await db.transaction((tx) => takeStep(tx, workspaceId, runId, opts.lastTry ?? true));
    if (!more) return;
  }
}

async function takeStep(tx: Tx, workspaceId: string, runId: string, lastTry: boolean): Promise<boolean> {
  const [run] = await tx
    .select()
    .from(automationRuns)
    .where(and(eq(automationRuns.workspaceId, workspaceId), eq(automationRuns.id, runId)))
    .for('update');
  if (!run || !['queued', 'running', 'waiting'].includes(run.status)) return false;
  const at = now();
  const [rule] = await tx
    .select({ enabled: automationRules.enabled, deletedAt: automationRules.deletedAt, name: automationRules.name })
    .from(automationRules)
    .where(and(eq(automationRules.workspaceId, workspaceId), eq(automationRules.id, run.ruleId)));
  if (run.status === 'waiting' && ((run.resumeAt && run.resumeAt > at) || !rule?.enabled)) return false;
  if (!run.position) {
    await finish(tx, run, 'completed', null, at);
    return false;
  }
  const version = await versionDefinition(tx, workspaceId, run.ruleId, run.ruleVersion);
  const def = version.definition;
  const ctx: Ctx = {
    workspaceId,
    memberId: version.createdBy ?? (await anyOwner(tx, workspaceId)),
    actor: { type: 'system', id: null },
    role: 'admin',
    requestId: `automation:${run.id}`,
    causes: run.causes,
  };
  const obj = run.objectType ? ((await resolveObject(tx, ctx, run.objectType)) ?? null) : null;
  const record = obj && run.recordId ? await recordOf(tx, ctx, obj, run.recordId) : null;
  const snapshot = run.trigger.record as Rec | undefined;
  const previous = snapshot && Array.isArray(run.trigger.changes) ? previousOf(snapshot, run.trigger.changes as never) : null;
  const path = run.position;
  const step = stepAt(def.steps, path);
  if (run.status !== 'running') {
    await tx
      .update(automationRuns)
      .set({ status: 'running', startedAt: run.startedAt ?? at, attempts: run.startedAt ? run.attempts : run.attempts + 1 })
      .where(and(eq(automationRuns.workspaceId, workspaceId), eq(automationRuns.id, runId)));
  }
  if (!step) {
    await finish(tx, run, 'completed', null, at);
    return false;
  }
  const fields = obj ? await objectFields(tx, ctx, obj) : null;
  const sc: RunStepContext = { conn: tx, run, def, ruleName: rule?.name ?? '', ctx, obj, fields, record, previous, at };
  const started = Date.now();
  let out: Outcome;
  try {
    out = await stepOutcome(sc, step, path);
  } catch (err) {
    if (transient(err) && !lastTry) throw err; // the job tries again, from this same step
    out = { outcome: 'failed', detail: 'The step failed', error: errorWords(err), next: 'stay', status: 'failed' };
  }
  await log(tx, run, path, step, out, new Date(at), Date.now() - started);
  return advance(tx, sc, path, out);
}

async function anyOwner(conn: Conn, workspaceId: string) {
  const [m] = await selectRows<{ id: string }>(
    conn,
    sql`select id from members where workspace_id = ${workspaceId} and role = 'owner' order by created_at limit 1`,
  );
  return m.id;
}

function stepOutcome(sc: RunStepContext, step: RuleStep, path: StepPath): Promise<Outcome> {
  if (step.type === 'if') return Promise.resolve(ifOutcome(sc, step, path));
  if (step.type === 'wait') return waitOutcome(sc, step, path);
  return actionOutcome(sc, step, path);
}

function ifOutcome(sc: RunStepContext, step: RuleStep, path: StepPath): Outcome {
  const held = sc.obj ? evaluateFilter(step.condition, conditionEnv(sc)) : false;
  const branch = held ? 'then' : 'else';
  return {
    outcome: 'branch',
    detail: `The condition ${held ? 'held' : 'did not hold'}: took the ${branch} branch`,
    input: step.condition,
    output: { branch },
    next: enterBranch(sc.def.steps, path, branch),
  };
}

async function waitOutcome(sc: RunStepContext, step: RuleStep, path: StepPath): Promise<Outcome> {
  const wait = step.wait;
  if (!wait) return { outcome: 'done', detail: 'No wait given', next: nextPath(sc.def.steps, path) };
  const key = pathText(path);
  const state = sc.run.state?.waitAt === key ? sc.run.state : null;
  const go = (outcome: StepOutcome, detail: string): Outcome => ({ outcome, detail, input: wait, next: nextPath(sc.def.steps, path) });
  const park = (resumeAt: Date, detail: string, extra: Record<string, unknown> = {}): Outcome => ({
    outcome: 'waiting',
    detail,
    input: wait,
    next: 'stay',
    park: { resumeAt, state: { waitAt: key, ...extra } },
  });
  if (wait.kind === 'duration') {
    if (state) return go('resumed', 'The wait is over');
    const until = new Date(sc.at.getTime() + durationMs(wait.duration ?? { amount: 0, unit: 'minutes' }));
    return until > sc.at ? park(until, `Waiting until ${until.toISOString()}`) : go('done', 'Nothing to wait for');
  }
  if (wait.kind === 'date') {
    const until = await waitTarget(sc, wait);
    if (!until) return go(state ? 'resumed' : 'done', `${wait.field} is empty: went on without waiting`);
    if (until > sc.at) return park(until, `${state ? 'The date moved: waiting' : 'Waiting'} until ${until.toISOString()} (${wait.field})`);
    return go(state ? 'resumed' : 'done', state ? 'The date was reached' : `${wait.field} has passed: went on without waiting`);
  }
  const deadline = state?.deadline
    ? new Date(String(state.deadline))
    : new Date(sc.at.getTime() + durationMs(wait.timeout ?? { amount: 0, unit: 'minutes' }));
  const held = sc.obj ? evaluateFilter(wait.condition, conditionEnv(sc)) : false;
  if (held) return go(state ? 'resumed' : 'done', 'The condition holds');
  if (sc.at >= deadline) {
    if (wait.onTimeout === 'stop') {
      return {
        outcome: 'timed_out',
        detail: 'Timed out waiting for the condition: the run stops here',
        input: wait,
        next: null,
        reason: 'A wait timed out',
      };
    }
    return go('timed_out', 'Timed out waiting for the condition: went on');
  }
  const check = new Date(Math.min(deadline.getTime(), sc.at.getTime() + CONDITION_RECHECK_MS));
  return park(check, `Waiting until the condition holds, at most until ${deadline.toISOString()}`, {
    deadline: deadline.toISOString(),
    condition: true,
  });
}

export function actionContext(sc: RunStepContext, path: StepPath, runId: string | null): ActionContext {
  return {
    conn: sc.conn,
    ctx: sc.ctx,
    now: sc.at,
    timeZone: sc.def.timeZone ?? 'UTC',
    rule: { id: sc.run.ruleId, name: sc.ruleName, version: sc.run.ruleVersion },
    runId,
    path: pathText(path),
    object: sc.obj,
    record: sc.record,
    previous: sc.previous,
    trigger: sc.run.trigger,
  };
}

async function actionOutcome(sc: RunStepContext, step: RuleStep, path: StepPath): Promise<Outcome> {
  const action = actionOf(step.action ?? '');
  if (!action) throw new AppError(422, 'unknown_action', `The action "${step.action}" is not available any more`);
  if (action.needsRecord && !sc.record) throw new AppError(422, 'no_record', 'The record this run is about no longer exists');
  // A savepoint: an action that fails leaves nothing behind, and the failure is still logged in this transaction.
  const result = await sc.conn.transaction((sp) => action.run({ ...actionContext(sc, path, sc.run.id), conn: sp }, step.input ?? {}));
  return {
    outcome: 'done',
    detail: result.detail,
    input: step.input ?? {},
    output: result.output ?? null,
    next: nextPath(sc.def.steps, path),
  };
}

async function log(tx: Tx, run: RunRow, path: StepPath, step: RuleStep, out: Outcome, startedAt: Date, ms: number) {
  // The next number read first: Citus refuses a subquery inside an INSERT's VALUES.
  const [{ seq }] = await selectRows<{ seq: number }>(
    tx,
    sql`select coalesce(max(seq), 0)::int + 1 as seq from automation_run_steps where workspace_id = ${run.workspaceId} and run_id = ${run.id}`,
  );
  await tx.insert(automationRunSteps).values({
    workspaceId: run.workspaceId,
    runId: run.id,
    seq,
    path: pathText(path),
    stepType: step.type,
    action: step.action ?? null,
    label: step.label ?? null,
    input: (out.input ?? null) as never,
    outcome: out.outcome,
    detail: out.detail,
    output: (out.output ?? null) as never,
    error: out.error ?? null,
    startedAt,
    durationMs: ms,
  });
}

async function finish(tx: Tx, run: RunRow, status: 'completed' | 'failed', reason: string | null, at: Date) {
  await tx
    .update(automationRuns)
    .set({ status, position: null, state: null, resumeAt: null, reason, finishedAt: at, updatedAt: at })
    .where(and(eq(automationRuns.workspaceId, run.workspaceId), eq(automationRuns.id, run.id)));
}

/** Moves the run past the step (or parks or fails it); whether the engine takes another step now. */
async function advance(tx: Tx, sc: RunStepContext, path: StepPath, out: Outcome): Promise<boolean> {
  const { run, at } = sc;
  const where = and(eq(automationRuns.workspaceId, run.workspaceId), eq(automationRuns.id, run.id));
  if (out.status === 'failed') {
    await tx
      .update(automationRuns)
      .set({ status: 'failed', error: out.error ?? out.detail, finishedAt: at, updatedAt: at })
      .where(where);
    await emitEvent(tx, sc.ctx, 'automation.run_failed', 'automation_run', run.id, {
      ruleId: run.ruleId,
      runId: run.id,
      step: pathText(path),
      error: out.error ?? out.detail,
    });
    return false;
  }
  if (out.park) {
    const { resumeAt, state } = out.park;
    await tx.update(automationRuns).set({ status: 'waiting', resumeAt, state, updatedAt: at }).where(where);
    // Woken on time by a delayed job; the scanner wakes what is due as well (a moved clock, a lost job).
    const delay = Math.max(0, resumeAt.getTime() - at.getTime());
    await enqueue(
      tx,
      runJob,
      { workspaceId: run.workspaceId, runId: run.id },
      { workspaceId: run.workspaceId, runAt: new Date(Date.now() + delay) },
    );
    return false;
  }
  if (out.next === null) {
    await finish(tx, run, 'completed', out.reason ?? null, at);
    return false;
  }
  await tx
    .update(automationRuns)
    .set({ position: out.next as StepPath, state: null, resumeAt: null, updatedAt: at })
    .where(where);
  return true;
}
