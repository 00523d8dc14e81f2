import type { ConsumerDef } from '../jobs/consumers.ts';
import { webhookConsumer } from './webhooks/webhooks.consumers.ts';

/** Every reader of the outbox the workers run. A module that reacts to events adds its `*.consumers.ts` export here. */
export const eventConsumers: ConsumerDef[] = [webhookConsumer];
