import type { ConsumerDef } from '../jobs/consumers.ts';
import { automationConsumer } from './automation/automation.consumers.ts';
import { duplicatesConsumer } from './duplicates/duplicates.consumers.ts';
import { csatConsumer } from './portal/csat.consumers.ts';
import { slaTierConsumer, ticketMailConsumer } from './tickets/tickets.consumers.ts';
import { webhookConsumer } from './webhooks/webhooks.consumers.ts';

/**
 * Every reader of the outbox the workers feed. A module that reacts to events (webhooks,
 * automation, notifications) adds its `*.consumers.ts` exports here.
 */
export const consumerDefs: ConsumerDef[] = [
  webhookConsumer,
  automationConsumer,
  duplicatesConsumer,
  ticketMailConsumer,
  csatConsumer,
  slaTierConsumer,
];
