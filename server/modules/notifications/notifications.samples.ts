import { type Session, testDatabase } from '../../test/harness.ts';
import type { Samples } from '../../test/samples.ts';
import { notify } from './notifications.service.ts';

/** A notice to the owner, as an automation would send it. */
async function notice(s: Session) {
  const { db } = await testDatabase();
  const ctx = {
    workspaceId: s.workspaceId,
    memberId: s.memberId,
    actor: { type: 'system' as const, id: null },
    role: 'owner' as const,
    requestId: null,
  };
  return notify(db, ctx, { memberId: s.memberId, title: 'Deal moved to Negotiation', body: 'Follow up within two days' });
}

export const samples: Samples = {
  'GET /api/v1/notifications': { setup: async (s) => ({ notificationId: (await notice(s)).id }) },
  'GET /api/v1/notifications/unread-count': { setup: async (s) => ({ notificationId: (await notice(s)).id }) },
  'POST /api/v1/notifications/:id/read': { setup: async (s) => ({ id: (await notice(s)).id }), body: () => ({}) },
  'POST /api/v1/notifications/read-all': { setup: async (s) => ({ notificationId: (await notice(s)).id }), body: () => ({}) },
  'GET /api/v1/notifications/preferences': {},
  'PATCH /api/v1/notifications/preferences': { body: () => ({ mentions: false, dailyDigest: true, byEmail: true }) },
  'GET /api/v1/notifications/settings': {},
  // No mailbox in the generated suites (it needs a mail server): choosing none is the valid change.
  'PATCH /api/v1/notifications/settings': { body: () => ({ senderMailboxId: null }) },
};
