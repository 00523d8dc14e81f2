// Lists of names the server and the web app share, free of TypeBox so that the web app can import
// them without carrying the schema library into its bundle. The contract's schemas are built from
// these; nothing retypes them.

export const lifecycleStages = [
  'subscriber',
  'lead',
  'marketingQualified',
  'salesQualified',
  'opportunity',
  'customer',
  'evangelist',
  'other',
] as const;
export const companySizes = ['1-10', '11-50', '51-200', '201-500', '501-1000', '1001-5000', '5001+'] as const;
export const leadStatuses = ['new', 'contacted', 'qualified', 'unqualified', 'converted'] as const;
/** Statuses a person sets; `converted` is reached only by converting the lead. */
export const openLeadStatuses = ['new', 'contacted', 'qualified', 'unqualified'] as const;
export const dealStatuses = ['open', 'won', 'lost'] as const;
export const stageKinds = dealStatuses;
export const taskPriorities = ['low', 'normal', 'high'] as const;

export const customFieldTypes = [
  'text',
  'longText',
  'number',
  'date',
  'boolean',
  'select',
  'multiSelect',
  'url',
  'email',
  'phone',
  'currency',
  'relation',
] as const;
export type CustomFieldType = (typeof customFieldTypes)[number];

/** The built-in objects that take custom fields; a custom object's key names its own. */
export const customObjectTypes = ['company', 'contact', 'lead', 'deal', 'activity', 'task', 'ticket'] as const;
/** The objects a relation field may point to: these, and any custom object (by its key). */
export const relationTargets = ['company', 'contact', 'lead', 'deal'] as const;

export const objectIcons = ['box', 'briefcase', 'building', 'home', 'folder', 'flag', 'star', 'users', 'truck', 'file'] as const;

/** Where a built-in object's records live, in API paths and in the app's own (`/contacts/<id>`). */
export const builtInSegments = { contact: 'contacts', company: 'companies', deal: 'deals', lead: 'leads', task: 'tasks' } as const;

/** The built-in object types a record can be, in the order the app lists them; also `record_type` in links, history and events. */
export const recordTypes = ['contact', 'company', 'lead', 'deal', 'task', 'activity', 'ticket'] as const;
