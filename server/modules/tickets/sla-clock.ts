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

/** The zone's offset from UTC at instant `t` as Intl reads it, in milliseconds (local = UTC + offset). */
function intlOffset(timeZone: string, t: number) {
  const p: Record<string, number> = {};
  for (const part of formatter(timeZone).formatToParts(new Date(t))) if (part.type !== 'literal') p[part.type] = Number(part.value);
  const local = Date.UTC(p.year as number, (p.month as number) - 1, p.day, p.hour, p.minute, p.second);
  return local - (t - (((t % 1000) + 1000) % 1000));
}

/** How far a stretch is followed each way from the instant that asked (a zone without changes: a year and a bit). */
const SEARCH_DAYS = 400;

/**
 * Where the offset `off` that holds at `t` stops holding, going forward (`dir` 1: the first second
 * with another offset) or back (-1: the first second of the stretch), probing a day at a time and
 * then to the second; `t` ± SEARCH_DAYS when it holds all that way.
 */
function edge(timeZone: string, t: number, off: number, dir: 1 | -1): number {
  for (let day = 1; day <= SEARCH_DAYS; day++) {
    const probe = t + dir * day * DAY;
    if (intlOffset(timeZone, probe) === off) continue;
    // Between the last probe and this one: `same` still has the offset, `other` does not.
    let same = Math.floor((t + dir * (day - 1) * DAY) / 1000);
    let other = dir === 1 ? Math.ceil(probe / 1000) : Math.floor(probe / 1000);
    while (Math.abs(other - same) > 1) {
      const mid = Math.floor((same + other) / 2);
      if (intlOffset(timeZone, mid * 1000) === off) same = mid;
      else other = mid;
    }
    return dir === 1 ? Math.max(other * 1000, t + 1) : Math.min(same * 1000, t);
  }
  return t + dir * SEARCH_DAYS * DAY;
}

interface Stretch {
  start: number;
  end: number;
  off: number;
}

/**
 * Stretches of constant offset found so far, per zone, by start. Reading the offset through Intl
 * costs microseconds and a due time needs dozens of reads: recomputing 100k tickets after a calendar
 * change took 50 s, nearly all of it here. A zone changes its offset twice a year at most, so a
 * handful of stretches answers every later question.
 */
const stretches = new Map<string, Stretch[]>();

function stretchAt(timeZone: string, t: number): Stretch {
  let list = stretches.get(timeZone);
  if (!list || list.length > 1_000) {
    list = [];
    stretches.set(timeZone, list);
  }
  let lo = 0;
  let hi = list.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const s = list[mid] as Stretch;
    if (t < s.start) hi = mid - 1;
    else if (t >= s.end) lo = mid + 1;
    else return s;
  }
  const off = intlOffset(timeZone, t);
  const found = { start: edge(timeZone, t, off, -1), end: edge(timeZone, t, off, 1), off };
  list.splice(lo, 0, found);
  // Stretches cut short by the search may overlap a neighbour; both hold the same offset where they
  // do, and the search above still finds one that holds `t` as long as they stay ordered by start.
  list.sort((a, b) => a.start - b.start);
  return found;
}

/** The zone's offset from UTC at instant `t`, in milliseconds (local = UTC + offset). */
export const offsetAt = (timeZone: string, t: number) => stretchAt(timeZone, t).off;

/** The end of the stretch of constant offset that holds `t`: the first instant with another offset. */
const stretchEnd = (timeZone: string, t: number): number => stretchAt(timeZone, t).end;

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
