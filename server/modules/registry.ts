import type { ObjectDef, RecordType } from '../records/object-def.ts';
import { activityDef } from './activities/activities.service.ts';
import { companyDef } from './companies/companies.service.ts';
import { contactDef } from './contacts/contacts.service.ts';
import { dealDef } from './deals/deals.service.ts';
import { leadDef } from './leads/leads.service.ts';
import { customRecordDef } from './objects/objects.service.ts';
import { taskDef } from './tasks/tasks.service.ts';

/** Every object type with records, by name: views, filters and links find their definitions here. */
export const objectDefs: Partial<Record<RecordType, ObjectDef>> & Record<string, ObjectDef> = {
  company: companyDef,
  activity: activityDef,
  task: taskDef,
  contact: contactDef,
  deal: dealDef,
  lead: leadDef,
  custom_record: customRecordDef,
};
