import { parsePhoneNumberFromString } from 'libphonenumber-js/min';
import type { SessionInfo } from './api.ts';

// Dates, numbers and money in the member's locale and time zone (member.locale, member.timeZone).

let locale = navigator.language;
let timeZone: string | undefined;
let country: string | null = null;

export function setFormatPrefs(s: SessionInfo | null) {
  locale = s?.member.locale || navigator.language;
  timeZone = s?.member.timeZone || undefined;
  country = s?.workspace.country ?? null;
}

const safe = <T>(f: () => T, fallback: T) => {
  try {
    return f();
  } catch {
    return fallback;
  }
};

export const formatDateTime = (iso: string | null | undefined) =>
  iso ? safe(() => new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short', timeZone }).format(new Date(iso)), iso) : '';

export const formatDate = (iso: string | null | undefined) =>
  iso
    ? safe(
        () =>
          // A date-only value (2026-10-01) is a calendar day, not an instant: format it in UTC so no zone moves it.
          new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeZone: iso.length === 10 ? 'UTC' : timeZone }).format(
            new Date(iso.length === 10 ? `${iso}T00:00:00Z` : iso),
          ),
        iso,
      )
    : '';

export const formatNumber = (n: number | null | undefined) => (n == null ? '' : new Intl.NumberFormat(locale).format(n));

/** Money held in minor units: 1250 EUR is 12,50 € in German. */
export function formatMoney(minor: number | null | undefined, currency: string) {
  if (minor == null) return '';
  return safe(() => {
    const f = new Intl.NumberFormat(locale, { style: 'currency', currency });
    const digits = f.resolvedOptions().maximumFractionDigits ?? 2;
    return f.format(minor / 10 ** digits);
  }, `${minor} ${currency}`);
}

export function fractionDigits(currency: string) {
  return safe(() => new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2, 2);
}

/** "2 minutes ago", "3 hours ago", "yesterday"… in the member's language, to the unit that fits. */
export function relativeTime(iso: string, now = Date.now()) {
  const seconds = Math.round((new Date(iso).getTime() - now) / 1000);
  const abs = Math.abs(seconds);
  if (abs >= 7 * 86_400) return formatDate(iso);
  const [value, unit]: [number, Intl.RelativeTimeFormatUnit] =
    abs < 60
      ? [seconds, 'second']
      : abs < 3_600
        ? [Math.round(seconds / 60), 'minute']
        : abs < 86_400
          ? [Math.round(seconds / 3_600), 'hour']
          : [Math.round(seconds / 86_400), 'day'];
  return safe(() => new Intl.RelativeTimeFormat(locale, { numeric: 'auto' }).format(value, unit), iso);
}

/** "today", "yesterday"… in the member's language. */
export function formatRelative(iso: string) {
  const days = Math.round((new Date(iso).getTime() - Date.now()) / 86_400_000);
  if (Math.abs(days) > 6) return formatDate(iso);
  return safe(() => new Intl.RelativeTimeFormat(locale, { numeric: 'auto' }).format(days, 'day'), iso);
}

/**
 * A phone as people of the workspace read it: national form for numbers of the workspace's country
 * ("030 5550101"), international for the rest ("+44 20 7946 0958"); as typed when it cannot be read.
 */
export function formatPhone(value: string | null | undefined, e164: string | null | undefined) {
  if (!value) return '';
  if (!e164) return value;
  // The typed text keeps an extension E.164 has no room for; it is read again only if it still means the same number.
  const typed = parsePhoneNumberFromString(value, (country ?? undefined) as never);
  const read = typed?.number === e164 ? typed : parsePhoneNumberFromString(e164);
  if (!read) return value;
  // Both forms carry the extension ("030 5550101 ext. 12").
  return read.country && read.country === country ? read.formatNational() : read.formatInternational();
}

/** A tel: link that dials from anywhere (E.164), or null for a number that could not be read. */
export const telHref = (e164: string | null | undefined) => (e164 ? `tel:${e164}` : null);

/** Money on a chart's axis, short: $12,500.00 becomes $12.5K, 1.250.000,00 € becomes 1,3 Mio. € in German. */
export function formatMoneyShort(minor: number, currency: string) {
  return safe(
    () =>
      new Intl.NumberFormat(locale, { style: 'currency', currency, notation: 'compact', maximumFractionDigits: 1 }).format(
        minor / 10 ** fractionDigits(currency),
      ),
    `${minor} ${currency}`,
  );
}

/** A share (0.75) as a percentage in the member's locale ("75 %" in German). */
export const formatPercent = (share: number | null | undefined) =>
  share == null ? '' : new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 0 }).format(share);

/** A calendar month given as YYYY-MM ("Mar 2026", "März 2026"); a month is not an instant, so no zone moves it. */
export const formatMonth = (month: string) =>
  safe(
    () => new Intl.DateTimeFormat(locale, { month: 'short', year: 'numeric', timeZone: 'UTC' }).format(new Date(`${month}-01T00:00:00Z`)),
    month,
  );
