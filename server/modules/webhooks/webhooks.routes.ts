import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import Type from 'typebox';
import { IdParams, Page, Problem } from '../../../contract/common.ts';
import {
  DeliveryListQuery,
  DeliveryParams,
  EventTypeInfo,
  Webhook,
  WebhookCreate,
  WebhookDelivery,
  WebhookDeliveryDetail,
  WebhookUpdate,
  WebhookWithSecret,
} from '../../../contract/webhooks.ts';
import { wakeWorkers } from '../../jobs/queue.ts';
import { errorResponses, expectedVersion } from '../../records/routes.ts';
import * as webhooks from './webhooks.service.ts';

/** Webhook endpoints and their delivery logs: the workspace's admins only (a webhook sends the workspace's data out). */
export async function webhookRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const tags = ['Webhooks'];
  const config = { permission: 'admin' as const };

  app.get('/webhooks/event-types', {
    config,
    schema: {
      tags,
      summary: 'The event types an endpoint can listen for (the event catalog), besides `*` and `<object>.*`',
      response: { 200: Type.Object({ data: Type.Array(EventTypeInfo) }), ...errorResponses },
    },
    handler: async () => ({ data: webhooks.eventTypeInfo() }),
  });
  app.get('/webhooks', {
    config,
    schema: {
      tags,
      summary: 'The workspace’s webhook endpoints',
      response: { 200: Type.Object({ data: Type.Array(Webhook) }), ...errorResponses },
    },
    handler: async (req) => ({ data: await webhooks.listWebhooks(app.db, req.ctx) }),
  });
  app.post('/webhooks', {
    config,
    schema: {
      tags,
      summary: 'Add an endpoint; its signing secret is in this answer and never again',
      body: WebhookCreate,
      response: { 201: WebhookWithSecret, ...errorResponses },
    },
    handler: async (req, reply) => reply.status(201).send(await app.db.transaction((tx) => webhooks.createWebhook(tx, req.ctx, req.body))),
  });
  app.get('/webhooks/:id', {
    config,
    schema: { tags, summary: 'One endpoint', params: IdParams, response: { 200: Webhook, ...errorResponses } },
    handler: async (req) => webhooks.getWebhook(app.db, req.ctx, req.params.id),
  });
  app.patch('/webhooks/:id', {
    config,
    schema: {
      tags,
      summary: 'Change an endpoint: URL, events, description, on or off (turning it on clears its failures)',
      params: IdParams,
      body: WebhookUpdate,
      response: { 200: Webhook, 428: Problem, ...errorResponses },
    },
    handler: async (req) => {
      const version = expectedVersion(req, req.body.version, true) as number;
      return app.db.transaction((tx) => webhooks.updateWebhook(tx, req.ctx, req.params.id, version, req.body));
    },
  });
  app.delete('/webhooks/:id', {
    config,
    schema: { tags, summary: 'Delete an endpoint and its delivery log', params: IdParams, response: { 200: Webhook, ...errorResponses } },
    handler: async (req) => app.db.transaction((tx) => webhooks.deleteWebhook(tx, req.ctx, req.params.id)),
  });
  app.post('/webhooks/:id/rotate-secret', {
    config,
    schema: {
      tags,
      summary: 'A new signing secret, answered once; the old one signs beside it for 24 hours',
      params: IdParams,
      response: { 200: WebhookWithSecret, ...errorResponses },
    },
    handler: async (req) => app.db.transaction((tx) => webhooks.rotateSecret(tx, req.ctx, req.params.id)),
  });
  app.get('/webhooks/:id/deliveries', {
    config,
    schema: {
      tags,
      summary: 'An endpoint’s deliveries, newest first',
      params: IdParams,
      querystring: DeliveryListQuery,
      response: { 200: Page(WebhookDelivery), ...errorResponses },
    },
    handler: async (req) => webhooks.listDeliveries(app.db, req.ctx, req.params.id, req.query),
  });
  app.get('/webhooks/:id/deliveries/:deliveryId', {
    config,
    schema: {
      tags,
      summary: 'One delivery: the body sent and every attempt (status, the start of the answer, time taken, error)',
      params: DeliveryParams,
      response: { 200: WebhookDeliveryDetail, ...errorResponses },
    },
    handler: async (req) => webhooks.getDelivery(app.db, req.ctx, req.params.id, req.params.deliveryId),
  });
  app.post('/webhooks/:id/deliveries/:deliveryId/replay', {
    config,
    schema: {
      tags,
      summary: 'Send a delivery again now, with a fresh set of tries',
      params: DeliveryParams,
      response: { 202: WebhookDelivery, ...errorResponses },
    },
    handler: async (req, reply) => {
      const delivery = await app.db.transaction((tx) => webhooks.replayDelivery(tx, req.ctx, req.params.id, req.params.deliveryId));
      wakeWorkers();
      return reply.status(202).send(delivery);
    },
  });
}
