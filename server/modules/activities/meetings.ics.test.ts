import ICAL from 'ical.js';
import { describe, expect, it } from 'vitest';
import { BadInvite, buildInvite, parseInvite } from './meetings.ics.ts';

const invite = {
  method: 'REQUEST' as const,
  uid: 'abc@rapport',
  sequence: 3,
  start: new Date('2026-12-01T10:00:00Z'),
  end: new Date('2026-12-01T11:30:00Z'),
  summary: 'Review; with, commas\nand a line break',
  description: 'Agenda:\n1. Numbers',
  location: 'Room 1, 2nd floor',
  organizer: { email: 'me@rapport.example.test', name: 'Mia Me' },
  attendees: [
    { email: 'a@customer.example.test', name: 'Ann A', status: 'needs-action' as const },
    { email: 'b@customer.example.test', name: null, status: 'accepted' as const },
  ],
};

describe('iCalendar invites', () => {
  it('writes an invite that ical.js reads back field for field, with escaping and UTC times', () => {
    const text = buildInvite(invite);
    expect(text).toContain('DTSTART:20261201T100000Z');
    expect(text).toContain('SUMMARY:Review\\; with\\, commas\\nand a line break');
    const cal = new ICAL.Component(ICAL.parse(text) as unknown[]);
    expect(cal.getFirstPropertyValue('method')).toBe('REQUEST');
    expect(cal.getFirstPropertyValue('version')).toBe('2.0');
    const vevent = cal.getFirstSubcomponent('vevent') as ICAL.Component;
    expect(vevent.getFirstPropertyValue('dtstamp')).toBeTruthy();
    const rsvp = vevent.getAllProperties('attendee').map((p) => p.getParameter('rsvp'));
    expect(rsvp).toEqual(['TRUE', 'TRUE']);
    const back = parseInvite(text);
    expect(back).toEqual({ ...invite, organizer: { email: 'me@rapport.example.test', name: 'Mia Me' } });
    // A cancellation asks for no answer.
    expect(buildInvite({ ...invite, method: 'CANCEL' })).not.toContain('RSVP');
    expect(parseInvite(buildInvite({ ...invite, method: 'CANCEL' })).method).toBe('CANCEL');
  });

  it('says why a calendar part cannot be used', () => {
    const reason = (text: string) => {
      try {
        parseInvite(text);
        return 'read';
      } catch (e) {
        expect(e).toBeInstanceOf(BadInvite);
        return (e as Error).message;
      }
    };
    const good = buildInvite(invite);
    expect(reason('hello, not a calendar')).toMatch(/^not iCalendar/);
    expect(reason('BEGIN:VCALENDAR\r\nMETHOD:REQUEST\r\nBEGIN:VEVENT\r\nDTSTART:garbage\r\n')).toMatch(/^not iCalendar/);
    expect(reason(good.replace('METHOD:REQUEST', 'METHOD:PUBLISH'))).toBe('METHOD PUBLISH is not one Rapport acts on');
    expect(reason(good.replace(/UID:.*\r\n/, ''))).toBe('the event has no UID');
    expect(reason(good.replace(/BEGIN:VEVENT[\s\S]*END:VEVENT\r\n/, ''))).toBe('no VEVENT');
    expect(reason(good.replace(/DTSTART:.*\r\n/, ''))).toBe('the event has no readable DTSTART');
    expect(reason(good)).toBe('read');
  });
});
