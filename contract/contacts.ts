import Type, { type Static, type TSchema } from 'typebox';
import { Address, CustomValues, DateOnly, Email, Nullable, Phone, RecordMeta, ShortText, Timestamp, Uuid } from './common.ts';

import { lifecycleStages } from './enums.ts';

export { lifecycleStages };

export const MAX_CONTACT_EMAILS = 20;
export const MAX_CONTACT_PHONES = 20;
export const MAX_CONTACT_COMPANIES = 50;

const Label = Type.String({ maxLength: 50, description: 'What the value is, e.g. "work" or "home"; "work" when left out' });

const LabeledValueInput = <T extends TSchema>(value: T) =>
  Type.Object({ label: Type.Optional(Label), value }, { additionalProperties: false });
export const LabeledValue = Type.Object({ label: Type.String(), value: Type.String() });
export type LabeledValue = Static<typeof LabeledValue>;
/** A phone as typed, with its E.164 form for tel: links and matching (null only if it could not be read). */
export const LabeledPhone = Type.Object({ label: Type.String(), value: Type.String(), e164: Nullable(Type.String()) });
export type LabeledPhone = Static<typeof LabeledPhone>;

/** One company the contact works at, as read: the company's name comes along so a list needs no second request. */
export const ContactCompany = Type.Object({
  companyId: Uuid,
  name: Type.String(),
  role: Nullable(Type.String()),
  isPrimary: Type.Boolean(),
});
export type ContactCompany = Static<typeof ContactCompany>;

export const ContactCompanyInput = Type.Object(
  {
    companyId: Uuid,
    role: Type.Optional(Nullable(ShortText())),
    isPrimary: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
export type ContactCompanyInput = Static<typeof ContactCompanyInput>;

export const Contact = Type.Object({
  ...RecordMeta,
  firstName: Nullable(Type.String()),
  lastName: Nullable(Type.String()),
  emails: Type.Array(LabeledValue),
  phones: Type.Array(LabeledPhone),
  title: Nullable(Type.String()),
  address: Nullable(Address),
  lifecycleStage: Nullable(Type.Enum(lifecycleStages)),
  source: Nullable(Type.String()),
  ownerId: Nullable(Uuid),
  lastActivityAt: Nullable(Timestamp),
  custom: Type.Record(Type.String(), Type.Unknown()),
  companies: Type.Array(ContactCompany),
});
export type Contact = Static<typeof Contact>;

const fields = {
  firstName: Type.Optional(Nullable(ShortText())),
  lastName: Type.Optional(Nullable(ShortText())),
  emails: Type.Optional(
    Type.Array(LabeledValueInput(Email), { maxItems: MAX_CONTACT_EMAILS, description: 'Stored lower-cased; replaces the list when sent' }),
  ),
  phones: Type.Optional(
    Type.Array(LabeledValueInput(Phone), {
      maxItems: MAX_CONTACT_PHONES,
      description: 'International (+44 20 …) or national in the workspace country (030 555 0101); replaces the list',
    }),
  ),
  title: Type.Optional(Nullable(ShortText())),
  address: Type.Optional(Nullable(Address)),
  lifecycleStage: Type.Optional(Nullable(Type.Enum(lifecycleStages))),
  source: Type.Optional(Nullable(ShortText())),
  ownerId: Type.Optional(Nullable(Uuid)),
  custom: Type.Optional(CustomValues),
  companies: Type.Optional(
    Type.Array(ContactCompanyInput, {
      maxItems: MAX_CONTACT_COMPANIES,
      description: 'The companies the contact works at; replaces the whole set when sent. At most one is primary.',
    }),
  ),
};

export const ContactCreate = Type.Object(fields, {
  additionalProperties: false,
  description: 'A contact needs a first name, a last name or an email.',
});
export type ContactCreate = Static<typeof ContactCreate>;

export const ContactUpdate = Type.Object(
  { ...fields, version: Type.Optional(Type.Integer({ minimum: 1 })) },
  { additionalProperties: false },
);
export type ContactUpdate = Static<typeof ContactUpdate>;

/** An open deal as the contact page lists it: enough for a row, the rest is one click away. */
export const ContactOverviewDeal = Type.Object({
  id: Uuid,
  name: Type.String(),
  amountMinor: Nullable(Type.Integer()),
  currency: Type.String(),
  stageId: Uuid,
  stageName: Type.String(),
  expectedCloseDate: Nullable(DateOnly),
  ownerId: Nullable(Uuid),
});

/** A contact's page in one request: the contact, its newest open deals and what else hangs off it. */
export const ContactOverview = Type.Object({
  contact: Contact,
  openDeals: Type.Array(ContactOverviewDeal, { description: 'Up to 20 open deals the contact is on, newest first' }),
  counts: Type.Object({
    companies: Type.Integer(),
    deals: Type.Integer(),
    openDeals: Type.Integer(),
    activities: Type.Integer(),
    openTasks: Type.Integer(),
  }),
});
export type ContactOverview = Static<typeof ContactOverview>;
