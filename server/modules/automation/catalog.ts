import type { TSchema } from 'typebox';
import { type Catalog, MAX_NESTING, MAX_RULES, MAX_STEPS, type ObjectFields } from '../../../contract/automation.ts';
import type { Conn } from '../../db/client.ts';
import type { Ctx } from '../../http/context.ts';
import { notFound } from '../../http/errors.ts';
import { operatorsByKind } from '../../records/filter.ts';
import { allActions } from './actions.ts';
import { objectFields, resolveObject } from './objects.ts';
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

/**
 * The fields of one object as a rule may use them, for the step editor: each with its kind in
 * conditions (and so the operators that apply), and whether create_record and update_record may
 * set it, with the schema of such a value.
 */
export async function fieldCatalog(conn: Conn, ctx: Ctx, name: string): Promise<ObjectFields> {
  const obj = await resolveObject(conn, ctx, name);
  if (!obj) throw notFound('Object');
  const fields = await objectFields(conn, ctx, obj);
  const create = obj.createSchema.properties as Record<string, TSchema>;
  const update = obj.updateSchema.properties as Record<string, TSchema>;
  const skip = new Set(['version', 'custom']);
  const names = [...new Set([...Object.keys(obj.def.fields), ...Object.keys(create), ...Object.keys(update)])].filter((n) => !skip.has(n));
  return {
    object: obj.name,
    label: obj.label,
    ownerField: obj.ownerField,
    fields: [
      ...names.map((n) => {
        const spec = fields.spec(n);
        return {
          name: n,
          label: null,
          kind: spec?.kind ?? null,
          options: spec?.options ? [...spec.options] : null,
          custom: false,
          create: Object.hasOwn(create, n),
          update: Object.hasOwn(update, n),
          schema: update[n] ?? create[n] ?? null,
        };
      }),
      ...fields.customs.map((d) => ({
        name: `custom.${d.key}`,
        label: d.label,
        kind: fields.spec(`custom.${d.key}`)?.kind ?? null,
        options: d.options,
        custom: true,
        create: true,
        update: true,
        schema: { customFieldType: d.type },
      })),
    ],
  };
}
