import type { Column } from '../lists/columns.ts';
import { type FilterGroup, toFilter } from '../lists/filterGroup.ts';
import { scale } from './conditionRows.ts';

// Rule conditions are the list filter language (the FilterBuilder's rows) with two differences the
// editor hides: amounts are typed in major units (10,000) where rules compare minor ones
// (1000000), and the JSON saved may be a single condition as well as an and/or group.

export { emptyGroup, fromCondition, isMinorField } from './conditionRows.ts';

/** The FilterBuilder's group as a rule condition; undefined when it has no complete row. */
export function toCondition(g: FilterGroup, columns: Column[], digits: number): unknown {
  const f = toFilter(g, columns);
  return f == null ? undefined : scale(f, 10 ** digits);
}
