import { consumeEvents, type OutboxEvent } from '../modules/history/outbox.ts';
import { testDatabase } from './harness.ts';

/** Reads everything there is for `consumer` now, batch by batch, into `into`. */
export async function drain(consumer: string, into: OutboxEvent[], from: 'start' | 'now' = 'now') {
  const { db } = await testDatabase();
  while ((await consumeEvents(db, consumer, 50, async (_tx, events) => void into.push(...events), from)) > 0) {}
}
