import Type, { type Static } from 'typebox';
import { Nullable, ShortText, Timestamp, Uuid } from './common.ts';
import { trashTypes } from './trash.ts';

// Privacy requests (issue 15): a person's data handed over (export) or removed (erasure), each
// written into a register of what was asked, by whom, and what was done; legal holds that stop an
// erasure.

export const privacyRequestKinds = ['export', 'erasure'] as const;
export type PrivacyRequestKind = (typeof privacyRequestKinds)[number];

/** One entry of the register. It names the record by id only: the register keeps no personal data. */
export const PrivacyRequest = Type.Object({
  id: Uuid,
  kind: Type.Enum(privacyRequestKinds),
  recordType: Type.String(),
  recordId: Uuid,
  requestedBy: Nullable(Uuid),
  reason: Nullable(Type.String()),
  /** What was done: rows changed or removed per table (erasure), files handed over (export). */
  summary: Type.Record(Type.String(), Type.Integer()),
  at: Timestamp,
});
export type PrivacyRequest = Static<typeof PrivacyRequest>;

export const ErasureInput = Type.Object(
  {
    reason: Type.Optional(ShortText()),
    /** The person's name as shown, typed again: an erasure cannot be undone. */
    confirm: ShortText({ minLength: 1 }),
  },
  { additionalProperties: false },
);
export type ErasureInput = Static<typeof ErasureInput>;

export const LegalHoldInput = Type.Object({ reason: ShortText({ minLength: 1 }) }, { additionalProperties: false });
export const LegalHold = Type.Object({
  recordType: Type.String(),
  recordId: Uuid,
  reason: Type.String(),
  setBy: Nullable(Uuid),
  at: Timestamp,
});
export type LegalHold = Static<typeof LegalHold>;

/** Consent a person gave or withdrew, for one purpose: each change is a new record, never an edit. */
export const consentStatuses = ['granted', 'withdrawn'] as const;

export const ConsentInput = Type.Object(
  {
    purpose: ShortText({ minLength: 1 }),
    status: Type.Enum(consentStatuses),
    /** Where it was given: a web form, a call, an email, an import, a paper form. */
    source: ShortText({ minLength: 1 }),
    /** Which wording the person agreed to (the version of the form's text or the policy). */
    wordingVersion: Type.Optional(ShortText()),
    /** When it was given; now when left out. */
    at: Type.Optional(Timestamp),
  },
  { additionalProperties: false },
);
export type ConsentInput = Static<typeof ConsentInput>;

export const Consent = Type.Object({
  id: Uuid,
  contactId: Uuid,
  purpose: Type.String(),
  status: Type.Enum(consentStatuses),
  source: Type.String(),
  wordingVersion: Nullable(Type.String()),
  at: Timestamp,
  recordedBy: Nullable(Uuid),
  recordedAt: Timestamp,
});
export type Consent = Static<typeof Consent>;

export const ContactConsents = Type.Object({
  /** Each purpose's latest record: what holds now. */
  current: Type.Array(Consent),
  /** Every record, newest first: the proof. */
  records: Type.Array(Consent),
});

/**
 * A retention rule: records of one object type that have been in the trash longer than `days` are
 * deleted for good by a nightly job (records under legal hold excepted). One rule per object type.
 */
export const RetentionRule = Type.Object({
  objectType: Type.Enum(trashTypes),
  days: Type.Integer({ minimum: 1, maximum: 36_500 }),
  updatedAt: Timestamp,
});
export type RetentionRule = Static<typeof RetentionRule>;
export const RetentionRuleInput = Type.Object({ days: Type.Integer({ minimum: 1, maximum: 36_500 }) }, { additionalProperties: false });
export const RetentionRuleParams = Type.Object({ objectType: Type.Enum(trashTypes) });
