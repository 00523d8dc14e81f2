import { afterEach, describe, expect, it } from 'vitest';
import type { OutboxEvent } from '../modules/history/outbox.ts';
import { api, signUp, testDatabase } from '../test/harness.ts';
import { type ConsumerDef, EventDispatcher } from './consumers.ts';

// The dispatcher that feeds the outbox to the modules' consumers inside every worker, on whichever
// database the project runs. Several dispatchers stand for several worker processes.

const quiet = { info() {}, warn() {}, error() {} };
const running: EventDispatcher[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((d) => d.stop()));
});

let n = 0;
const consumerName = () => `dispatch.${Date.now()}.${process.pid}.${++n}`;

async function start(consumers: ConsumerDef[], pollMs = 5_000) {
  const d = new EventDispatcher(await testDatabase(), consumers, { pollMs, log: quiet });
  running.push(d);
  await d.start();
  return d;
}

async function until(done: () => boolean, ms = 15_000) {
  const deadline = Date.now() + ms;
  while (!done()) {
    if (Date.now() > deadline) throw new Error('gave up waiting');
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** A consumer that keeps the events of one workspace. */
function collector(workspaceId: () => string, into: OutboxEvent[], extra: Partial<ConsumerDef> = {}): ConsumerDef {
  return {
    name: consumerName(),
    handle: async (_tx, events) => void into.push(...events.filter((e) => e.workspaceId === workspaceId())),
    ...extra,
  };
}

describe('the event dispatcher', () => {
  it('hands a new event to a consumer as its transaction commits, without waiting for a poll', async () => {
    let ws = '';
    const seen: OutboxEvent[] = [];
    // A poll of a minute: only the commit's notification can bring the event within the wait below.
    const d = await start([collector(() => ws, seen)], 60_000);
    await d.drain();
    const s = await signUp();
    ws = s.workspaceId;
    const c = (await api(s).post('/companies', { name: 'Woken Co' })).json();
    await until(() => seen.some((e) => e.recordId === c.id), 10_000);
    expect(seen.filter((e) => e.recordId === c.id).map((e) => e.type)).toEqual(['company.created']);
  });

  it('gives each event to one of several dispatchers of the same consumer, once', async () => {
    let ws = '';
    const seen: OutboxEvent[] = [];
    const def = collector(() => ws, seen);
    await start([def], 50);
    await start([def], 50);
    await start([def], 50);
    const s = await signUp();
    ws = s.workspaceId;
    const ids: string[] = [];
    await Promise.all(
      Array.from({ length: 12 }, async (_, i) => {
        ids.push((await api(s).post('/companies', { name: `Shared ${i}` })).json().id);
      }),
    );
    await until(() => ids.every((id) => seen.some((e) => e.recordId === id)));
    await new Promise((r) => setTimeout(r, 300));
    const created = seen.filter((e) => e.type === 'company.created');
    expect(created.length).toBe(12);
    expect(new Set(created.map((e) => e.id)).size).toBe(12);
  });

  it('hands a failed batch over again later, and the other consumers go on meanwhile', async () => {
    let ws = '';
    const seen: OutboxEvent[] = [];
    const other: OutboxEvent[] = [];
    let failuresLeft = 2;
    const flaky = collector(() => ws, seen, {
      handle: async (_tx, events) => {
        if (events.some((e) => e.workspaceId === ws && e.type === 'company.created') && failuresLeft > 0) {
          failuresLeft--;
          throw new Error('receiver down');
        }
        seen.push(...events.filter((e) => e.workspaceId === ws));
      },
    });
    await start([flaky, collector(() => ws, other)], 50);
    const s = await signUp();
    ws = s.workspaceId;
    const c = (await api(s).post('/companies', { name: 'Flaky Co' })).json();
    await until(() => other.some((e) => e.recordId === c.id));
    expect(seen.filter((e) => e.type === 'company.created')).toEqual([]);
    await until(() => seen.some((e) => e.recordId === c.id));
    expect(failuresLeft).toBe(0);
    expect(seen.filter((e) => e.recordId === c.id).map((e) => e.type)).toEqual(['company.created']);
  });
});
