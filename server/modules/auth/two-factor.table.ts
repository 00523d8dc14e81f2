import { sql } from 'drizzle-orm';
import { bigint, boolean, foreignKey, index, integer, jsonb, pgTable, primaryKey, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { tenantKey, ts } from '../../db/columns.ts';
import { workspaces } from '../workspaces/workspaces.table.ts';
import { members } from './auth.table.ts';

/**
 * A member's TOTP authenticator (RFC 6238). Kept per member, not per login: a workspace that
 * requires two-factor decides for its members, and a login shared with another workspace is that
 * person's own (see identities). `secret` is encrypted with the keyring, bound to the member.
 * `enabledAt` is null while enrolment waits for its first code. `lastStep` is the 30-second step
 * of the last code accepted: a code of that step or an earlier one is refused (replay).
 */
export const memberTwoFactor = pgTable(
  'member_two_factor',
  {
    workspaceId: uuid('workspace_id').notNull(),
    memberId: uuid('member_id').notNull(),
    secret: text('secret').notNull(),
    enabledAt: ts('enabled_at'),
    lastStep: bigint('last_step', { mode: 'number' }),
    createdAt: ts('created_at').notNull().default(sql`now()`),
  },
  (t) => [
    primaryKey({ columns: [t.workspaceId, t.memberId] }),
    foreignKey({ columns: [t.workspaceId, t.memberId], foreignColumns: [members.workspaceId, members.id] }).onDelete('cascade'),
  ],
);

/** Single-use recovery codes, shown once; only their SHA-256 is kept. */
export const recoveryCodes = pgTable(
  'recovery_codes',
  {
    ...tenantKey(),
    memberId: uuid('member_id').notNull(),
    codeHash: text('code_hash').notNull(),
    usedAt: ts('used_at'),
  },
  (t) => [
    primaryKey({ columns: [t.workspaceId, t.id] }),
    foreignKey({ columns: [t.workspaceId, t.memberId], foreignColumns: [members.workspaceId, members.id] }).onDelete('cascade'),
    uniqueIndex('recovery_codes_hash_key').on(t.workspaceId, t.memberId, t.codeHash),
  ],
);

/**
 * A sign-in half done: the password was right and a second factor is due (`two_factor`), or the
 * workspace requires two-factor and the member must enrol first (`enrol`), or a browser went to
 * the SSO provider and comes back with this state (`sso`, `data` holds the PKCE verifier and nonce).
 * The token handed out carries the workspace id; only its hash is kept. Few tries, few minutes.
 */
export const authChallenges = pgTable(
  'auth_challenges',
  {
    ...tenantKey(),
    tokenHash: text('token_hash').notNull(),
    kind: text('kind', { enum: ['two_factor', 'enrol', 'sso'] }).notNull(),
    memberId: uuid('member_id'),
    data: jsonb('data').$type<Record<string, string>>().notNull().default({}),
    attempts: integer('attempts').notNull().default(0),
    ip: text('ip'),
    createdAt: ts('created_at').notNull().default(sql`now()`),
    expiresAt: ts('expires_at').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.workspaceId, t.id] }),
    foreignKey({ columns: [t.workspaceId], foreignColumns: [workspaces.id] }).onDelete('cascade'),
    uniqueIndex('auth_challenges_token_key').on(t.workspaceId, t.tokenHash),
    index('auth_challenges_expiry_idx').on(t.expiresAt),
  ],
);

/** A workspace's sign-in rules: whether its password users must have two-factor. */
export const workspaceSecurity = pgTable(
  'workspace_security',
  {
    workspaceId: uuid('workspace_id').notNull().primaryKey(),
    requireTwoFactor: boolean('require_two_factor').notNull().default(false),
    updatedAt: ts('updated_at').notNull().default(sql`now()`),
  },
  (t) => [foreignKey({ columns: [t.workspaceId], foreignColumns: [workspaces.id] }).onDelete('cascade')],
);
