import type { TFunction } from 'i18next';
import type { ImportObject, Preview } from './importApi.ts';

// The fields a column can fill, as the API names them (`email:home` adds a home email), with the
// words the screen shows for them.

const contactFields = [
  'firstName',
  'lastName',
  'name',
  'email',
  'email:home',
  'email:other',
  'phone',
  'phone:mobile',
  'phone:home',
  'title',
  'lifecycleStage',
  'source',
  'company',
  'companyDomain',
  'photo',
];
const companyFields = ['name', 'domain', 'industry', 'size', 'phone', 'street', 'city', 'region', 'postalCode', 'country'];

/** The words for a field: built-in ones translated, custom ones by their label. */
export function fieldLabel(t: TFunction, field: string, custom: Preview['customFields'], object: ImportObject) {
  if (field.startsWith('custom.')) return custom.find((c) => `custom.${c.key}` === field)?.label ?? field.slice(7);
  if (object === 'contact' && field === 'name') return t('imports.target.fullName');
  // Fields of the other objects that name records (a stage, an owner, a linked contact) say how they are found.
  const generic = object !== 'contact' && object !== 'company';
  const key = field.replace(/[:.]/, '_');
  const plain = t(`fields.${field}`, { defaultValue: field });
  return generic ? t(`imports.recordTarget.${key}`, { defaultValue: plain }) : t(`imports.target.${key}`, { defaultValue: plain });
}

/** Whether an object is written by the generic importer: every row is created (no dedupe). */
export const isGenericObject = (object: ImportObject) => object !== 'contact' && object !== 'company';

/** Every field a column may be mapped to, as options of a select. */
export function targetOptions(t: TFunction, object: ImportObject, custom: Preview['customFields'], targets: string[] = []) {
  const fields = object === 'company' ? companyFields : object === 'contact' ? contactFields : targets;
  const builtIn = fields.map((f) => ({
    value: f,
    label: fieldLabel(t, f, custom, object),
  }));
  const own = custom.map((c) => ({ value: `custom.${c.key}`, label: c.label }));
  return { builtIn, own };
}

/** The types a custom field made from a column may take. */
export const newFieldTypes = ['text', 'longText', 'number', 'date', 'boolean', 'email', 'phone', 'url'] as const;
