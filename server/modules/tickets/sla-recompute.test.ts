import { afterEach, describe, expect, it } from 'vitest';
import type { Ticket } from '../../../contract/support.ts';
import { api, type Session, signUp } from '../../test/harness.ts';
import { createOk } from '../../test/samples.ts';
import { automationClock } from '../automation/clock.ts';

// A changed SLA policy reaches the tickets already open: a job recomputes their due times and states
// under the new targets and calendar, and leaves solved tickets (which have none) alone.

const realNow = automationClock.now;
afterEach(() => {
  automationClock.now = realNow;
});
const at = (iso: string) => {
  automationClock.now = () => new Date(iso);
};

/** Open around the clock in UTC: business minutes are plain minutes. */
const always = {
  name: 'Always',
  timeZone: 'UTC',
  week: Object.fromEntries([1, 2, 3, 4, 5, 6, 7].map((d) => [d, [{ from: 0, to: 1440 }]])),
  holidays: [],
};
const policy = (firstResponse: number, resolution: number, calendar: unknown = always) => {
  const t = { firstResponse, nextResponse: 30, resolution };
  return { calendar, targets: { low: t, normal: t, high: t, urgent: t } };
};

async function ticket(s: Session, body: Record<string, unknown>) {
  const r = await api(s).post('/tickets', body);
  expect(r.statusCode, r.body).toBe(201);
  return r.json() as Ticket;
}

async function until(what: string, check: () => Promise<boolean>) {
  for (let i = 0; i < 300; i++) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

const read = async (s: Session, id: string) => (await api(s).get(`/tickets/${id}`)).json() as Ticket;

describe('SLA policy changes', () => {
  it('recompute the open tickets’ due times and states, and leave solved ones alone', async () => {
    const s = await signUp();
    at('2026-03-02T09:00:00.000Z');
    expect((await api(s).put('/sla-policy', policy(60, 240))).statusCode).toBe(200);
    const open = await ticket(s, { subject: 'Broken' });
    const solved = await ticket(s, { subject: 'Done', status: 'solved' });
    expect(open).toMatchObject({
      firstResponseDueAt: '2026-03-02T10:00:00.000Z',
      resolutionDueAt: '2026-03-02T13:00:00.000Z',
      slaState: 'ok',
    });

    // Longer targets: the open ticket's due times move with them.
    expect((await api(s).put('/sla-policy', policy(120, 480))).statusCode).toBe(200);
    await until('the new due times', async () => (await read(s, open.id)).firstResponseDueAt === '2026-03-02T11:00:00.000Z');
    expect(await read(s, open.id)).toMatchObject({ resolutionDueAt: '2026-03-02T17:00:00.000Z', slaState: 'ok' });

    // A target the ticket is already close to: its state follows at once, not at the next scan.
    expect((await api(s).put('/sla-policy', policy(20, 480))).statusCode).toBe(200);
    await until('the new state', async () => (await read(s, open.id)).slaState === 'breaching_soon');
    expect((await read(s, open.id)).firstResponseDueAt).toBe('2026-03-02T09:20:00.000Z');

    // A calendar change: open 09:00–17:00 on weekdays only (2026-03-02 is a Monday): 8 hours of resolution ends at 17:00.
    const office = { ...always, name: 'Office', week: Object.fromEntries([1, 2, 3, 4, 5].map((d) => [d, [{ from: 540, to: 1020 }]])) };
    expect((await api(s).put('/sla-policy', policy(120, 960, office))).statusCode).toBe(200);
    await until('the office calendar', async () => (await read(s, open.id)).resolutionDueAt === '2026-03-03T17:00:00.000Z');

    expect(await read(s, solved.id)).toMatchObject({ firstResponseDueAt: null, resolutionDueAt: null, slaState: 'none' });
  });

  it('recompute under the overrides: each open ticket takes the targets its channel and customer tier select', async () => {
    const s = await signUp();
    await createOk(s, '/fields', { objectType: 'company', key: 'tier', label: 'Tier', type: 'text' });
    const gold = await createOk(s, '/companies', { name: 'Gold Corp', custom: { tier: 'gold' } });
    at('2026-03-02T09:00:00.000Z');
    expect((await api(s).put('/sla-policy', policy(60, 240))).statusCode).toBe(200);
    const goldEmail = await ticket(s, { subject: 'Gold mail', channel: 'email', companyId: gold.id });
    const goldChat = await ticket(s, { subject: 'Gold chat', channel: 'chat', companyId: gold.id });
    const plainEmail = await ticket(s, { subject: 'Plain mail', channel: 'email' });
    for (const t of [goldEmail, goldChat, plainEmail]) expect(t.firstResponseDueAt).toBe('2026-03-02T10:00:00.000Z');

    const quick = (firstResponse: number) => {
      const t = { firstResponse, nextResponse: 30, resolution: 240 };
      return { low: t, normal: t, high: t, urgent: t };
    };
    const withOverrides = {
      ...policy(60, 240),
      overrides: [
        { name: 'Chat', channels: ['chat'], tiers: [], targets: quick(10) },
        { name: 'Gold', channels: [], tiers: ['Gold'], targets: quick(20) },
      ],
    };
    expect((await api(s).put('/sla-policy', withOverrides)).statusCode).toBe(200);
    await until('the override targets', async () => (await read(s, goldChat.id)).firstResponseDueAt === '2026-03-02T09:10:00.000Z');
    expect(await read(s, goldChat.id)).toMatchObject({ slaState: 'breaching_soon' });
    expect(await read(s, goldEmail.id)).toMatchObject({ firstResponseDueAt: '2026-03-02T09:20:00.000Z', slaState: 'breaching_soon' });
    expect(await read(s, plainEmail.id)).toMatchObject({ firstResponseDueAt: '2026-03-02T10:00:00.000Z', slaState: 'ok' });
  });

  it('recompute the open tickets of a customer whose tier changes', async () => {
    const s = await signUp();
    await createOk(s, '/fields', { objectType: 'company', key: 'tier', label: 'Tier', type: 'text' });
    const acme = await createOk(s, '/companies', { name: 'Acme', custom: { tier: 'basic' } });
    const other = await createOk(s, '/companies', { name: 'Other' });
    at('2026-03-02T09:00:00.000Z');
    const t = { firstResponse: 15, nextResponse: 30, resolution: 120 };
    const gold = { name: 'Gold', channels: [], tiers: ['gold'], targets: { low: t, normal: t, high: t, urgent: t } };
    expect((await api(s).put('/sla-policy', { ...policy(60, 240), overrides: [gold] })).statusCode).toBe(200);
    const mine = await ticket(s, { subject: 'Acme asks', companyId: acme.id });
    const theirs = await ticket(s, { subject: 'Other asks', companyId: other.id });
    expect(mine.firstResponseDueAt).toBe('2026-03-02T10:00:00.000Z');

    const upgraded = await api(s).patch(`/companies/${acme.id}`, { custom: { tier: 'Gold' }, version: acme.version });
    expect(upgraded.statusCode, upgraded.body).toBe(200);
    await until('the gold targets', async () => (await read(s, mine.id)).firstResponseDueAt === '2026-03-02T09:15:00.000Z');
    expect(await read(s, mine.id)).toMatchObject({ resolutionDueAt: '2026-03-02T11:00:00.000Z', slaState: 'breaching_soon' });
    expect(await read(s, theirs.id)).toMatchObject({ firstResponseDueAt: '2026-03-02T10:00:00.000Z', version: 1 });
  });
});
