import { foreignKey, index, integer, pgTable, text, uuid } from 'drizzle-orm/pg-core';
import { tenantKey, ts } from '../../db/columns.ts';
import { tenantConstraints } from '../../db/constraints.ts';
import { emailMessages } from './email.table.ts';

/**
 * What the recipients of a tracked email did (tracking.ts): an open is a fetch of its pixel, a click
 * a visit of one of its links (`url` copied from the email's `tracked_links`, so the count stays
 * readable whatever happens to the list). Deleted with the email.
 */
export const emailTrackingEvents = pgTable(
  'email_tracking_events',
  {
    ...tenantKey(),
    emailId: uuid('email_id').notNull(),
    kind: text('kind', { enum: ['open', 'click'] }).notNull(),
    linkIndex: integer('link_index'),
    url: text('url'),
    at: ts('at').notNull().defaultNow(),
    userAgent: text('user_agent'),
  },
  (t) => [
    ...tenantConstraints(t),
    foreignKey({ columns: [t.workspaceId, t.emailId], foreignColumns: [emailMessages.workspaceId, emailMessages.id] }).onDelete('cascade'),
    index('email_tracking_events_email_idx').on(t.workspaceId, t.emailId, t.kind),
  ],
);
