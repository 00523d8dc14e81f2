import ICAL from 'ical.js';
import type { AttendeeStatus } from '../../../contract/activities.ts';

/**
 * iCalendar (RFC 5545) for meeting invites (RFC 5546: REQUEST, REPLY, CANCEL), built and read
 * with ical.js so that what goes out is what a calendar parser reads, and what comes in is read by
 * a parser rather than by pattern matching on text.
 */

export type InviteMethod = 'REQUEST' | 'CANCEL' | 'REPLY';

export interface InviteAttendee {
  email: string;
  name: string | null;
  status: AttendeeStatus;
}

export interface Invite {
  method: InviteMethod;
  uid: string;
  sequence: number;
  start: Date;
  end: Date;
  summary: string;
  description: string | null;
  location: string | null;
  organizer: { email: string; name: string | null };
  attendees: InviteAttendee[];
}

const toPartstat = (s: AttendeeStatus) => s.toUpperCase();
const fromPartstat = (p: unknown): AttendeeStatus | null => {
  const v = String(p ?? 'NEEDS-ACTION').toLowerCase();
  return v === 'accepted' || v === 'declined' || v === 'tentative' || v === 'needs-action' ? v : null;
};
const mailto = (email: string) => `mailto:${email}`;
const fromMailto = (v: unknown) =>
  String(v ?? '')
    .replace(/^mailto:/i, '')
    .trim()
    .toLowerCase();

/** The text/calendar body of an invite, a change, a cancellation or a reply. Times are written in UTC. */
export function buildInvite(inv: Invite): string {
  const cal = new ICAL.Component(['vcalendar', [], []]);
  cal.updatePropertyWithValue('prodid', '-//Rapport//Rapport CRM//EN');
  cal.updatePropertyWithValue('version', '2.0');
  cal.updatePropertyWithValue('calscale', 'GREGORIAN');
  cal.updatePropertyWithValue('method', inv.method);
  const vevent = new ICAL.Component('vevent');
  const event = new ICAL.Event(vevent);
  event.uid = inv.uid;
  vevent.updatePropertyWithValue('dtstamp', ICAL.Time.fromJSDate(new Date(), true));
  event.startDate = ICAL.Time.fromJSDate(inv.start, true);
  event.endDate = ICAL.Time.fromJSDate(inv.end, true);
  event.sequence = inv.sequence;
  event.summary = inv.summary;
  if (inv.description) event.description = inv.description;
  if (inv.location) event.location = inv.location;
  vevent.updatePropertyWithValue('status', inv.method === 'CANCEL' ? 'CANCELLED' : 'CONFIRMED');
  const organizer = vevent.addPropertyWithValue('organizer', mailto(inv.organizer.email));
  if (inv.organizer.name) organizer.setParameter('cn', inv.organizer.name);
  for (const a of inv.attendees) {
    const p = vevent.addPropertyWithValue('attendee', mailto(a.email));
    if (a.name) p.setParameter('cn', a.name);
    p.setParameter('role', 'REQ-PARTICIPANT');
    p.setParameter('partstat', toPartstat(a.status));
    if (inv.method === 'REQUEST') p.setParameter('rsvp', 'TRUE');
  }
  cal.addSubcomponent(vevent);
  return cal.toString();
}

/** Why a calendar part was not used: it says what is wrong for the log line. */
export class BadInvite extends Error {}

/**
 * Reads the first event of a text/calendar part. Throws BadInvite when it is not iCalendar, has no
 * METHOD we act on, no UID or no start: the email is kept either way, only the invite is skipped.
 */
export function parseInvite(text: string): Invite {
  let cal: ICAL.Component;
  try {
    cal = new ICAL.Component(ICAL.parse(text) as unknown[]);
  } catch (err) {
    throw new BadInvite(`not iCalendar: ${err instanceof Error ? err.message : String(err)}`);
  }
  if (cal.name !== 'vcalendar') throw new BadInvite(`not iCalendar: the top component is ${cal.name}`);
  const method = String(cal.getFirstPropertyValue('method') ?? '').toUpperCase();
  if (method !== 'REQUEST' && method !== 'CANCEL' && method !== 'REPLY')
    throw new BadInvite(`METHOD ${method || '(none)'} is not one Rapport acts on`);
  const vevent = cal.getFirstSubcomponent('vevent');
  if (!vevent) throw new BadInvite('no VEVENT');
  const event = new ICAL.Event(vevent);
  if (!event.uid) throw new BadInvite('the event has no UID');
  let start: Date;
  let end: Date;
  try {
    start = event.startDate.toJSDate();
    end = event.endDate ? event.endDate.toJSDate() : start;
  } catch {
    throw new BadInvite('the event has no readable DTSTART');
  }
  if (Number.isNaN(start.getTime()) || Number.isNaN(end.getTime())) throw new BadInvite('the event has no readable DTSTART');
  const organizerProp = vevent.getFirstProperty('organizer');
  const attendees: InviteAttendee[] = [];
  for (const p of vevent.getAllProperties('attendee')) {
    const email = fromMailto(p.getFirstValue());
    const status = fromPartstat(p.getParameter('partstat'));
    if (!email.includes('@') || !status) continue;
    const cn = p.getParameter('cn');
    attendees.push({ email, name: typeof cn === 'string' ? cn : null, status });
  }
  const cn = organizerProp?.getParameter('cn');
  return {
    method,
    uid: event.uid.slice(0, 500),
    sequence: Number.isInteger(event.sequence) ? event.sequence : 0,
    start,
    end: end < start ? start : end,
    summary: (event.summary ?? '').slice(0, 300),
    description: event.description ? String(event.description).slice(0, 20_000) : null,
    location: event.location ? String(event.location).slice(0, 300) : null,
    organizer: { email: fromMailto(organizerProp?.getFirstValue()), name: typeof cn === 'string' ? cn : null },
    attendees: attendees.slice(0, 100),
  };
}
