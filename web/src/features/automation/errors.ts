import type { TFunction } from 'i18next';

/** A problem of a 422 answer (api.ts's FieldError has these and more). */
interface FieldError {
  field: string;
  message: string;
}

// Where the server's 422 problems go: each names its path in the request
// (`body.definition.steps.0.then.1.input.fields.amountMinor`); the editor shows it at the step or
// the part of the trigger it names.

const base = 'body.definition.';

/** The problems of `path` (`steps.0.then.1`, `trigger`) itself, not those of steps nested in it: they show at their own step. */
export function errorsAt<E extends FieldError>(errors: E[], path: string): E[] {
  const full = base + path;
  return errors.filter((e) => {
    if (e.field !== full && !e.field.startsWith(`${full}.`)) return false;
    return !/^\.(then|else)\.\d+/.test(e.field.slice(full.length));
  });
}

/** The first problem at exactly `path` or below it (an input's own message). */
export const messageAt = (errors: FieldError[], path: string) =>
  errors.find((e) => e.field === base + path || e.field.startsWith(`${base + path}.`))?.message;

/** What a problem's path says below its step, in words: "Fields › Amount". */
export function whereInWords(t: TFunction, e: FieldError, path: string) {
  const rest = e.field
    .slice((base + path).length)
    .split('.')
    .filter(Boolean);
  return rest
    .filter((p) => p !== 'input' && p !== 'config' && !/^\d+$/.test(p))
    .map((p) => t(`automation.input.${p}`, { defaultValue: t(`fields.${p}`, { defaultValue: p }) }))
    .join(' › ');
}

/** Problems the editor shows nowhere else (not under the name, the trigger, the conditions or a step). */
export const unplaced = <E extends FieldError>(errors: E[]) =>
  errors.filter((e) => !/^body\.(name|description)$/.test(e.field) && !/^body\.definition\.(trigger|conditions|steps\.\d)/.test(e.field));
