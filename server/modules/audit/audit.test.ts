import { sql } from 'drizzle-orm';
import { uuidv7 } from 'uuidv7';
import { describe, expect, it } from 'vitest';
import { addMember, api, type Session, signUp, testApp, testDatabase } from '../../test/harness.ts';
import { createOk } from '../../test/samples.ts';
import { allowHistoryRedaction } from '../privacy/redact.ts';
import { auditPurgeJob } from './audit.jobs.ts';

const q = async <T = Record<string, unknown>>(text: string, params: unknown[] = []) => (await testDatabase()).query<T>(text, params);

async function login(email: string, password: string) {
  const a = await testApp();
  return a.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email, password } });
}

describe('audit: changes', () => {
  it('lists who changed what, newest first, filtered by member, object type, record and time, paged by cursor', async () => {
    const owner = await signUp();
    const admin = await addMember(owner, 'admin');
    const c = await createOk(owner, '/contacts', { firstName: 'Ada', lastName: 'Audit' });
    await api(admin).patch(`/contacts/${c.id}`, { title: 'CTO', version: c.version });
    await createOk(owner, '/companies', { name: 'Audited Ltd' });

    const all = (await api(owner).get('/audit/changes?objectType=contact')).json();
    expect(all.data.map((r: { action: string; field: string | null }) => [r.action, r.field])).toEqual([
      ['update', 'title'],
      ['create', null],
    ]);
    const byAdmin = (await api(owner).get(`/audit/changes?memberId=${admin.memberId}&objectType=contact`)).json();
    expect(byAdmin.data).toHaveLength(1);
    expect(byAdmin.data[0]).toMatchObject({ recordId: c.id, field: 'title', newValue: 'CTO', actorId: admin.memberId });
    const ofRecord = (await api(owner).get(`/audit/changes?recordId=${c.id}`)).json();
    expect(ofRecord.data).toHaveLength(2);

    const first = (await api(owner).get('/audit/changes?objectType=contact&limit=1')).json();
    expect(first.data[0].field).toBe('title');
    const second = (await api(owner).get(`/audit/changes?objectType=contact&limit=1&cursor=${first.nextCursor}`)).json();
    expect(second.data[0].action).toBe('create');
    expect(second.nextCursor).toBeNull();

    const future = (await api(owner).get('/audit/changes?from=2999-01-01T00:00:00Z')).json();
    expect(future.data).toEqual([]);
    const past = (await api(owner).get('/audit/changes?objectType=contact&to=2000-01-01T00:00:00Z')).json();
    expect(past.data).toEqual([]);
  });

  it('shows nothing of another workspace', async () => {
    const a = await signUp();
    const b = await signUp();
    const c = await createOk(b, '/contacts', { firstName: 'Other', lastName: 'Tenant' });
    expect((await api(a).get(`/audit/changes?recordId=${c.id}`)).json().data).toEqual([]);
  });

  it('refuses bad dates and unknown object types with a 422 naming the field', async () => {
    const owner = await signUp();
    const cases: [string, string][] = [
      ['/audit/changes?from=yesterday', 'query.from'],
      ['/audit/changes?to=2026-13-45T00:00:00Z', 'query.to'],
      ['/audit/changes?from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z', 'query.to'],
      ['/audit/changes?objectType=unicorn', 'query.objectType'],
      ['/audit/sign-ins?from=soon', 'query.from'],
      ['/audit/security-events?to=later', 'query.to'],
      ['/audit/changes/export?objectType=unicorn', 'query.objectType'],
    ];
    for (const [url, field] of cases) {
      const res = await api(owner).get(url);
      expect(res.statusCode, url).toBe(422);
      expect(res.headers['content-type']).toContain('application/problem+json');
      expect(res.json().errors[0].field, url).toBe(field);
    }
  });

  it('exports as CSV with formula injection defused', async () => {
    const owner = await signUp();
    const c = await createOk(owner, '/contacts', { firstName: 'Formula', lastName: 'Cell' });
    await api(owner).patch(`/contacts/${c.id}`, { title: '=HYPERLINK("http://evil.example")', version: c.version });
    const res = await api(owner).get('/audit/changes/export?objectType=contact');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('text/csv');
    const lines = res.body
      .replace(/^\uFEFF/, '')
      .trim()
      .split('\r\n');
    expect(lines[0]).toBe('at,actorType,actorId,recordType,recordId,action,field,oldValue,newValue,requestId');
    expect(lines).toHaveLength(3);
    expect(lines[1]).toContain(`,contact,${c.id},update,title,,"'=HYPERLINK(""http://evil.example"")",`);
    expect(lines[1]).not.toContain(',=HYPERLINK');
    // A whole record (the create) is one JSON cell.
    expect(lines[2]).toContain(`,contact,${c.id},create,,,"{`);
    const events = (await api(owner).get('/audit/security-events?kind=audit.exported')).json();
    expect(events.data[0].detail).toEqual({ log: 'changes' });
  });
});

describe('audit: sign-ins', () => {
  it('lists the members’ sign-ins, successful and failed, with IP, and exports them', async () => {
    const owner = await signUp();
    expect((await login(owner.email, 'not the password at all')).statusCode).toBe(401);
    expect((await login(owner.email, owner.password)).statusCode).toBe(200);
    const stranger = await signUp();

    const all = (await api(owner).get('/audit/sign-ins')).json();
    expect(all.data.map((r: { method: string; result: string }) => [r.method, r.result])).toEqual([
      ['password', 'success'],
      ['password', 'wrong_password'],
      ['signup', 'success'],
    ]);
    expect(all.data.every((r: { memberId: string; ip: string }) => r.memberId === owner.memberId && r.ip)).toBe(true);
    expect(all.data.some((r: { email: string }) => r.email === stranger.email)).toBe(false);

    const failed = (await api(owner).get('/audit/sign-ins?outcome=failure')).json();
    expect(failed.data.map((r: { result: string; success: boolean }) => [r.result, r.success])).toEqual([['wrong_password', false]]);

    const csv = await api(owner).get('/audit/sign-ins/export?outcome=success');
    const lines = csv.body
      .replace(/^\uFEFF/, '')
      .trim()
      .split('\r\n');
    expect(lines[0]).toBe('at,email,memberId,method,result,ip,userAgent');
    expect(lines).toHaveLength(3);
  });
});

describe('audit: security events', () => {
  it('logs role and key changes, exports, merges, permission denials and settings changes', async () => {
    const owner = await signUp();
    const member = await addMember(owner, 'member');
    await api(owner).patch(`/members/${member.memberId}`, { role: 'read-only' });
    // A new name is no security matter: it stays in the history only.
    await api(owner).patch('/me', { name: 'Olive Renamed' });
    const key = await api(owner).post('/api-keys', { name: 'Zapier', role: 'member' });
    expect(key.statusCode).toBe(201);
    expect((await api(owner).get('/contacts/export')).statusCode).toBe(200);
    const a = await createOk(owner, '/contacts', { firstName: 'Dup', lastName: 'One', emails: [{ value: 'dup@example.test' }] });
    const b = await createOk(owner, '/contacts', { firstName: 'Dup', lastName: 'Two', emails: [{ value: 'dup2@example.test' }] });
    expect((await api(owner).post('/contacts/merge', { survivorId: a.id, mergedIds: [b.id] })).statusCode).toBe(200);
    expect((await api(owner).put('/audit/settings', { retentionDays: 90 })).json()).toEqual({ retentionDays: 90 });

    const denied = await addMember(owner, 'member', 'Nosy Member');
    expect((await api(denied).get('/audit/changes')).statusCode).toBe(403);

    const res = (await api(owner).get('/audit/security-events')).json();
    const kinds = res.data.map((e: { kind: string }) => e.kind);
    expect(kinds).toEqual(
      expect.arrayContaining([
        'member.updated',
        'api_key.created',
        'records.exported',
        'records.merged',
        'audit.retention_changed',
        'permission.denied',
        'invitation.created',
      ]),
    );
    const roleChange = res.data.find((e: { kind: string }) => e.kind === 'member.updated');
    expect(roleChange).toMatchObject({ subjectId: member.memberId, actorId: owner.memberId });
    expect(JSON.stringify(roleChange.detail)).toContain('read-only');
    expect(res.data.filter((e: { kind: string }) => e.kind === 'member.updated')).toHaveLength(1);
    const denial = res.data.find((e: { kind: string }) => e.kind === 'permission.denied');
    expect(denial).toMatchObject({ actorId: denied.memberId, detail: { method: 'GET', route: '/api/v1/audit/changes' } });
    expect(denial.ip).toBeTruthy();

    const byKind = (await api(owner).get('/audit/security-events?kind=records.exported')).json();
    expect(byKind.data).toHaveLength(1);
    expect(byKind.data[0]).toMatchObject({ subjectType: 'contacts', detail: { format: 'csv', filtered: false } });
    const byMember = (await api(owner).get(`/audit/security-events?memberId=${denied.memberId}`)).json();
    expect(byMember.data.map((e: { kind: string }) => e.kind)).toEqual(['permission.denied']);
  });

  it('logs refusals decided by a service or by an API key’s scope and IP list, naming the key, once each', async () => {
    const owner = await signUp();
    const member = await addMember(owner, 'member', 'Meddler');
    // A service's own rule: a shared view only its owner or an admin may change.
    const view = await createOk(owner, '/views', { objectType: 'company', name: 'Big ones', visibility: 'shared' });
    const refused = await api(member).patch(`/views/${view.id}`, { name: 'Mine now', version: view.version });
    expect(refused.statusCode).toBe(403);
    // An API key used outside its scope, then from an address its allow-list does not hold.
    const scoped = (await api(owner).post('/api-keys', { name: 'Deals only', role: 'member', scopes: ['deals:read'] })).json();
    expect((await api(null).get('/contacts', { authorization: `Bearer ${scoped.key}` })).statusCode).toBe(403);
    const fenced = (await api(owner).post('/api-keys', { name: 'Office only', role: 'member', allowedIps: ['203.0.113.0/24'] })).json();
    expect((await api(null).get('/contacts', { authorization: `Bearer ${fenced.key}` })).statusCode).toBe(403);
    // Refusals that are not a member's or key's (no one signed in) are not security events of the workspace.
    expect((await api(null).get('/contacts')).statusCode).toBe(401);

    const denials = (await api(owner).get('/audit/security-events?kind=permission.denied')).json().data;
    expect(denials).toHaveLength(3);
    const byCode = Object.fromEntries(denials.map((e: { detail: { code: string } }) => [e.detail.code, e]));
    expect(byCode.forbidden).toMatchObject({
      actorType: 'member',
      actorId: member.memberId,
      detail: { method: 'PATCH', route: '/api/v1/views/:id', role: 'member' },
    });
    expect(byCode.forbidden.detail.reason).toContain('owner of this view');
    expect(byCode.missing_scope).toMatchObject({
      actorType: 'api_key',
      actorId: scoped.id,
      detail: { route: '/api/v1/contacts', missingScope: 'contacts:read' },
    });
    expect(byCode.ip_not_allowed).toMatchObject({ actorType: 'api_key', actorId: fenced.id });
    // The view is unchanged: the refusal wrote nothing but its log line.
    expect((await api(owner).get(`/views/${view.id}`)).json()).toMatchObject({ name: 'Big ones', version: view.version });
  });

  it('logs imports, personal-data exports and erasures by id, with nothing of the person', async () => {
    const owner = await signUp();
    const imported = await api(owner).post('/imports/contacts', 'First name,Last name\r\nImre,Importer\r\n', {
      'content-type': 'text/csv',
    });
    expect(imported.statusCode).toBe(201);
    const c = await createOk(owner, '/contacts', { firstName: 'Erasmus', lastName: 'Gone' });
    expect((await api(owner).get(`/contacts/${c.id}/personal-data`)).statusCode).toBe(200);
    expect((await api(owner).post(`/contacts/${c.id}/erasure`, { confirm: 'Erasmus Gone', reason: 'Asked' })).statusCode).toBe(200);
    const res = (await api(owner).get('/audit/security-events')).json();
    const of = (kind: string) => res.data.filter((e: { kind: string }) => e.kind === kind);
    expect(of('records.imported')).toEqual([
      expect.objectContaining({ subjectType: 'contact', subjectId: imported.json().importId, detail: { totalRows: 1, dedupe: 'skip' } }),
    ]);
    expect(of('contact.data_exported')).toEqual([expect.objectContaining({ subjectId: c.id })]);
    expect(of('contact.erased')).toEqual([expect.objectContaining({ subjectId: c.id })]);
    expect(JSON.stringify(res.data)).not.toContain('Erasmus');
  });

  it('refuses a retention that is not a positive number of days, naming the field', async () => {
    const owner = await signUp();
    for (const retentionDays of [-5, 0, 1_000_000]) {
      const res = await api(owner).put('/audit/settings', { retentionDays });
      expect(res.statusCode, String(retentionDays)).toBe(422);
      expect(res.json().errors[0].field).toBe('body.retentionDays');
    }
    expect((await api(owner).get('/audit/settings')).json()).toEqual({ retentionDays: null });
    expect((await api(owner).put('/audit/settings', { retentionDays: null })).statusCode).toBe(200);
  });
});

describe('audit: retention purge', () => {
  async function plantEvent(s: Session, daysAgo: number) {
    const id = uuidv7();
    await q(
      `insert into security_events (workspace_id, id, kind, actor_type, actor_id, member_id, at)
       values ($1, $2, 'records.exported', 'member', $3, $3, now() - make_interval(days => $4::int))`,
      [s.workspaceId, id, s.memberId, daysAgo],
    );
    return id;
  }
  async function plantSignIn(s: Session, daysAgo: number) {
    const id = uuidv7();
    const [m] = await q<{ identity_id: string }>('select identity_id from members where workspace_id = $1 and id = $2', [
      s.workspaceId,
      s.memberId,
    ]);
    await q(
      `insert into login_events (id, identity_id, email, ip, method, result, created_at)
       values ($1, $2, $3, '203.0.113.9', 'password', 'success', now() - make_interval(days => $4::int))`,
      [id, m.identity_id, s.email, daysAgo],
    );
    return id;
  }
  const exists = async (table: string, id: string) => (await q(`select 1 from ${table} where id = $1`, [id])).length === 1;
  const eventExists = async (s: Session, id: string) =>
    (await q('select 1 from security_events where workspace_id = $1 and id = $2', [s.workspaceId, id])).length === 1;

  it('removes exactly the rows older than the workspace’s retention, of that workspace only; history stays', async () => {
    const a = await signUp();
    const b = await signUp();
    await api(a).put('/audit/settings', { retentionDays: 30 });
    const c = await createOk(a, '/contacts', { firstName: 'Kept', lastName: 'History' });
    // A change made long before the retention period (history is append-only: backdated through the guarded path).
    await (await testDatabase()).db.transaction(async (tx) => {
      await allowHistoryRedaction(tx);
      await tx.execute(
        sql`update record_history set at = ${new Date(Date.now() - 400 * 86_400_000).toISOString()}::timestamptz
          where workspace_id = ${a.workspaceId} and record_id = ${c.id}`,
      );
    });
    const aOld = await plantEvent(a, 40);
    const aNew = await plantEvent(a, 10);
    const bOld = await plantEvent(b, 40);
    const aOldSignIn = await plantSignIn(a, 40);
    const aNewSignIn = await plantSignIn(a, 10);
    const bOldSignIn = await plantSignIn(b, 40);

    const db = (await testDatabase()).db;
    const controller = new AbortController();
    const result = await auditPurgeJob.run({
      id: uuidv7(),
      input: { workspaceId: a.workspaceId },
      workspaceId: null,
      attempt: 1,
      maxAttempts: 3,
      db,
      database: await testDatabase(),
      signal: controller.signal,
      progress: async () => {},
      log: { info() {}, warn() {}, error() {} },
    });
    expect(result).toMatchObject({ workspaces: 1, events: 1, signIns: 1 });
    expect(await eventExists(a, aOld)).toBe(false);
    expect(await eventExists(a, aNew)).toBe(true);
    expect(await eventExists(b, bOld)).toBe(true);
    expect(await exists('login_events', aOldSignIn)).toBe(false);
    expect(await exists('login_events', aNewSignIn)).toBe(true);
    expect(await exists('login_events', bOldSignIn)).toBe(true);
    const kept = (await api(a).get(`/audit/changes?recordId=${c.id}`)).json().data;
    expect(kept).toHaveLength(1);
    expect(Date.parse(kept[0].at)).toBeLessThan(Date.now() - 399 * 86_400_000);
  });

  it('keeps a sign-in of a login that another workspace, keeping everything, also holds', async () => {
    const a = await signUp();
    const b = await signUp();
    // b's owner joins a: one login, two workspaces; b keeps its sign-ins for good.
    const inv = await api(a).post('/invitations', { email: b.email, role: 'member' });
    const accepted = await (await testApp()).inject({
      method: 'POST',
      url: '/api/v1/auth/accept-invitation',
      payload: { token: inv.json().token, name: 'Shared', password: b.password },
    });
    expect(accepted.statusCode).toBe(200);
    const inA: Session = { ...b, workspaceId: a.workspaceId, memberId: accepted.json().member.id };
    await api(a).put('/audit/settings', { retentionDays: 30 });
    const shared = await plantSignIn(inA, 40);
    const db = (await testDatabase()).db;
    await auditPurgeJob.run({
      id: uuidv7(),
      input: { workspaceId: a.workspaceId },
      workspaceId: null,
      attempt: 1,
      maxAttempts: 3,
      db,
      database: await testDatabase(),
      signal: new AbortController().signal,
      progress: async () => {},
      log: { info() {}, warn() {}, error() {} },
    });
    expect(await exists('login_events', shared)).toBe(true);
    await api(b).put('/audit/settings', { retentionDays: 35 });
    await auditPurgeJob.run({
      id: uuidv7(),
      input: { workspaceId: a.workspaceId },
      workspaceId: null,
      attempt: 1,
      maxAttempts: 3,
      db,
      database: await testDatabase(),
      signal: new AbortController().signal,
      progress: async () => {},
      log: { info() {}, warn() {}, error() {} },
    });
    expect(await exists('login_events', shared)).toBe(false);
  });
});
