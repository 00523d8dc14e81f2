import type { ObjectDef, RecordType } from '../records/object-def.ts';
import { companyDef } from './companies/companies.service.ts';

/** Every object type with records, by name: views, filters and links find their definitions here. */
export const objectDefs: Partial<Record<RecordType, ObjectDef>> & Record<string, ObjectDef> = {
  company: companyDef,
};
