import Type, { type Static } from 'typebox';
import { Address, CustomValues, Nullable, Phone, RecordMeta, ShortText, Timestamp, Uuid } from './common.ts';

import { companySizes } from './enums.ts';

export { companySizes };

const Domain = Type.String({
  maxLength: 253,
  pattern: '^(?=.{1,253}$)([a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?\\.)+[a-zA-Z]{2,63}$',
  description: 'A bare domain, e.g. acme.com',
});

export const Company = Type.Object({
  ...RecordMeta,
  name: Type.String(),
  domain: Nullable(Type.String()),
  industry: Nullable(Type.String()),
  size: Nullable(Type.Enum(companySizes)),
  address: Nullable(Address),
  phone: Nullable(Type.String()),
  phoneE164: Nullable(Type.String({ description: 'The phone in E.164, read when it was written' })),
  ownerId: Nullable(Uuid),
  lastActivityAt: Nullable(Timestamp),
  custom: Type.Record(Type.String(), Type.Unknown()),
});
export type Company = Static<typeof Company>;

const fields = {
  name: ShortText({ minLength: 1 }),
  domain: Type.Optional(Nullable(Domain)),
  industry: Type.Optional(Nullable(ShortText())),
  size: Type.Optional(Nullable(Type.Enum(companySizes))),
  address: Type.Optional(Nullable(Address)),
  phone: Type.Optional(Nullable(Phone)),
  ownerId: Type.Optional(Nullable(Uuid)),
  custom: Type.Optional(CustomValues),
};

export const CompanyCreate = Type.Object(fields, { additionalProperties: false });
export type CompanyCreate = Static<typeof CompanyCreate>;

export const CompanyUpdate = Type.Object(
  { ...fields, name: Type.Optional(fields.name), version: Type.Optional(Type.Integer({ minimum: 1 })) },
  { additionalProperties: false },
);
export type CompanyUpdate = Static<typeof CompanyUpdate>;
