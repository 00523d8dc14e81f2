import { describe, expect, it } from 'vitest';
import { fromCondition, scale } from './conditionRows.ts';

// The editor's reading of saved conditions: rows with amounts in major units. (Saving, the other
// way, is covered by e2e/automation.e2e.test.ts, which reads back the definitions the editor saved.)

describe('rule conditions as rows', () => {
  it('reads amounts back in major units, previous values included', () => {
    const saved = {
      and: [
        { field: 'amountMinor', op: 'gt', value: 1_000_000 },
        { field: 'previous.amountMinor', op: 'lte', value: 1_000_050 },
        { field: 'status', op: 'eq', value: 'open' },
      ],
    };
    expect(fromCondition(saved, 2)).toEqual({
      mode: 'and',
      items: [
        { field: 'amountMinor', op: 'gt', value: '10000' },
        { field: 'previous.amountMinor', op: 'lte', value: '10000.5' },
        { field: 'status', op: 'eq', value: 'open' },
      ],
    });
    expect(scale(scale(saved, 0.01), 100)).toEqual(saved);
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
    expect(fromCondition(undefined, 2)).toEqual({ mode: 'and', items: [] });
  });
});
