import { normalizeHeader } from './header-names.ts';

// The names columns go by in other tools' exports, for the objects the generic importer writes: each
// field's English names first, then HubSpot's, Pipedrive's ("Deal - Title": the part after the object
// is looked up too, see record-mapping.ts), Salesforce's ("Opportunity: Opportunity Name", report
// headers read the same way) and Zoho's. An earlier name of a field ranks above a later one when two
// columns name one field. A field's own API name always matches.

type Names = Record<string, string[]>;

const owner = ['owner', 'owner email', 'owner name', 'assigned to', 'record owner', 'user', 'sales rep', 'responsible'];

const deal: Names = {
  name: ['deal name', 'deal', 'opportunity name', 'opportunity', 'title', 'deal title', 'name', 'potential name', 'subject', 'dealname'],
  amountMinor: ['amount', 'deal amount', 'value', 'deal value', 'deal size', 'revenue', 'expected revenue', 'price', 'betrag', 'wert'],
  currency: ['currency', 'amount currency', 'deal currency', 'currency of value', 'currency code', 'opportunity currency', 'währung'],
  pipelineId: ['pipeline', 'deal pipeline', 'pipeline name', 'sales pipeline', 'layout'],
  stageId: ['stage', 'deal stage', 'stage name', 'sales stage', 'dealstage', 'phase'],
  probability: ['probability', 'probability (%)', 'deal probability', 'win probability', 'wahrscheinlichkeit'],
  expectedCloseDate: [
    'close date',
    'expected close date',
    'closing date',
    'closedate',
    'expected close',
    'close',
    'abschlussdatum',
    'expected closing date',
  ],
  closeReason: ['close reason', 'lost reason', 'closed lost reason', 'won reason', 'loss reason', 'reason'],
  ownerId: ['deal owner', 'opportunity owner', ...owner],
  companyId: [
    'company',
    'company name',
    'associated company',
    'organization',
    'organisation',
    'organization name',
    'account name',
    'account',
    'company domain',
    'firma',
  ],
  contacts: [
    'contact email',
    'contact emails',
    'associated contact',
    'associated contacts',
    'contact',
    'contacts',
    'person',
    'person email',
    'contact person',
    'email',
  ],
};

const lead: Names = {
  firstName: ['first name', 'first', 'given name', 'firstname', 'vorname'],
  lastName: ['last name', 'last', 'surname', 'family name', 'lastname', 'nachname'],
  email: ['email', 'email address', 'e-mail', 'work email', 'e-mail address'],
  phone: ['phone', 'phone number', 'mobile', 'mobile phone', 'telephone', 'work phone', 'telefon'],
  companyName: ['company', 'company name', 'organization', 'organisation', 'organization name', 'account name', 'firma'],
  title: ['job title', 'title', 'position', 'role', 'jobtitle'],
  source: ['lead source', 'source', 'original source', 'leadsource', 'quelle'],
  status: ['lead status', 'status', 'hs lead status'],
  ownerId: ['lead owner', 'contact owner', ...owner],
};

const links: Names = {
  'links.contact': ['contact', 'contact email', 'associated contact', 'person', 'person email', 'email', 'related contact', 'who'],
  'links.company': ['company', 'company name', 'associated company', 'organization', 'organisation', 'account', 'account name'],
  'links.deal': ['deal', 'deal name', 'associated deal', 'opportunity', 'opportunity name', 'related deal'],
  'links.lead': ['lead', 'lead email', 'associated lead', 'lead name'],
};

const task: Names = {
  title: ['title', 'task title', 'task', 'task name', 'subject', 'name', 'aufgabe'],
  notes: ['notes', 'note', 'description', 'body', 'details', 'comments', 'task notes', 'beschreibung'],
  dueAt: ['due date', 'due', 'due at', 'due date time', 'deadline', 'activity date', 'fällig', 'fälligkeit'],
  assigneeId: ['assigned to', 'assignee', 'task owner', 'owner', 'assigned', 'user', 'zugewiesen an'],
  done: ['done', 'completed', 'is completed', 'complete', 'status', 'erledigt'],
  priority: ['priority', 'task priority', 'priorität'],
  reminderMinutes: ['reminder minutes', 'reminder'],
  ...links,
};

const activity: Names = {
  type: ['type', 'activity type', 'engagement type', 'kind', 'task subtype', 'typ'],
  subject: ['subject', 'title', 'activity subject', 'call title', 'meeting name', 'betreff'],
  body: ['body', 'note', 'notes', 'note body', 'description', 'comments', 'details', 'content', 'call notes', 'text', 'notiz'],
  occurredAt: [
    'date',
    'activity date',
    'occurred at',
    'timestamp',
    'created date',
    'date time',
    'start time',
    'activity date time',
    'due date',
    'datum',
  ],
  durationSeconds: ['duration seconds', 'call duration seconds'],
  outcome: ['outcome', 'call outcome', 'result', 'disposition', 'ergebnis'],
  ownerId: ['activity owner', 'activity assigned to', ...owner],
  location: ['location', 'meeting location', 'place', 'ort'],
  ...links,
};

const customRecord: Names = {
  name: ['name', 'title', 'record name'],
  ownerId: owner,
};

const tables: Record<string, Names> = { deal, lead, task, activity, custom: customRecord };

/** normalized header → [field, rank], per object (`custom` for every custom object). */
const indexes = new Map<string, Map<string, [string, number]>>();
for (const [object, names] of Object.entries(tables)) {
  const index = new Map<string, [string, number]>();
  for (const [field, list] of Object.entries(names)) {
    list.forEach((n, rank) => {
      const key = normalizeHeader(n);
      const held = index.get(key);
      if (!held || held[1] > rank) index.set(key, [field, rank]);
    });
  }
  indexes.set(object, index);
}

/** The field a header names for an object (`deal`, `custom:<key>` …) and its rank, or null. */
export function fieldOfHeader(object: string, header: string, fields: string[]): [string, number] | null {
  const index = indexes.get(object.startsWith('custom:') ? 'custom' : object);
  const h = normalizeHeader(header);
  // An API name matches itself: `expectedCloseDate`, `stageId`.
  const own = fields.find((f) => normalizeHeader(f) === h);
  if (own) return [own, -1];
  const hit = index?.get(h);
  return hit && fields.includes(hit[0]) ? hit : null;
}
