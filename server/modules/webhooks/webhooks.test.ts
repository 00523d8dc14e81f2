import { uuidv7 } from 'uuidv7';
import { describe, expect, it } from 'vitest';
import { eventCatalog } from '../../../contract/events.ts';
import { api, signUp, testDatabase } from '../../test/harness.ts';
import { openSecret } from './secrets.ts';
import { matchesEventType } from './webhooks.service.ts';

const hook = { url: 'https://hooks.example.test/in', eventTypes: ['contact.created', 'deal.*'], description: 'CRM sync' };

describe('webhook endpoints', () => {
  it('shows the secret once, at creation, and never in a read, a list, history or an event', async () => {
    const s = await signUp();
    const res = await api(s).post('/webhooks', hook);
    expect(res.statusCode, res.body).toBe(201);
    const created = res.json();
    expect(created).toMatchObject({
      ...hook,
      enabled: true,
      version: 1,
      disabledReason: null,
      consecutiveFailures: 0,
      createdBy: s.memberId,
    });
    // whsec_ and the base64 of 32 bytes: what the Standard Webhooks libraries expect.
    expect(created.secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(Buffer.from(created.secret.slice(6), 'base64')).toHaveLength(32);

    const read = (await api(s).get(`/webhooks/${created.id}`)).json();
    const list = (await api(s).get('/webhooks')).json();
    expect(read.secret).toBeUndefined();
    expect(list.data.map((w: { id: string }) => w.id)).toEqual([created.id]);
    const rotated = (await api(s).post(`/webhooks/${created.id}/rotate-secret`)).json();
    const db = await testDatabase();
    const traces = await db.query<{ t: string }>(
      `select payload::text as t from domain_events where workspace_id = $1
       union all select coalesce(old_value::text, '') || coalesce(new_value::text, '') from record_history where workspace_id = $1`,
      [s.workspaceId],
    );
    const all = JSON.stringify([read, list, traces]);
    expect(all).not.toContain(created.secret.slice(6));
    expect(all).not.toContain(rotated.secret.slice(6));
    expect(all).not.toContain('whsec_');
  });

  it('rotates the secret: a new one answered once, the old one kept for 24 hours', async () => {
    const s = await signUp();
    const created = (await api(s).post('/webhooks', hook)).json();
    const res = await api(s).post(`/webhooks/${created.id}/rotate-secret`);
    expect(res.statusCode).toBe(200);
    const rotated = res.json();
    expect(rotated.secret).toMatch(/^whsec_/);
    expect(rotated.secret).not.toBe(created.secret);
    expect(rotated.version).toBe(2);
    const overlap = Date.parse(rotated.previousSecretExpiresAt) - Date.now();
    expect(overlap).toBeGreaterThan(23.9 * 3600_000);
    expect(overlap).toBeLessThanOrEqual(24 * 3600_000);
    const db = await testDatabase();
    const [row] = await db.query<{ secret: string; previous_secret: string }>(
      'select secret, previous_secret from webhook_endpoints where workspace_id = $1 and id = $2',
      [s.workspaceId, created.id],
    );
    // Sealed at rest (SECURITY §5): no secret in the row, each one opening to what was answered, for this endpoint only.
    expect(JSON.stringify(row)).not.toContain('whsec_');
    expect(openSecret(s.workspaceId, created.id, row.secret)).toBe(rotated.secret);
    expect(openSecret(s.workspaceId, created.id, row.previous_secret)).toBe(created.secret);
    expect(() => openSecret(s.workspaceId, uuidv7(), row.secret)).toThrow(/does not decrypt/);
  });

  it('names the field of an unknown event type, a URL it may not reach, or one with a password', async () => {
    const s = await signUp();
    const bad = await api(s).post('/webhooks', { url: hook.url, eventTypes: ['contact.created', 'contact.exploded', 'nothing.*'] });
    expect(bad.statusCode).toBe(422);
    expect(bad.headers['content-type']).toContain('application/problem+json');
    expect(bad.json().errors.map((e: { field: string; code: string }) => [e.field, e.code])).toEqual([
      ['body.eventTypes.1', 'unknown_event_type'],
      ['body.eventTypes.2', 'unknown_event_type'],
    ]);
    const metadata = await api(s).post('/webhooks', { url: 'http://169.254.169.254/latest/meta-data/', eventTypes: ['*'] });
    expect(metadata.statusCode).toBe(422);
    expect(metadata.json().errors[0]).toMatchObject({ field: 'body.url', code: 'address_not_allowed' });
    expect(metadata.json().errors[0].message).toMatch(/link-local/);
    const privateNet = await api(s).post('/webhooks', { url: 'http://[::ffff:192.168.0.1]/', eventTypes: ['*'] });
    expect(privateNet.json().errors[0]).toMatchObject({ field: 'body.url', code: 'address_not_allowed' });
    const password = await api(s).post('/webhooks', { url: 'https://me:secret@hooks.example.test/', eventTypes: ['*'] });
    expect(password.json().errors[0]).toMatchObject({ field: 'body.url', code: 'credentials_in_url' });
    const ftp = await api(s).post('/webhooks', { url: 'ftp://hooks.example.test/', eventTypes: ['*'] });
    expect(ftp.statusCode).toBe(400);
    expect(ftp.json().errors[0].field).toBe('body.url');
    const none = await api(s).post('/webhooks', { url: hook.url, eventTypes: [] });
    expect(none.statusCode).toBe(400);
    expect(none.json().errors[0].field).toBe('body.eventTypes');
    expect((await api(s).get('/webhooks')).json().data).toEqual([]);
  });

  it('changes an endpoint based on the version read, and refuses a stale one', async () => {
    const s = await signUp();
    const created = (await api(s).post('/webhooks', hook)).json();
    const changed = await api(s).patch(`/webhooks/${created.id}`, { version: 1, eventTypes: ['*', '*'], description: 'All of it' });
    expect(changed.statusCode, changed.body).toBe(200);
    expect(changed.json()).toMatchObject({ version: 2, eventTypes: ['*'], description: 'All of it' });
    const stale = await api(s).patch(`/webhooks/${created.id}`, { version: 1, description: 'Mine' });
    expect(stale.statusCode).toBe(409);
    expect(stale.json()).toMatchObject({ code: 'version_conflict', currentVersion: 2 });
    const noVersion = await api(s).patch(`/webhooks/${created.id}`, { description: 'Mine' });
    expect(noVersion.statusCode).toBe(428);
    const off = (await api(s).patch(`/webhooks/${created.id}`, { version: 2, enabled: false })).json();
    expect(off).toMatchObject({ enabled: false, disabledReason: null });
    expect(off.disabledAt).not.toBeNull();
    const db = await testDatabase();
    const history = await db.query<{ field: string; old_value: unknown; new_value: unknown }>(
      `select field, old_value, new_value from record_history where workspace_id = $1 and record_id = $2 and action = 'update' order by id`,
      [s.workspaceId, created.id],
    );
    expect(history.map((h) => h.field).sort()).toEqual(['description', 'disabledAt', 'enabled', 'eventTypes']);
  });

  it('deletes an endpoint with its delivery log', async () => {
    const s = await signUp();
    const created = (await api(s).post('/webhooks', hook)).json();
    const db = await testDatabase();
    await db.query(
      `insert into webhook_deliveries (workspace_id, id, endpoint_id, event_id, event_type, body)
       values ($1, gen_random_uuid(), $2, gen_random_uuid(), 'deal.created', '{}')`,
      [s.workspaceId, created.id],
    );
    expect((await api(s).delete(`/webhooks/${created.id}`)).statusCode).toBe(200);
    expect((await api(s).get(`/webhooks/${created.id}`)).statusCode).toBe(404);
    const [left] = await db.query<{ n: number }>('select count(*)::int as n from webhook_deliveries where workspace_id = $1', [
      s.workspaceId,
    ]);
    expect(left.n).toBe(0);
    const [event] = await db.query<{ type: string }>(
      `select type from domain_events where workspace_id = $1 and record_id = $2 order by seq desc limit 1`,
      [s.workspaceId, created.id],
    );
    expect(event.type).toBe('webhook.deleted');
  });

  it('refuses to replay into an endpoint that is turned off', async () => {
    const s = await signUp();
    const created = (await api(s).post('/webhooks', { ...hook, enabled: false })).json();
    const db = await testDatabase();
    const [d] = await db.query<{ id: string }>(
      `insert into webhook_deliveries (workspace_id, id, endpoint_id, event_id, event_type, body, status)
       values ($1, gen_random_uuid(), $2, gen_random_uuid(), 'deal.created', '{}', 'failed') returning id`,
      [s.workspaceId, created.id],
    );
    const res = await api(s).post(`/webhooks/${created.id}/deliveries/${d.id}/replay`);
    expect(res.statusCode).toBe(409);
    expect(res.json().code).toBe('webhook_disabled');
    // Another endpoint's id with this delivery: not found, as if it did not exist.
    const other = (await api(s).post('/webhooks', hook)).json();
    expect((await api(s).post(`/webhooks/${other.id}/deliveries/${d.id}/replay`)).statusCode).toBe(404);
    expect((await api(s).get(`/webhooks/${other.id}/deliveries/${d.id}`)).statusCode).toBe(404);
  });

  it('keeps delivery jobs off the jobs page (the delivery log shows them)', async () => {
    const s = await signUp();
    const db = await testDatabase();
    for (const name of ['webhooks.deliver', 'imports.contacts']) {
      await db.query(
        `insert into jobs (id, name, workspace_id, input, status, attempts, max_attempts, finished_at)
         values (gen_random_uuid(), $1, $2, '{}', 'dead', 1, 1, now())`,
        [name, s.workspaceId],
      );
    }
    const jobs = (await api(s).get('/jobs')).json().data;
    expect(jobs.map((j: { name: string }) => j.name)).toEqual(['imports.contacts']);
  });

  it('lists the event catalog for the form', async () => {
    const s = await signUp();
    const res = await api(s).get('/webhooks/event-types');
    const types = res.json().data.map((e: { type: string }) => e.type);
    expect(types).toEqual(Object.keys(eventCatalog).sort((a, b) => a.localeCompare(b)));
    expect(types).toContain('webhook.disabled');
  });
});

describe('event type patterns', () => {
  it('match every event, all of one object, or one type', () => {
    expect(matchesEventType(['*'], 'deal.stage_changed')).toBe(true);
    expect(matchesEventType(['deal.*'], 'deal.stage_changed')).toBe(true);
    expect(matchesEventType(['deal.*'], 'dealer.created')).toBe(false);
    expect(matchesEventType(['contact.created'], 'contact.created')).toBe(true);
    expect(matchesEventType(['contact.created'], 'contact.updated')).toBe(false);
    expect(matchesEventType([], 'contact.created')).toBe(false);
  });
});
