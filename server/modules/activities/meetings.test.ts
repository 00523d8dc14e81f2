import ICAL from 'ical.js';
import { simpleParser } from 'mailparser';
import nodemailer from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, type Session, signUp, testApp } from '../../test/harness.ts';
import { type MailServers, type MailUser, startMailServers } from '../email/mail-servers.fixture.ts';
import { connect, contact, q, syncNow } from '../email/mailbox.fixture.ts';

// Meetings with attendees, and the invites they send: through the real SMTP receiver of the
// fixture into the attendee's Dovecot INBOX, read back over IMAP and parsed by ical.js as the
// attendee's calendar would.

let servers: MailServers;
beforeAll(async () => {
  await testApp();
  servers = await startMailServers();
}, 60_000);
afterAll(() => servers?.stop());

let seq = 0;
const name = (what: string) => `${what}${Date.now()}${++seq}`;

/** The calendar parts of the messages in a user's INBOX, oldest first, read over IMAP and parsed by ical.js. */
async function invitesIn(u: MailUser) {
  const c = await servers.client(u);
  const out: { subject: string; method: string; event: ICAL.Event; vevent: ICAL.Component; contentType: string }[] = [];
  try {
    const lock = await c.getMailboxLock('INBOX');
    try {
      if ((c.mailbox as { exists: number }).exists) {
        for await (const m of c.fetch('1:*', { source: true })) {
          const parsed = await simpleParser(m.source as Buffer);
          const part = parsed.attachments.find((a) => a.contentType === 'text/calendar');
          if (!part) continue;
          const cal = new ICAL.Component(ICAL.parse(part.content.toString('utf8')) as unknown[]);
          const vevent = cal.getFirstSubcomponent('vevent') as ICAL.Component;
          out.push({
            subject: parsed.subject ?? '',
            method: String(cal.getFirstPropertyValue('method')),
            event: new ICAL.Event(vevent),
            vevent,
            contentType: String(
              part.headers.get('content-type') && (part.headers.get('content-type') as { params: Record<string, string> }).params.method,
            ),
          });
        }
      }
    } finally {
      lock.release();
    }
  } finally {
    await c.logout();
  }
  return out;
}

async function waitForInvites(u: MailUser, n: number) {
  for (let i = 0; i < 200; i++) {
    const got = await invitesIn(u);
    if (got.length >= n) return got;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${u.address} did not get ${n} invites`);
}

const attendeesOf = (vevent: ICAL.Component) =>
  vevent.getAllProperties('attendee').map((p) => ({
    email: String(p.getFirstValue()).replace(/^mailto:/i, ''),
    partstat: p.getParameter('partstat'),
    rsvp: p.getParameter('rsvp'),
  }));

async function meeting(s: Session, body: Record<string, unknown>) {
  const r = await api(s).post('/activities', { type: 'meeting', subject: 'Kick-off', ...body });
  expect(r.statusCode, r.body).toBe(201);
  return r.json();
}

describe('meeting attendees', () => {
  it('stores contacts, members and plain addresses with their answers and a location, and reads them back on the timeline', async () => {
    const s = await signUp();
    const carla = await contact(s, 'carla@customer.example.test', 'Carla Customer');
    const created = await meeting(s, {
      location: 'Room 4',
      links: [{ recordType: 'contact', recordId: carla }],
      attendees: [
        { contactId: carla },
        { memberId: s.memberId },
        { email: 'Guest@Outside.example.test', name: 'Gus Guest', status: 'tentative' },
      ],
    });
    expect(created.location).toBe('Room 4');
    expect(created.attendees).toEqual([
      { contactId: carla, memberId: null, email: 'carla@customer.example.test', name: 'Carla Customer', status: 'needs-action' },
      { contactId: null, memberId: s.memberId, email: expect.stringContaining('@'), name: expect.any(String), status: 'needs-action' },
      { contactId: null, memberId: null, email: 'guest@outside.example.test', name: 'Gus Guest', status: 'tentative' },
    ]);
    expect((await api(s).get(`/activities/${created.id}`)).json().attendees).toEqual(created.attendees);
    const timeline = (await api(s).get(`/contacts/${carla}/timeline`)).json().data;
    expect(timeline[0]).toMatchObject({ id: created.id, location: 'Room 4', attendees: created.attendees, cancelled: false });

    // Replacing the list keeps the answers of those who stay.
    const updated = await api(s).patch(`/activities/${created.id}`, {
      version: created.version,
      attendees: [{ email: 'guest@outside.example.test' }, { email: 'new@outside.example.test' }],
    });
    expect(updated.statusCode, updated.body).toBe(200);
    expect(updated.json().attendees.map((a: { email: string; status: string }) => [a.email, a.status])).toEqual([
      ['guest@outside.example.test', 'tentative'],
      ['new@outside.example.test', 'needs-action'],
    ]);
    // Another workspace does not see them.
    const other = await signUp();
    expect((await api(other).get(`/activities/${created.id}`)).statusCode).toBe(404);
  });

  it('refuses attendees, a location or invites on an activity that is not a meeting, and attendees it cannot place', async () => {
    const s = await signUp();
    const carla = await contact(s, 'carla2@customer.example.test');
    const links = [{ recordType: 'contact', recordId: carla }];
    const call = await api(s).post('/activities', { type: 'call', links, attendees: [{ email: 'x@y.example.test' }], location: 'Here' });
    expect(call.statusCode).toBe(422);
    expect(call.headers['content-type']).toContain('application/problem+json');
    expect(call.json().errors.map((e: { field: string }) => e.field)).toEqual(['body.attendees', 'body.location']);
    const note = (await api(s).post('/activities', { type: 'note', body: 'x', links })).json();
    const patched = await api(s).patch(`/activities/${note.id}`, { version: note.version, attendees: [{ email: 'x@y.example.test' }] });
    expect(patched.statusCode).toBe(422);
    expect(patched.json().errors[0].field).toBe('body.attendees');

    const foreign = await contact(await signUp(), 'foreign@customer.example.test');
    const bad = await api(s).post('/activities', {
      type: 'meeting',
      links,
      attendees: [{ contactId: foreign }, { email: 'a@b.example.test', memberId: s.memberId }, {}],
    });
    expect(bad.statusCode).toBe(422);
    expect(bad.json().errors.map((e: { field: string }) => e.field)).toEqual([
      'body.attendees.0.contactId',
      'body.attendees.1',
      'body.attendees.2',
    ]);
    // Invites need a mailbox of one's own to go out from.
    const noMailbox = await api(s).post('/activities', {
      type: 'meeting',
      links,
      attendees: [{ email: 'a@b.example.test' }],
      sendInvites: true,
    });
    expect(noMailbox.statusCode).toBe(422);
    expect(noMailbox.json().errors[0]).toMatchObject({ field: 'body.sendInvites', code: 'no_mailbox' });
  });
});

describe('invites out', () => {
  it('emails an iCalendar REQUEST, a higher SEQUENCE on a change, and a CANCEL when the meeting is deleted', async () => {
    const s = await signUp();
    const me = await servers.addUser(name('org'));
    const guest = await servers.addUser(name('guest'));
    await connect(s, servers, me);
    const carla = await contact(s, guest.address, 'Gina Guest');
    const start = '2026-12-03T14:00:00.000Z';
    const created = await meeting(s, {
      subject: 'Contract review',
      body: 'Bring the draft.',
      occurredAt: start,
      durationSeconds: 3600,
      location: 'Video call',
      links: [{ recordType: 'contact', recordId: carla }],
      attendees: [{ contactId: carla }],
      sendInvites: true,
    });

    const [first] = await waitForInvites(guest, 1);
    expect(first.method).toBe('REQUEST');
    expect(first.contentType).toBe('REQUEST');
    expect(first.event.uid).toBe(`${created.id}@rapport`);
    expect(first.event.sequence).toBe(0);
    expect(first.event.summary).toBe('Contract review');
    expect(first.event.description).toBe('Bring the draft.');
    expect(first.event.location).toBe('Video call');
    expect(first.event.startDate.toJSDate().toISOString()).toBe(start);
    expect(first.event.endDate.toJSDate().toISOString()).toBe('2026-12-03T15:00:00.000Z');
    expect(first.event.startDate.zone.tzid).toBe('UTC');
    expect(String(first.vevent.getFirstPropertyValue('organizer'))).toBe(`mailto:${me.address}`);
    expect(attendeesOf(first.vevent)).toEqual([{ email: guest.address, partstat: 'NEEDS-ACTION', rsvp: 'TRUE' }]);

    // Moving it sends the same UID with the next SEQUENCE.
    const moved = await api(s).patch(`/activities/${created.id}`, { version: created.version, occurredAt: '2026-12-04T09:30:00.000Z' });
    expect(moved.statusCode, moved.body).toBe(200);
    const second = (await waitForInvites(guest, 2))[1];
    expect([second.method, second.event.uid, second.event.sequence]).toEqual(['REQUEST', first.event.uid, 1]);
    expect(second.event.startDate.toJSDate().toISOString()).toBe('2026-12-04T09:30:00.000Z');
    // A change of the text only is not a new version of the event.
    const retitled = await api(s).patch(`/activities/${created.id}`, { version: moved.json().version, outcome: 'held' });
    expect(retitled.statusCode).toBe(200);

    const deleted = await api(s).delete(`/activities/${created.id}`);
    expect(deleted.statusCode, deleted.body).toBeLessThan(300);
    const all = await waitForInvites(guest, 3);
    expect(all).toHaveLength(3);
    expect([all[2].method, all[2].event.uid, all[2].event.sequence, all[2].subject]).toEqual([
      'CANCEL',
      first.event.uid,
      2,
      'Cancelled: Contract review',
    ]);
  });
});

/**
 * An iCalendar as another calendar program writes it, built here with ical.js directly (not with
 * Rapport's own builder), so that what Rapport reads is not only what it writes.
 */
function otherCalendar(m: {
  method: string;
  uid: string;
  sequence: number;
  start: string;
  end: string;
  summary: string;
  organizer: string;
  attendees: { email: string; partstat: string; cn?: string }[];
  location?: string;
}) {
  const cal = new ICAL.Component(['vcalendar', [], []]);
  cal.updatePropertyWithValue('prodid', '-//Other Calendar Inc//Other 9.1//EN');
  cal.updatePropertyWithValue('version', '2.0');
  cal.updatePropertyWithValue('method', m.method);
  const ve = new ICAL.Component('vevent');
  ve.updatePropertyWithValue('uid', m.uid);
  ve.updatePropertyWithValue('dtstamp', ICAL.Time.fromJSDate(new Date(), true));
  ve.updatePropertyWithValue('dtstart', ICAL.Time.fromDateTimeString(m.start.replace(/\.\d+Z$/, 'Z')));
  ve.updatePropertyWithValue('dtend', ICAL.Time.fromDateTimeString(m.end.replace(/\.\d+Z$/, 'Z')));
  ve.updatePropertyWithValue('sequence', m.sequence);
  ve.updatePropertyWithValue('summary', m.summary);
  if (m.location) ve.updatePropertyWithValue('location', m.location);
  ve.addPropertyWithValue('organizer', `mailto:${m.organizer}`);
  for (const a of m.attendees) {
    const p = ve.addPropertyWithValue('attendee', `mailto:${a.email}`);
    p.setParameter('partstat', a.partstat);
    if (a.cn) p.setParameter('cn', a.cn);
  }
  cal.addSubcomponent(ve);
  return cal.toString();
}

/** Sends a message with a calendar part over the fixture's SMTP server as `from`, delivered into `to`'s INBOX. */
async function deliver(from: MailUser, to: MailUser, subject: string, method: string, ics: string) {
  const t = nodemailer.createTransport({
    host: '127.0.0.1',
    port: servers.smtpPort,
    secure: false,
    ignoreTLS: true,
    auth: { user: from.user, pass: from.password },
  });
  try {
    await t.sendMail({ from: from.address, to: to.address, subject, text: subject, icalEvent: { method, content: ics } });
  } finally {
    t.close();
  }
}

describe('invites after changes', () => {
  it('sends a CANCEL to an attendee taken off the list, the update to those who stay, and a new REQUEST when a deleted meeting is restored', async () => {
    const s = await signUp();
    const me = await servers.addUser(name('org'));
    const stays = await servers.addUser(name('stays'));
    const goes = await servers.addUser(name('goes'));
    await connect(s, servers, me);
    const carla = await contact(s, stays.address, 'Stella Stays');
    const created = await meeting(s, {
      occurredAt: '2026-12-08T08:00:00.000Z',
      links: [{ recordType: 'contact', recordId: carla }],
      attendees: [{ contactId: carla }, { email: goes.address, name: 'Gordon Goes' }],
      sendInvites: true,
    });
    await waitForInvites(stays, 1);
    await waitForInvites(goes, 1);
    const patched = await api(s).patch(`/activities/${created.id}`, { version: created.version, attendees: [{ contactId: carla }] });
    expect(patched.statusCode, patched.body).toBe(200);
    const gone = (await waitForInvites(goes, 2))[1];
    expect([gone.method, gone.event.sequence]).toEqual(['CANCEL', 1]);
    expect(attendeesOf(gone.vevent).map((a) => a.email)).toEqual([goes.address]);
    const update = (await waitForInvites(stays, 2))[1];
    expect([update.method, update.event.sequence]).toEqual(['REQUEST', 1]);
    expect(attendeesOf(update.vevent).map((a) => a.email)).toEqual([stays.address]);

    expect((await api(s).delete(`/activities/${created.id}`)).statusCode).toBeLessThan(300);
    expect((await waitForInvites(stays, 3))[2].method).toBe('CANCEL');
    expect((await api(s).post(`/activities/${created.id}/restore`, {})).statusCode).toBeLessThan(300);
    const again = (await waitForInvites(stays, 4))[3];
    expect([again.method, again.event.sequence]).toEqual(['REQUEST', 3]);
    // The one taken off hears nothing more.
    expect(await invitesIn(goes)).toHaveLength(2);
  });
});

describe('replies and invites in', () => {
  it('sets the attendee’s answer from a METHOD:REPLY that comes back to the organizer’s mailbox, and says so to the timeline', async () => {
    const s = await signUp();
    const me = await servers.addUser(name('org'));
    const guest = await servers.addUser(name('guest'));
    const mailbox = await connect(s, servers, me);
    const carla = await contact(s, guest.address, 'Rita Replier');
    const created = await meeting(s, {
      occurredAt: '2026-12-10T10:00:00.000Z',
      durationSeconds: 1800,
      links: [{ recordType: 'contact', recordId: carla }],
      attendees: [{ contactId: carla }, { email: 'someone.else@outside.example.test' }],
      sendInvites: true,
    });
    const [invite] = await waitForInvites(guest, 1);
    const reply = (who: string, partstat: string) =>
      otherCalendar({
        method: 'REPLY',
        uid: invite.event.uid,
        sequence: invite.event.sequence,
        start: '2026-12-10T10:00:00Z',
        end: '2026-12-10T10:30:00Z',
        summary: 'Kick-off',
        organizer: me.address,
        attendees: [{ email: who, partstat }],
      });
    // A reply that answers for somebody else changes nothing; the attendee's own does.
    await deliver(guest, me, 'Accepted for someone else', 'REPLY', reply('someone.else@outside.example.test', 'DECLINED'));
    await deliver(guest, me, 'Accepted: Kick-off', 'REPLY', reply(guest.address, 'ACCEPTED'));
    await syncNow(s, mailbox.id);
    const after = (await api(s).get(`/activities/${created.id}`)).json();
    expect(after.attendees.map((a: { email: string; status: string }) => [a.email, a.status])).toEqual([
      [guest.address, 'accepted'],
      ['someone.else@outside.example.test', 'needs-action'],
    ]);
    const events = await q<{ payload: { changes: { field: string }[] } }>(
      "select payload from domain_events where workspace_id = $1 and type = 'activity.updated' and record_id = $2",
      [s.workspaceId, created.id],
    );
    expect(events.map((e) => e.payload.changes[0].field)).toEqual(['attendees']);
  });

  it('makes a meeting of an invite from outside on the matched contact’s timeline, updates it on a higher SEQUENCE and marks it cancelled', async () => {
    const s = await signUp();
    const me = await servers.addUser(name('me'));
    const outside = await servers.addUser(name('outside'));
    const mailbox = await connect(s, servers, me);
    const olga = await contact(s, outside.address, 'Olga Organizer');
    const uid = `${name('evt')}@other-calendar.example.test`;
    const invite = (method: string, sequence: number, start: string, end: string) =>
      otherCalendar({
        method,
        uid,
        sequence,
        start,
        end,
        summary: 'Supplier visit',
        location: 'Their office',
        organizer: outside.address,
        attendees: [
          { email: outside.address, partstat: 'ACCEPTED', cn: 'Olga Organizer' },
          { email: me.address, partstat: 'NEEDS-ACTION' },
          // The workspace owner's own address (their sign-in email), invited too.
          { email: s.email, partstat: 'TENTATIVE', cn: 'Owner' },
        ],
      });
    await deliver(
      outside,
      me,
      'Invitation: Supplier visit',
      'REQUEST',
      invite('REQUEST', 0, '2026-12-15T13:00:00Z', '2026-12-15T14:00:00Z'),
    );
    // A broken calendar part: the email is kept, the invite skipped, the sync healthy.
    await deliver(outside, me, 'Broken invite', 'REQUEST', 'BEGIN:VCALENDAR\r\nMETHOD:REQUEST\r\nBEGIN:VEVENT\r\nDTSTART:garbage\r\n');
    const synced = await syncNow(s, mailbox.id);
    expect(synced.health.state).toBe('ok');
    const meetings = async () =>
      ((await api(s).get(`/contacts/${olga}/timeline`)).json().data as Record<string, unknown>[]).filter((a) => a.type === 'meeting');
    const [first, ...rest] = await meetings();
    expect(rest).toEqual([]);
    expect(first).toMatchObject({
      subject: 'Supplier visit',
      occurredAt: '2026-12-15T13:00:00.000Z',
      durationSeconds: 3600,
      location: 'Their office',
      cancelled: false,
      attendees: [
        // Known addresses are linked: Olga is a contact, the owner a member; the mailbox's address is neither.
        { contactId: olga, memberId: null, email: outside.address, name: 'Olga Organizer', status: 'accepted' },
        { contactId: null, memberId: null, email: me.address, name: null, status: 'needs-action' },
        { contactId: null, memberId: s.memberId, email: s.email.toLowerCase(), name: 'Owner', status: 'tentative' },
      ],
    });
    const subjects = await q<{ subject: string }>('select subject from email_messages where workspace_id = $1 order by subject', [
      s.workspaceId,
    ]);
    expect(subjects.map((r) => r.subject)).toEqual(['Broken invite', 'Invitation: Supplier visit']);

    // The same version again changes nothing; a higher SEQUENCE moves it; a CANCEL marks it.
    await deliver(outside, me, 'Invitation again', 'REQUEST', invite('REQUEST', 0, '2026-12-20T13:00:00Z', '2026-12-20T14:00:00Z'));
    await syncNow(s, mailbox.id);
    expect((await meetings())[0].occurredAt).toBe('2026-12-15T13:00:00.000Z');
    await deliver(outside, me, 'Updated: Supplier visit', 'REQUEST', invite('REQUEST', 1, '2026-12-16T09:00:00Z', '2026-12-16T11:00:00Z'));
    await syncNow(s, mailbox.id);
    const moved = await meetings();
    expect(moved).toHaveLength(1);
    expect(moved[0]).toMatchObject({ id: first.id, occurredAt: '2026-12-16T09:00:00.000Z', durationSeconds: 7200, cancelled: false });
    await deliver(outside, me, 'Cancelled: Supplier visit', 'CANCEL', invite('CANCEL', 2, '2026-12-16T09:00:00Z', '2026-12-16T11:00:00Z'));
    await syncNow(s, mailbox.id);
    expect(await meetings()).toMatchObject([{ id: first.id, cancelled: true }]);
  });
});
