import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import type { OutboxEvent } from '../modules/history/outbox.ts';
import { api, signUp, testDatabase } from '../test/harness.ts';
import { defineConsumer, runConsumers } from './consumers.ts';

let n = 0;
const name = () => `test.consumers.${Date.now()}.${process.pid}.${++n}`;

describe('event consumers', () => {
  it('hand each consumer its events; one that fails keeps them for next time and does not stop the others', async () => {
    const { db } = await testDatabase();
    const seen: OutboxEvent[] = [];
    let broken = true;
    const errors: unknown[] = [];
    const log = { info() {}, warn() {}, error: (o: object) => void errors.push(o) };
    const good = defineConsumer({ name: name(), handle: async (_tx, events) => void seen.push(...events) });
    const flaky = defineConsumer({
      name: name(),
      handle: async (_tx, events) => {
        if (broken) throw new Error('down');
        seen.push(...events.map((e) => ({ ...e, type: `flaky:${e.type}` })));
      },
    });
    // The first run creates the cursors: they start from now.
    await runConsumers(db, [flaky, good], log);
    const s = await signUp();
    await api(s).post('/companies', { name: 'Consumed' });
    await runConsumers(db, [flaky, good], log);
    const mine = () => seen.filter((e) => e.workspaceId === s.workspaceId).map((e) => e.type);
    expect(mine()).toContain('company.created');
    expect(mine().some((t) => t.startsWith('flaky:'))).toBe(false);
    expect(errors.length).toBeGreaterThan(0);
    broken = false;
    await runConsumers(db, [flaky, good], log);
    expect(mine()).toContain('flaky:company.created');
    // Read once each: a further run finds nothing new.
    const count = mine().length;
    await runConsumers(db, [flaky, good], log);
    expect(mine()).toHaveLength(count);
  });

  it('passes over events unread while the consumer says it needs none, and reads what comes after', async () => {
    const { db } = await testDatabase();
    const seen: OutboxEvent[] = [];
    let wanted = false;
    const log = { info() {}, warn() {}, error() {} };
    const choosy = {
      ...defineConsumer({ name: name(), handle: async (_tx, events) => void seen.push(...events) }),
      get needed() {
        return sql`${wanted}::boolean`;
      },
    };
    await runConsumers(db, [choosy], log);
    const s = await signUp();
    await api(s).post('/companies', { name: 'Unwanted' });
    await runConsumers(db, [choosy], log);
    wanted = true;
    await runConsumers(db, [choosy], log);
    const mine = () => seen.filter((e) => e.workspaceId === s.workspaceId);
    // Skipped, not just late: wanting events later does not bring these back.
    expect(mine()).toEqual([]);
    await api(s).post('/companies', { name: 'Wanted' });
    await runConsumers(db, [choosy], log);
    expect(mine().map((e) => [e.type, (e.payload.after as { name: string }).name])).toEqual([['company.created', 'Wanted']]);
  });
});
