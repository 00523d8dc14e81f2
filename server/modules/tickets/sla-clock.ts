import type { BusinessCalendar } from '../../../contract/support.ts';

/**
 * The SLA clock: how many business minutes lie between two instants, and when a target of N
 * business minutes falls due, on a team's calendar (hours per weekday in its own time zone,
 * holidays, and pauses while a ticket waits on the customer).
 *
 * A minute counts when the wall clock of the calendar's zone shows an open hour of that local
 * weekday, on a day that is not a holiday, outside every pause. That definition is what the tests
 * check minute by minute. Computed here by stretches of constant UTC offset: inside one, local time
 * is UTC shifted by a fixed amount, so the open hours of each local day become plain instants. The
 * hour that a spring change skips then counts nothing, and the hour an autumn change repeats counts
 * twice, as a person working through that night would see it.
 */

const MINUTE = 60_000;
const DAY = 1440 * MINUTE;

export interface Pause {
  from: Date;
  /** null: still paused (the ticket is pending on the customer now). */
  to: Date | null;
}

type Interval = [number, number];

const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(timeZone: string) {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/** Whether the runtime knows `timeZone` (an IANA name such as Europe/Berlin). */
export function isTimeZone(timeZone: string) {
  try {
    formatter(timeZone);
    return true;
  } catch {
    return false;
  }
}

/** The zone's offset from UTC at instant `t`, in milliseconds (local = UTC + offset). */
export function offsetAt(timeZone: string, t: number) {
  const p: Record<string, number> = {};
  for (const part of formatter(timeZone).formatToParts(new Date(t))) if (part.type !== 'literal') p[part.type] = Number(part.value);
  const local = Date.UTC(p.year as number, (p.month as number) - 1, p.day, p.hour, p.minute, p.second);
  return local - (t - (((t % 1000) + 1000) % 1000));
}

/** The end of the stretch of constant offset that holds `t`, looked for within a week (or t + 7 days). */
function stretchEnd(timeZone: string, t: number): number {
  const off = offsetAt(timeZone, t);
  for (let day = 1; day <= 7; day++) {
    const probe = t + day * DAY;
    if (offsetAt(timeZone, probe) === off) continue;
    // A change between the last probe and this one: find its second (the offset holds within a second).
    let lo = Math.floor((t + (day - 1) * DAY) / 1000);
    let hi = Math.ceil(probe / 1000);
    while (hi - lo > 1) {
      const mid = Math.floor((lo + hi) / 2);
      if (offsetAt(timeZone, mid * 1000) === off) lo = mid;
      else hi = mid;
    }
    return Math.max(hi * 1000, t + 1);
  }
  return t + 7 * DAY;
}

const isoDate = (localMs: number) => new Date(localMs).toISOString().slice(0, 10);
/** ISO weekday, 1 Monday … 7 Sunday, of a local day given as its midnight in "UTC-shaped" local ms. */
const isoWeekday = (localMs: number) => ((new Date(localMs).getUTCDay() + 6) % 7) + 1;

/** A weekday's opening hours in order, overlapping ones merged (each minute counts once). */
function dayHours(cal: BusinessCalendar, weekday: number): Interval[] {
  const hours = [...(cal.week[weekday as keyof BusinessCalendar['week']] ?? [])].sort((x, y) => x.from - y.from);
  const merged: Interval[] = [];
  for (const h of hours) {
    const last = merged[merged.length - 1];
    if (last && h.from <= last[1]) last[1] = Math.max(last[1], h.to);
    else if (h.from < h.to) merged.push([h.from, h.to]);
  }
  return merged;
}

/**
 * The calendar's open time from `from` on, as instants [a, b) in order, without the pauses; ends
 * after `horizonMs` (a calendar open nowhere would otherwise never end).
 */
function* openTime(cal: BusinessCalendar, from: number, horizonMs: number): Generator<Interval> {
  const holidays = new Set(cal.holidays);
  let t = from;
  const stop = from + horizonMs;
  while (t < stop) {
    const end = Math.min(stretchEnd(cal.timeZone, t), stop);
    const off = offsetAt(cal.timeZone, t);
    const localStart = t + off;
    const localEnd = end + off;
    for (let day = Math.floor(localStart / DAY) * DAY; day < localEnd; day += DAY) {
      if (holidays.has(isoDate(day))) continue;
      for (const [from, to] of dayHours(cal, isoWeekday(day))) {
        const a = Math.max(day + from * MINUTE, localStart);
        const b = Math.min(day + to * MINUTE, localEnd);
        if (a < b) yield [a - off, b - off];
      }
    }
    t = end;
  }
}

/** Pauses as sorted, merged instants; an open pause runs to the end of time. */
function pauseIntervals(pauses: readonly Pause[]): Interval[] {
  const list = pauses
    .map((p): Interval => [p.from.getTime(), p.to ? p.to.getTime() : Number.POSITIVE_INFINITY])
    .filter(([a, b]) => a < b)
    .sort((x, y) => x[0] - y[0]);
  const merged: Interval[] = [];
  for (const iv of list) {
    const last = merged[merged.length - 1];
    if (last && iv[0] <= last[1]) last[1] = Math.max(last[1], iv[1]);
    else merged.push([iv[0], iv[1]]);
  }
  return merged;
}

/** Open time less the pauses: what the SLA clock counts. */
function* counted(cal: BusinessCalendar, from: number, pauses: readonly Pause[], horizonMs: number): Generator<Interval> {
  const ps = pauseIntervals(pauses);
  let i = 0;
  for (const [a0, b] of openTime(cal, from, horizonMs)) {
    let a = a0;
    while (i < ps.length && (ps[i] as Interval)[1] <= a) i++;
    for (let j = i; j < ps.length && a < b; j++) {
      const [pa, pb] = ps[j] as Interval;
      if (pa >= b) break;
      if (pa > a) yield [a, pa];
      a = Math.max(a, pb);
    }
    if (a < b) yield [a, b];
  }
}

/** A year past the span asked about: far enough for any real target, a bound for an empty calendar. */
const HORIZON = 366 * DAY;

/** Business minutes (fractions included) between two instants on the calendar, pauses left out. */
export function businessMinutesBetween(cal: BusinessCalendar, from: Date, to: Date, pauses: readonly Pause[] = []) {
  const f = from.getTime();
  const t = to.getTime();
  if (t <= f) return 0;
  let ms = 0;
  for (const [a, b] of counted(cal, f, pauses, t - f)) ms += Math.min(b, t) - a;
  return ms / MINUTE;
}

/**
 * When `minutes` business minutes after `from` have passed: an SLA target's due time. null when the
 * calendar has no open time within a year of it (a calendar open nowhere, or a pause with no end).
 */
export function addBusinessMinutes(cal: BusinessCalendar, from: Date, minutes: number, pauses: readonly Pause[] = []): Date | null {
  let left = minutes * MINUTE;
  const start = from.getTime();
  if (left <= 0) return new Date(start);
  for (const [a, b] of counted(cal, start, pauses, HORIZON)) {
    if (b - a >= left) return new Date(a + left);
    left -= b - a;
  }
  return null;
}
