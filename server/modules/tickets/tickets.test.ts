import { afterEach, describe, expect, it } from 'vitest';
import type { ObjectRights } from '../../../contract/access.ts';
import { addMember, api, type Session, signUp, testDatabase } from '../../test/harness.ts';
import { createOk } from '../../test/samples.ts';
import { automationClock } from '../automation/clock.ts';
import { makeRule, runDetail, settledRuns } from '../automation/test-helpers.ts';
import { scanSla } from './sla-scan.ts';

const realNow = automationClock.now;
afterEach(() => {
  automationClock.now = realNow;
});

const at = (iso: string) => {
  automationClock.now = () => new Date(iso);
};

/** Open around the clock in UTC, so that business minutes are plain minutes unless a test says otherwise. */
const always = {
  name: 'Always',
  timeZone: 'UTC',
  week: Object.fromEntries([1, 2, 3, 4, 5, 6, 7].map((d) => [d, [{ from: 0, to: 1440 }]])),
  holidays: [],
};
const targets = { firstResponse: 60, nextResponse: 30, resolution: 240 };
const policy = (calendar: unknown = always) => ({
  calendar,
  targets: { low: targets, normal: targets, high: { firstResponse: 30, nextResponse: 15, resolution: 120 }, urgent: targets },
});

async function ticket(s: Session, body: Record<string, unknown>) {
  const r = await api(s).post('/tickets', body);
  if (r.statusCode !== 201) throw new Error(`POST /tickets → ${r.statusCode} ${r.body}`);
  return r.json();
}

const events = async (s: Session, type: string) => {
  const { db } = await testDatabase();
  const r = await db.execute(`select record_id, payload from domain_events where workspace_id = '${s.workspaceId}' and type = '${type}'`);
  return ((r as { rows: unknown[] }).rows ?? r) as { record_id: string; payload: Record<string, unknown> }[];
};

describe('tickets', () => {
  it('creates, reads, updates, deletes and restores a ticket, numbered per workspace, with its history', async () => {
    const s = await signUp();
    const c = api(s);
    const one = await ticket(s, { subject: 'Printer on fire', priority: 'high', channel: 'phone', tags: ['hw', 'hw', 'urgent'] });
    expect(one).toMatchObject({
      number: 1,
      status: 'new',
      priority: 'high',
      channel: 'phone',
      tags: ['hw', 'urgent'],
      assigneeId: null,
      slaState: 'none',
    });
    expect((await ticket(s, { subject: 'Second' })).number).toBe(2);
    expect((await ticket(await signUp(), { subject: 'Elsewhere' })).number).toBe(1);

    const upd = await c.patch(`/tickets/${one.id}`, { status: 'open', assigneeId: s.memberId, version: 1 });
    expect(upd.statusCode, upd.body).toBe(200);
    expect(upd.json()).toMatchObject({ status: 'open', assigneeId: s.memberId, version: 2 });
    const filter = encodeURIComponent(JSON.stringify({ field: 'status', op: 'eq', value: 'open' }));
    expect((await c.get(`/tickets?filter=${filter}`)).json().data.map((t: { id: string }) => t.id)).toEqual([one.id]);
    expect((await c.delete(`/tickets/${one.id}`)).json().deletedAt).not.toBeNull();
    expect((await c.post(`/tickets/${one.id}/restore`)).json().deletedAt).toBeNull();
    const hist = (await c.get(`/tickets/${one.id}/history`)).json().data;
    expect(hist.map((h: { action: string }) => h.action)).toEqual(['restore', 'delete', 'update', 'update', 'create']);
  });

  it('finds the requester by email, or creates the contact, and puts the ticket on their timeline', async () => {
    const s = await signUp();
    const known = await createOk(s, '/contacts', { firstName: 'Kim', emails: [{ label: 'work', value: 'kim@acme.example' }] });
    const a = await ticket(s, { subject: 'Login fails', requesterEmail: 'KIM@acme.example' });
    expect(a.requesterId).toBe(known.id);
    const b = await ticket(s, { subject: 'New here', requesterEmail: 'new.person@acme.example' });
    expect(b.requesterId).not.toBe(known.id);
    const created = (await api(s).get(`/contacts/${b.requesterId}`)).json();
    expect(created.emails).toEqual([{ label: 'work', value: 'new.person@acme.example' }]);
    const timeline = (await api(s).get(`/contacts/${known.id}/timeline`)).json().data;
    expect(timeline.map((e: { subject: string }) => e.subject)).toContain('Ticket #1: Login fails');
  });

  it('takes the requester’s primary (or only) company unless the ticket names one', async () => {
    const s = await signUp();
    const [acme, globex] = [await createOk(s, '/companies', { name: 'Acme' }), await createOk(s, '/companies', { name: 'Globex' })];
    const person = (companies: object[]) => createOk(s, '/contacts', { firstName: 'Rita', companies });
    const primary = await person([{ companyId: acme.id }, { companyId: globex.id, isPrimary: true }]);
    const only = await person([{ companyId: acme.id }]);
    const two = await person([{ companyId: acme.id }, { companyId: globex.id }]);
    const companyOf = async (body: object) =>
      (await createOk(s, '/tickets', { subject: 'Help', ...body }).then((t) => api(s).get(`/tickets/${t.id}`))).json().companyId;
    expect(await companyOf({ requesterId: primary.id })).toBe(globex.id);
    expect(await companyOf({ requesterId: only.id })).toBe(acme.id);
    // Two companies and neither primary: a guess would file the ticket under the wrong customer.
    expect(await companyOf({ requesterId: two.id })).toBeNull();
    expect(await companyOf({ requesterId: only.id, companyId: globex.id })).toBe(globex.id);
    expect(await companyOf({ requesterId: only.id, companyId: null })).toBeNull();
  });

  it('refuses bad input with problem+json naming the field, writing nothing', async () => {
    const s = await signUp();
    const other = await signUp();
    const foreignContact = await createOk(other, '/contacts', { firstName: 'Not yours' });
    const cases: [unknown, number, string][] = [
      [{}, 400, 'body.subject'],
      [{ subject: '' }, 400, 'body.subject'],
      [{ subject: 'x', status: 'lost' }, 400, 'body.status'],
      [{ subject: 'x', channel: 'fax' }, 400, 'body.channel'],
      [{ subject: 'x', assigneeId: other.memberId }, 422, 'body.assigneeId'],
      [{ subject: 'x', requesterId: foreignContact.id }, 422, 'body.requesterId'],
      [{ subject: 'x', teamId: '00000000-0000-4000-8000-000000000000' }, 422, 'body.teamId'],
      [{ subject: 'x', dealIds: ['00000000-0000-4000-8000-000000000000'] }, 422, 'body.dealIds.0'],
      [{ subject: 'x', requesterEmail: 'a@b.example', requesterId: foreignContact.id }, 422, 'body.requesterEmail'],
      [{ subject: 'x', tags: ['y'.repeat(51)] }, 400, 'body.tags.0'],
    ];
    for (const [body, status, field] of cases) {
      const r = await api(s).post('/tickets', body);
      expect(r.statusCode, `${JSON.stringify(body)} → ${r.body}`).toBe(status);
      expect(r.headers['content-type']).toContain('application/problem+json');
      expect(r.json().errors.map((e: { field: string }) => e.field)).toContain(field);
    }
    expect((await api(s).get('/tickets')).json().data).toEqual([]);
  });

  it('keeps a conversation of replies and notes; the first reply meets the first-response target', async () => {
    const s = await signUp();
    await api(s).put('/sla-policy', policy());
    at('2026-03-02T09:00:00.000Z');
    const contact = await createOk(s, '/contacts', { firstName: 'Rae', emails: [{ label: 'work', value: 'rae@x.example' }] });
    const t = await ticket(s, { subject: 'Broken', requesterId: contact.id });
    expect(t).toMatchObject({
      firstResponseDueAt: '2026-03-02T10:00:00.000Z',
      resolutionDueAt: '2026-03-02T13:00:00.000Z',
      slaState: 'ok',
    });

    at('2026-03-02T09:10:00.000Z');
    const note = await api(s).post(`/tickets/${t.id}/messages`, { kind: 'note', body: 'Looks like the cache' });
    expect(note.statusCode, note.body).toBe(201);
    expect((await api(s).get(`/tickets/${t.id}`)).json().firstRespondedAt).toBeNull();
    at('2026-03-02T09:20:00.000Z');
    await api(s).post(`/tickets/${t.id}/messages`, { kind: 'reply', body: 'We are on it' });
    const after = (await api(s).get(`/tickets/${t.id}`)).json();
    expect(after).toMatchObject({ firstRespondedAt: '2026-03-02T09:20:00.000Z', firstResponseDueAt: null, nextResponseDueAt: null });

    at('2026-03-02T09:30:00.000Z');
    const back = await api(s).post(`/tickets/${t.id}/messages`, { kind: 'reply', body: 'Still broken', fromRequester: true });
    expect(back.json()).toMatchObject({ authorContactId: contact.id, authorMemberId: null });
    expect((await api(s).get(`/tickets/${t.id}`)).json().nextResponseDueAt).toBe('2026-03-02T10:00:00.000Z');

    const msgs = (await api(s).get(`/tickets/${t.id}/messages`)).json().data;
    expect(msgs.map((m: { kind: string; body: string }) => `${m.kind}:${m.body}`)).toEqual([
      'note:Looks like the cache',
      'reply:We are on it',
      'reply:Still broken',
    ]);
    expect((await events(s, 'ticket.replied')).length).toBe(2);
    expect((await events(s, 'ticket.note_added')).length).toBe(1);
    const bad = await api(s).post(`/tickets/${t.id}/messages`, { kind: 'note', body: 'x', fromRequester: true });
    expect(bad.statusCode).toBe(422);
    expect(bad.json().errors[0].field).toBe('body.fromRequester');
    expect((await api(await signUp()).get(`/tickets/${t.id}/messages`)).statusCode).toBe(404);
  });

  it('stops the clock while pending or on hold and moves the targets by the pause', async () => {
    const s = await signUp();
    await api(s).put('/sla-policy', policy());
    at('2026-03-02T09:00:00.000Z');
    const t = await ticket(s, { subject: 'Waits on the customer' });
    at('2026-03-02T09:30:00.000Z');
    const paused = (await api(s).patch(`/tickets/${t.id}`, { status: 'pending', version: 1 })).json();
    expect(paused.firstResponseDueAt).toBeNull();
    at('2026-03-02T10:30:00.000Z');
    const held = (await api(s).patch(`/tickets/${t.id}`, { status: 'on_hold', version: 2 })).json();
    expect(held.resolutionDueAt).toBeNull();
    at('2026-03-02T11:30:00.000Z');
    // Two hours paused: the one-hour first-response target is now due at 11:00 + 30 minutes left.
    const open = (await api(s).patch(`/tickets/${t.id}`, { status: 'open', version: 3 })).json();
    expect(open).toMatchObject({ firstResponseDueAt: '2026-03-02T12:00:00.000Z', resolutionDueAt: '2026-03-02T15:00:00.000Z' });
    // A higher priority brings the targets forward: its 30 minutes had passed when the pause began.
    const high = (await api(s).patch(`/tickets/${t.id}`, { priority: 'high', version: 4 })).json();
    expect(high).toMatchObject({ firstResponseDueAt: '2026-03-02T09:30:00.000Z', slaState: 'breached' });
  });

  it('counts business hours only, on the policy calendar', async () => {
    const s = await signUp();
    const office = {
      name: 'Office',
      timeZone: 'Europe/Berlin',
      week: { 1: [{ from: 540, to: 1020 }], 2: [{ from: 540, to: 1020 }] },
      holidays: [],
    };
    expect((await api(s).put('/sla-policy', policy(office))).statusCode).toBe(200);
    // Monday 16:30 in Berlin (15:30 UTC): 30 minutes today, 30 more from Tuesday 09:00.
    at('2026-03-02T15:30:00.000Z');
    const t = await ticket(s, { subject: 'Late in the day' });
    expect(t.firstResponseDueAt).toBe('2026-03-03T08:30:00.000Z');
    const bad = await api(s).put('/sla-policy', policy({ ...office, timeZone: 'Mars/Olympus' }));
    expect(bad.statusCode).toBe(422);
    expect(bad.json().errors[0].field).toBe('body.calendar.timeZone');
  });

  it('marks tickets breaching soon and breached once each, with events automation can act on', async () => {
    const s = await signUp();
    await api(s).put('/sla-policy', policy());
    at('2026-03-02T09:00:00.000Z');
    const t = await ticket(s, { subject: 'Tick tock', assigneeId: s.memberId });
    const { db } = await testDatabase();
    const scan = (iso: string) => scanSla(db, new Date(iso));
    await scan('2026-03-02T09:29:00.000Z');
    expect((await api(s).get(`/tickets/${t.id}`)).json().slaState).toBe('ok');
    await scan('2026-03-02T09:31:00.000Z');
    await scan('2026-03-02T09:32:00.000Z');
    expect((await api(s).get(`/tickets/${t.id}`)).json().slaState).toBe('breaching_soon');
    await scan('2026-03-02T10:00:01.000Z');
    await scan('2026-03-02T10:05:00.000Z');
    expect((await api(s).get(`/tickets/${t.id}`)).json().slaState).toBe('breached');
    const soon = await events(s, 'ticket.sla_breaching_soon');
    expect(soon).toHaveLength(1);
    expect(soon[0]).toMatchObject({
      record_id: t.id,
      payload: {
        target: 'firstResponse',
        dueAt: '2026-03-02T10:00:00.000Z',
        assigneeId: s.memberId,
        after: { id: t.id, slaState: 'breaching_soon' },
      },
    });
    expect((await events(s, 'ticket.sla_breached')).map((e) => e.record_id)).toEqual([t.id]);
  });

  it('starts an automation rule on a breach, which can escalate the ticket', async () => {
    const s = await signUp();
    await api(s).put('/sla-policy', policy());
    const rule = await makeRule(s, {
      trigger: { type: 'ticket_sla', config: { state: 'breached' } },
      steps: [{ type: 'action', action: 'update_record', input: { fields: { priority: 'urgent' } } }],
    });
    at('2026-03-02T09:00:00.000Z');
    const t = await ticket(s, { subject: 'Escalate me', priority: 'low' });
    const { db } = await testDatabase();
    await scanSla(db, new Date('2026-03-02T10:00:01.000Z'));
    const [run] = await settledRuns(s, rule.id, 1);
    expect(run).toMatchObject({ status: 'completed', recordId: t.id });
    expect((await runDetail(s, run.id)).trigger).toMatchObject({ target: 'firstResponse', dueAt: '2026-03-02T10:00:00.000Z' });
    expect((await api(s).get(`/tickets/${t.id}`)).json().priority).toBe('urgent');
  });

  it('leaves a deleted team’s tickets, open or in the trash, without a team, and another team’s as they were', async () => {
    const s = await signUp();
    const gone = await createOk(s, '/teams', { name: 'Night shift' });
    const stays = await createOk(s, '/teams', { name: 'Day shift' });
    const open = await ticket(s, { subject: 'Open one', teamId: gone.id });
    const trashed = await ticket(s, { subject: 'Trashed one', teamId: gone.id });
    expect((await api(s).delete(`/tickets/${trashed.id}`)).statusCode).toBe(200);
    const other = await ticket(s, { subject: 'Other team', teamId: stays.id });
    const r = await api(s).delete(`/teams/${gone.id}`);
    expect(r.statusCode, r.body).toBe(200);
    expect((await api(s).get(`/tickets/${open.id}`)).json()).toMatchObject({ teamId: null, version: 1 });
    expect((await api(s).get(`/tickets/${other.id}`)).json().teamId).toBe(stays.id);
    const { query } = await testDatabase();
    const [row] = await query<{ team_id: string | null }>('select team_id from tickets where workspace_id = $1 and id = $2', [
      s.workspaceId,
      trashed.id,
    ]);
    expect(row.team_id).toBeNull();
  });

  it('counts the queues over the open tickets the member may read', async () => {
    const s = await signUp();
    const agent = await addMember(s, 'member');
    const team = await createOk(s, '/teams', { name: 'Support' });
    await api(s).post(`/teams/${team.id}/members`, { ids: [agent.memberId] });
    await ticket(s, { subject: 'Nobody has it' });
    await ticket(s, { subject: 'Mine', assigneeId: agent.memberId, teamId: team.id });
    await ticket(s, { subject: 'Owner’s', assigneeId: s.memberId });
    const solved = await ticket(s, { subject: 'Done', assigneeId: agent.memberId });
    await api(s).patch(`/tickets/${solved.id}`, { status: 'solved', version: 1 });
    const counts = await api(agent).get('/tickets/queues');
    expect(counts.statusCode, counts.body).toBe(200);
    expect(counts.json()).toEqual({ unassigned: 1, mine: 1, my_team: 1, breaching_soon: 0, all: 3 });

    // A role that reaches only the member's own tickets narrows every queue.
    const own: ObjectRights = {
      read: 'own',
      edit: 'own',
      delete: 'none',
      create: true,
      export: false,
      import: false,
      merge: false,
      bulkEdit: false,
    };
    const p = await createOk(s, '/access-profiles', { name: 'Agent', rights: { ticket: own } });
    await api(s).put(`/members/${agent.memberId}/access-profile`, { profileId: p.id });
    expect((await api(agent).get('/tickets/queues')).json()).toEqual({ unassigned: 0, mine: 1, my_team: 1, breaching_soon: 0, all: 1 });
  });
});
