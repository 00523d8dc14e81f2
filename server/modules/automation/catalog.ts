import { type Catalog, MAX_NESTING, MAX_RULES, MAX_STEPS } from '../../../contract/automation.ts';
import { operatorsByKind } from '../../records/filter.ts';
import { allActions } from './actions.ts';
import { MAX_CAUSE_CHAIN } from './runs.service.ts';
import { allTriggers } from './triggers.ts';

/** What a rule can be built from, for the step editor: every trigger and action with the JSON Schema of its settings. */
export function catalog(): Catalog {
  return {
    triggers: allTriggers().map((t) => ({
      name: t.type,
      label: t.label,
      description: t.description,
      schema: t.config,
      // Whether runs can be about a record: event and date triggers always are; the others when their config names an object.
      hasRecord: t.source === 'event' || t.source === 'date' || t.objectOf({ object: 'any' } as never) !== null,
      hasPrevious: t.hasPrevious,
    })),
    actions: allActions().map((a) => ({
      name: a.name,
      label: a.label,
      description: a.description,
      schema: a.input,
      needsRecord: a.needsRecord,
    })),
    operators: operatorsByKind as unknown as Record<string, string[]>,
    limits: { steps: MAX_STEPS, nesting: MAX_NESTING, rules: MAX_RULES, causeChain: MAX_CAUSE_CHAIN },
  };
}
