import type { DryRunResult, RuleDefinition } from '../../../contract/automation.ts';
import type { Db, Tx } from '../../db/client.ts';
import type { Ctx } from '../../http/context.ts';
import { invalid } from '../../http/errors.ts';
import { actionOf } from './actions.ts';
import { now } from './clock.ts';
import { actionContext, errorWords, type RunStepContext } from './engine.ts';
import { evaluateFilter } from './evaluate.ts';
import { objectFields, type Rec, resolveObject } from './objects.ts';
import { checkEnv } from './rules.service.ts';
import { conditionEnv, recordOf, waitTarget } from './run-context.ts';
import { enterBranch, firstPath, nextPath, pathText, type StepPath, stepAt } from './steps.ts';
import { durationMs, offsetWords } from './templates.ts';
import { previousOf, triggerOf } from './triggers.ts';
import { checkDefinition } from './validate.ts';

type Step = DryRunResult['steps'][number];

/**
 * What a rule would do for a record, step by step, without doing it: conditions are evaluated,
 * branches taken, waits and actions described (actions read, never write). All of it runs in a
 * transaction that is rolled back at the end, so that even an action that wrote by mistake would
 * leave nothing behind.
 */
export async function dryRun(
  db: Db,
  ctx: Ctx,
  rule: { id: string; name: string; version: number; definition: RuleDefinition; unsaved: boolean },
  input: { recordId?: string; previous?: Record<string, unknown> },
): Promise<DryRunResult> {
  let result: DryRunResult | undefined;
  await db
    .transaction(async (tx) => {
      result = await describeRun(tx, ctx, rule, input);
      tx.rollback();
    })
    .catch((err) => {
      if (!result) throw err;
    });
  return result as DryRunResult;
}

async function describeRun(
  tx: Tx,
  ctx: Ctx,
  rule: { id: string; name: string; version: number; definition: RuleDefinition; unsaved: boolean },
  input: { recordId?: string; previous?: Record<string, unknown> },
): Promise<DryRunResult> {
  const def = rule.definition;
  if (rule.unsaved) {
    const errors = await checkDefinition(def, checkEnv(tx, ctx));
    if (errors.length) throw invalid(errors, 'The rule has problems: see errors');
  }
  const trigger = triggerOf(def.trigger.type);
  const objectName = trigger?.objectOf(def.trigger.config ?? {}) ?? null;
  const obj = objectName ? ((await resolveObject(tx, ctx, objectName)) ?? null) : null;
  let record: Rec | null = null;
  if (obj) {
    if (!input.recordId)
      throw invalid([{ field: 'body.recordId', code: 'required', message: `choose a ${obj.label.toLowerCase()} to try the rule on` }]);
    record = await recordOf(tx, ctx, obj, input.recordId);
    if (!record)
      throw invalid([{ field: 'body.recordId', code: 'unknown_record', message: `is not a ${obj.label.toLowerCase()} of this workspace` }]);
  } else if (input.recordId) {
    throw invalid([{ field: 'body.recordId', code: 'no_object', message: 'runs of this rule have no record' }]);
  }
  const fields = obj ? await objectFields(tx, ctx, obj) : null;
  const changes = Object.entries(input.previous ?? {}).map(([field, old]) => ({ field, old }));
  const previous = record && trigger?.hasPrevious ? previousOf(record, changes) : null;
  const sc: RunStepContext = {
    conn: tx,
    run: {
      id: '00000000-0000-0000-0000-000000000000',
      ruleId: rule.id,
      ruleVersion: rule.version,
      trigger: { type: def.trigger.type, dryRun: true, record },
      causes: [],
    } as never,
    def,
    ruleName: rule.name,
    ctx: { ...ctx, actor: { type: 'system', id: null } },
    obj,
    fields,
    record,
    previous,
    at: now(),
  };
  if (def.conditions && obj) {
    const held = evaluateFilter(def.conditions, conditionEnv(sc));
    if (!held) return { matched: false, conditions: 'The record does not meet the conditions: the rule would not run', steps: [] };
  }
  const steps: Step[] = [];
  let path: StepPath | null = firstPath(def.steps);
  while (path && steps.length < 200) {
    const step = stepAt(def.steps, path);
    if (!step) break;
    const base = { path: pathText(path), type: step.type, action: step.action ?? null, label: step.label ?? null };
    if (step.type === 'if') {
      const held = obj ? evaluateFilter(step.condition, conditionEnv(sc)) : false;
      steps.push({
        ...base,
        outcome: 'branch',
        description: `The condition ${held ? 'holds' : 'does not hold'}: would take the ${held ? 'then' : 'else'} branch`,
        input: step.condition,
      });
      path = enterBranch(def.steps, path, held ? 'then' : 'else');
      continue;
    }
    if (step.type === 'wait') {
      steps.push({ ...base, outcome: 'would_wait', description: await describeWait(sc, step.wait), input: step.wait });
      path = nextPath(def.steps, path);
      continue;
    }
    const action = actionOf(step.action ?? '');
    try {
      if (!action) throw invalid([{ field: 'action', code: 'unknown_action', message: `"${step.action}" is not an action` }]);
      const description = await action.describe(actionContext(sc, path, null), step.input ?? {});
      steps.push({ ...base, outcome: 'would_run', description, input: step.input ?? {} });
    } catch (err) {
      steps.push({ ...base, outcome: 'would_fail', description: `Would fail: ${errorWords(err)}`, input: step.input ?? {} });
      break;
    }
    path = nextPath(def.steps, path);
  }
  return { matched: true, conditions: def.conditions ? 'The record meets the conditions' : 'The rule has no conditions', steps };
}

async function describeWait(sc: RunStepContext, wait: RuleDefinition['steps'][number]['wait']) {
  if (!wait) return 'Would not wait';
  if (wait.kind === 'duration') {
    const d = wait.duration ?? { amount: 0, unit: 'minutes' as const };
    return `Would wait ${d.amount} ${d.unit}, until ${new Date(sc.at.getTime() + durationMs(d)).toISOString()}`;
  }
  if (wait.kind === 'date') {
    const until = await waitTarget(sc, wait);
    const what = `${wait.offset ? `${offsetWords(wait.offset)} ` : ''}${wait.field}`;
    if (!until) return `Would not wait: ${wait.field} is empty`;
    return until > sc.at ? `Would wait until ${until.toISOString()} (${what})` : `Would not wait: ${what} has passed`;
  }
  const held = sc.obj ? evaluateFilter(wait.condition, conditionEnv(sc)) : false;
  const d = wait.timeout ?? { amount: 0, unit: 'minutes' as const };
  return held
    ? 'Would not wait: the condition holds already'
    : `Would wait until the condition holds (it does not now), at most ${d.amount} ${d.unit}, then ${wait.onTimeout === 'stop' ? 'stop' : 'go on'}`;
}
