import { and, eq } from 'drizzle-orm';
import { ImportMappingChoice as ChoiceSchema, type ImportMappingChoice, type ImportObject } from '../../../contract/imports.ts';
import type { Conn } from '../../db/client.ts';
import type { Ctx } from '../../http/context.ts';
import { roleAllows } from '../../http/context.ts';
import { AppError, badRequest, forbidden } from '../../http/errors.ts';
import { bodyAjv } from '../../http/validation.ts';
import type { CustomDef } from '../fields/custom-values.ts';
import { createFieldDefinition } from '../fields/fields.service.ts';
import { fieldsKeyOf } from './importables.ts';
import { importMappings } from './imports.table.ts';
import type { ResolvedChoice } from './mapping.ts';

// A mapping chosen by hand arrives as JSON in the query string (the body is the file): it is parsed
// and checked here with the contract's schema, errors naming `query.mapping.<path>` as a body's would.

const validChoice = bodyAjv.compile(ChoiceSchema);

/** The `mapping` query parameter read and checked, or undefined when there is none. */
export function parseChoice(text: string | undefined): ImportMappingChoice | undefined {
  if (text === undefined || text.trim() === '') return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw badRequest('query.mapping', 'invalid_json', 'mapping must be JSON: {"columns":[{"index":0,"field":"email"}]}');
  }
  if (!validChoice(value)) {
    const errors = (validChoice.errors ?? []).map((e) => {
      const parts = e.instancePath.split('/').filter(Boolean);
      const extra = e.params?.additionalProperty ?? e.params?.missingProperty;
      if (typeof extra === 'string') parts.push(extra);
      const field = ['query.mapping', ...parts].join('.');
      const message =
        e.keyword === 'additionalProperties'
          ? 'is not a known field'
          : e.keyword === 'required'
            ? 'is required'
            : (e.message ?? 'is invalid');
      return { field, code: e.keyword, message };
    });
    throw new AppError(400, 'validation_failed', `${errors[0]?.field} ${errors[0]?.message}`, errors);
  }
  const choice = value as ImportMappingChoice;
  const seen = new Set<number>();
  (choice.columns ?? []).forEach((c, i) => {
    if (seen.has(c.index)) throw badRequest(`query.mapping.columns.${i}.index`, 'duplicate', `Column ${c.index + 1} is mapped twice`);
    seen.add(c.index);
    if ((c.field === undefined) === (c.newField === undefined)) {
      throw badRequest(`query.mapping.columns.${i}.field`, 'required', 'A column names a field (or skip) or a newField, not both');
    }
  });
  return choice;
}

/** A custom field's key from its label: "Customer tier" → customer_tier. */
export function keyOfLabel(label: string): string {
  const key = label
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '')
    .slice(0, 60);
  return /^[a-z]/.test(key) ? key : `f_${key || 'field'}`.slice(0, 63);
}

/** A new field as the import creates it. */
export interface NewField {
  key: string;
  label: string;
  type: CustomDef['type'];
}

/**
 * A choice with every new field turned into the `custom.<key>` it will be, and the definitions to
 * create (a key the object already has maps to that field instead). `defs` gains the new ones, so a
 * preview reads their values as the import will.
 */
export function resolveChoice(choice: ImportMappingChoice | undefined, defs: CustomDef[]) {
  const created: NewField[] = [];
  if (!choice) return { resolved: undefined, created, defs };
  const all = [...defs];
  const columns = (choice.columns ?? []).map((c) => {
    if (!c.newField) return { index: c.index, field: c.field ?? 'skip' };
    const key = c.newField.key ?? keyOfLabel(c.newField.label);
    if (!all.some((d) => d.key === key)) {
      const def: NewField = { key, label: c.newField.label, type: c.newField.type };
      created.push(def);
      all.push({ ...def, options: null, required: false });
    }
    return { index: c.index, field: `custom.${key}` };
  });
  const resolved: ResolvedChoice = { columns, constants: choice.constants ?? [] };
  return { resolved, created, defs: all };
}

/** The choice as it is remembered: new fields named as the fields they became. */
export const storedChoice = (r: ResolvedChoice): ImportMappingChoice => ({
  columns: r.columns.map((c) => ({ index: c.index, field: c.field })),
  constants: r.constants,
});

/** Creates the custom fields a choice asks for (admins only), in the caller's transaction. */
export async function createFields(conn: Conn, ctx: Ctx, object: ImportObject, fields: NewField[]) {
  if (!fields.length) return;
  if (!roleAllows(ctx.role, 'admin'))
    throw forbidden('Only admins may create custom fields; map the column to an existing field or skip it');
  for (const f of fields) {
    await createFieldDefinition(conn, ctx, { objectType: fieldsKeyOf(object), key: f.key, label: f.label, type: f.type });
  }
}

/** The mapping remembered for a header, if any. */
export async function savedChoice(conn: Conn, ctx: Ctx, object: ImportObject, signature: string) {
  const [row] = await conn
    .select({ choice: importMappings.choice })
    .from(importMappings)
    .where(
      and(eq(importMappings.workspaceId, ctx.workspaceId), eq(importMappings.objectType, object), eq(importMappings.signature, signature)),
    );
  return row?.choice;
}

/** Remembers the mapping of a header for the next file that has it. */
export async function saveChoice(conn: Conn, workspaceId: string, object: ImportObject, signature: string, choice: ImportMappingChoice) {
  await conn
    .insert(importMappings)
    .values({ workspaceId, objectType: object, signature, choice })
    .onConflictDoUpdate({
      target: [importMappings.workspaceId, importMappings.objectType, importMappings.signature],
      set: { choice, updatedAt: new Date() }, // the app's time: Citus refuses now() in DO UPDATE
    });
}
