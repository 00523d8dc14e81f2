import { describe, expect, it } from 'vitest';
import { api, signUp, testDatabase } from '../../test/harness.ts';
import { drain } from '../../test/outbox.ts';
import { consumeEvents, type OutboxEvent } from './outbox.ts';

let n = 0;
const consumerName = () => `test.${Date.now()}.${process.pid}.${++n}`;

describe('the outbox', () => {
  it('hands a consumer each event once, from when it started, in the order written', async () => {
    const consumer = consumerName();
    const seen: OutboxEvent[] = [];
    await drain(consumer, seen); // starts the consumer: what came before is not its business
    const s = await signUp();
    const c = (await api(s).post('/companies', { name: 'Outbox Co' })).json();
    await api(s).patch(`/companies/${c.id}`, { version: c.version, name: 'Outbox Inc' });
    await drain(consumer, seen);
    await drain(consumer, seen);
    const mine = seen.filter((e) => e.workspaceId === s.workspaceId && e.recordId === c.id);
    expect(mine.map((e) => e.type)).toEqual(['company.created', 'company.updated']);
    expect(mine[1].payload).toMatchObject({ changes: [{ field: 'name', old: 'Outbox Co', new: 'Outbox Inc' }] });
    expect(new Set(seen.map((e) => e.id)).size).toBe(seen.length);
  });

  it('moves the cursor only with what the handler kept: a failed handler leaves the events for the next read', async () => {
    const consumer = consumerName();
    await drain(consumer, []);
    const s = await signUp();
    await api(s).post('/companies', { name: 'Retry Co' });
    const { db } = await testDatabase();
    await expect(
      consumeEvents(db, consumer, 50, async () => {
        throw new Error('handler broke');
      }),
    ).rejects.toThrow('handler broke');
    const seen: OutboxEvent[] = [];
    await drain(consumer, seen);
    expect(seen.filter((e) => e.workspaceId === s.workspaceId).map((e) => e.type)).toContain('company.created');
  });

  it('refuses an event type that is not in the catalog', async () => {
    const { emitEvent } = await import('./history.service.ts');
    const s = await signUp();
    const { db } = await testDatabase();
    const ctx = {
      workspaceId: s.workspaceId,
      memberId: s.memberId,
      actor: { type: 'member' as const, id: s.memberId },
      role: 'owner' as const,
      requestId: null,
    };
    await expect(emitEvent(db, ctx, 'company.exploded', 'company', s.memberId, {})).rejects.toThrow(/not in the event catalog/);
  });
});

describe('the event catalog', () => {
  it('is described in docs/events.md, every object and subject', async () => {
    const { readFileSync } = await import('node:fs');
    const { recordEventObjects, settingsEventSubjects } = await import('../../../contract/events.ts');
    const doc = readFileSync(new URL('../../../docs/events.md', import.meta.url), 'utf8');
    for (const name of [
      ...recordEventObjects,
      ...settingsEventSubjects,
      'deal.stage_changed',
      'ticket.replied',
      'ticket.note_added',
      'ticket.sla_breaching_soon',
      'ticket.sla_breached',
      'webhook.disabled',
      'email.received',
      'email.sent',
      'email.opened',
      'email.clicked',
    ])
      expect(doc).toContain(`\`${name}\``);
  });
});
