import { and, eq, inArray, sql } from 'drizzle-orm';
import { uuidv7 } from 'uuidv7';
import { defineConsumer } from '../../jobs/consumers.ts';
import { EventConditions } from '../automation/conditions.service.ts';
import { webhookBody } from './delivery.ts';
import { enqueueDelivery } from './webhooks.jobs.ts';
import { matchesEventType } from './webhooks.service.ts';
import { webhookDeliveries, webhookEndpoints } from './webhooks.table.ts';

/**
 * Turns each event of the outbox into a delivery (and its job) for every enabled endpoint of its
 * workspace that listens for its type, in the transaction that moves the consumer's cursor: an
 * event is delivered once per endpoint, neither lost nor doubled, however many workers read.
 * An endpoint receives what happened after it was made (an event read late, after the endpoint
 * appeared, is not sent to it: its own `webhook.created` neither), and nothing once it is turned off.
 */
export const webhookConsumer = defineConsumer({
  name: 'webhooks',
  batch: 200,
  // Most workspaces have no endpoint: without any, events are passed over unread (an import's thousands too).
  needed: sql`exists (select 1 from webhook_endpoints where enabled)`,
  async handle(tx, events) {
    const workspaceIds = [...new Set(events.map((e) => e.workspaceId))];
    // One query for the batch's workspaces: on Citus it goes to their shards, on one server it is one index scan.
    const endpoints = await tx
      .select({
        workspaceId: webhookEndpoints.workspaceId,
        id: webhookEndpoints.id,
        eventTypes: webhookEndpoints.eventTypes,
        filter: webhookEndpoints.filter,
        createdBy: webhookEndpoints.createdBy,
        createdAt: webhookEndpoints.createdAt,
      })
      .from(webhookEndpoints)
      .where(and(inArray(webhookEndpoints.workspaceId, workspaceIds), eq(webhookEndpoints.enabled, true)));
    if (!endpoints.length) return;
    const rows: (typeof webhookDeliveries.$inferInsert)[] = [];
    const conditions = new EventConditions(tx);
    for (const e of events) {
      let body: string | null = null;
      const at = new Date(e.at);
      for (const ep of endpoints) {
        if (ep.workspaceId !== e.workspaceId || at <= ep.createdAt || !matchesEventType(ep.eventTypes, e.type)) continue;
        if (ep.filter && !(await conditions.matches(e, ep.filter, ep.createdBy))) continue;
        body ??= webhookBody(e);
        rows.push({ workspaceId: e.workspaceId, id: uuidv7(), endpointId: ep.id, eventId: e.id, eventType: e.type, body });
      }
    }
    if (!rows.length) return;
    const made = await tx
      .insert(webhookDeliveries)
      .values(rows)
      .onConflictDoNothing()
      .returning({ workspaceId: webhookDeliveries.workspaceId, id: webhookDeliveries.id });
    for (const d of made) await enqueueDelivery(tx, d.workspaceId, d.id, false);
  },
});
