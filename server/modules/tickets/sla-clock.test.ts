import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { BusinessCalendar } from '../../../contract/support.ts';
import { addBusinessMinutes, businessMinutesBetween, isTimeZone, type Pause } from './sla-clock.ts';

const MINUTE = 60_000;
const weekdays = { Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6, Sun: 7 } as const;

/**
 * The reference: minute by minute, the zone's wall clock read by Intl for each one, and the rule said
 * in words (an open hour of that weekday, not a holiday, not paused). Slow and plainly right.
 */
function referenceMinutes(cal: BusinessCalendar, from: number, to: number, pauses: Pause[]) {
  const f = new Intl.DateTimeFormat('en-US', {
    timeZone: cal.timeZone,
    hourCycle: 'h23',
    weekday: 'short',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
  });
  let n = 0;
  for (let m = from; m < to; m += MINUTE) {
    if (pauses.some((p) => m >= p.from.getTime() && (p.to === null || m < p.to.getTime()))) continue;
    // "Sun, 03/29/2026, 03:00"
    const [weekday, month, day, year, hour, minute] = f.format(new Date(m)).split(/[^A-Za-z0-9]+/);
    if (cal.holidays.includes(`${year}-${month}-${day}`)) continue;
    const minuteOfDay = Number(hour) * 60 + Number(minute);
    const hours = cal.week[weekdays[weekday as keyof typeof weekdays]] ?? [];
    if (hours.some((h) => minuteOfDay >= h.from && minuteOfDay < h.to)) n++;
  }
  return n;
}

const berlinOffice: BusinessCalendar = {
  name: 'Berlin office',
  timeZone: 'Europe/Berlin',
  week: {
    1: [{ from: 540, to: 1020 }],
    2: [{ from: 540, to: 1020 }],
    3: [{ from: 540, to: 1020 }],
    4: [{ from: 540, to: 1020 }],
    5: [{ from: 540, to: 1020 }],
  },
  holidays: [],
};

describe('the SLA clock', () => {
  it('carries a target over the weekend and a holiday, in the calendar’s own zone', () => {
    // Friday 27 Nov 2026, 16:00 in Berlin (15:00 UTC): one hour left that day, one more on Monday.
    const friday4pm = new Date('2026-11-27T15:00:00Z');
    expect(addBusinessMinutes(berlinOffice, friday4pm, 120)?.toISOString()).toBe('2026-11-30T09:00:00.000Z');
    const mondayOff = { ...berlinOffice, holidays: ['2026-11-30'] };
    expect(addBusinessMinutes(mondayOff, friday4pm, 120)?.toISOString()).toBe('2026-12-01T09:00:00.000Z');
    expect(businessMinutesBetween(berlinOffice, friday4pm, new Date('2026-11-30T09:00:00Z'))).toBe(120);
  });

  it('counts the day the clocks change as the hours a person works through it', () => {
    const always: BusinessCalendar = {
      name: 'Around the clock',
      timeZone: 'Europe/Berlin',
      week: Object.fromEntries([1, 2, 3, 4, 5, 6, 7].map((d) => [d, [{ from: 0, to: 1440 }]])) as BusinessCalendar['week'],
      holidays: [],
    };
    // Sunday 29 March 2026 has 23 hours in Berlin, Sunday 25 October 25.
    expect(businessMinutesBetween(always, new Date('2026-03-28T23:00:00Z'), new Date('2026-03-29T22:00:00Z'))).toBe(23 * 60);
    expect(businessMinutesBetween(always, new Date('2026-10-24T22:00:00Z'), new Date('2026-10-25T23:00:00Z'))).toBe(25 * 60);
    // Open 02:00–04:00 local only: one hour on the spring day (02:00–03:00 does not exist), three in autumn.
    const nights = {
      ...always,
      week: Object.fromEntries([1, 2, 3, 4, 5, 6, 7].map((d) => [d, [{ from: 120, to: 240 }]])) as BusinessCalendar['week'],
    };
    expect(businessMinutesBetween(nights, new Date('2026-03-28T23:00:00Z'), new Date('2026-03-29T22:00:00Z'))).toBe(60);
    expect(businessMinutesBetween(nights, new Date('2026-10-24T22:00:00Z'), new Date('2026-10-25T23:00:00Z'))).toBe(180);
  });

  it('stops while the ticket waits on the customer, and says null when no open time comes', () => {
    const monday9 = new Date('2026-11-30T08:00:00Z');
    const paused: Pause[] = [{ from: new Date('2026-11-30T09:00:00Z'), to: new Date('2026-11-30T11:00:00Z') }];
    // 60 minutes before the pause, the rest after it.
    expect(addBusinessMinutes(berlinOffice, monday9, 90, paused)?.toISOString()).toBe('2026-11-30T11:30:00.000Z');
    expect(addBusinessMinutes(berlinOffice, monday9, 90, [{ from: new Date('2026-11-30T09:00:00Z'), to: null }])).toBeNull();
    expect(addBusinessMinutes({ ...berlinOffice, week: {} }, monday9, 1)).toBeNull();
    expect(isTimeZone('Europe/Berlin')).toBe(true);
    expect(isTimeZone('Mars/Olympus_Mons')).toBe(false);
  });

  // Zones with summer time north and south, half- and quarter-hour offsets, a 30-minute change
  // (Lord Howe), and zones without summer time; each with the days its clocks change in 2026, which
  // the generated spans cross.
  const zones: Record<string, string[]> = {
    'Europe/Berlin': ['2026-03-29', '2026-10-25'],
    'Europe/London': ['2026-03-29', '2026-10-25'],
    'America/New_York': ['2026-03-08', '2026-11-01'],
    'America/St_Johns': ['2026-03-08', '2026-11-01'],
    'Australia/Sydney': ['2026-04-05', '2026-10-04'],
    'Australia/Lord_Howe': ['2026-04-05', '2026-10-04'],
    'Pacific/Chatham': ['2026-04-05', '2026-09-27'],
    'Asia/Kolkata': ['2026-06-15'],
    'America/Sao_Paulo': ['2026-06-15'],
  };
  const zoneAndAnchor = fc
    .constantFrom(...Object.entries(zones).flatMap(([zone, days]) => days.map((d) => [zone, Date.parse(`${d}T00:00:00Z`)] as const)))
    .map(([timeZone, anchor]) => ({ timeZone, anchor }));
  const hours = fc
    .tuple(fc.integer({ min: 0, max: 1440 }), fc.integer({ min: 0, max: 1440 }))
    .filter(([a, b]) => a < b)
    .map(([from, to]) => ({ from, to }));
  const calendar = fc.record({
    week: fc.dictionary(fc.constantFrom('1', '2', '3', '4', '5', '6', '7'), fc.array(hours, { maxLength: 3 }), { minKeys: 3 }),
    holidayOffsets: fc.array(fc.integer({ min: -2, max: 5 }), { maxLength: 2 }),
  });
  const scenario = fc.record({
    cal: calendar,
    zone: zoneAndAnchor,
    startMinute: fc.integer({ min: -2 * 1440, max: 1440 }),
    length: fc.integer({ min: 0, max: 3 * 1440 }),
    pauses: fc.array(fc.tuple(fc.integer({ min: 0, max: 3 * 1440 }), fc.option(fc.integer({ min: 1, max: 600 }))), { maxLength: 2 }),
  });
  type Scenario = typeof scenario extends fc.Arbitrary<infer T> ? T : never;
  const build = (s: Scenario) => {
    const from = s.zone.anchor + s.startMinute * MINUTE;
    const cal: BusinessCalendar = {
      name: 'generated',
      timeZone: s.zone.timeZone,
      week: s.cal.week as BusinessCalendar['week'],
      holidays: s.cal.holidayOffsets.map((d) => new Date(s.zone.anchor + d * 1440 * MINUTE).toISOString().slice(0, 10)),
    };
    const pauses: Pause[] = s.pauses.map(([at, len]) => ({
      from: new Date(from + at * MINUTE),
      to: len === null ? null : new Date(from + (at + len) * MINUTE),
    }));
    return { from, to: from + s.length * MINUTE, cal, pauses };
  };

  it('counts exactly the minutes the minute-by-minute reference counts', () => {
    fc.assert(
      fc.property(scenario, (s) => {
        const { from, to, cal, pauses } = build(s);
        expect(businessMinutesBetween(cal, new Date(from), new Date(to), pauses)).toBe(referenceMinutes(cal, from, to, pauses));
      }),
      { numRuns: 120, seed: 20261201 },
    );
  });

  it('puts a target’s due time at the end of its last counted minute, as the reference does', () => {
    fc.assert(
      fc.property(scenario, fc.integer({ min: 1, max: 3 * 1440 }), (s, target) => {
        const { from, to, cal, pauses } = build(s);
        // A target the span holds, so that the reference can check where it lands.
        const available = referenceMinutes(cal, from, to, pauses);
        if (available === 0) return;
        const n = Math.min(target, available);
        const at = addBusinessMinutes(cal, new Date(from), n, pauses);
        expect(at).not.toBeNull();
        const t = (at as Date).getTime();
        expect(referenceMinutes(cal, from, t, pauses)).toBe(n);
        expect(referenceMinutes(cal, from, t - MINUTE, pauses)).toBe(n - 1);
      }),
      { numRuns: 80, seed: 20261202 },
    );
  });
});
