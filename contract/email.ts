import Type, { type Static } from 'typebox';
import { Email, Nullable, Timestamp, Uuid } from './common.ts';
import { MergeContext } from './email-templates.ts';

/**
 * Mailboxes (IMAP + SMTP) members connect, their sync health, and the emails synced from them or
 * sent through them. Credentials go in and never come out: no answer carries a password.
 */

export const tlsModes = ['tls', 'starttls', 'none'] as const;
export const mailboxPrivacies = ['workspace', 'private'] as const;
export const newSenderModes = ['ignore', 'contact', 'lead'] as const;
/** `folder`: one the owner picked besides INBOX and Sent. */
export const folderRoles = ['inbox', 'sent', 'folder'] as const;
/** Why a message counts as written by a machine (server/modules/email/automated.ts): nothing answers it automatically. */
export const emailAutomation = ['auto_reply', 'bounce', 'bulk'] as const;
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

/** How a mailbox's email is shared and matched: set when connecting, changed later. */
const mailboxSettings = {
  privacy: Type.Enum(mailboxPrivacies, {
    description:
      'Whether new threads are `workspace` (everyone reads them) or `private` (only the owners of the mailboxes holding them read subject and body; others see that an email happened); each thread can be changed',
  }),
  matchDeals: Type.Boolean({ description: 'Also put emails on the open deals of the contacts in them (default true)' }),
  newSenders: Type.Enum(newSenderModes, {
    description:
      'What the sender of a received email no contact or lead holds becomes: nothing (`ignore`, the default), a `contact` or a `lead`',
  }),
  ignoreSenders: Type.Array(
    Type.String({
      minLength: 1,
      maxLength: 254,
      pattern: '^[^\\s,;]+$',
      description: 'An address (`news@shop.example`) or a domain (`example.com`, `@example.com`, subdomains included)',
    }),
    {
      maxItems: 200,
      description: 'Senders that never become contacts or leads, besides the mailbox’s own domain and no-reply senders',
    },
  ),
  folders: Type.Array(Type.String({ minLength: 1, maxLength: 500 }), {
    maxItems: 50,
    uniqueItems: true,
    description: 'Folders to sync besides INBOX and Sent, by path, from `GET /mailboxes/{id}/folders`',
  }),
  staleAfterMinutes: Type.Integer({
    minimum: 5,
    maximum: 10_080,
    description: 'Tell the owner when the mailbox has not synced for this long (default 180 minutes); once per stale period',
  }),
};

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
    ...Type.Partial(Type.Object(mailboxSettings)).properties,
  },
  { additionalProperties: false },
);
export type MailboxCreate = Static<typeof MailboxCreate>;

/** What the owner (or an admin) changes on a connected mailbox; the servers and password are set when connecting. */
export const MailboxUpdate = Type.Object(
  { name: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })), ...Type.Partial(Type.Object(mailboxSettings)).properties },
  { additionalProperties: false, minProperties: 1 },
);
export type MailboxUpdate = Static<typeof MailboxUpdate>;

export const mailboxStates = ['syncing', 'ok', 'failing', 'waiting'] as const;

export const FolderHealth = Type.Object({
  path: Type.String(),
  role: Type.Enum(folderRoles),
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
  ...mailboxSettings,
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
    messages: Type.Integer({ description: 'Messages of this mailbox stored in Rapport (not those the server no longer holds)' }),
    folders: Type.Array(FolderHealth),
    stale: Type.Boolean({ description: 'No successful sync for longer than staleAfterMinutes' }),
    reconciliation: Nullable(
      Type.Object(
        {
          at: Timestamp,
          missing: Type.Integer({ description: 'Messages the server holds that were not stored, found by the last reconciliation' }),
          repaired: Type.Integer({ description: 'Of those, how many it fetched and stored' }),
          vanished: Type.Integer({ description: 'Stored messages the server no longer holds (deleted or moved there)' }),
          note: Nullable(Type.String({ description: 'What it could not do, in words' })),
        },
        { description: 'The last comparison of the server’s UIDs with what is stored; null before the first' },
      ),
    ),
  }),
  createdAt: Timestamp,
});
export type Mailbox = Static<typeof Mailbox>;

export const EmailAddress = Type.Object({ address: Type.String(), name: Type.String() });

export const EmailAttachment = Type.Object({
  /** Download it at `/emails/{emailId}/attachments/{id}`; null when it was not stored (see note). */
  id: Nullable(Uuid),
  filename: Nullable(Type.String()),
  contentType: Type.String(),
  size: Type.Integer(),
  note: Nullable(Type.String({ description: 'Why it was not stored ("not stored: 14 MB is over the 10 MB limit")' })),
});

export const EmailAttachmentParams = Type.Object({ id: Uuid, attachmentId: Uuid }, { additionalProperties: false });

export const EmailFrameQuery = Type.Object(
  { images: Type.Optional(Type.Boolean({ description: 'true once the reader allowed remote images (https only)' })) },
  { additionalProperties: false },
);

export const EmailTracking = Type.Object({
  opens: Type.Integer({
    description: 'How often its tracking image was loaded (mail clients and scanners load it too: a hint, not proof)',
  }),
  lastOpenedAt: Nullable(Timestamp),
  clicks: Type.Array(Type.Object({ url: Type.String(), count: Type.Integer(), lastAt: Timestamp }), {
    description: 'Its links that were followed, most followed first',
  }),
});
export type EmailTracking = Static<typeof EmailTracking>;

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
  threadId: Nullable(Uuid),
  /** Set when a machine sent it (an out-of-office, a bounce, list mail): nothing answers it automatically. */
  automated: Nullable(Type.Enum(emailAutomation)),
  /** Whether its thread is shared with the workspace. */
  shared: Type.Boolean(),
  /** You hold it in one of your mailboxes (or sent it): you read it whatever its privacy, and may share its thread or make it private. */
  yours: Type.Boolean(),
  /** Its content is withheld from you (a private thread of someone else's mailbox): subject, text, HTML and attachments are empty. */
  private: Type.Boolean(),
  /** What its recipients did, when it was sent with tracking on (null otherwise, and when its content is withheld from you). */
  tracking: Nullable(EmailTracking),
});
export type EmailMessage = Static<typeof EmailMessage>;

export const OutgoingAttachment = Type.Object(
  {
    filename: Type.String({ minLength: 1, maxLength: 255 }),
    contentType: Type.String({ maxLength: 255, pattern: '^[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]*/[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]*$' }),
    content: Type.String({ contentEncoding: 'base64', pattern: '^[A-Za-z0-9+/]*={0,2}$', description: 'The file’s bytes, base64' }),
  },
  { additionalProperties: false },
);
export type OutgoingAttachment = Static<typeof OutgoingAttachment>;

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
    attachments: Type.Optional(
      Type.Array(OutgoingAttachment, {
        maxItems: 20,
        description:
          'Files to attach; together at most RAPPORT_EMAIL_ATTACHMENT_MAX_BYTES (10 MiB): a larger set is refused (422) naming the file',
      }),
    ),
    forwardOf: Type.Optional(
      Type.String({
        format: 'uuid',
        maxLength: 36,
        description: 'The email this forwards: its stored attachments go with the message (its text is quoted by the client in `text`)',
      }),
    ),
    merge: Type.Optional(
      Type.Object(MergeContext.properties, {
        additionalProperties: false,
        description:
          'Fill the merge fields of subject and text (as in a template) from these records; the message then also carries an HTML part with every value escaped. An unknown merge field is refused (422)',
      }),
    ),
    track: Type.Optional(
      Type.Boolean({
        default: false,
        description:
          'Count opens and clicks: the copy sent gets an HTML part whose links go through Rapport and a 1×1 tracking image (the stored copy and the one in Sent do not). Off by default; refused (422) when the workspace turned tracking off',
      }),
    ),
  },
  { additionalProperties: false },
);
export type EmailSend = Static<typeof EmailSend>;

export const EmailQueue = Type.Object(
  {
    ...EmailSend.properties,
    sendAt: Type.Optional(
      Type.String({
        format: 'date-time',
        description: 'Send at this time (scheduled send); without it, after the workspace’s undo window',
      }),
    ),
  },
  { additionalProperties: false },
);
export type EmailQueue = Static<typeof EmailQueue>;

export const ActivityEmailParams = Type.Object({ activityId: Uuid }, { additionalProperties: false });

export const EmailSent = Type.Object({
  ...EmailMessage.properties,
  note: Nullable(Type.String({ description: 'Set when the message went out but something after it did not (filing it in Sent)' })),
});

export const EmailThreadUpdate = Type.Object(
  {
    shared: Type.Boolean({
      description: 'true: everyone in the workspace reads its emails; false: only the owners of the mailboxes holding them',
    }),
  },
  { additionalProperties: false },
);

export const EmailThread = Type.Object({
  id: Uuid,
  shared: Type.Boolean(),
  /** Its emails, oldest first, each as you may read it. */
  emails: Type.Array(EmailMessage),
});

export const ServerFolder = Type.Object({
  path: Type.String(),
  name: Type.String(),
  /** `inbox` and `sent` are always synced; other folders when picked. */
  role: Nullable(Type.Enum(['inbox', 'sent'] as const)),
  specialUse: Nullable(Type.String({ description: 'The folder’s special use as the server says (\\Trash, \\Junk, \\Drafts …)' })),
  selected: Type.Boolean({ description: 'Synced: INBOX, Sent, and the folders picked' }),
});
