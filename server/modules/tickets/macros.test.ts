import { describe, expect, it } from 'vitest';
import { addMember, api, type Session, signUp } from '../../test/harness.ts';
import { createOk } from '../../test/samples.ts';
import { renderMacro } from './macros.service.ts';

async function ticket(s: Session, body: Record<string, unknown>) {
  return (await createOk(s, '/tickets', body)) as { id: string; version: number };
}

const messages = async (s: Session, id: string) =>
  (await api(s).get(`/tickets/${id}/messages`)).json().data as { kind: string; body: string; authorMemberId: string }[];

describe('macros', () => {
  it('fills placeholders as plain text and drops unknown ones', () => {
    expect(
      renderMacro('Hi {{ requester.firstName }}, #{{ticket.number}} {{nope}}.', {
        'requester.firstName': '<b>Ann</b>',
        'ticket.number': '7',
      }),
    ).toBe('Hi <b>Ann</b>, #7 .');
  });

  it('applies a reply with placeholders and field changes in one go, with history', async () => {
    const s = await signUp({ name: 'Ada Agent' });
    const c = api(s);
    const contact = await createOk(s, '/contacts', {
      firstName: 'Grace',
      lastName: 'Hopper',
      emails: [{ label: 'work', value: 'grace@example.com' }],
    });
    const t = await ticket(s, { subject: 'Printer jams', requesterId: contact.id, tags: ['hw', 'old'] });
    const m = await c.post('/ticket-macros', {
      name: 'Fixed',
      body: 'Hello {{requester.firstName}}, ticket #{{ticket.number}} ({{ticket.subject}}) is fixed. — {{agent.name}}',
      changes: { status: 'solved', priority: 'low', assigneeId: s.memberId, addTags: ['fixed'], removeTags: ['old'] },
    });
    expect(m.statusCode).toBe(201);
    const applied = await c.post(`/tickets/${t.id}/apply-macro`, { macroId: m.json().id });
    expect(applied.statusCode).toBe(200);
    const after = (await c.get(`/tickets/${t.id}`)).json();
    expect(after).toMatchObject({ status: 'solved', priority: 'low', assigneeId: s.memberId, tags: ['hw', 'fixed'], version: 2 });
    expect(after.firstRespondedAt).not.toBeNull();
    const [reply] = await messages(s, t.id);
    expect(reply).toMatchObject({
      kind: 'reply',
      body: 'Hello Grace, ticket #1 (Printer jams) is fixed. — Ada Agent',
      authorMemberId: s.memberId,
    });
    const history = (await c.get(`/tickets/${t.id}/history`)).json().data as { field: string | null; newValue: unknown }[];
    expect(history.map((h) => h.field)).toEqual(expect.arrayContaining(['status', 'priority', 'assigneeId', 'tags']));
  });

  it('applies a macro to several tickets, all or none', async () => {
    const s = await signUp();
    const c = api(s);
    const macro = await createOk(s, '/ticket-macros', {
      name: 'Note',
      body: 'Checked #{{ticket.number}}',
      kind: 'note',
      changes: { status: 'pending' },
    });
    const [a, b] = [await ticket(s, { subject: 'A' }), await ticket(s, { subject: 'B' })];
    const other = await ticket(await signUp(), { subject: 'Elsewhere' });
    const bad = await c.post('/tickets/apply-macro', { macroId: macro.id, ids: [a.id, other.id] });
    expect(bad.statusCode).toBe(404);
    expect(await messages(s, a.id)).toEqual([]);
    expect((await c.get(`/tickets/${a.id}`)).json().status).toBe('new');

    const ok = await c.post('/tickets/apply-macro', { macroId: macro.id, ids: [a.id, b.id] });
    expect(ok.statusCode).toBe(200);
    expect((await messages(s, b.id))[0]).toMatchObject({ kind: 'note', body: 'Checked #2' });
    expect((await c.get(`/tickets/${a.id}`)).json().status).toBe('pending');
  });

  it("refuses another workspace's macro or ticket, unknown placeholders and foreign assignees", async () => {
    const s = await signUp();
    const o = await signUp();
    const c = api(s);
    const t = await ticket(s, { subject: 'Mine' });
    const theirs = await createOk(o, '/ticket-macros', { name: 'Theirs', body: 'x' });
    expect((await c.post(`/tickets/${t.id}/apply-macro`, { macroId: theirs.id })).statusCode).toBe(404);
    const mine = await createOk(s, '/ticket-macros', { name: 'Mine', changes: { status: 'open' } });
    const theirTicket = await ticket(o, { subject: 'Theirs' });
    expect((await c.post(`/tickets/${theirTicket.id}/apply-macro`, { macroId: mine.id })).statusCode).toBe(404);
    expect((await api(o).get(`/tickets/${theirTicket.id}`)).json().status).toBe('new');

    const typo = await c.post('/ticket-macros', { name: 'Typo', body: 'Hi {{requester.frist}}' });
    expect(typo.statusCode).toBe(422);
    expect(typo.json().errors[0]).toMatchObject({ field: 'body.body', code: 'unknown_placeholder' });
    const foreign = await c.post('/ticket-macros', { name: 'X', changes: { assigneeId: o.memberId } });
    expect(foreign.statusCode).toBe(422);
    expect(foreign.json().errors[0].field).toBe('body.changes.assigneeId');
    expect((await c.post('/ticket-macros', { name: 'X', changes: { status: 'gone' } })).statusCode).toBe(400);
    expect((await c.get('/ticket-macros')).json().data.map((m: { name: string }) => m.name)).toEqual(['Mine']);
  });

  it('lets members keep personal macros and leaves shared ones to admins', async () => {
    const s = await signUp();
    const member = await addMember(s, 'member');
    const other = await addMember(s, 'member', 'Other');
    const m = api(member);
    expect((await m.post('/ticket-macros', { name: 'Shared', body: 'x' })).statusCode).toBe(403);
    const own = await m.post('/ticket-macros', { name: 'Own', body: 'x', personal: true });
    expect(own.statusCode).toBe(201);
    expect(own.json().ownerId).toBe(member.memberId);
    const shared = await createOk(s, '/ticket-macros', { name: 'Shared', body: 'y' });
    expect((await m.get('/ticket-macros')).json().data.map((x: { name: string }) => x.name)).toEqual(['Own', 'Shared']);
    // Another member neither sees nor uses it; the owner (an admin) does not see it either.
    expect((await api(other).get('/ticket-macros')).json().data.map((x: { name: string }) => x.name)).toEqual(['Shared']);
    const t = await ticket(s, { subject: 'T' });
    expect((await api(other).post(`/tickets/${t.id}/apply-macro`, { macroId: own.json().id })).statusCode).toBe(404);
    expect((await m.patch(`/ticket-macros/${shared.id}`, { name: 'Mine now' })).statusCode).toBe(403);
    expect((await m.patch(`/ticket-macros/${own.json().id}`, { name: 'Own v2', version: 1 })).json()).toMatchObject({
      name: 'Own v2',
      version: 2,
    });
    expect((await m.patch(`/ticket-macros/${own.json().id}`, { name: 'Stale', version: 1 })).statusCode).toBe(409);
    expect((await m.delete(`/ticket-macros/${own.json().id}`)).statusCode).toBe(204);
  });
});
