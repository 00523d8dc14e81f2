import { testDatabase } from '../../test/harness.ts';
import { createOk, type Samples } from '../../test/samples.ts';

// `.test` names never resolve: a sample delivery that gets sent fails at DNS, and nothing leaves the machine.
const body = () => ({ url: 'https://hooks.example.test/rapport', eventTypes: ['deal.stage_changed'], description: 'Sample' });
const endpoint = async (s: Parameters<typeof createOk>[0]) => ({ id: (await createOk(s, '/webhooks', body())).id });

/** An endpoint with one failed delivery in its log, written as the consumer and a worker would have. */
async function delivery(s: { workspaceId: string }) {
  const { id } = await endpoint(s as never);
  const { uuidv7 } = await import('uuidv7');
  const deliveryId = uuidv7();
  await (await testDatabase()).query(
    `insert into webhook_deliveries (workspace_id, id, endpoint_id, event_id, event_type, body, status, attempts, last_status_code, last_error)
     values ($1, $2, $3, $4, 'deal.stage_changed', '{}', 'failed', 1, 500, 'Answered 500')`,
    [s.workspaceId, deliveryId, id, uuidv7()],
  );
  return { id, deliveryId };
}

export const samples: Samples = {
  'GET /api/v1/webhooks/event-types': {},
  'GET /api/v1/webhooks': { setup: async (s) => ({ webhookId: (await endpoint(s)).id }) },
  'POST /api/v1/webhooks': { body, ok: 201 },
  'GET /api/v1/webhooks/:id': { setup: endpoint },
  'PATCH /api/v1/webhooks/:id': { setup: endpoint, body: () => ({ description: 'Renamed', enabled: false, version: 1 }) },
  'DELETE /api/v1/webhooks/:id': { setup: endpoint },
  'POST /api/v1/webhooks/:id/rotate-secret': { setup: endpoint, body: () => ({}) },
  'GET /api/v1/webhooks/:id/deliveries': { setup: delivery },
  'GET /api/v1/webhooks/:id/deliveries/:deliveryId': { setup: delivery },
  'POST /api/v1/webhooks/:id/deliveries/:deliveryId/replay': { setup: delivery, body: () => ({}), ok: 202 },
};
