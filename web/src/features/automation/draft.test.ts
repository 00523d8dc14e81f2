import { describe, expect, it } from 'vitest';
import type { Column } from '../lists/columns.ts';
import { fromCondition, toCondition } from './conditions.ts';
import { type Draft, fromDefinition, newStep, toDefinition } from './draft.ts';
import { errorsAt } from './errors.ts';

// The editor's model against what the server saves: conditions with amounts in major units, steps
// with keys of their own, and only the chosen wait kind's settings.

const col = (field: string, filter: Column['filter']): Column => ({ key: field, label: field, width: 1, field, filter, display: () => '' });
const columns = [col('amountMinor', 'number'), col('previous.amountMinor', 'number'), col('status', 'enum'), col('name', 'text')];

describe('rule conditions', () => {
  it('types amounts in major units and saves minor ones, previous values included', () => {
    const g = {
      mode: 'and' as const,
      items: [
        { field: 'amountMinor', op: 'gt', value: '10000' },
        { field: 'previous.amountMinor', op: 'lte', value: '10000.5' },
        { field: 'status', op: 'eq', value: 'open' },
        { field: 'name', op: 'contains', value: '' },
      ],
    };
    const saved = toCondition(g, columns, 2);
    expect(saved).toEqual({
      and: [
        { field: 'amountMinor', op: 'gt', value: 1_000_000 },
        { field: 'previous.amountMinor', op: 'lte', value: 1_000_050 },
        { field: 'status', op: 'eq', value: 'open' },
      ],
    });
    expect(fromCondition(saved, 2)).toEqual({ mode: 'and', items: g.items.slice(0, 3) });
  });

  it('reads a single condition and nested groups back as rows', () => {
    expect(fromCondition({ field: 'amountMinor', op: 'gt', value: 500 }, 0)).toEqual({
      mode: 'and',
      items: [{ field: 'amountMinor', op: 'gt', value: '500' }],
    });
    expect(fromCondition({ or: [{ field: 'name', op: 'eq', value: 'A' }, { and: [{ field: 'status', op: 'isEmpty' }] }] }, 2)).toEqual({
      mode: 'or',
      items: [
        { field: 'name', op: 'eq', value: 'A' },
        { mode: 'and', items: [{ field: 'status', op: 'isEmpty', value: '' }] },
      ],
    });
    expect(toCondition({ mode: 'and', items: [] }, columns, 2)).toBeUndefined();
  });
});

describe('the editor draft', () => {
  it('saves only the chosen wait kind, and reads its definition back to the same definition', () => {
    const wait = newStep('wait');
    wait.wait = {
      kind: 'condition',
      duration: { amount: 1, unit: 'days' },
      field: 'expectedCloseDate',
      timeout: { amount: 3, unit: 'days' },
    };
    wait.wait.condition = { mode: 'and', items: [{ field: 'status', op: 'eq', value: 'won' }] };
    const branch = newStep('if');
    branch.condition = { mode: 'and', items: [{ field: 'amountMinor', op: 'gte', value: '5' }] };
    branch.then = [{ ...newStep('action', 'create_task'), input: { title: 'Call', due: '+2d', notes: '', assignee: { kind: 'owner' } } }];
    const draft: Draft = {
      name: 'R',
      description: '',
      trigger: { type: 'stage_changed', config: { toStageId: 'x', fromStageId: undefined } },
      conditions: { mode: 'and', items: [] },
      steps: [wait, branch],
    };
    const def = toDefinition(draft, { columns, digits: 2 }, true);
    expect(def).toEqual({
      trigger: { type: 'stage_changed', config: { toStageId: 'x' } },
      steps: [
        {
          type: 'wait',
          wait: {
            kind: 'condition',
            condition: { and: [{ field: 'status', op: 'eq', value: 'won' }] },
            timeout: { amount: 3, unit: 'days' },
          },
        },
        {
          type: 'if',
          condition: { and: [{ field: 'amountMinor', op: 'gte', value: 500 }] },
          then: [{ type: 'action', action: 'create_task', input: { title: 'Call', due: '+2d', assignee: { kind: 'owner' } } }],
          else: [],
        },
      ],
    });
    const again = fromDefinition('R', null, def, 2);
    expect(again.steps[1].key).not.toBe(again.steps[0].key);
    expect(toDefinition(again, { columns, digits: 2 }, true)).toEqual(def);
  });
});

describe('where the problems of a save show', () => {
  it('puts a problem on its own step, not on the if-step around it', () => {
    const errors = [
      { field: 'body.definition.steps.1.then.0.input.title', code: 'required', message: 'Required' },
      { field: 'body.definition.steps.1.condition.field', code: 'unknown_field', message: 'Unknown' },
      { field: 'body.definition.steps.10.action', code: 'unknown_action', message: 'Unknown action' },
    ];
    expect(errorsAt(errors, 'steps.1').map((e) => e.message)).toEqual(['Unknown']);
    expect(errorsAt(errors, 'steps.1.then.0').map((e) => e.message)).toEqual(['Required']);
    expect(errorsAt(errors, 'steps.10').map((e) => e.message)).toEqual(['Unknown action']);
  });
});
