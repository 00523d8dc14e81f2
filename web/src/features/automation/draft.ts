import type { RuleDefinition, RuleStep, Trigger, Wait } from '../../../../contract/automation.ts';
import type { Column } from '../lists/columns.ts';
import type { FilterGroup } from '../lists/filterGroup.ts';
import { emptyGroup, fromCondition, toCondition } from './conditions.ts';

// The rule as the editor holds it while it is edited: conditions as FilterBuilder rows, each step
// with a key of its own (steps move, and React must follow them). `toDefinition` turns it into
// what the server saves, `fromDefinition` back.

export interface DraftWait extends Omit<Wait, 'condition'> {
  condition?: FilterGroup;
}
export interface DraftStep {
  key: string;
  type: RuleStep['type'];
  label?: string;
  condition?: FilterGroup;
  then?: DraftStep[];
  else?: DraftStep[];
  wait?: DraftWait;
  action?: string;
  input?: Record<string, unknown>;
}
export interface Draft {
  name: string;
  description: string;
  trigger: { type: string; config: Record<string, unknown> };
  conditions: FilterGroup;
  steps: DraftStep[];
  timeZone?: string;
}

let next = 0;
export const newKey = () => `s${++next}`;

export function newStep(type: DraftStep['type'], action?: string): DraftStep {
  if (type === 'if') return { key: newKey(), type, condition: emptyGroup(), then: [], else: [] };
  if (type === 'wait') return { key: newKey(), type, wait: { kind: 'duration', duration: { amount: 1, unit: 'days' } } };
  return { key: newKey(), type, action, input: defaultInput(action) };
}

/** What a new action step starts with: enough that its first save is not a list of "required". */
function defaultInput(action?: string): Record<string, unknown> {
  if (action === 'create_task') return { title: '', due: '+2d', assignee: { kind: 'owner' } };
  if (action === 'notify') return { to: { kind: 'owner' }, title: '' };
  if (action === 'assign_owner') return { strategy: 'round_robin' };
  if (action === 'update_record' || action === 'create_record') return { fields: {} };
  return {};
}

export const emptyDraft = (): Draft => ({
  name: '',
  description: '',
  trigger: { type: 'record_created', config: { object: 'deal' } },
  conditions: emptyGroup(),
  steps: [],
});

export interface Converters {
  columns: Column[];
  digits: number;
}

function stepOut(s: DraftStep, c: Converters): RuleStep {
  const out: RuleStep = { type: s.type };
  if (s.label?.trim()) out.label = s.label.trim();
  if (s.type === 'if') {
    const cond = toCondition(s.condition ?? emptyGroup(), c.columns, c.digits);
    if (cond !== undefined) out.condition = cond;
    out.then = (s.then ?? []).map((x) => stepOut(x, c));
    out.else = (s.else ?? []).map((x) => stepOut(x, c));
  }
  if (s.type === 'wait' && s.wait) {
    const { condition, ...rest } = s.wait;
    const w: Wait = { ...rest };
    if (s.wait.kind === 'condition') {
      const cond = toCondition(condition ?? emptyGroup(), c.columns, c.digits);
      if (cond !== undefined) w.condition = cond;
    }
    // Only the settings of the chosen kind travel: the server refuses the others' keys.
    if (w.kind !== 'duration') delete w.duration;
    if (w.kind !== 'date') {
      delete w.field;
      delete w.offset;
    }
    if (w.kind !== 'condition') {
      delete w.timeout;
      delete w.onTimeout;
    }
    out.wait = w;
  }
  if (s.type === 'action') {
    out.action = s.action;
    out.input = clean(s.input ?? {}) as Record<string, unknown>;
  }
  return out;
}

/** Leaves out what was never filled in (an empty optional text is not a value). */
function clean(v: unknown): unknown {
  if (Array.isArray(v)) return v;
  if (v && typeof v === 'object') {
    const o: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) {
      if (x === '' || x === undefined || x === null) continue;
      o[k] = clean(x);
    }
    return o;
  }
  return v;
}

export function toDefinition(d: Draft, c: Converters, withConditions: boolean): RuleDefinition {
  const trigger: Trigger = { type: d.trigger.type, config: clean(d.trigger.config) as Record<string, unknown> };
  const def: RuleDefinition = { trigger, steps: d.steps.map((s) => stepOut(s, c)) };
  if (withConditions) {
    const cond = toCondition(d.conditions, c.columns, c.digits);
    if (cond !== undefined) def.conditions = cond;
  }
  if (d.timeZone) def.timeZone = d.timeZone;
  return def;
}

function stepIn(s: RuleStep, digits: number): DraftStep {
  const out: DraftStep = { key: newKey(), type: s.type, label: s.label };
  if (s.type === 'if') {
    out.condition = fromCondition(s.condition, digits);
    out.then = (s.then ?? []).map((x) => stepIn(x, digits));
    out.else = (s.else ?? []).map((x) => stepIn(x, digits));
  }
  if (s.type === 'wait' && s.wait) out.wait = { ...s.wait, condition: fromCondition(s.wait.condition, digits) };
  if (s.type === 'action') {
    out.action = s.action;
    out.input = structuredClone(s.input ?? {});
  }
  return out;
}

export function fromDefinition(name: string, description: string | null, def: RuleDefinition, digits: number): Draft {
  return {
    name,
    description: description ?? '',
    trigger: { type: def.trigger.type, config: { ...(def.trigger.config ?? {}) } },
    conditions: fromCondition(def.conditions, digits),
    steps: def.steps.map((s) => stepIn(s, digits)),
    timeZone: def.timeZone,
  };
}

/** The object a rule's runs are about, as its trigger says: deal for a stage change. */
export function objectOf(trigger: Draft['trigger']): string | null {
  if (trigger.type === 'stage_changed') return 'deal';
  const o = trigger.config.object;
  return typeof o === 'string' && o ? o : null;
}
