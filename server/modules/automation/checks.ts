import type { TObject, TSchema } from 'typebox';
import { AppError, type FieldError } from '../../http/errors.ts';
import { bodyAjv } from '../../http/validation.ts';
import { compileFilter } from '../../records/filter.ts';
import type { FieldSpec } from '../../records/object-def.ts';
import { memberIdsAmong } from '../auth/members.service.ts';
import { validateCustom } from '../fields/custom-values.ts';
import type { AutomationObject, ObjectFields } from './objects.ts';
import { hasPlaceholder, isRelativeDate, placeholders, templateRoots } from './templates.ts';
import type { CheckEnv } from './types.ts';

// Save-time checks shared by triggers and actions. Each returns the problems it finds (it does not
// throw), so that one save reports every problem of a rule at once, each naming its path.

export const problem = (field: string, code: string, message: string): FieldError => ({ field, code, message });

/** A condition in the filter language, checked as a view's filter is: fields of the object, and `previous.<field>` when the trigger has it. */
export async function checkCondition(
  filter: unknown,
  env: CheckEnv,
  obj: AutomationObject | null,
  withPrevious: boolean,
  at: string,
): Promise<FieldError[]> {
  if (filter === undefined || filter === null) return [];
  if (!obj) return [problem(at, 'no_record', 'this trigger starts runs without a record, so there is nothing to check a condition on')];
  const fields = await env.fields(obj);
  const field = (name: string): FieldSpec | undefined => {
    if (name.startsWith('previous.')) return withPrevious ? fields.spec(name.slice('previous.'.length)) : undefined;
    return fields.spec(name);
  };
  try {
    compileFilter(filter, { field, memberId: env.ctx.memberId }, at);
    return [];
  } catch (err) {
    if (err instanceof AppError) {
      return err.errors.map((e) =>
        e.code === 'unknown_field' && String((filter as { field?: unknown }).field ?? '').startsWith('previous.') && !withPrevious
          ? { ...e, message: 'this trigger has no previous values (only update triggers do)' }
          : e,
      );
    }
    throw err;
  }
}

const compiled = new WeakMap<TSchema, ReturnType<typeof bodyAjv.compile>>();
function checker(schema: TSchema) {
  let c = compiled.get(schema);
  if (!c) {
    c = bodyAjv.compile(schema);
    compiled.set(schema, c);
  }
  return c;
}

/** The kind of date a field holds, for relative dates: from its spec, or its schema's format. */
export function dateKindOf(schema: TSchema | undefined, spec: FieldSpec | undefined): 'date' | 'datetime' | null {
  if (spec?.kind === 'date' || spec?.kind === 'datetime') return spec.kind;
  const s = schema as { format?: string; anyOf?: { format?: string }[] } | undefined;
  const format = s?.format ?? s?.anyOf?.find((x) => x.format)?.format;
  return format === 'date' ? 'date' : format === 'date-time' ? 'datetime' : null;
}

/**
 * Values an action writes to fields of an object (`{ "amountMinor": 5, "custom.tier": "gold" }`):
 * each field must be one the object's create or update takes, and each literal value must fit it.
 * Text with placeholders, and relative dates for date fields, are checked when the run fills them in.
 */
export async function checkFieldValues(
  values: Record<string, unknown>,
  obj: AutomationObject,
  env: CheckEnv,
  mode: 'create' | 'update',
  at: string,
): Promise<FieldError[]> {
  const schema: TObject = mode === 'create' ? obj.createSchema : obj.updateSchema;
  const props = schema.properties as Record<string, TSchema>;
  const fields = await env.fields(obj);
  const errors: FieldError[] = [];
  const customs = new Map(fields.customs.map((d) => [d.key, d]));
  for (const [name, value] of Object.entries(values)) {
    const path = `${at}.${name}`;
    if (name.startsWith('custom.')) {
      const key = name.slice('custom.'.length);
      const d = customs.get(key);
      if (!d) {
        errors.push(problem(path, 'unknown_field', `"${name}" is not a field of ${obj.label.toLowerCase()}`));
        continue;
      }
      if (hasPlaceholder(value) || (d.type === 'date' && isRelativeDate(value)) || value === null) continue;
      errors.push(...validateCustom([d], { [key]: value }, null, false, at.replace(/\.$/, '')).errors.map((e) => ({ ...e, field: path })));
      continue;
    }
    if (name === 'version' || name === 'custom' || !Object.hasOwn(props, name)) {
      errors.push(problem(path, 'unknown_field', `"${name}" is not a field a rule can set on ${obj.label.toLowerCase()}`));
      continue;
    }
    if (hasPlaceholder(value)) continue;
    if (dateKindOf(props[name], fields.spec(name)) && isRelativeDate(value)) continue;
    const check = checker(props[name]);
    if (!check(structuredClone(value))) {
      const e = check.errors?.[0];
      errors.push(problem(path, 'wrong_type', `is not a valid value for ${name}${e?.message ? `: it ${e.message}` : ''}`));
    }
  }
  if (mode === 'create') {
    for (const name of schema.required ?? []) {
      if (!(name in values)) errors.push(problem(`${at}.${name}`, 'required', `a new ${obj.label.toLowerCase()} needs ${name}`));
    }
  }
  return errors;
}

/** The placeholders of every text in `value` must name something a run has. */
export function checkTemplates(
  value: unknown,
  at: string,
  obj: AutomationObject | null,
  fields: ObjectFields | null,
  withPrevious: boolean,
): FieldError[] {
  const errors: FieldError[] = [];
  const walk = (v: unknown, path: string) => {
    if (typeof v === 'string') {
      for (const p of placeholders(v)) {
        const [root, first] = p.split('.');
        if (!(templateRoots as readonly string[]).includes(root)) {
          errors.push(problem(path, 'unknown_placeholder', `{{${p}}}: a placeholder starts with ${templateRoots.join(', ')}`));
        } else if ((root === 'record' || root === 'previous') && !obj) {
          errors.push(problem(path, 'no_record', `{{${p}}}: runs of this trigger have no record`));
        } else if (root === 'previous' && !withPrevious) {
          errors.push(problem(path, 'no_previous', `{{${p}}}: this trigger has no previous values`));
        } else if ((root === 'record' || root === 'previous') && obj && first !== undefined) {
          const known = new Set(['id', 'version', 'name', 'custom', ...(obj.def.apiFields ?? []), ...Object.keys(obj.def.fields)]);
          const customKey = p.split('.')[2];
          if (!known.has(first) || (first === 'custom' && customKey && !fields?.customs.some((d) => d.key === customKey))) {
            errors.push(problem(path, 'unknown_field', `{{${p}}}: not a field of ${obj.label.toLowerCase()}`));
          }
        }
      }
    } else if (Array.isArray(v)) {
      for (const [i, x] of v.entries()) walk(x, `${path}.${i}`);
    } else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) walk(x, `${path}.${k}`);
  };
  walk(value, at);
  return errors;
}

/** Ids that must name members of this workspace. */
export async function checkMembers(env: CheckEnv, refs: { field: string; id: string }[]): Promise<FieldError[]> {
  const ids = [...new Set(refs.map((r) => r.id.toLowerCase()))];
  if (!ids.length) return [];
  const known = new Set(await memberIdsAmong(env.conn, env.ctx, ids));
  return refs
    .filter((r) => !known.has(r.id.toLowerCase()))
    .map((r) => problem(r.field, 'unknown_member', 'is not a member of this workspace'));
}

/** A field of the object by name, built-in or custom, or a problem naming it. */
export async function checkField(
  env: CheckEnv,
  obj: AutomationObject,
  name: unknown,
  at: string,
  kinds?: readonly string[],
): Promise<FieldError[]> {
  if (typeof name !== 'string') return [problem(at, 'required', 'name a field')];
  const spec = (await env.fields(obj)).spec(name);
  if (!spec) return [problem(at, 'unknown_field', `"${name}" is not a field of ${obj.label.toLowerCase()}`)];
  if (kinds && !kinds.includes(spec.kind)) {
    return [problem(at, 'wrong_kind', `"${name}" is a ${spec.kind} field; this needs a ${kinds.join(' or ')} field`)];
  }
  return [];
}

/** A value against a trigger's or an action's schema: its first problem, named by path under `at`. */
export function schemaErrors(schema: TSchema, value: unknown, at: string): FieldError[] {
  const check = checker(schema);
  if (check(value)) return [];
  const e = check.errors?.[0];
  if (!e) return [problem(at, 'invalid', 'is invalid')];
  const parts = e.instancePath.split('/').filter(Boolean);
  const extra =
    (e.params as { additionalProperty?: string; missingProperty?: string }).additionalProperty ??
    (e.params as { missingProperty?: string }).missingProperty;
  if (extra) parts.push(extra);
  const field = [at, ...parts].join('.');
  const message =
    e.keyword === 'additionalProperties'
      ? 'is not a known setting'
      : e.keyword === 'required'
        ? 'is required'
        : (e.message ?? 'is invalid');
  return [problem(field, e.keyword === 'additionalProperties' ? 'unknown_setting' : e.keyword, message)];
}

/**
 * A value a field may hold, by its kind (for a trigger's `from` and `to`): read-only fields such as a
 * deal's status are compared too, so their write schema cannot be the measure. Fields without a
 * kind (lists such as a deal's contacts) take any value.
 */
export function checkKindValue(spec: FieldSpec | undefined, value: unknown, at: string): FieldError[] {
  if (!spec || value === null) return [];
  const ok = (() => {
    switch (spec.kind) {
      case 'number':
        return typeof value === 'number' && Number.isFinite(value);
      case 'boolean':
        return typeof value === 'boolean';
      case 'enum':
        return typeof value === 'string' && (spec.options ?? []).includes(value);
      case 'multiselect':
      case 'labeledValues':
        return Array.isArray(value);
      case 'date':
        return typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value);
      case 'datetime':
        return typeof value === 'string' && !Number.isNaN(Date.parse(value));
      case 'uuid':
        return typeof value === 'string' && /^[0-9a-f-]{36}$/i.test(value);
      default:
        return typeof value === 'string';
    }
  })();
  return ok ? [] : [problem(at, 'wrong_type', `is not a ${spec.kind} value${spec.options ? ` (one of ${spec.options.join(', ')})` : ''}`)];
}
