import { sql } from 'drizzle-orm';
import fc from 'fast-check';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { selectRows } from '../../db/client.ts';
import { api, signUp, testApp, testDatabase } from '../../test/harness.ts';
import { automationClock } from './clock.ts';
import { scan } from './scanner.ts';
import { makeRule, newDeal, runsOf } from './test-helpers.ts';

// Date triggers against a simple reference: random sequences of date changes and clock moves,
// each move followed by a scan; after every scan, the (record, date) pairs that fired must be
// exactly those the reference says — each once, when its time (the day at the trigger's time in
// the rule's zone, moved by the offset) lies between the moment the rule was armed and now.

const seed = Number(process.env.FUZZ_SEED ?? 20261122);
const runs = Number(process.env.FUZZ_RUNS ?? 8);
const realNow = automationClock.now;
afterEach(() => {
  automationClock.now = realNow;
});

/** How far a time zone is ahead of UTC at an instant, by Intl. */
function zoneOffset(t: number, timeZone: string) {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).formatToParts(new Date(t));
  const g = (k: string) => Number(parts.find((p) => p.type === k)?.value);
  return Date.UTC(g('year'), g('month') - 1, g('day'), g('hour'), g('minute'), g('second')) - t;
}

/** The reference: a local date and time of day in a zone, as an instant. */
function fireAt(date: string, offsetDays: number, atTime: string, timeZone: string) {
  const [y, m, d] = date.split('-').map(Number);
  const [hh, mm] = atTime.split(':').map(Number);
  const local = Date.UTC(y, m - 1, d + offsetDays, hh, mm);
  const guess = local - zoneOffset(local, timeZone);
  return local - zoneOffset(guess, timeZone);
}

const START = Date.parse('2032-03-20T06:00:00Z'); // the spring change of summer time is a week ahead in Europe, a week behind in America
const dates = ['2032-03-19', '2032-03-22', '2032-03-24', '2032-03-28', '2032-03-30', '2032-04-03'];

type Command = { kind: 'date'; deal: number; date: string | null } | { kind: 'advance'; ms: number };

// The app (and its worker) start once, before the first test's clock runs.
beforeAll(() => testApp());

describe('date triggers', () => {
  it('fire once per record and date, when due, against a reference', async () => {
    const command: fc.Arbitrary<Command> = fc.oneof(
      fc.record({
        kind: fc.constant('date' as const),
        deal: fc.nat({ max: 2 }),
        date: fc.option(fc.constantFrom(...dates), { nil: null }),
      }),
      fc.record({ kind: fc.constant('advance' as const), ms: fc.constantFrom(20 * 60_000, 5 * 3_600_000, 86_400_000, 3 * 86_400_000) }),
    );
    const scenario = fc.record({
      timeZone: fc.constantFrom('UTC', 'Europe/Berlin', 'America/New_York', 'Asia/Kolkata'),
      offsetDays: fc.integer({ min: -4, max: 2 }),
      atTime: fc.constantFrom('09:00', '17:30', '00:00'),
      commands: fc.array(command, { minLength: 3, maxLength: 12 }),
    });
    const { db } = await testDatabase();
    let checked = 0;
    let fired = 0;
    await fc.assert(
      fc.asyncProperty(scenario, async ({ timeZone, offsetDays, atTime, commands }) => {
        let now = START;
        automationClock.now = () => new Date(now);
        const s = await signUp();
        const deals: { id: string }[] = [];
        for (let i = 0; i < 3; i++) deals.push(await newDeal(s, { name: `D${i}`, expectedCloseDate: dates[i + 1] }));
        const armedAt = now;
        const rule = await makeRule(s, {
          trigger: {
            type: 'date_reached',
            config: { object: 'deal', field: 'expectedCloseDate', offset: { amount: offsetDays, unit: 'days' }, atTime },
          },
          timeZone,
          steps: [],
        });
        const current: (string | null)[] = [dates[1], dates[2], dates[3]];
        const expected = new Set<string>();
        for (const c of commands) {
          if (c.kind === 'date') {
            const d = (await api(s).get(`/deals/${deals[c.deal].id}`)).json();
            const r = await api(s).patch(`/deals/${d.id}`, { expectedCloseDate: c.date, version: d.version });
            expect(r.statusCode).toBe(200);
            current[c.deal] = c.date;
            continue;
          }
          now += c.ms;
          await scan(db);
          current.forEach((date, i) => {
            if (!date) return;
            const at = fireAt(date, offsetDays, atTime, timeZone);
            if (at >= armedAt && at <= now) expected.add(`${deals[i].id}:${date}`);
          });
          const got = (await runsOf(s, rule.id)).map((r) => `${r.recordId}`);
          const keys = await selectRows<{ key: string }>(
            db,
            sql`select key from automation_fires where workspace_id = ${s.workspaceId} and rule_id = ${rule.id}`,
          );
          const fires = keys.map((k) => k.key.replace(/^date:/, ''));
          expect(fires.sort()).toEqual([...expected].sort());
          // One run per firing, never two.
          expect(got.length).toBe(expected.size);
          checked++;
        }
        fired += expected.size;
      }),
      { numRuns: runs, seed },
    );
    expect(checked).toBeGreaterThan(runs);
    expect(fired).toBeGreaterThan(0);
  }, 240_000);
});
