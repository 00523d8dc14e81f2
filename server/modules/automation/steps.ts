import type { RuleStep } from '../../../contract/automation.ts';

// Where a run is in its rule: a path into the steps, `[2]` for the third step, `[1, 'then', 0]` for
// the first step of the then-branch of the second. The engine moves along it one step at a time.

export type StepPath = (string | number)[];

export const pathText = (path: StepPath) => path.join('.');

/** The list of steps a path's last index points into. */
function listAt(steps: RuleStep[], prefix: StepPath): RuleStep[] {
  let list = steps;
  for (let i = 0; i < prefix.length; i += 2) {
    const step = list[prefix[i] as number];
    list = (step?.[prefix[i + 1] as 'then' | 'else'] ?? []) as RuleStep[];
  }
  return list;
}

export function stepAt(steps: RuleStep[], path: StepPath): RuleStep | undefined {
  return listAt(steps, path.slice(0, -1))[path[path.length - 1] as number];
}

/** The path after the step at `path`, climbing out of finished branches; null when the rule is done. */
export function nextPath(steps: RuleStep[], path: StepPath): StepPath | null {
  let p = path;
  for (;;) {
    const idx = p[p.length - 1] as number;
    const parent = p.slice(0, -1);
    if (idx + 1 < listAt(steps, parent).length) return [...parent, idx + 1];
    if (p.length === 1) return null;
    p = p.slice(0, -2);
  }
}

/** The first step of a branch of the if-step at `path`, or the step after it when the branch is empty. */
export function enterBranch(steps: RuleStep[], path: StepPath, branch: 'then' | 'else'): StepPath | null {
  const list = stepAt(steps, path)?.[branch] ?? [];
  return list.length ? [...path, branch, 0] : nextPath(steps, path);
}

export const firstPath = (steps: RuleStep[]): StepPath | null => (steps.length ? [0] : null);

/** Every step with its path, branches included, in order. */
export function* walkSteps(steps: RuleStep[], prefix: StepPath = []): Generator<[RuleStep, StepPath]> {
  for (const [i, step] of steps.entries()) {
    const path = [...prefix, i];
    yield [step, path];
    if (step.type === 'if') {
      yield* walkSteps(step.then ?? [], [...path, 'then']);
      yield* walkSteps(step.else ?? [], [...path, 'else']);
    }
  }
}
