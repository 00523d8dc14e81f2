import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, type Session, signUp, testApp, testDatabase } from '../../test/harness.ts';
import { DISABLE_AFTER, shouldDisable } from './delivery.ts';
import { startReceiver, until, verify } from './webhooks.fixture.ts';

// Deliveries end to end: a change in the app → its event in the outbox → the webhooks consumer →
// a delivery job → a signed POST to a receiver on loopback (allowed by the test harness, as an
// operator would with RAPPORT_OUTBOUND_ALLOW). Time is moved by rewriting when a job or a failure
// run began, never by sleeping through a backoff.

let receiver: Awaited<ReturnType<typeof startReceiver>>;

beforeAll(async () => {
  await testApp();
  receiver = await startReceiver();
});
afterAll(() => receiver.close());

async function endpoint(s: Session, body: Record<string, unknown> = {}) {
  const res = await api(s).post('/webhooks', { url: receiver.url, eventTypes: ['contact.*'], ...body });
  expect(res.statusCode, res.body).toBe(201);
  return res.json() as { id: string; secret: string; version: number };
}

/** The requests the receiver got for this workspace's events. */
const receivedFor = (s: Session) => receiver.received.filter((r) => r.body.includes(s.workspaceId));

async function deliveries(s: Session, webhookId: string) {
  return (await api(s).get(`/webhooks/${webhookId}/deliveries`)).json().data as {
    id: string;
    status: string;
    attempts: number;
    eventType: string;
    eventId: string;
    lastStatusCode: number | null;
  }[];
}

const detail = async (s: Session, webhookId: string, deliveryId: string) =>
  (await api(s).get(`/webhooks/${webhookId}/deliveries/${deliveryId}`)).json();

/** The job of a delivery waiting for its next try is made due now: the backoff has "passed". */
async function skipBackoff(deliveryId: string) {
  const db = await testDatabase();
  // The time from here, not now(): Citus refuses a stable function in RETURNING (jobs is a reference table).
  await db.query(`update jobs set run_at = $2::timestamptz where singleton_key = $1 and status = 'queued'`, [
    `delivery:${deliveryId}`,
    new Date().toISOString(),
  ]);
}

async function waitingFor(deliveryId: string) {
  const db = await testDatabase();
  const rows = await db.query<{ wait_s: number }>(
    `select extract(epoch from (run_at - now()))::float as wait_s from jobs where singleton_key = $1 and status = 'queued'`,
    [`delivery:${deliveryId}`],
  );
  return rows[0]?.wait_s ?? null;
}

describe('webhook delivery', () => {
  it('POSTs a created contact to the endpoint, signed so that the reference standardwebhooks library verifies it', async () => {
    const s = await signUp();
    const hook = await endpoint(s);
    const contact = (await api(s).post('/contacts', { firstName: 'Grace', lastName: 'Hopper' })).json();
    const [got] = await until(async () => receivedFor(s).length > 0 && receivedFor(s), 'the delivery');
    const payload = verify(hook.secret, got);
    expect(payload).toMatchObject({
      type: 'contact.created',
      workspaceId: s.workspaceId,
      recordType: 'contact',
      recordId: contact.id,
      actorId: s.memberId,
      data: { after: { id: contact.id, firstName: 'Grace', lastName: 'Hopper' } },
    });
    expect(got.headers['webhook-id']).toBe(payload.id);
    expect(got.headers['content-type']).toBe('application/json');
    expect(Math.abs(Number(got.headers['webhook-timestamp']) - Date.now() / 1000)).toBeLessThan(30);
    // Another secret does not verify it: the signature is the endpoint's own.
    const other = await endpoint(s, { eventTypes: ['deal.*'] });
    expect(() => verify(other.secret, got)).toThrow();

    const [d] = await until(async () => {
      const list = await deliveries(s, hook.id);
      return list[0]?.status === 'succeeded' && list;
    }, 'the delivery to be logged');
    expect(d).toMatchObject({ eventType: 'contact.created', eventId: payload.id, attempts: 1, lastStatusCode: 200 });
    const log = await detail(s, hook.id, d.id);
    expect(log.body).toBe(got.body);
    expect(log.attemptLog).toEqual([
      expect.objectContaining({ attempt: 1, ok: true, statusCode: 200, responseBody: 'thanks', error: null, replay: false }),
    ]);
    expect(log.attemptLog[0].durationMs).toBeGreaterThanOrEqual(0);
  });

  it('sends only the event types asked for, only to enabled endpoints, only of its own workspace', async () => {
    const s = await signUp();
    const stranger = await signUp();
    const contacts = await endpoint(s, { eventTypes: ['contact.updated'] });
    const off = await endpoint(s, { eventTypes: ['*'], enabled: false });
    const everything = await endpoint(stranger, { eventTypes: ['*'] });
    const c = (await api(s).post('/contacts', { lastName: 'Filter' })).json();
    await api(s).patch(`/contacts/${c.id}`, { version: c.version, title: 'CTO' });
    await api(s).post('/companies', { name: 'Not a contact' });
    const [d] = await until(async () => {
      const done = (await deliveries(s, contacts.id)).filter((x) => x.status === 'succeeded');
      return done.length > 0 && done;
    }, 'the update');
    expect(d.eventType).toBe('contact.updated');
    expect(verify(contacts.secret, receivedFor(s)[0])).toMatchObject({
      type: 'contact.updated',
      data: { changes: [{ field: 'title', old: null, new: 'CTO' }] },
    });
    // Give the consumer time to (wrongly) deliver the rest; then nothing else must have come.
    await new Promise((r) => setTimeout(r, 1_500));
    expect(await deliveries(s, contacts.id)).toHaveLength(1);
    expect(await deliveries(s, off.id)).toHaveLength(0);
    expect(await deliveries(stranger, everything.id)).toHaveLength(0);
    expect(receivedFor(s)).toHaveLength(1);
  });

  it('retries a 500 and a time-out with backoff, then succeeds; the log shows every attempt', async () => {
    const s = await signUp();
    const hook = await endpoint(s);
    receiver.script(s.workspaceId, { status: 500, body: 'database down' }, 'hang');
    await api(s).post('/contacts', { lastName: 'Retry' });
    const [d] = await until(async () => {
      const list = await deliveries(s, hook.id);
      return list[0]?.attempts === 1 && list;
    }, 'the first attempt');
    expect(d).toMatchObject({ status: 'pending', lastStatusCode: 500 });
    // The next try waits: 30 s doubled per try, with jitter between half and all of it.
    const wait = await until(() => waitingFor(d.id), 'the retry to be queued');
    expect(wait).toBeGreaterThan(10);
    expect(wait).toBeLessThanOrEqual(30);
    await skipBackoff(d.id);
    await until(async () => (await deliveries(s, hook.id))[0].attempts === 2, 'the second attempt (a time-out)', 20_000);
    const wait2 = await until(() => waitingFor(d.id), 'the third try to be queued');
    expect(wait2).toBeGreaterThan(25);
    expect(wait2).toBeLessThanOrEqual(60);
    await skipBackoff(d.id);
    await until(async () => (await deliveries(s, hook.id))[0].status === 'succeeded', 'the third attempt');

    const log = await detail(s, hook.id, d.id);
    expect(log.attemptLog.map((a: { statusCode: number | null; ok: boolean }) => [a.statusCode, a.ok])).toEqual([
      [500, false],
      [null, false],
      [200, true],
    ]);
    expect(log.attemptLog[0]).toMatchObject({ responseBody: 'database down', error: 'Answered 500; only a 2xx status counts as received' });
    expect(log.attemptLog[1].error).toBe('No complete answer within 3 s');
    expect(log.attemptLog[1].durationMs).toBeGreaterThanOrEqual(2_900);
    // Each try is signed afresh, under the same message id (receivers deduplicate by it).
    const tries = receivedFor(s);
    expect(tries).toHaveLength(3);
    for (const t of tries) verify(hook.secret, t);
    expect(new Set(tries.map((t) => t.headers['webhook-id'])).size).toBe(1);
    // The endpoint's run of failures ended with the success.
    expect((await api(s).get(`/webhooks/${hook.id}`)).json()).toMatchObject({ consecutiveFailures: 0, failingSince: null, enabled: true });
  });

  it('signs with the old secret too for a day after a rotation, then with the new one only', async () => {
    const s = await signUp();
    const hook = await endpoint(s);
    const rotated = (await api(s).post(`/webhooks/${hook.id}/rotate-secret`)).json();
    expect(rotated.secret).toMatch(/^whsec_/);
    expect(rotated.secret).not.toBe(hook.secret);
    await api(s).post('/contacts', { lastName: 'Rotated' });
    const [first] = await until(async () => receivedFor(s).length === 1 && receivedFor(s), 'the delivery');
    expect(first.headers['webhook-signature'].split(' ')).toHaveLength(2);
    // A receiver still on the old secret verifies, and so does one that switched.
    verify(hook.secret, first);
    verify(rotated.secret, first);

    const db = await testDatabase();
    await db.query(`update webhook_endpoints set previous_secret_expires_at = now() - interval '1 minute' where workspace_id = $1`, [
      s.workspaceId,
    ]);
    await api(s).post('/contacts', { lastName: 'After the overlap' });
    const [, second] = await until(async () => receivedFor(s).length === 2 && receivedFor(s), 'the second delivery');
    expect(second.headers['webhook-signature'].split(' ')).toHaveLength(1);
    verify(rotated.secret, second);
    expect(() => verify(hook.secret, second)).toThrow();
  });

  it('turns an endpoint off after failing for long enough, tells admins, and stops delivering to it', async () => {
    const s = await signUp();
    const hook = await endpoint(s);
    const db = await testDatabase();
    // As if it had failed one try short of the limit, for longer than the period.
    await db.query(
      `update webhook_endpoints set consecutive_failures = $2, failing_since = now() - interval '3 days' where workspace_id = $1`,
      [s.workspaceId, DISABLE_AFTER.failures - 1],
    );
    receiver.script(s.workspaceId, { status: 503 });
    await api(s).post('/contacts', { lastName: 'Last straw' });
    const off = await until(async () => {
      const w = (await api(s).get(`/webhooks/${hook.id}`)).json();
      return !w.enabled && w;
    }, 'the endpoint to be turned off');
    expect(off.disabledReason).toMatch(
      new RegExp(`^Turned off after ${DISABLE_AFTER.failures} failed attempts in a row since .+; the last: Answered 503`),
    );
    expect(off.disabledAt).not.toBeNull();
    const [d] = await deliveries(s, hook.id);
    expect(d.status).toBe('failed');

    // The notice: the webhook.disabled event, caused by the event whose delivery failed last, and a history row.
    const [event] = await db.query<{ payload: { reason: string; failures: number }; causes: string[] }>(
      `select payload, causes from domain_events where workspace_id = $1 and type = 'webhook.disabled'`,
      [s.workspaceId],
    );
    expect(event.payload).toMatchObject({ reason: off.disabledReason, failures: DISABLE_AFTER.failures });
    expect(event.causes).toEqual([d.eventId]);
    const history = await db.query<{ field: string; actor_type: string }>(
      `select field, actor_type from record_history where workspace_id = $1 and record_id = $2 and field = 'enabled'`,
      [s.workspaceId, hook.id],
    );
    expect(history).toEqual([{ field: 'enabled', actor_type: 'system' }]);

    // Off means off: the next change is not delivered, and the receiver sees nothing more.
    const before = receivedFor(s).length;
    await api(s).post('/contacts', { lastName: 'Unheard' });
    await new Promise((r) => setTimeout(r, 1_500));
    expect(await deliveries(s, hook.id)).toHaveLength(1);
    expect(receivedFor(s)).toHaveLength(before);

    // An admin turns it back on: the failures are forgotten and deliveries resume.
    const on = (await api(s).patch(`/webhooks/${hook.id}`, { enabled: true, version: off.version })).json();
    expect(on).toMatchObject({ enabled: true, disabledReason: null, consecutiveFailures: 0, failingSince: null });
    await api(s).post('/contacts', { lastName: 'Heard again' });
    await until(async () => (await deliveries(s, hook.id)).some((x) => x.status === 'succeeded'), 'a delivery after turning it on');
  });

  it('does not turn off an endpoint that has failed often but only briefly', async () => {
    const s = await signUp();
    const hook = await endpoint(s);
    const db = await testDatabase();
    await db.query(
      `update webhook_endpoints set consecutive_failures = $2, failing_since = now() - interval '1 hour' where workspace_id = $1`,
      [s.workspaceId, DISABLE_AFTER.failures + 5],
    );
    receiver.script(s.workspaceId, { status: 500 });
    await api(s).post('/contacts', { lastName: 'Brief outage' });
    await until(async () => (await deliveries(s, hook.id))[0]?.attempts === 1, 'the failed attempt');
    const w = (await api(s).get(`/webhooks/${hook.id}`)).json();
    expect(w).toMatchObject({ enabled: true, consecutiveFailures: DISABLE_AFTER.failures + 6 });
  });

  it('replays a failed delivery on request, logged as a replay', async () => {
    const s = await signUp();
    const hook = await endpoint(s);
    const db = await testDatabase();
    receiver.script(s.workspaceId, { status: 500 });
    await api(s).post('/contacts', { lastName: 'Replayed' });
    const [d] = await until(async () => {
      const list = await deliveries(s, hook.id);
      return list[0]?.attempts === 1 && list;
    }, 'the failed attempt');
    // Its tries used up (as if all fourteen had failed): the delivery is failed and its job dead.
    await until(() => waitingFor(d.id), 'the retry to be queued');
    await db.query(`update jobs set status = 'dead', finished_at = now() where singleton_key = $1 and status = 'queued'`, [
      `delivery:${d.id}`,
    ]);
    await db.query(`update webhook_deliveries set status = 'failed' where workspace_id = $1 and id = $2`, [s.workspaceId, d.id]);

    const res = await api(s).post(`/webhooks/${hook.id}/deliveries/${d.id}/replay`);
    expect(res.statusCode, res.body).toBe(202);
    expect(res.json().status).toBe('pending');
    await until(async () => (await deliveries(s, hook.id))[0].status === 'succeeded', 'the replay');
    const log = await detail(s, hook.id, d.id);
    expect(log.attemptLog.map((a: { attempt: number; replay: boolean; ok: boolean }) => [a.attempt, a.replay, a.ok])).toEqual([
      [1, false, false],
      [2, true, true],
    ]);
    const tries = receivedFor(s);
    expect(tries).toHaveLength(2);
    expect(tries[1].body).toBe(tries[0].body);
    verify(hook.secret, tries[1]);
  });

  it('does not follow a redirect, and logs why', async () => {
    const s = await signUp();
    const hook = await endpoint(s);
    const target = await startReceiver();
    receiver.script(s.workspaceId, { redirect: `http://localhost:${target.port}/internal` });
    await api(s).post('/contacts', { lastName: 'Redirected' });
    const [d] = await until(async () => {
      const list = await deliveries(s, hook.id);
      return list[0]?.attempts === 1 && list;
    }, 'the attempt');
    const log = await detail(s, hook.id, d.id);
    expect(log.attemptLog[0]).toMatchObject({
      ok: false,
      statusCode: 302,
      error: `Answered 302, a redirect to http://localhost:${target.port}/internal: redirects are not followed, give the final URL`,
    });
    expect(target.received).toEqual([]);
    await target.close();
  });

  it('refuses, at delivery, an address the operator did not allow, and logs why', async () => {
    const s = await signUp();
    const hook = await endpoint(s);
    const db = await testDatabase();
    // Written past the form's own check, as if the rules had changed since it was saved.
    await db.query(`update webhook_endpoints set url = 'http://[::ffff:10.0.0.5]:8080/in' where workspace_id = $1`, [s.workspaceId]);
    await api(s).post('/contacts', { lastName: 'Private' });
    const [d] = await until(async () => {
      const list = await deliveries(s, hook.id);
      return list[0]?.attempts === 1 && list;
    }, 'the attempt');
    expect((await detail(s, hook.id, d.id)).attemptLog[0]).toMatchObject({
      ok: false,
      statusCode: null,
      error: '::ffff:a00:5 is a private address: outbound requests may not reach it (an operator can allow it with RAPPORT_OUTBOUND_ALLOW)',
    });
  });
});

describe('the disable rule', () => {
  const now = new Date('2026-03-10T12:00:00Z');
  const ago = (ms: number) => new Date(now.getTime() - ms);
  it('needs both enough failures in a row and a long enough run of them', () => {
    expect(shouldDisable(DISABLE_AFTER.failures, ago(DISABLE_AFTER.periodMs), now)).toBe(true);
    expect(shouldDisable(DISABLE_AFTER.failures - 1, ago(DISABLE_AFTER.periodMs * 10), now)).toBe(false);
    expect(shouldDisable(DISABLE_AFTER.failures * 10, ago(DISABLE_AFTER.periodMs - 1), now)).toBe(false);
    expect(shouldDisable(DISABLE_AFTER.failures, null, now)).toBe(false);
  });
});
