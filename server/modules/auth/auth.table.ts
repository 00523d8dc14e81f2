import { sql } from 'drizzle-orm';
import { foreignKey, index, integer, pgTable, primaryKey, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { tenantKey, ts } from '../../db/columns.ts';
import { workspaces } from '../workspaces/workspaces.table.ts';

/**
 * A person's login, shared by every workspace they belong to. This is global data (a Citus
 * reference table): sign-in must find it before any workspace is known.
 *
 * An email is not unique among logins. Until Rapport can send mail it cannot tell who owns an
 * address, so whoever signs up first must not own it: a later sign-up or invitation with a
 * password that opens none of the address's logins makes a login of its own, and sign-in picks
 * the login that the password opens (see matchLogin).
 */
export const identities = pgTable(
  'identities',
  {
    id: uuid('id').primaryKey(),
    email: text('email').notNull(),
    passwordHash: text('password_hash').notNull(),
    createdAt: ts('created_at').notNull().default(sql`now()`),
  },
  (t) => [index('identities_email_idx').on(sql`lower(${t.email})`, t.createdAt)],
);

/**
 * Failed sign-ins per email address (lower case), whether or not the address has a login, so
 * that the lockout answers the same for both and tells nobody which addresses have one.
 */
export const loginThrottles = pgTable('login_throttles', {
  email: text('email').primaryKey(),
  failures: integer('failures').notNull(),
  lastFailedAt: ts('last_failed_at').notNull(),
});

/** A person inside one workspace: the "user" that owns records and holds a role. */
export const members = pgTable(
  'members',
  {
    ...tenantKey(),
    identityId: uuid('identity_id')
      .notNull()
      .references(() => identities.id),
    name: text('name').notNull(),
    email: text('email').notNull(),
    role: text('role', { enum: ['owner', 'admin', 'member', 'read-only'] }).notNull(),
    locale: text('locale').notNull().default('en'),
    timeZone: text('time_zone').notNull().default('UTC'),
    createdAt: ts('created_at').notNull().default(sql`now()`),
    disabledAt: ts('disabled_at'),
  },
  (t) => [
    primaryKey({ columns: [t.workspaceId, t.id] }),
    foreignKey({ columns: [t.workspaceId], foreignColumns: [workspaces.id] }).onDelete('cascade'),
    uniqueIndex('members_identity_key').on(t.workspaceId, t.identityId),
  ],
);

/**
 * Web sessions. The cookie carries the workspace id beside a random token, so the lookup is
 * by (workspace_id, token_hash) and stays on one Citus node; only the token's SHA-256 is kept.
 */
export const sessions = pgTable(
  'sessions',
  {
    ...tenantKey(),
    tokenHash: text('token_hash').notNull(),
    memberId: uuid('member_id').notNull(),
    csrfToken: text('csrf_token').notNull(),
    ip: text('ip'),
    userAgent: text('user_agent'),
    createdAt: ts('created_at').notNull().default(sql`now()`),
    lastSeenAt: ts('last_seen_at').notNull().default(sql`now()`),
    expiresAt: ts('expires_at').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.workspaceId, t.id] }),
    foreignKey({ columns: [t.workspaceId, t.memberId], foreignColumns: [members.workspaceId, members.id] }).onDelete('cascade'),
    uniqueIndex('sessions_token_key').on(t.workspaceId, t.tokenHash),
  ],
);

/**
 * API keys for integrations: shown once, stored as a SHA-256 hash plus a display prefix.
 * `scopes` name what the key may reach (`all`, or `<object>:read|write`, see http/api-scopes.ts);
 * keys made before scopes existed keep `all`. `allowedIps` holds CIDRs; empty means any address.
 */
export const apiKeys = pgTable(
  'api_keys',
  {
    ...tenantKey(),
    name: text('name').notNull(),
    prefix: text('prefix').notNull(),
    tokenHash: text('token_hash').notNull(),
    role: text('role', { enum: ['admin', 'member', 'read-only'] }).notNull(),
    scopes: text('scopes').array().notNull().default(sql`'{all}'::text[]`),
    allowedIps: text('allowed_ips').array().notNull().default(sql`'{}'::text[]`),
    createdBy: uuid('created_by').notNull(),
    createdAt: ts('created_at').notNull().default(sql`now()`),
    expiresAt: ts('expires_at'),
    lastUsedAt: ts('last_used_at'),
    revokedAt: ts('revoked_at'),
  },
  (t) => [
    primaryKey({ columns: [t.workspaceId, t.id] }),
    foreignKey({ columns: [t.workspaceId, t.createdBy], foreignColumns: [members.workspaceId, members.id] }),
    uniqueIndex('api_keys_token_key').on(t.workspaceId, t.tokenHash),
  ],
);

/** Invitations: a single-use link token until email exists. */
export const invitations = pgTable(
  'invitations',
  {
    ...tenantKey(),
    email: text('email').notNull(),
    role: text('role', { enum: ['admin', 'member', 'read-only'] }).notNull(),
    tokenHash: text('token_hash').notNull(),
    invitedBy: uuid('invited_by').notNull(),
    createdAt: ts('created_at').notNull().default(sql`now()`),
    expiresAt: ts('expires_at').notNull(),
    acceptedAt: ts('accepted_at'),
    acceptedBy: uuid('accepted_by'),
    revokedAt: ts('revoked_at'),
  },
  (t) => [
    primaryKey({ columns: [t.workspaceId, t.id] }),
    foreignKey({ columns: [t.workspaceId, t.invitedBy], foreignColumns: [members.workspaceId, members.id] }),
    uniqueIndex('invitations_token_key').on(t.workspaceId, t.tokenHash),
  ],
);

/** Every sign-in attempt, successful or not (global: an attempt may name no known person). */
export const loginEvents = pgTable(
  'login_events',
  {
    id: uuid('id').primaryKey(),
    identityId: uuid('identity_id'),
    email: text('email').notNull(),
    ip: text('ip'),
    userAgent: text('user_agent'),
    method: text('method').notNull(),
    result: text('result').notNull(),
    createdAt: ts('created_at').notNull().default(sql`now()`),
  },
  (t) => [index('login_events_identity_idx').on(t.identityId, t.createdAt)],
);

/** Hits per key per window for @fastify/rate-limit, shared by every app process. */
export const rateLimits = pgTable('rate_limits', {
  key: text('key').primaryKey(),
  count: integer('count').notNull(),
  resetAt: ts('reset_at').notNull(),
});

/**
 * Password resets until email exists: a person asks (`request`), an admin of their workspace
 * makes a single-use `link` and hands it over. Only the link token's hash is kept.
 */
export const passwordResets = pgTable(
  'password_resets',
  {
    ...tenantKey(),
    memberId: uuid('member_id').notNull(),
    kind: text('kind', { enum: ['request', 'link'] }).notNull(),
    tokenHash: text('token_hash'),
    createdBy: uuid('created_by'),
    createdAt: ts('created_at').notNull().default(sql`now()`),
    expiresAt: ts('expires_at'),
    usedAt: ts('used_at'),
    resolvedAt: ts('resolved_at'),
    /** A link revoked by an admin, or replaced by a newer link for the same member. */
    revokedAt: ts('revoked_at'),
  },
  (t) => [
    primaryKey({ columns: [t.workspaceId, t.id] }),
    foreignKey({ columns: [t.workspaceId, t.memberId], foreignColumns: [members.workspaceId, members.id] }).onDelete('cascade'),
    uniqueIndex('password_resets_token_key').on(t.workspaceId, t.tokenHash),
    index('password_resets_member_idx').on(t.workspaceId, t.memberId, t.createdAt),
  ],
);
