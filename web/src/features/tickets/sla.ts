import { queryOptions } from '@tanstack/react-query';
import { api, type GetResult, unwrap } from '../../api.ts';

// The SLA policy on the web side (Settings → SLA): its shapes, its query, and the conversions the
// form needs between what the API counts (minutes) and what people type (hours and minutes, 09:00).

export type SlaPolicy = NonNullable<GetResult<'/api/v1/sla-policy'>['policy']>;
export type Calendar = SlaPolicy['calendar'];
export type PriorityTargets = SlaPolicy['targets'];
export type Targets = PriorityTargets['normal'];
export type Override = SlaPolicy['overrides'][number];
export type Weekday = keyof Calendar['week'];

export const weekdays = [1, 2, 3, 4, 5, 6, 7] as const satisfies readonly Weekday[];
export const targetKinds = ['firstResponse', 'nextResponse', 'resolution'] as const satisfies readonly (keyof Targets)[];

export const slaKey = ['sla-policy'] as const;
export const slaPolicyQuery = queryOptions({
  queryKey: slaKey,
  queryFn: async () => unwrap(await api.GET('/api/v1/sla-policy')).policy,
});

/** Minutes after midnight as an `<input type="time">` value; a closing time of 24:00 shows as 00:00. */
export const timeOf = (m: number) => `${String(Math.floor(m / 60) % 24).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;

/** An `<input type="time">` value as minutes after midnight (null when empty); a closing 00:00 is midnight at the end of the day. */
export function minutesOf(value: string, closing: boolean): number | null {
  const m = /^(\d{2}):(\d{2})/.exec(value);
  if (!m) return null;
  const minutes = Number(m[1]) * 60 + Number(m[2]);
  return closing && minutes === 0 ? 1440 : minutes;
}

/** A weekday's name in the reader's language: 1 Monday … 7 Sunday (1 January 2024 was a Monday). */
export const weekdayName = (day: Weekday, locale: string) =>
  new Intl.DateTimeFormat(locale, { weekday: 'long', timeZone: 'UTC' }).format(new Date(Date.UTC(2024, 0, Number(day))));

/** Every IANA zone the browser knows, with `current` first when the list lacks it (UTC, an alias). */
export function timeZones(current: string) {
  const known = (Intl as unknown as { supportedValuesOf?: (k: string) => string[] }).supportedValuesOf?.('timeZone') ?? [];
  return [...new Set([current, 'UTC', ...known])];
}

const workingDay = [{ from: 9 * 60, to: 17 * 60 }];

/** What the form starts from before an admin has saved a policy: office hours in their zone, targets a desk commonly begins with. */
export function starterPolicy(timeZone: string, name: string): SlaPolicy {
  const t = (firstResponse: number, resolution: number): Targets => ({ firstResponse, nextResponse: firstResponse, resolution });
  return {
    calendar: {
      name,
      timeZone,
      week: { 1: workingDay, 2: workingDay, 3: workingDay, 4: workingDay, 5: workingDay },
      holidays: [],
    },
    targets: { low: t(480, 4800), normal: t(240, 2400), high: t(60, 960), urgent: t(30, 480) },
    overrides: [],
  };
}
