import { uuidv7 } from 'uuidv7';
import { describe, expect, it } from 'vitest';
import type { Ctx } from '../../http/context.ts';
import { type Session, signUp, testDatabase } from '../../test/harness.ts';
import { drain } from '../../test/outbox.ts';
import { emitEvent } from './history.service.ts';
import type { OutboxEvent } from './outbox.ts';

// Concurrent writers on a PostgreSQL server, where transactions overlap for real: a transaction that
// began early and commits late must not be passed over by a reader that already took later ones.

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The owner of a workspace acting, as a request of theirs would. */
const ctxOf = (s: Session): Ctx => ({
  workspaceId: s.workspaceId,
  memberId: s.memberId,
  actor: { type: 'member', id: s.memberId },
  role: 'owner',
  requestId: null,
});

describe('the outbox under concurrent writers', () => {
  it('holds back later transactions until an earlier one still running has committed', async () => {
    const { db } = await testDatabase();
    const s = await signUp();
    const ctx = ctxOf(s);
    const consumer = `late.${Date.now()}`;
    await drain(consumer, []);
    let release!: () => void;
    const held = new Promise<void>((r) => {
      release = r;
    });
    let began!: () => void;
    const started = new Promise<void>((r) => {
      began = r;
    });
    const early = db.transaction(async (tx) => {
      await emitEvent(tx, ctx, 'company.created', 'company', uuidv7(), { after: { name: 'early' } });
      began();
      await held;
    });
    await started;
    await db.transaction((tx) => emitEvent(tx, ctx, 'company.created', 'company', uuidv7(), { after: { name: 'late' } }));
    const before: OutboxEvent[] = [];
    await drain(consumer, before);
    // The later transaction has committed, but the earlier one is still running: neither is handed out yet.
    expect(before.filter((e) => e.workspaceId === s.workspaceId)).toEqual([]);
    release();
    await early;
    const after: OutboxEvent[] = [];
    await drain(consumer, after);
    expect(after.filter((e) => e.workspaceId === s.workspaceId).map((e) => (e.payload.after as { name: string }).name)).toEqual([
      'early',
      'late',
    ]);
  });

  it('hands every event of overlapping transactions exactly once to a reader running beside them', async () => {
    const { db } = await testDatabase();
    const s = await signUp();
    const ctx = ctxOf(s);
    const consumer = `stress.${Date.now()}`;
    await drain(consumer, []);
    const written: string[][] = [];
    let writing = true;
    const seen: OutboxEvent[] = [];
    const reader = (async () => {
      while (writing) {
        await drain(consumer, seen);
        await sleep(3);
      }
    })();
    // Three writers, twelve transactions each; each transaction writes one to three events and then
    // waits a random while before it commits, so that early ones often commit after later ones.
    let seed = 7;
    const rand = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    await Promise.all(
      [0, 1, 2].map(async () => {
        for (let t = 0; t < 12; t++) {
          const ids: string[] = [];
          await db.transaction(async (tx) => {
            for (let e = 0; e < 1 + Math.floor(rand() * 3); e++) {
              ids.push(await emitEvent(tx, ctx, 'company.created', 'company', uuidv7(), { after: {} }));
              await sleep(rand() * 15);
            }
          });
          written.push(ids);
        }
      }),
    );
    writing = false;
    await reader;
    // The last events are handed out once every transaction older than theirs has settled, and on a
    // shared server that includes other sessions' (another test file's, a worker's): read until they come.
    const all = written.flat();
    const mineOf = () => seen.filter((e) => e.workspaceId === s.workspaceId);
    for (const until = Date.now() + 20_000; mineOf().length < all.length && Date.now() < until; await sleep(50)) {
      await drain(consumer, seen);
    }
    const mine = mineOf();
    expect(mine.map((e) => e.id).sort()).toEqual([...all].sort());
    expect(new Set(mine.map((e) => e.id)).size).toBe(mine.length);
    // Each transaction's events come together and in the order it wrote them.
    const position = new Map(mine.map((e, i) => [e.id, i]));
    for (const ids of written) {
      const at = ids.map((id) => position.get(id) as number);
      expect(at).toEqual(at.map((_, i) => at[0] + i));
    }
  });
});
