import Type, { type Static } from 'typebox';
import { CustomValues, Email, Nullable, Phone, RecordMeta, ShortText, Timestamp, Uuid } from './common.ts';
import { Company } from './companies.ts';
import { Contact } from './contacts.ts';
import { Deal, DealCreate } from './deals.ts';

import { leadStatuses, openLeadStatuses } from './enums.ts';

export { leadStatuses, openLeadStatuses };

export const Lead = Type.Object({
  ...RecordMeta,
  firstName: Nullable(Type.String()),
  lastName: Nullable(Type.String()),
  email: Nullable(Type.String()),
  phone: Nullable(Type.String()),
  phoneE164: Nullable(Type.String({ description: 'The phone in E.164, read when it was written' })),
  companyName: Nullable(Type.String()),
  title: Nullable(Type.String()),
  source: Nullable(Type.String()),
  status: Type.Enum(leadStatuses),
  ownerId: Nullable(Uuid),
  custom: Type.Record(Type.String(), Type.Unknown()),
  convertedAt: Nullable(Timestamp),
  convertedContactId: Nullable(Uuid),
  convertedCompanyId: Nullable(Uuid),
  convertedDealId: Nullable(Uuid),
});
export type Lead = Static<typeof Lead>;

const fields = {
  firstName: Type.Optional(Nullable(ShortText())),
  lastName: Type.Optional(Nullable(ShortText())),
  email: Type.Optional(Nullable(Email)),
  phone: Type.Optional(Nullable(Phone)),
  companyName: Type.Optional(Nullable(ShortText())),
  title: Type.Optional(Nullable(ShortText())),
  source: Type.Optional(Nullable(ShortText())),
  status: Type.Optional(Type.Enum(openLeadStatuses)),
  ownerId: Type.Optional(Nullable(Uuid)),
  custom: Type.Optional(CustomValues),
};

export const LeadCreate = Type.Object(fields, {
  additionalProperties: false,
  description: 'A lead needs a first name, a last name or an email (what its contact will need).',
});
export type LeadCreate = Static<typeof LeadCreate>;

export const LeadUpdate = Type.Object({ ...fields, version: Type.Optional(Type.Integer({ minimum: 1 })) }, { additionalProperties: false });
export type LeadUpdate = Static<typeof LeadUpdate>;

export const LeadConvert = Type.Object(
  {
    version: Type.Optional(Type.Integer({ minimum: 1, description: 'The version of the lead you read (or send If-Match)' })),
    contact: Type.Optional(
      Type.Object(
        { existingId: Type.Optional(Uuid) },
        { additionalProperties: false, description: "Link this contact instead of creating one from the lead's name, email and phone" },
      ),
    ),
    company: Type.Optional(
      Nullable(
        Type.Object(
          { existingId: Type.Optional(Uuid), name: Type.Optional(ShortText({ minLength: 1 })) },
          {
            additionalProperties: false,
            description: "Link an existing company, or create one named `name` (default: the lead's company name). null: no company.",
          },
        ),
      ),
    ),
    deal: Type.Optional(
      Nullable(
        Type.Object(
          {
            name: DealCreate.properties.name,
            amountMinor: DealCreate.properties.amountMinor,
            currency: DealCreate.properties.currency,
            pipelineId: DealCreate.properties.pipelineId,
            stageId: Type.Optional(Uuid),
          },
          {
            additionalProperties: false,
            description: 'Create a deal; without stageId it starts in the first open stage of the pipeline (default: the first pipeline)',
          },
        ),
      ),
    ),
  },
  { additionalProperties: false },
);
export type LeadConvert = Static<typeof LeadConvert>;

export const LeadConversion = Type.Object({
  lead: Lead,
  contact: Contact,
  company: Nullable(Company),
  deal: Nullable(Deal),
});
export type LeadConversion = Static<typeof LeadConversion>;
