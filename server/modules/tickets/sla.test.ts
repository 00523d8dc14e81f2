import { afterEach, describe, expect, it } from 'vitest';
import type { BusinessCalendar, SlaPolicy, SlaTargets, Ticket } from '../../../contract/support.ts';
import { api, type Session, signUp } from '../../test/harness.ts';
import { createOk } from '../../test/samples.ts';
import { automationClock } from '../automation/clock.ts';
import { checkOverrides, dueTimes, type SlaInput, slaTerms } from './sla.ts';

// SLA overrides (issue 14): targets by channel and customer tier. A ticket takes the first override
// whose channels and tiers hold it (an empty list holds anything), else the policy's base targets.

const realNow = automationClock.now;
afterEach(() => {
  automationClock.now = realNow;
});
const at = (iso: string) => {
  automationClock.now = () => new Date(iso);
};

/** Open around the clock in UTC: business minutes are plain minutes. */
const always: BusinessCalendar = {
  name: 'Always',
  timeZone: 'UTC',
  week: Object.fromEntries([1, 2, 3, 4, 5, 6, 7].map((d) => [d, [{ from: 0, to: 1440 }]])),
  holidays: [],
};
const every = (t: SlaTargets) => ({ low: t, normal: t, high: t, urgent: t });
const base = every({ firstResponse: 240, nextResponse: 240, resolution: 2400 });
const gold = every({ firstResponse: 30, nextResponse: 60, resolution: 480 });
const chat = every({ firstResponse: 5, nextResponse: 5, resolution: 60 });
const goldEmail = every({ firstResponse: 15, nextResponse: 30, resolution: 240 });

const policy: SlaPolicy = {
  calendar: always,
  targets: base,
  overrides: [
    { name: 'Gold by email', channels: ['email'], tiers: ['Gold'], targets: goldEmail },
    { name: 'Chat', channels: ['chat'], tiers: [], targets: chat },
    { name: 'Gold', channels: [], tiers: ['gold', 'platinum'], targets: gold },
  ],
};

const ticket = (over: Partial<SlaInput>): SlaInput => ({
  priority: 'normal',
  channel: 'web_form',
  tier: null,
  status: 'new',
  createdAt: new Date('2026-03-02T09:00:00.000Z'),
  firstRespondedAt: null,
  awaitingSince: null,
  solvedAt: null,
  slaPauses: [],
  ...over,
});

describe('SLA terms', () => {
  it('takes the first override whose channels and tiers hold the ticket, else the base targets', () => {
    const terms = (channel: SlaInput['channel'], tier: string | null) => slaTerms(policy, channel, tier).override;
    expect(terms('email', 'gold')).toBe('Gold by email');
    // Chat comes before Gold: a gold customer chatting gets the chat targets.
    expect(terms('chat', 'gold')).toBe('Chat');
    expect(terms('chat', null)).toBe('Chat');
    expect(terms('phone', 'gold')).toBe('Gold');
    expect(terms('email', 'platinum')).toBe('Gold');
    // A tier list never holds "no tier"; an empty channel list holds every channel.
    expect(terms('email', null)).toBeNull();
    expect(terms('phone', 'silver')).toBeNull();
    expect(slaTerms({ ...policy, overrides: [] }, 'chat', 'gold')).toEqual({ override: null, calendar: always, targets: base });
  });

  it('matches tiers as folded text, as routing does', () => {
    const folded = { ...policy, overrides: [{ name: 'VIP', channels: [], tiers: [' ＶＩＰ '], targets: gold }] };
    expect(slaTerms(folded, 'phone', 'vip').override).toBe('VIP');
  });

  it('computes due times from the matching override, on its own calendar when it has one', () => {
    const created = new Date('2026-03-02T09:00:00.000Z');
    const due = (over: Partial<SlaInput>, p: SlaPolicy = policy) => {
      const d = dueTimes(p, ticket({ createdAt: created, ...over }));
      return [d.firstResponseDueAt?.toISOString(), d.resolutionDueAt?.toISOString()];
    };
    expect(due({ channel: 'email', tier: 'gold' })).toEqual(['2026-03-02T09:15:00.000Z', '2026-03-02T13:00:00.000Z']);
    expect(due({ channel: 'chat', tier: 'gold' })).toEqual(['2026-03-02T09:05:00.000Z', '2026-03-02T10:00:00.000Z']);
    expect(due({ channel: 'phone', tier: 'platinum' })).toEqual(['2026-03-02T09:30:00.000Z', '2026-03-02T17:00:00.000Z']);
    expect(due({ channel: 'email', tier: null })).toEqual(['2026-03-02T13:00:00.000Z', '2026-03-04T01:00:00.000Z']);

    // Gold customers get a weekend desk in Berlin; the others keep the base calendar around the clock.
    const weekend: BusinessCalendar = {
      name: 'Weekend desk',
      timeZone: 'Europe/Berlin',
      week: { 6: [{ from: 600, to: 960 }], 7: [{ from: 600, to: 960 }] },
      holidays: [],
    };
    const withCalendar = { ...policy, overrides: [{ ...policy.overrides[2], calendar: weekend }] };
    // Monday 09:00 UTC: the first open minute is Saturday 10:00 in Berlin (09:00 UTC, CET).
    expect(due({ channel: 'phone', tier: 'gold' }, withCalendar)[0]).toBe('2026-03-07T09:30:00.000Z');
    expect(due({ channel: 'phone', tier: null }, withCalendar)[0]).toBe('2026-03-02T13:00:00.000Z');
  });

  it('finds duplicate names and overrides that narrow nothing', () => {
    const put = (overrides: SlaPolicy['overrides']) => checkOverrides({ calendar: always, targets: base, overrides });
    expect(put(policy.overrides)).toEqual([]);
    expect(put([...policy.overrides, { name: ' chat ', channels: ['phone'], tiers: [], targets: base }])).toEqual([
      { field: 'body.overrides.3.name', code: 'duplicate_name', message: 'names another override too' },
    ]);
    expect(put([{ name: 'All', channels: [], tiers: [], targets: base }]).map((e) => e.field)).toEqual(['body.overrides.0.channels']);
    expect(checkOverrides({ calendar: always, targets: base })).toEqual([]);
  });
});

async function newTicket(s: Session, body: Record<string, unknown>) {
  const r = await api(s).post('/tickets', body);
  expect(r.statusCode, r.body).toBe(201);
  return r.json() as Ticket;
}

describe('SLA overrides over the API', () => {
  it('gives an email ticket of a gold company the gold targets, and a chat ticket of the same company the chat ones', async () => {
    const s = await signUp();
    await createOk(s, '/fields', { objectType: 'company', key: 'tier', label: 'Tier', type: 'text' });
    const goldCo = await createOk(s, '/companies', { name: 'Gold Corp', custom: { tier: 'Gold' } });
    const plainCo = await createOk(s, '/companies', { name: 'Plain Ltd' });
    const put = await api(s).put('/sla-policy', policy);
    expect(put.statusCode, put.body).toBe(200);
    expect(put.json().policy.overrides.map((o: { name: string }) => o.name)).toEqual(['Gold by email', 'Chat', 'Gold']);
    expect((await api(s).get('/sla-policy')).json().policy).toEqual(put.json().policy);

    at('2026-03-02T09:00:00.000Z');
    const email = await newTicket(s, { subject: 'Invoice wrong', channel: 'email', companyId: goldCo.id });
    expect(email).toMatchObject({ firstResponseDueAt: '2026-03-02T09:15:00.000Z', resolutionDueAt: '2026-03-02T13:00:00.000Z' });
    const chatTicket = await newTicket(s, { subject: 'Quick question', channel: 'chat', companyId: goldCo.id });
    expect(chatTicket).toMatchObject({ firstResponseDueAt: '2026-03-02T09:05:00.000Z', resolutionDueAt: '2026-03-02T10:00:00.000Z' });
    const plain = await newTicket(s, { subject: 'Invoice wrong too', channel: 'email', companyId: plainCo.id });
    expect(plain.firstResponseDueAt).toBe('2026-03-02T13:00:00.000Z');

    // The tier of the requester counts when the ticket names no company.
    await createOk(s, '/fields', { objectType: 'contact', key: 'tier', label: 'Tier', type: 'text' });
    const person = await createOk(s, '/contacts', { firstName: 'Pia', custom: { tier: 'platinum' } });
    const byPerson = await newTicket(s, { subject: 'Phone call', channel: 'phone', requesterId: person.id });
    expect(byPerson.firstResponseDueAt).toBe('2026-03-02T09:30:00.000Z');

    // A ticket naming no company takes its requester's: a contact of Gold Corp writing by email is a gold customer.
    const worker = await createOk(s, '/contacts', { firstName: 'Gus', companies: [{ companyId: goldCo.id }] });
    const viaRequester = await newTicket(s, { subject: 'From Gus', channel: 'email', requesterId: worker.id });
    expect(viaRequester).toMatchObject({ companyId: goldCo.id, firstResponseDueAt: '2026-03-02T09:15:00.000Z' });

    // A ticket moved to another channel, or to another company, takes that one's targets.
    at('2026-03-02T09:01:00.000Z');
    const moved = await api(s).patch(`/tickets/${email.id}`, { channel: 'phone', version: 1 });
    expect(moved.json()).toMatchObject({ firstResponseDueAt: '2026-03-02T09:30:00.000Z' });
    const elsewhere = await api(s).patch(`/tickets/${email.id}`, { companyId: plainCo.id, version: 2 });
    expect(elsewhere.json()).toMatchObject({ firstResponseDueAt: '2026-03-02T13:00:00.000Z' });
    const toChat = await api(s).patch(`/tickets/${plain.id}`, { channel: 'chat', version: 1 });
    expect(toChat.json()).toMatchObject({ firstResponseDueAt: '2026-03-02T09:05:00.000Z', slaState: 'breaching_soon' });
  });

  it('refuses an unknown channel, a duplicate name and an override that narrows nothing, naming the field', async () => {
    const s = await signUp();
    const cases: [unknown, number, string][] = [
      [[{ name: 'Fax', channels: ['fax'], tiers: [], targets: base }], 400, 'body.overrides.0.channels.0'],
      [
        [
          { name: 'Chat', channels: ['chat'], tiers: [], targets: chat },
          { name: 'CHAT', channels: ['phone'], tiers: [], targets: chat },
        ],
        400,
        'body.overrides.1.name',
      ],
      [[{ name: 'Everything', channels: [], tiers: [], targets: chat }], 400, 'body.overrides.0.channels'],
      [[{ name: 'Blank tier', channels: [], tiers: ['  '], targets: chat }], 400, 'body.overrides.0.tiers.0'],
      [[{ name: 'Gold', tiers: ['gold'], targets: chat }], 400, 'body.overrides.0.channels'],
      [
        [{ name: 'Mars', channels: ['chat'], tiers: [], targets: chat, calendar: { ...always, timeZone: 'Mars/Olympus' } }],
        422,
        'body.overrides.0.calendar.timeZone',
      ],
    ];
    for (const [overrides, status, field] of cases) {
      const r = await api(s).put('/sla-policy', { calendar: always, targets: base, overrides });
      expect(r.statusCode, `${JSON.stringify(overrides)} → ${r.body}`).toBe(status);
      expect(r.headers['content-type']).toContain('application/problem+json');
      expect(r.json().errors.map((e: { field: string }) => e.field)).toContain(field);
    }
    expect((await api(s).get('/sla-policy')).json().policy).toBeNull();
  });

  it('keeps accepting and answering a policy without overrides', async () => {
    const s = await signUp();
    const r = await api(s).put('/sla-policy', { calendar: always, targets: base });
    expect(r.statusCode, r.body).toBe(200);
    expect(r.json().policy).toEqual({ calendar: always, targets: base, overrides: [] });
  });
});
