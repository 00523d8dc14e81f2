import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, type Session, signUp, testApp } from '../../test/harness.ts';
import { createOk } from '../../test/samples.ts';
import { startReceiver, until } from './webhooks.fixture.ts';

// Endpoints that want only some events: one object's, and of those only the records that meet
// conditions in the filter language of views (checked when saved, evaluated as events come).

let receiver: Awaited<ReturnType<typeof startReceiver>>;

beforeAll(async () => {
  await testApp();
  receiver = await startReceiver();
});
afterAll(() => receiver.close());

const received = (s: Session) =>
  receiver.received
    .filter((r) => r.body.includes(s.workspaceId))
    .map((r) => JSON.parse(r.body) as { type: string; recordId: string; data: { after?: { name?: string } } });

async function stageId(s: Session) {
  return (await api(s).get('/pipelines')).json().data[0].stages[0].id as string;
}

describe('webhook filters', () => {
  it('delivers only events about the object whose record meets the conditions, the record after the change', async () => {
    const s = await signUp();
    const res = await api(s).post('/webhooks', {
      url: receiver.url,
      eventTypes: ['*'],
      filter: { object: 'deal', conditions: { field: 'amountMinor', op: 'gt', value: 1_000_000 } },
    });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json().filter).toEqual({ object: 'deal', conditions: { field: 'amountMinor', op: 'gt', value: 1_000_000 } });
    const stage = await stageId(s);
    await createOk(s, '/contacts', { lastName: 'Not a deal' });
    const small = await createOk(s, '/deals', { name: 'Small', amountMinor: 50_000, stageId: stage });
    const big = await createOk(s, '/deals', { name: 'Big', amountMinor: 2_500_000, stageId: stage });
    // The small deal grows past the line: its update is sent, its creation was not.
    const grown = await api(s).patch(`/deals/${small.id}`, { amountMinor: 1_500_000, version: small.version });
    expect(grown.statusCode, grown.body).toBe(200);
    const got = await until(async () => received(s).length >= 2 && received(s), 'two deliveries');
    // A marker event after them: once it is in, nothing else was on its way.
    await createOk(s, '/deals', { name: 'Marker', amountMinor: 9_000_000, stageId: stage });
    const all = await until(async () => received(s).some((r) => r.data.after?.name === 'Marker') && received(s), 'the marker');
    expect(all.map((r) => `${r.type} ${r.data.after?.name}`).sort()).toEqual([
      'deal.created Big',
      'deal.created Marker',
      'deal.updated Small',
    ]);
    expect(got.map((r) => r.recordId)).toContain(big.id);
  });

  it('filters events of a custom object on its custom fields', async () => {
    const s = await signUp();
    await createOk(s, '/objects', { key: 'project', label: 'Project', labelPlural: 'Projects' });
    await createOk(s, '/fields', { objectType: 'project', key: 'phase', label: 'Phase', type: 'select', options: ['plan', 'build'] });
    const res = await api(s).post('/webhooks', {
      url: receiver.url,
      eventTypes: ['custom_record.created'],
      filter: { object: 'project', conditions: { field: 'custom.phase', op: 'eq', value: 'build' } },
    });
    expect(res.statusCode, res.body).toBe(201);
    await createOk(s, '/objects/project/records', { name: 'Planning', custom: { phase: 'plan' } });
    await createOk(s, '/objects/project/records', { name: 'Building', custom: { phase: 'build' } });
    const got = await until(async () => received(s).length >= 1 && received(s), 'the delivery');
    await createOk(s, '/objects/project/records', { name: 'Building too', custom: { phase: 'build' } });
    const all = await until(async () => received(s).length >= 2 && received(s), 'the second');
    expect(all.map((r) => r.data.after?.name)).toEqual(['Building', 'Building too']);
    expect(got).toHaveLength(1);
  });

  it('refuses a filter on an unknown object or field, with a wrong value, or about events the endpoint does not take', async () => {
    const s = await signUp();
    const save = (eventTypes: string[], filter: unknown) => api(s).post('/webhooks', { url: receiver.url, eventTypes, filter });
    const unknownObject = await save(['*'], { object: 'spaceship' });
    expect(unknownObject.statusCode).toBe(422);
    expect(unknownObject.json().errors[0]).toMatchObject({ field: 'body.filter.object', code: 'unknown_object' });
    const unknownField = await save(['deal.*'], { object: 'deal', conditions: { field: 'shoeSize', op: 'eq', value: 1 } });
    expect(unknownField.json().errors[0]).toMatchObject({ code: 'unknown_field' });
    expect(unknownField.json().errors[0].field).toMatch(/^body\.filter\.conditions/);
    const badValue = await save(['deal.*'], { object: 'deal', conditions: { field: 'amountMinor', op: 'gt', value: 'lots' } });
    expect(badValue.statusCode).toBe(422);
    expect(badValue.json().errors[0].field).toMatch(/^body\.filter\.conditions/);
    const never = await save(['contact.created'], { object: 'deal' });
    expect(never.json().errors[0]).toMatchObject({ field: 'body.filter.object', code: 'filter_never_matches' });
    const extra = await save(['deal.*'], { object: 'deal', where: {} });
    expect(extra.statusCode).toBe(400);

    // Changing the event types re-checks the filter kept; null removes it.
    const ok = await save(['deal.*'], { object: 'deal' });
    expect(ok.statusCode, ok.body).toBe(201);
    const moved = await api(s).patch(`/webhooks/${ok.json().id}`, { eventTypes: ['contact.*'], version: 1 });
    expect(moved.json().errors[0]).toMatchObject({ code: 'filter_never_matches' });
    const cleared = await api(s).patch(`/webhooks/${ok.json().id}`, { eventTypes: ['contact.*'], filter: null, version: 1 });
    expect(cleared.statusCode, cleared.body).toBe(200);
    expect(cleared.json().filter).toBeNull();
  });
});
