import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { systemCtx } from '../../http/context.ts';
import { addMember, api, type Session, signUp, testDatabase } from '../../test/harness.ts';
import { createOk } from '../../test/samples.ts';
import { rotation } from './routing.ts';
import { createTicket } from './tickets.service.ts';

// Routing (issue 14): the fairness the issue asks to be shown, the rules' order, reassignment when
// an agent goes away, and bad input. Tickets are created through the service for the long runs
// (a thousand HTTP round trips would only measure the harness) and through the API elsewhere.

type Agent = Session & { name: string };

async function agents(owner: Session, n: number): Promise<Agent[]> {
  const out: Agent[] = [];
  for (let i = 0; i < n; i++) out.push({ ...(await addMember(owner, 'member', `Agent ${i}`)), name: `Agent ${i}` });
  return out;
}

async function setStatus(s: Session, status: 'online' | 'away' | 'off') {
  const r = await api(s).put('/support-agents/me/status', { status });
  expect(r.statusCode, r.body).toBe(200);
  return r.json();
}

async function team(owner: Session, members: Session[], method: string, reassignWhenAway = false) {
  const t = await createOk(owner, '/teams', { name: `Support ${Math.random().toString(36).slice(2, 8)}` });
  if (members.length) {
    const r = await api(owner).post(`/teams/${t.id}/members`, { ids: members.map((m) => m.memberId) });
    expect(r.statusCode, r.body).toBe(200);
  }
  const r = await api(owner).put(`/teams/${t.id}/routing`, { method, reassignWhenAway });
  expect(r.statusCode, r.body).toBe(200);
  return t.id;
}

async function ticket(s: Session, body: Record<string, unknown>) {
  const r = await api(s).post('/tickets', body);
  expect(r.statusCode, r.body).toBe(201);
  return r.json() as { id: string; assigneeId: string | null; teamId: string | null; version: number };
}

const countBy = (xs: (string | null)[]) => {
  const m = new Map<string | null, number>();
  for (const x of xs) m.set(x, (m.get(x) ?? 0) + 1);
  return m;
};

describe('ticket routing', () => {
  it('round-robin: over 1,000 tickets to a team of 5 the counts differ by at most 1, and nobody away or off is picked', async () => {
    const owner = await signUp();
    const five = await agents(owner, 5);
    const [away, off, outsider] = await agents(owner, 3);
    for (const a of [...five, outsider]) await setStatus(a, 'online');
    await setStatus(away, 'online');
    await setStatus(away, 'away');
    await setStatus(off, 'off');
    const teamId = await team(owner, [...five, away, off], 'round_robin');

    const { db } = await testDatabase();
    const ctx = systemCtx(owner.workspaceId, owner.memberId);
    const picked: (string | null)[] = [];
    for (let i = 0; i < 1000; i++) {
      const t = await db.transaction((tx) => createTicket(tx, ctx, { subject: `Ticket ${i}`, teamId }));
      picked.push(t.assigneeId);
    }
    const counts = countBy(picked);
    expect([...counts.keys()].sort()).toEqual(five.map((a) => a.memberId).sort());
    const n = [...counts.values()];
    expect(Math.max(...n) - Math.min(...n)).toBeLessThanOrEqual(1);
    // Turns, not just totals: five tickets in a row go to five different agents.
    for (let i = 0; i + 5 <= picked.length; i += 5) expect(new Set(picked.slice(i, i + 5)).size).toBe(5);
  }, 240_000);

  it('round-robin stays fair when tickets are created at the same time', async () => {
    const owner = await signUp();
    const three = await agents(owner, 3);
    for (const a of three) await setStatus(a, 'online');
    const teamId = await team(owner, three, 'round_robin');
    const made = await Promise.all(Array.from({ length: 30 }, (_, i) => ticket(owner, { subject: `Rush ${i}`, teamId })));
    const counts = countBy(made.map((t) => t.assigneeId));
    expect([...counts.values()]).toEqual([10, 10, 10]);
  }, 60_000);

  it('least-loaded never picks a busier available agent, and never one away or off', async () => {
    const owner = await signUp();
    const four = await agents(owner, 4);
    for (const a of four) await setStatus(a, 'online');
    const teamId = await team(owner, four, 'least_loaded');
    const { db } = await testDatabase();
    const ctx = systemCtx(owner.workspaceId, owner.memberId);
    const status = new Map(four.map((a) => [a.memberId, 'online']));
    // Open tickets per agent, kept beside the database as the reference the property checks against.
    const open = new Map<string, string[]>(four.map((a) => [a.memberId, []]));

    const step = fc.oneof(
      fc.record({ kind: fc.constant('create' as const) }),
      fc.record({ kind: fc.constant('direct' as const), agent: fc.nat(3) }),
      fc.record({ kind: fc.constant('solve' as const), agent: fc.nat(3) }),
      fc.record({ kind: fc.constant('status' as const), agent: fc.nat(3), to: fc.constantFrom('online', 'away', 'off') }),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 60, maxLength: 60 }), async (steps) => {
        for (const s of steps) {
          if (s.kind === 'create') {
            const online = four.map((a) => a.memberId).filter((id) => status.get(id) === 'online');
            const least = Math.min(...online.map((id) => open.get(id)?.length ?? 0));
            const t = await db.transaction((tx) => createTicket(tx, ctx, { subject: 'Help', teamId }));
            if (!online.length) {
              expect(t.assigneeId).toBeNull();
              continue;
            }
            expect(online).toContain(t.assigneeId);
            expect(open.get(t.assigneeId as string)?.length).toBe(least);
            open.get(t.assigneeId as string)?.push(t.id);
          } else if (s.kind === 'direct') {
            // A ticket assigned by hand counts towards the agent's load too.
            const id = four[s.agent].memberId;
            const t = await db.transaction((tx) => createTicket(tx, ctx, { subject: 'Direct', assigneeId: id }));
            open.get(id)?.push(t.id);
          } else if (s.kind === 'solve') {
            const id = four[s.agent].memberId;
            const done = open.get(id)?.pop();
            if (done) {
              const v = (await api(owner).get(`/tickets/${done}`)).json().version;
              const r = await api(owner).patch(`/tickets/${done}`, { status: 'solved', version: v });
              expect(r.statusCode, r.body).toBe(200);
            }
          } else {
            status.set(four[s.agent].memberId, s.to);
            await setStatus(four[s.agent], s.to);
          }
        }
      }),
      { numRuns: 3, seed: 14 },
    );
  }, 240_000);

  it('tries the rules in order: keyword, channel and customer tier pick the team, a skill the agent', async () => {
    const owner = await signUp();
    const [de, en, chat, vip] = await agents(owner, 4);
    for (const a of [de, en, chat, vip]) await setStatus(a, 'online');
    expect(
      (await api(owner).put(`/support-agents/${de.memberId}/skills`, { skills: ['German', 'german', ' billing '] })).json().skills,
    ).toEqual(['german', 'billing']);
    const billing = await team(owner, [de, en], 'round_robin');
    const chatTeam = await team(owner, [chat], 'round_robin');
    const vipTeam = await team(owner, [vip], 'least_loaded');
    await createOk(owner, '/fields', { objectType: 'company', key: 'tier', label: 'Tier', type: 'text' });
    const gold = await createOk(owner, '/companies', { name: 'Gold Corp', custom: { tier: 'Gold' } });

    const put = await api(owner).put('/routing-rules', {
      rules: [
        { name: 'German invoices', keywords: ['Rechnung'], teamId: billing, requiredSkill: 'GERMAN' },
        { name: 'Invoices', keywords: ['invoice'], teamId: billing },
        { name: 'Chat', channels: ['chat'], teamId: chatTeam },
        { name: 'Gold customers', tiers: ['gold'], teamId: vipTeam },
      ],
    });
    expect(put.statusCode, put.body).toBe(200);
    expect(put.json().rules.map((r: { name: string }) => r.name)).toEqual(['German invoices', 'Invoices', 'Chat', 'Gold customers']);

    // Both the keyword rule and the chat rule match: the earlier one wins.
    const a = await ticket(owner, { subject: 'Wrong INVOICE total', channel: 'chat' });
    expect(a.teamId).toBe(billing);
    const b = await ticket(owner, { subject: 'Question', channel: 'chat', companyId: gold.id });
    expect(b).toMatchObject({ teamId: chatTeam, assigneeId: chat.memberId });
    const c = await ticket(owner, { subject: 'Question', channel: 'phone', companyId: gold.id });
    expect(c).toMatchObject({ teamId: vipTeam, assigneeId: vip.memberId });
    // Only the agent with the skill gets the German tickets, however many come.
    for (let i = 0; i < 3; i++) {
      expect(await ticket(owner, { subject: 'Frage', description: 'Meine rechnung ist falsch' })).toMatchObject({
        teamId: billing,
        assigneeId: de.memberId,
      });
    }
    // No rule matches: no team, nobody.
    expect(await ticket(owner, { subject: 'Hello', channel: 'phone' })).toMatchObject({ teamId: null, assigneeId: null });
    // A team chosen by hand skips the rules; an assignee chosen by hand skips routing.
    expect((await ticket(owner, { subject: 'invoice', teamId: chatTeam })).teamId).toBe(chatTeam);
    expect(await ticket(owner, { subject: 'invoice', assigneeId: owner.memberId })).toMatchObject({
      teamId: null,
      assigneeId: owner.memberId,
    });
    // The skill's only agent goes off: the German ticket waits unassigned in the billing queue.
    await setStatus(de, 'off');
    expect(await ticket(owner, { subject: 'Rechnung' })).toMatchObject({ teamId: billing, assigneeId: null });
  }, 60_000);

  it('leaves a ticket unassigned in the team queue when nobody in the team is online, or the team routes manually', async () => {
    const owner = await signUp();
    const [a] = await agents(owner, 1);
    const rr = await team(owner, [a], 'round_robin');
    expect(await ticket(owner, { subject: 'Anyone?', teamId: rr })).toMatchObject({ teamId: rr, assigneeId: null });
    await setStatus(a, 'online');
    expect(await ticket(owner, { subject: 'Now?', teamId: rr })).toMatchObject({ assigneeId: a.memberId });
    const manual = await team(owner, [a], 'manual');
    expect(await ticket(owner, { subject: 'Manual', teamId: manual })).toMatchObject({ teamId: manual, assigneeId: null });
  });

  it('moves the open tickets of an agent who goes away, in teams that reassign, with the move in the history', async () => {
    const owner = await signUp();
    const [a, b] = await agents(owner, 2);
    await setStatus(a, 'online');
    const moving = await team(owner, [a, b], 'round_robin', true);
    const staying = await team(owner, [a, b], 'round_robin', false);
    const t1 = await ticket(owner, { subject: 'One', teamId: moving });
    const t2 = await ticket(owner, { subject: 'Two', teamId: staying });
    const solved = await ticket(owner, { subject: 'Done', teamId: moving });
    expect([t1.assigneeId, t2.assigneeId, solved.assigneeId]).toEqual([a.memberId, a.memberId, a.memberId]);
    await api(owner).patch(`/tickets/${solved.id}`, { status: 'solved', version: solved.version });
    await setStatus(b, 'online');

    const agentsSeen = (await api(b).get('/support-agents')).json().data;
    expect(agentsSeen.find((x: { memberId: string }) => x.memberId === a.memberId).status).toBe('online');
    await setStatus(a, 'away');
    expect((await api(b).get('/support-agents')).json().data.find((x: { memberId: string }) => x.memberId === a.memberId).status).toBe(
      'away',
    );

    const assigneeOf = async (id: string) => (await api(owner).get(`/tickets/${id}`)).json().assigneeId;
    await expect.poll(() => assigneeOf(t1.id), { timeout: 15_000 }).toBe(b.memberId);
    expect(await assigneeOf(t2.id)).toBe(a.memberId);
    expect(await assigneeOf(solved.id)).toBe(a.memberId);
    const hist = (await api(owner).get(`/tickets/${t1.id}/history`)).json().data;
    expect(hist[0].action).toBe('update');

    // With nobody else online, the ticket goes back to the team queue rather than wait on someone absent.
    await setStatus(b, 'off');
    await expect.poll(() => assigneeOf(t1.id), { timeout: 15_000 }).toBeNull();
  }, 60_000);

  it('refuses bad input with problem+json naming the field, and touches nothing of another workspace', async () => {
    const owner = await signUp();
    const other = await signUp({ workspaceName: 'Other Co' });
    const theirs = await createOk(other, '/teams', { name: 'Theirs' });
    const mine = await createOk(owner, '/teams', { name: 'Mine' });
    const c = api(owner);

    const unknownTeam = await c.put('/teams/00000000-0000-4000-8000-000000000000/routing', {
      method: 'round_robin',
      reassignWhenAway: false,
    });
    expect(unknownTeam.statusCode).toBe(404);
    expect(unknownTeam.headers['content-type']).toContain('application/problem+json');
    expect((await c.put(`/teams/${theirs.id}/routing`, { method: 'round_robin', reassignWhenAway: false })).statusCode).toBe(404);
    expect((await api(other).get(`/teams/${theirs.id}/routing`)).json().method).toBe('manual');

    const badMethod = await c.put(`/teams/${mine.id}/routing`, { method: 'lottery', reassignWhenAway: false });
    expect(badMethod.statusCode).toBe(400);
    expect(JSON.stringify(badMethod.json())).toContain('method');

    await c.put('/routing-rules', { rules: [{ name: 'Keep', keywords: ['x'], teamId: mine.id }] });
    const foreign = await c.put('/routing-rules', {
      rules: [
        { name: 'Fine', keywords: ['a'], teamId: mine.id },
        { name: 'Theirs', keywords: ['b'], teamId: theirs.id },
      ],
    });
    expect(foreign.statusCode).toBe(422);
    expect(foreign.headers['content-type']).toContain('application/problem+json');
    expect(foreign.json().errors).toEqual([expect.objectContaining({ field: 'body.rules.1.teamId', code: 'unknown_team' })]);
    // Nothing half-written: the earlier rules stand.
    expect((await c.get('/routing-rules')).json().rules.map((r: { name: string }) => r.name)).toEqual(['Keep']);

    const badChannel = await c.put('/routing-rules', { rules: [{ name: 'X', channels: ['pigeon'], teamId: mine.id }] });
    expect(badChannel.statusCode).toBe(400);

    const foreignMember = await c.put(`/support-agents/${other.memberId}/skills`, { skills: ['x'] });
    expect(foreignMember.statusCode).toBe(404);
    expect(foreignMember.headers['content-type']).toContain('application/problem+json');
    expect((await c.put('/support-agents/me/status', { status: 'busy' })).statusCode).toBe(400);
    expect((await c.put(`/support-agents/${owner.memberId}/skills`, { skills: ['  '] })).statusCode).toBe(400);
  });
});

describe('rotation', () => {
  it('starts after the last agent picked and wraps round', () => {
    expect(rotation(['a', 'b', 'c'], null)).toEqual(['a', 'b', 'c']);
    expect(rotation(['a', 'b', 'c'], 'a')).toEqual(['b', 'c', 'a']);
    expect(rotation(['a', 'b', 'c'], 'c')).toEqual(['a', 'b', 'c']);
    // The last agent left the rotation: the next one along still takes the turn.
    expect(rotation(['a', 'c'], 'b')).toEqual(['c', 'a']);
  });
});
