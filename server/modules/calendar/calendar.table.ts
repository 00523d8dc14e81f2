import { sql } from 'drizzle-orm';
import { pgTable, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { tenantKey, ts } from '../../db/columns.ts';
import { memberRef, tenantConstraints } from '../../db/constraints.ts';

/**
 * A member's private .ics feed. The URL's token is the credential (calendar apps send no cookie),
 * so only its hash is kept; revoking sets `revoked_at` and the URL answers 404 from then on.
 * At most one live feed per member: making a new one revokes the old.
 */
export const calendarFeeds = pgTable(
  'calendar_feeds',
  {
    ...tenantKey(),
    memberId: uuid('member_id').notNull(),
    tokenHash: text('token_hash').notNull(),
    createdAt: ts('created_at').notNull().default(sql`now()`),
    revokedAt: ts('revoked_at'),
  },
  (t) => [
    ...tenantConstraints(t),
    memberRef(t, t.memberId),
    uniqueIndex('calendar_feeds_token_key').on(t.workspaceId, t.tokenHash),
    uniqueIndex('calendar_feeds_live_key').on(t.workspaceId, t.memberId).where(sql`revoked_at is null`),
  ],
);
