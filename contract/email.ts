import Type, { type Static } from 'typebox';
import { Email, Nullable, Timestamp, Uuid } from './common.ts';

/**
 * Mailboxes (IMAP + SMTP) members connect, their sync health, and the emails synced from them or
 * sent through them. Credentials go in and never come out: no answer carries a password.
 */

export const tlsModes = ['tls', 'starttls', 'none'] as const;
export type TlsMode = (typeof tlsModes)[number];

/** A host name or an IP address (no scheme, no port, no path). */
const Host = Type.String({
  minLength: 1,
  maxLength: 253,
  pattern: '^(\\[[0-9a-fA-F:.]+\\]|[A-Za-z0-9]([A-Za-z0-9_.:-]*[A-Za-z0-9])?)$',
  description: 'Host name or IP address of the server',
});
const Port = Type.Integer({ minimum: 1, maximum: 65_535 });
const Tls = Type.Enum(tlsModes, {
  description:
    '`tls`: TLS from the first byte (993, 465); `starttls`: plain then upgraded, upgrade required (143, 587); `none`: only to servers the operator allowed (RAPPORT_OUTBOUND_ALLOW)',
});

export const MailboxCreate = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 200, description: 'A label: "Sales inbox"' }),
    address: Email,
    imapHost: Host,
    imapPort: Port,
    imapTls: Tls,
    smtpHost: Host,
    smtpPort: Port,
    smtpTls: Tls,
    username: Type.String({ minLength: 1, maxLength: 254 }),
    password: Type.String({ minLength: 1, maxLength: 1024, description: 'Password or app password; stored encrypted, never returned' }),
    shared: Type.Optional(Type.Boolean({ description: 'A team mailbox (sales@, support@): admins only' })),
    syncDays: Type.Optional(
      Type.Integer({ minimum: 1, maximum: 3650, description: 'How far back the first sync reads (default 30 days)' }),
    ),
  },
  { additionalProperties: false },
);
export type MailboxCreate = Static<typeof MailboxCreate>;

export const mailboxStates = ['syncing', 'ok', 'failing', 'waiting'] as const;

export const FolderHealth = Type.Object({
  path: Type.String(),
  role: Type.Enum(['inbox', 'sent'] as const),
  uidValidity: Nullable(Type.Integer()),
  /** The highest UID stored: everything up to it is in Rapport. */
  lastUid: Type.Integer(),
  messages: Type.Integer({ description: 'Messages of this folder stored in Rapport' }),
  lastSyncAt: Nullable(Timestamp),
});

export const Mailbox = Type.Object({
  id: Uuid,
  name: Type.String(),
  address: Type.String(),
  shared: Type.Boolean(),
  ownerId: Nullable(Uuid),
  imapHost: Type.String(),
  imapPort: Type.Integer(),
  imapTls: Type.Enum(tlsModes),
  smtpHost: Type.String(),
  smtpPort: Type.Integer(),
  smtpTls: Type.Enum(tlsModes),
  username: Type.String(),
  syncDays: Type.Integer(),
  health: Type.Object({
    state: Type.Enum(mailboxStates, {
      description:
        '`waiting`: not synced yet; `syncing`: a sync is queued or running; `ok`: the last sync succeeded; `failing`: the last sync failed (see lastError)',
    }),
    lastSuccessAt: Nullable(Timestamp),
    lastAttemptAt: Nullable(Timestamp),
    lastError: Nullable(Type.String({ description: 'What went wrong, in words ("password rejected by the server")' })),
    lastErrorAt: Nullable(Timestamp),
    consecutiveFailures: Type.Integer(),
    /** When the next sync is due; after failures it backs off (1 min, 2, 4 … up to an hour). */
    nextSyncAt: Nullable(Timestamp),
    messages: Type.Integer({ description: 'Messages of this mailbox stored in Rapport' }),
    folders: Type.Array(FolderHealth),
  }),
  createdAt: Timestamp,
});
export type Mailbox = Static<typeof Mailbox>;

export const EmailAddress = Type.Object({ address: Type.String(), name: Type.String() });

export const EmailAttachment = Type.Object({
  filename: Nullable(Type.String()),
  contentType: Type.String(),
  size: Type.Integer(),
});

export const EmailMessage = Type.Object({
  id: Uuid,
  messageId: Type.String(),
  direction: Type.Enum(['received', 'sent'] as const),
  subject: Type.String(),
  from: Nullable(EmailAddress),
  to: Type.Array(EmailAddress),
  cc: Type.Array(EmailAddress),
  date: Timestamp,
  text: Type.String(),
  /** Sanitised on the server (no scripts, handlers, forms; remote images off); show it in a sandboxed iframe. */
  html: Nullable(Type.String()),
  inReplyTo: Nullable(Type.String()),
  references: Type.Array(Type.String()),
  attachments: Type.Array(EmailAttachment),
  activityId: Nullable(Uuid),
});
export type EmailMessage = Static<typeof EmailMessage>;

export const EmailSend = Type.Object(
  {
    mailboxId: Uuid,
    to: Type.Array(Email, { minItems: 1, maxItems: 50 }),
    cc: Type.Optional(Type.Array(Email, { maxItems: 50 })),
    subject: Type.String({ maxLength: 998 }),
    text: Type.String({ maxLength: 100_000 }),
    replyTo: Type.Optional(
      Type.String({ format: 'uuid', maxLength: 36, description: 'The email this answers: In-Reply-To and References are set from it' }),
    ),
  },
  { additionalProperties: false },
);
export type EmailSend = Static<typeof EmailSend>;

export const ActivityEmailParams = Type.Object({ activityId: Uuid }, { additionalProperties: false });

export const EmailSent = Type.Object({
  ...EmailMessage.properties,
  note: Nullable(Type.String({ description: 'Set when the message went out but something after it did not (filing it in Sent)' })),
});
