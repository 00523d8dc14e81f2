import { describe, expect, it } from 'vitest';
import type { ObjectRights } from '../../../contract/access.ts';
import { addMember, api, type Session, signUp, testDatabase } from '../../test/harness.ts';
import { createOk } from '../../test/samples.ts';

// Bulk actions on the ticket queue: each ticket changed as a single edit would change it (history,
// events, SLA), those the caller may not touch refused one by one with the reason, and the whole
// request refused when the action itself is wrong.

const ticket = (s: Session, body: Record<string, unknown> = {}) => createOk(s, '/tickets', { subject: 'Printer jams', ...body });

const rights = (r: Partial<ObjectRights>): ObjectRights => ({
  read: 'all',
  edit: 'all',
  delete: 'none',
  create: true,
  export: false,
  import: false,
  merge: false,
  bulkEdit: true,
  ...r,
});

async function narrow(owner: Session, who: Session, r: Partial<ObjectRights>) {
  const p = await createOk(owner, '/access-profiles', { name: `Agents ${Date.now()}`, rights: { ticket: rights(r) } });
  const put = await api(owner).put(`/members/${who.memberId}/access-profile`, { profileId: p.id });
  expect(put.statusCode, put.body).toBe(200);
}

const rows = async <T>(text: string, params: unknown[]) => (await testDatabase()).query<T>(text, params);

describe('ticket bulk actions', () => {
  it('assigns, sets status and priority and tags the tickets selected, each with its history, event and SLA', async () => {
    const s = await signUp();
    const agent = await addMember(s, 'member', 'Avery Agent');
    const team = await createOk(s, '/teams', { name: 'Billing' });
    const a = await ticket(s, { tags: ['printer', 'old'] });
    const b = await ticket(s, { subject: 'Scanner', tags: ['old'] });
    const c = await ticket(s, { subject: 'Toner' });
    const r = await api(s).post('/tickets/bulk-actions', {
      ids: [a.id, b.id, c.id, a.id],
      changes: {
        assigneeId: agent.memberId,
        teamId: team.id,
        status: 'solved',
        priority: 'high',
        addTags: ['billing'],
        removeTags: ['old'],
      },
    });
    expect(r.statusCode, r.body).toBe(200);
    const out = r.json();
    expect(out).toMatchObject({ changed: 3, unchanged: 0, refused: 0 });
    expect(out.results.map((x: { id: string; number: number; outcome: string }) => [x.id, x.number, x.outcome])).toEqual([
      [a.id, 1, 'changed'],
      [b.id, 2, 'changed'],
      [c.id, 3, 'changed'],
    ]);
    expect(out.results[0].fields.sort()).toEqual(['assigneeId', 'priority', 'status', 'tags', 'teamId']);

    const after = (await api(s).get(`/tickets/${a.id}`)).json();
    expect(after).toMatchObject({
      assigneeId: agent.memberId,
      teamId: team.id,
      status: 'solved',
      priority: 'high',
      tags: ['printer', 'billing'],
    });
    // The SLA side of a status change, as a single edit does it.
    expect(after.solvedAt).not.toBeNull();
    expect((await api(s).get(`/tickets/${b.id}`)).json().tags).toEqual(['billing']);
    const history = await rows<{ record_id: string; field: string }>(
      `select record_id, field from record_history where workspace_id = $1 and record_type = 'ticket' and action = 'update' and field = 'status'`,
      [s.workspaceId],
    );
    expect(history.map((h) => h.record_id).sort()).toEqual([a.id, b.id, c.id].sort());
    const events = await rows<{ record_id: string }>(
      `select record_id from domain_events where workspace_id = $1 and type = 'ticket.updated'`,
      [s.workspaceId],
    );
    expect(events.map((e) => e.record_id).sort()).toEqual([a.id, b.id, c.id].sort());

    // Again: nothing differs, so nothing is written.
    const again = await api(s).post('/tickets/bulk-actions', { ids: [a.id, b.id], changes: { status: 'solved', removeTags: ['old'] } });
    expect(again.json()).toMatchObject({ changed: 0, unchanged: 2, refused: 0 });
    expect((await api(s).get(`/tickets/${a.id}`)).json().version).toBe(after.version);
  });

  it('refuses, one by one and with the reason, tickets missing, of another workspace, in the trash or out of the caller’s edit scope', async () => {
    const s = await signUp();
    const agent = await addMember(s, 'member', 'Owen Own');
    const mine = await ticket(s, { subject: 'Mine', assigneeId: agent.memberId });
    const theirs = await ticket(s, { subject: 'Someone else’s', assigneeId: s.memberId });
    const trashed = await ticket(s, { subject: 'Trashed', assigneeId: agent.memberId });
    expect((await api(s).delete(`/tickets/${trashed.id}`)).statusCode).toBe(200);
    const foreign = await ticket(await signUp(), { subject: 'Foreign' });
    const missing = '01900000-0000-7000-8000-000000000000';
    // Reads every ticket, edits only their own.
    await narrow(s, agent, { edit: 'own' });

    const r = await api(agent).post('/tickets/bulk-actions', {
      ids: [mine.id, theirs.id, trashed.id, foreign.id, missing],
      changes: { priority: 'urgent' },
    });
    expect(r.statusCode, r.body).toBe(200);
    const out = r.json();
    expect(out).toMatchObject({ changed: 1, unchanged: 0, refused: 4 });
    const by = (id: string) => out.results.find((x: { id: string }) => x.id === id);
    expect(by(mine.id)).toMatchObject({ outcome: 'changed', fields: ['priority'] });
    expect(by(theirs.id)).toMatchObject({ outcome: 'refused', code: 'forbidden', number: 2, subject: 'Someone else’s' });
    expect(by(theirs.id).reason).toMatch(/role/);
    expect(by(trashed.id)).toMatchObject({ outcome: 'refused', code: 'record_deleted' });
    // Another workspace's ticket reads as one that does not exist: nothing of it is said.
    expect(by(foreign.id)).toMatchObject({ outcome: 'refused', code: 'not_found', number: null, subject: null });
    expect(by(missing)).toMatchObject({ outcome: 'refused', code: 'not_found', number: null });
    expect((await api(s).get(`/tickets/${theirs.id}`)).json().priority).toBe('normal');
    expect((await api(s).get(`/tickets/${mine.id}`)).json().priority).toBe('urgent');
  });

  it('applies a macro to every ticket selected: its reply on each, then its changes and the ones given', async () => {
    const s = await signUp();
    const macro = await createOk(s, '/ticket-macros', {
      name: 'Known issue',
      body: 'Hello {{requester.firstName}}, #{{ticket.number}} is a known issue.',
      changes: { status: 'pending', addTags: ['known-issue'] },
    });
    const a = await ticket(s, { requesterEmail: 'ann@customer.example' });
    const b = await ticket(s, { subject: 'Other' });
    const r = await api(s).post('/tickets/bulk-actions', { ids: [a.id, b.id], macroId: macro.id, changes: { priority: 'low' } });
    expect(r.statusCode, r.body).toBe(200);
    const out = r.json();
    expect(out.changed).toBe(2);
    for (const [i, t] of [a, b].entries()) {
      const res = out.results[i];
      expect(res.messageId).toEqual(expect.any(String));
      expect(res.fields.sort()).toEqual(['priority', 'status', 'tags']);
      const messages = (await api(s).get(`/tickets/${t.id}/messages`)).json().data;
      expect(messages).toEqual([
        expect.objectContaining({ id: res.messageId, kind: 'reply', body: `Hello , #${i + 1} is a known issue.` }),
      ]);
      expect((await api(s).get(`/tickets/${t.id}`)).json()).toMatchObject({ status: 'pending', priority: 'low', tags: ['known-issue'] });
    }
  });

  it('refuses the whole action for a role without bulk edit, an unknown assignee, team or macro, or nothing to do', async () => {
    const s = await signUp();
    const t = await ticket(s);
    const agent = await addMember(s, 'member');
    await narrow(s, agent, { bulkEdit: false });
    const denied = await api(agent).post('/tickets/bulk-actions', { ids: [t.id], changes: { priority: 'high' } });
    expect(denied.statusCode).toBe(403);

    const other = await signUp();
    const cases: [Record<string, unknown>, string][] = [
      [{ changes: { assigneeId: other.memberId } }, 'body.changes.assigneeId'],
      [{ changes: { teamId: '01900000-0000-7000-8000-000000000001' } }, 'body.changes.teamId'],
      [{ changes: { addTags: ['x'], removeTags: ['x'] } }, 'body.changes.removeTags'],
      [{ macroId: '01900000-0000-7000-8000-000000000002' }, 'body.macroId'],
      [{ changes: {} }, 'body.changes'],
      [{}, 'body.changes'],
    ];
    for (const [body, field] of cases) {
      const r = await api(s).post('/tickets/bulk-actions', { ids: [t.id], ...body });
      expect(r.statusCode, `${JSON.stringify(body)} → ${r.body}`).toBe(422);
      expect(r.json().errors[0].field).toBe(field);
    }
    const tooMany = await api(s).post('/tickets/bulk-actions', {
      ids: Array.from({ length: 501 }, () => t.id),
      changes: { priority: 'high' },
    });
    expect(tooMany.statusCode).toBe(400);
    expect(tooMany.json().errors[0].field).toBe('body.ids');
    expect((await api(s).get(`/tickets/${t.id}`)).json().version).toBe(1);
  });
});
