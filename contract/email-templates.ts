import Type, { type Static } from 'typebox';
import { Nullable, RecordMeta, ShortText, Timestamp, Uuid } from './common.ts';

/**
 * Email templates with merge fields (`{{contact.firstName | "there"}}`), shared with the workspace
 * or private to their author, and members' signatures per mailbox.
 */

export const templateVisibilities = ['private', 'shared'] as const;

const Subject = Type.String({ maxLength: 998, description: 'May hold merge fields' });
const Body = Type.String({
  maxLength: 100_000,
  description:
    'Plain text with merge fields: {{contact.firstName}}, {{contact.lastName}}, {{contact.name}}, {{contact.email}}, {{contact.title}}, {{contact.company.name}}, {{deal.name}}, {{member.name}}, {{member.email}}, {{contact.custom.<key>}}, {{deal.custom.<key>}}, each with an optional fallback: {{contact.firstName | "there"}}',
});

export const EmailTemplate = Type.Object({
  ...RecordMeta,
  name: Type.String(),
  subject: Type.String(),
  body: Type.String(),
  visibility: Type.Enum(templateVisibilities),
  ownerId: Uuid,
});
export type EmailTemplate = Static<typeof EmailTemplate>;

export const EmailTemplateCreate = Type.Object(
  {
    name: ShortText({ minLength: 1 }),
    subject: Subject,
    body: Body,
    visibility: Type.Optional(
      Type.Enum(templateVisibilities, { description: '`private` (the default): only you see it; `shared`: the whole workspace' }),
    ),
  },
  { additionalProperties: false },
);
export type EmailTemplateCreate = Static<typeof EmailTemplateCreate>;

export const EmailTemplateUpdate = Type.Object(
  {
    name: Type.Optional(ShortText({ minLength: 1 })),
    subject: Type.Optional(Subject),
    body: Type.Optional(Body),
    visibility: Type.Optional(Type.Enum(templateVisibilities)),
    version: Type.Optional(Type.Integer({ minimum: 1 })),
  },
  { additionalProperties: false },
);
export type EmailTemplateUpdate = Static<typeof EmailTemplateUpdate>;

/** The records merge fields are filled from. */
export const MergeContext = Type.Object(
  {
    contactId: Type.Optional(Uuid),
    dealId: Type.Optional(Uuid),
  },
  { additionalProperties: false, description: 'The records {{contact.…}} and {{deal.…}} are read from; {{member.…}} is you' },
);
export type MergeContext = Static<typeof MergeContext>;

export const TemplatePreview = Type.Object(
  {
    subject: Subject,
    body: Body,
    merge: Type.Optional(MergeContext),
  },
  { additionalProperties: false },
);
export type TemplatePreview = Static<typeof TemplatePreview>;

export const RenderedEmail = Type.Object({
  subject: Type.String(),
  text: Type.String(),
  /** The text as HTML, every merged value escaped. */
  html: Type.String(),
});
export type RenderedEmail = Static<typeof RenderedEmail>;

export const EmailSignature = Type.Object({
  mailboxId: Uuid,
  body: Type.String(),
  updatedAt: Nullable(Timestamp),
});
export type EmailSignature = Static<typeof EmailSignature>;

export const EmailSignaturePut = Type.Object(
  { body: Type.String({ maxLength: 10_000, description: 'Plain text added below new messages and replies; empty for none' }) },
  { additionalProperties: false },
);

export const MailboxIdParams = Type.Object({ mailboxId: Uuid }, { additionalProperties: false });

/** Sends that wait: the undo window of every send from the compose form, or a time the sender picked. */
export const outboxStatuses = ['queued', 'sending', 'sent', 'cancelled', 'failed'] as const;

export const OutboxItem = Type.Object({
  id: Uuid,
  mailboxId: Uuid,
  to: Type.Array(Type.String()),
  subject: Type.String(),
  sendAt: Timestamp,
  /** Picked by the sender (shown as "Scheduled for …"), not only the undo window. */
  scheduled: Type.Boolean(),
  status: Type.Enum(outboxStatuses),
  emailId: Nullable(Uuid),
  error: Nullable(Type.String()),
  createdAt: Timestamp,
});
export type OutboxItem = Static<typeof OutboxItem>;

export const OutboxReschedule = Type.Object(
  { sendAt: Type.String({ format: 'date-time', description: 'The new time; only while the message has not gone' }) },
  { additionalProperties: false },
);

export const EmailSettings = Type.Object({
  undoSeconds: Type.Integer({ description: 'How long every send from the compose form waits, so that it can be undone (default 10)' }),
  tracking: Type.Boolean({
    description: 'Whether members may send with open and click tracking (each message still asks for it); on by default',
  }),
});
export const EmailSettingsUpdate = Type.Object(
  {
    undoSeconds: Type.Optional(Type.Integer({ minimum: 0, maximum: 60 })),
    tracking: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type EmailSettingsUpdate = Static<typeof EmailSettingsUpdate>;
