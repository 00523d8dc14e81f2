import { MAX_STEPS, type RuleDefinition } from '../../../contract/automation.ts';
import type { FieldError } from '../../http/errors.ts';
import { isTimeZone } from '../auth/auth.service.ts';
import { actionOf } from './actions.ts';
import { checkCondition, problem, schemaErrors } from './checks.ts';
import type { AutomationObject } from './objects.ts';
import { pathText, walkSteps } from './steps.ts';
import { triggerOf } from './triggers.ts';
import type { CheckEnv, Touch } from './types.ts';

// The checks a rule passes before it is saved: every problem is reported at once, each naming its
// path in the request (`body.definition.steps.2.input.fields.amountMinor`), so that an editor can
// show it beside the step.

const keysOf: Record<string, readonly string[]> = {
  if: ['condition', 'then', 'else'],
  wait: ['wait'],
  action: ['action', 'input'],
};
const allKeys = ['condition', 'then', 'else', 'wait', 'action', 'input'];

export async function checkDefinition(def: RuleDefinition, env: CheckEnv, at = 'body.definition'): Promise<FieldError[]> {
  const errors: FieldError[] = [];
  const trigger = triggerOf(def.trigger.type);
  let obj: AutomationObject | null = null;
  if (!trigger) {
    errors.push(problem(`${at}.trigger.type`, 'unknown_trigger', `"${def.trigger.type}" is not a trigger (see GET /automation/catalog)`));
  } else {
    const config = def.trigger.config ?? {};
    const bad = schemaErrors(trigger.config, config, `${at}.trigger.config`);
    errors.push(...bad);
    if (!bad.length) {
      errors.push(...((await trigger.check?.(config, env, `${at}.trigger.config`)) ?? []));
      const name = trigger.objectOf(config);
      obj = name ? ((await env.object(name)) ?? null) : null;
    }
  }
  if (def.timeZone !== undefined && !isTimeZone(def.timeZone)) {
    errors.push(problem(`${at}.timeZone`, 'unknown_time_zone', 'is not an IANA time zone'));
  }
  const withPrevious = trigger?.hasPrevious ?? false;
  errors.push(...(await checkCondition(def.conditions, env, obj, withPrevious, `${at}.conditions`)));
  let count = 0;
  for (const [step, path] of walkSteps(def.steps)) {
    const p = `${at}.steps.${pathText(path)}`;
    if (++count === MAX_STEPS + 1) errors.push(problem(p, 'too_many_steps', `a rule has at most ${MAX_STEPS} steps, branches included`));
    for (const k of allKeys) {
      if (step[k as keyof typeof step] !== undefined && !keysOf[step.type].includes(k)) {
        errors.push(problem(`${p}.${k}`, 'not_allowed', `a step of type ${step.type} takes no ${k}`));
      }
    }
    if (step.type === 'if') {
      if (step.condition === undefined || step.condition === null)
        errors.push(problem(`${p}.condition`, 'required', 'an if-step needs a condition'));
      else errors.push(...(await checkCondition(step.condition, env, obj, withPrevious, `${p}.condition`)));
    } else if (step.type === 'wait') {
      errors.push(...(await checkWait(step.wait, env, obj, withPrevious, `${p}.wait`)));
    } else {
      errors.push(...(await checkAction(step.action, step.input, env, obj, p)));
    }
  }
  return errors;
}

async function checkWait(
  wait: RuleDefinition['steps'][number]['wait'],
  env: CheckEnv,
  obj: AutomationObject | null,
  withPrevious: boolean,
  at: string,
): Promise<FieldError[]> {
  if (!wait) return [problem(at, 'required', 'a wait-step needs wait')];
  const errors: FieldError[] = [];
  const only = (keys: string[]) => {
    for (const k of ['duration', 'field', 'offset', 'condition', 'timeout', 'onTimeout']) {
      if (wait[k as keyof typeof wait] !== undefined && !keys.includes(k)) {
        errors.push(problem(`${at}.${k}`, 'not_allowed', `a wait of kind ${wait.kind} takes no ${k}`));
      }
    }
  };
  if (wait.kind === 'duration') {
    only(['duration']);
    if (!wait.duration) errors.push(problem(`${at}.duration`, 'required', 'say how long to wait'));
  } else if (wait.kind === 'date') {
    only(['field', 'offset']);
    if (!obj) errors.push(problem(`${at}.field`, 'no_record', 'runs of this trigger have no record with a date to wait for'));
    else if (!wait.field) errors.push(problem(`${at}.field`, 'required', 'name the date field to wait for'));
    else {
      const spec = (await env.fields(obj)).spec(wait.field);
      if (!spec) errors.push(problem(`${at}.field`, 'unknown_field', `"${wait.field}" is not a field of ${obj.label.toLowerCase()}`));
      else if (spec.kind !== 'date' && spec.kind !== 'datetime') {
        errors.push(problem(`${at}.field`, 'wrong_kind', `"${wait.field}" is a ${spec.kind} field, not a date`));
      }
    }
  } else {
    only(['condition', 'timeout', 'onTimeout']);
    if (wait.condition === undefined || wait.condition === null)
      errors.push(problem(`${at}.condition`, 'required', 'say what to wait for'));
    else errors.push(...(await checkCondition(wait.condition, env, obj, withPrevious, `${at}.condition`)));
    if (!wait.timeout || wait.timeout.amount === 0) {
      errors.push(problem(`${at}.timeout`, 'required', 'a wait until a condition holds needs a time-out: it might never hold'));
    }
  }
  return errors;
}

async function checkAction(
  name: string | undefined,
  input: Record<string, unknown> | undefined,
  env: CheckEnv,
  obj: AutomationObject | null,
  at: string,
): Promise<FieldError[]> {
  if (!name) return [problem(`${at}.action`, 'required', 'an action-step names its action')];
  const action = actionOf(name);
  if (!action) return [problem(`${at}.action`, 'unknown_action', `"${name}" is not an action (see GET /automation/catalog)`)];
  const given = input ?? {};
  const bad = schemaErrors(action.input, given, `${at}.input`);
  if (bad.length) return bad;
  if (action.needsRecord && !obj)
    return [problem(`${at}.action`, 'no_record', `${action.label} acts on a record, and runs of this trigger have none`)];
  return (await action.check?.(given, env, `${at}.input`, obj)) ?? [];
}

/** A rule as the cycle check sees it: what it reacts to, and what each of its steps writes. */
export interface RuleTouches {
  id: string;
  name: string;
  watches: Touch[];
  writes: { path: string; touch: Touch }[];
}

export function touchesOf(id: string, name: string, def: RuleDefinition): RuleTouches {
  const trigger = triggerOf(def.trigger.type);
  const config = def.trigger.config ?? {};
  const object = trigger?.objectOf(config) ?? null;
  const writes: RuleTouches['writes'] = [];
  for (const [step, path] of walkSteps(def.steps)) {
    const action = step.type === 'action' && step.action ? actionOf(step.action) : undefined;
    if (!action) continue;
    for (const touch of action.writes(step.input ?? {}, object)) writes.push({ path: pathText(path), touch });
  }
  return { id, name, watches: trigger?.watches(config) ?? [], writes };
}

const meets = (w: Touch, t: Touch) =>
  w.object === t.object && w.change === t.change && (!w.fields || !t.fields || w.fields.some((f) => t.fields?.includes(f)));

/**
 * A cycle between rules through `rule`: it writes what triggers another rule, whose writes (maybe
 * through more rules) trigger it again. Conditions are not read: a cycle they would break at run
 * time is still refused, since whether they do depends on data. A rule that triggers itself is no
 * cycle here: a run never triggers its own rule (the cause chain stops it).
 * Returns the step of `rule` that starts the cycle and the names along it, or null.
 */
export function findCycle(rule: RuleTouches, others: RuleTouches[]): { path: string; names: string[] } | null {
  const all = [rule, ...others.filter((o) => o.id !== rule.id)];
  const next = (r: RuleTouches) => all.filter((o) => o.id !== r.id && r.writes.some((w) => o.watches.some((t) => meets(w.touch, t))));
  for (const first of next(rule)) {
    // Breadth-first from each rule the saved one triggers, back to it.
    const seen = new Set([first.id]);
    const queue: RuleTouches[][] = [[first]];
    while (queue.length) {
      const chain = queue.shift() as RuleTouches[];
      const last = chain[chain.length - 1];
      if (next(last).some((o) => o.id === rule.id)) {
        const step = rule.writes.find((w) => first.watches.some((t) => meets(w.touch, t)));
        return { path: step?.path ?? '0', names: chain.map((c) => c.name) };
      }
      for (const o of next(last)) {
        if (seen.has(o.id) || o.id === rule.id) continue;
        seen.add(o.id);
        queue.push([...chain, o]);
      }
    }
  }
  return null;
}
