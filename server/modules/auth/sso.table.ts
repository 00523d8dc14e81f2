import { sql } from 'drizzle-orm';
import { boolean, foreignKey, index, jsonb, pgTable, primaryKey, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { ts } from '../../db/columns.ts';
import { workspaces } from '../workspaces/workspaces.table.ts';
import { members } from './auth.table.ts';

/**
 * A workspace's OpenID Connect provider. `clientSecret` is encrypted with the keyring, bound to
 * the workspace. `emailDomain` is how the sign-in page finds the workspace before anyone is signed
 * in (looked up across workspaces, like identities: one domain belongs to one workspace, checked on
 * save). `groupRoles` maps a value of the ID token's `groupsClaim` to a role.
 */
export const ssoConfigs = pgTable(
  'sso_configs',
  {
    workspaceId: uuid('workspace_id').notNull().primaryKey(),
    issuer: text('issuer').notNull(),
    clientId: text('client_id').notNull(),
    clientSecret: text('client_secret').notNull(),
    emailDomain: text('email_domain').notNull(),
    defaultRole: text('default_role', { enum: ['admin', 'member', 'read-only'] }).notNull(),
    groupsClaim: text('groups_claim').notNull().default('groups'),
    groupRoles: jsonb('group_roles').$type<Record<string, 'admin' | 'member' | 'read-only'>>().notNull().default({}),
    ssoOnly: boolean('sso_only').notNull().default(false),
    updatedAt: ts('updated_at').notNull().default(sql`now()`),
  },
  (t) => [
    foreignKey({ columns: [t.workspaceId], foreignColumns: [workspaces.id] }).onDelete('cascade'),
    index('sso_configs_domain_idx').on(t.emailDomain),
  ],
);

/** Which provider account (issuer + `sub`) is which member: a changed email at the provider does not make a new member. */
export const ssoLinks = pgTable(
  'sso_links',
  {
    workspaceId: uuid('workspace_id').notNull(),
    memberId: uuid('member_id').notNull(),
    issuer: text('issuer').notNull(),
    subject: text('subject').notNull(),
    createdAt: ts('created_at').notNull().default(sql`now()`),
  },
  (t) => [
    primaryKey({ columns: [t.workspaceId, t.memberId] }),
    foreignKey({ columns: [t.workspaceId, t.memberId], foreignColumns: [members.workspaceId, members.id] }).onDelete('cascade'),
    uniqueIndex('sso_links_subject_key').on(t.workspaceId, t.issuer, t.subject),
  ],
);
