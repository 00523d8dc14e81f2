import { describe, expect, it } from 'vitest';
import { errorsAt } from './errors.ts';

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
