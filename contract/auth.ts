import Type, { type Static } from 'typebox';
import { FieldRuleMap } from './access.ts';
import { Country, Currency, Email, Nullable, Role, ShortText, Timestamp, Uuid } from './common.ts';

const Locale = Type.String({ pattern: '^[a-z]{2}(-[A-Z]{2})?$', maxLength: 5, description: 'BCP 47 language and region, e.g. de-AT' });
const TimeZone = Type.String({ minLength: 1, maxLength: 64, description: 'IANA time zone, e.g. Europe/Berlin' });
/** What a browser says of itself at sign-up; a zone the server does not know falls back to UTC instead of refusing the form. */
const BrowserSettings = { locale: Type.Optional(Locale), timeZone: Type.Optional(TimeZone) };

const Password = Type.String({ minLength: 1, maxLength: 1024, description: '8–128 characters; not a common password' });

export const SignUp = Type.Object(
  {
    name: ShortText({ minLength: 1 }),
    email: Email,
    password: Password,
    workspaceName: ShortText({ minLength: 1 }),
    ...BrowserSettings,
  },
  { additionalProperties: false },
);
export type SignUp = Static<typeof SignUp>;

export const SignIn = Type.Object(
  { email: Type.String({ minLength: 1, maxLength: 254 }), password: Password, workspaceId: Type.Optional(Uuid) },
  { additionalProperties: false },
);
export type SignIn = Static<typeof SignIn>;

export const AcceptInvitation = Type.Object(
  { token: Type.String({ minLength: 1, maxLength: 200 }), name: ShortText({ minLength: 1 }), password: Password, ...BrowserSettings },
  { additionalProperties: false },
);
export type AcceptInvitation = Static<typeof AcceptInvitation>;

export const InvitationLookup = Type.Object({ token: Type.String({ minLength: 1, maxLength: 200 }) }, { additionalProperties: false });
export type InvitationLookup = Static<typeof InvitationLookup>;

/** What the invitation page shows before anyone signs in: who invites, to which workspace, as what. Nothing else. */
export const InvitationDetails = Type.Object(
  { workspaceName: Type.String(), inviterName: Type.String(), role: Type.Enum(['admin', 'member', 'read-only'] as const) },
  { additionalProperties: false },
);
export type InvitationDetails = Static<typeof InvitationDetails>;

export const Member = Type.Object({
  id: Uuid,
  name: Type.String(),
  email: Type.String(),
  role: Role,
  locale: Type.String(),
  timeZone: Type.String(),
  createdAt: Timestamp,
  disabledAt: Nullable(Timestamp),
});
export type Member = Static<typeof Member>;

export const Workspace = Type.Object({
  id: Uuid,
  name: Type.String(),
  currency: Type.String(),
  country: Nullable(Type.String({ description: 'ISO 3166 code: national phone numbers are read as numbers of this country' })),
  version: Type.Integer(),
  createdAt: Timestamp,
});
export type Workspace = Static<typeof Workspace>;

export const WorkspaceUpdate = Type.Object(
  {
    name: Type.Optional(ShortText({ minLength: 1 })),
    currency: Type.Optional(Currency),
    country: Type.Optional(Nullable(Country)),
    version: Type.Optional(Type.Integer({ minimum: 1 })),
  },
  { additionalProperties: false },
);
export type WorkspaceUpdate = Static<typeof WorkspaceUpdate>;

export const SessionInfo = Type.Object({
  member: Member,
  workspace: Workspace,
  /** Send back as X-CSRF-Token on every write made with the session cookie. */
  csrfToken: Type.String(),
  workspaces: Type.Array(Type.Object({ id: Uuid, name: Type.String(), role: Role })),
  /** The fields the member's role hides or makes read-only, per object type; empty when it restricts none. */
  fieldRules: Type.Record(Type.String(), FieldRuleMap),
});
export type SessionInfo = Static<typeof SessionInfo>;

export const MemberUpdate = Type.Object(
  { role: Type.Optional(Role), disabled: Type.Optional(Type.Boolean()), name: Type.Optional(ShortText({ minLength: 1 })) },
  { additionalProperties: false, minProperties: 1 },
);
export type MemberUpdate = Static<typeof MemberUpdate>;

export const MyProfileUpdate = Type.Object(
  {
    name: Type.Optional(ShortText({ minLength: 1 })),
    locale: Type.Optional(Locale),
    timeZone: Type.Optional(TimeZone),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type MyProfileUpdate = Static<typeof MyProfileUpdate>;

const InviteRole = Type.Enum(['admin', 'member', 'read-only'] as const);

export const InvitationCreate = Type.Object({ email: Email, role: InviteRole }, { additionalProperties: false });
export type InvitationCreate = Static<typeof InvitationCreate>;

export const Invitation = Type.Object({
  id: Uuid,
  email: Type.String(),
  role: Type.String(),
  invitedBy: Uuid,
  createdAt: Timestamp,
  expiresAt: Timestamp,
  acceptedAt: Nullable(Timestamp),
  /** The single-use link token; returned only when the invitation is created. */
  token: Type.Optional(Type.String()),
});
export type Invitation = Static<typeof Invitation>;

export type ApiKeyRight = 'read' | 'write';

/** `all`, or an object and a right such as `contacts:read` or `deals:write` (write includes read); GET /api-keys/scopes lists the objects. */
export const ApiKeyScope = Type.String({ minLength: 1, maxLength: 64, description: '`all`, or `<object>:read` / `<object>:write`' });
/** An IPv4 or IPv6 address or CIDR range, e.g. `203.0.113.0/24`. */
export const IpRange = Type.String({ minLength: 1, maxLength: 64, description: 'An IP address or CIDR range' });

export const ApiKeyCreate = Type.Object(
  {
    name: ShortText({ minLength: 1 }),
    role: InviteRole,
    expiresAt: Type.Optional(Timestamp),
    scopes: Type.Optional(Type.Array(ApiKeyScope, { minItems: 1, maxItems: 100, description: 'Default: `all`' })),
    allowedIps: Type.Optional(
      Type.Array(IpRange, { maxItems: 50, description: 'Requests from elsewhere are refused; empty: any address' }),
    ),
  },
  { additionalProperties: false },
);
export type ApiKeyCreate = Static<typeof ApiKeyCreate>;

export const ApiKey = Type.Object({
  id: Uuid,
  name: Type.String(),
  prefix: Type.String(),
  role: Type.String(),
  scopes: Type.Array(Type.String()),
  allowedIps: Type.Array(Type.String()),
  createdBy: Uuid,
  createdAt: Timestamp,
  expiresAt: Nullable(Timestamp),
  lastUsedAt: Nullable(Timestamp),
  revokedAt: Nullable(Timestamp),
  /** The key itself; shown once, at creation, and never stored. */
  key: Type.Optional(Type.String()),
});
export type ApiKey = Static<typeof ApiKey>;

export const ApiKeyScopes = Type.Object({
  objects: Type.Array(Type.String(), { description: 'What a scope may name before `:read` or `:write`' }),
});
export type ApiKeyScopes = Static<typeof ApiKeyScopes>;

/** A signed-in browser: where, on what, since when. */
export const SessionEntry = Type.Object({
  id: Uuid,
  memberId: Uuid,
  device: Type.String({ description: 'Browser and system read from the user agent, e.g. "Chrome on Linux"' }),
  ip: Nullable(Type.String()),
  createdAt: Timestamp,
  lastSeenAt: Timestamp,
  current: Type.Boolean({ description: 'The session this request came with' }),
});
export type SessionEntry = Static<typeof SessionEntry>;

export const SessionParams = Type.Object({ id: Uuid, sessionId: Uuid }, { additionalProperties: false });

export const ForgotPassword = Type.Object({ email: Type.String({ minLength: 1, maxLength: 254 }) }, { additionalProperties: false });
export type ForgotPassword = Static<typeof ForgotPassword>;

export const ResetPassword = Type.Object(
  { token: Type.String({ minLength: 1, maxLength: 200 }), password: Type.String({ minLength: 1, maxLength: 1024 }) },
  { additionalProperties: false },
);
export type ResetPassword = Static<typeof ResetPassword>;

/**
 * A password reset waiting on an admin: a person's `request` ("I forgot my password"), or a live
 * `link` an admin made (unused, unexpired, not revoked, and its maker still allowed to make it).
 */
export const ResetEntry = Type.Object({
  id: Uuid,
  kind: Type.Enum(['request', 'link'] as const),
  memberId: Uuid,
  memberName: Type.String(),
  memberEmail: Type.String(),
  /** When the request was made, or the link. */
  requestedAt: Timestamp,
  /** The admin who made a link. */
  createdBy: Nullable(Uuid),
  expiresAt: Nullable(Timestamp),
});
export type ResetEntry = Static<typeof ResetEntry>;

export const ChangePassword = Type.Object({ currentPassword: Password, newPassword: Password }, { additionalProperties: false });
export type ChangePassword = Static<typeof ChangePassword>;

export const ResetLink = Type.Object({
  /** Single-use, valid 24 hours; shown once, to the admin, who hands it over until email exists. */
  token: Type.String(),
  expiresAt: Timestamp,
  path: Type.String(),
});
export type ResetLink = Static<typeof ResetLink>;
