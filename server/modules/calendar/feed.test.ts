import ICAL from 'ical.js';
import { beforeAll, describe, expect, it } from 'vitest';
import { addMember, api, type Session, signUp, testApp } from '../../test/harness.ts';

// The private .ics feed: made, read without a session, revoked (404), made anew.

beforeAll(() => testApp());

const DAY = 86_400_000;
const at = (days: number, hour = 9) => {
  const d = new Date(Date.now() + days * DAY);
  d.setUTCHours(hour, 0, 0, 0);
  return d.toISOString();
};

/** GET of a feed URL as a calendar app sends it: no cookie, no CSRF token. */
async function fetchFeed(url: string) {
  const a = await testApp();
  const { pathname } = new URL(url);
  return a.inject({ method: 'GET', url: pathname });
}

async function makeFeed(s: Session) {
  const r = await api(s).post('/calendar/feed');
  expect(r.statusCode).toBe(201);
  return r.json() as { url: string; active: boolean; createdAt: string };
}

const parse = (text: string) => new ICAL.Component(ICAL.parse(text));

describe('calendar feed', () => {
  it('serves my meetings as VEVENTs and my tasks as VTODOs, with stable UIDs, DTSTAMP and SEQUENCE from the version', async () => {
    const s = await signUp();
    const colleague = await addMember(s, 'member');
    const company = (await api(s).post('/companies', { name: 'Umbrella Corp' })).json().id;
    const links = [{ recordType: 'company', recordId: company }];
    const m = (
      await api(s).post('/activities', { type: 'meeting', subject: 'Quarterly review', occurredAt: at(3), durationSeconds: 3600, links })
    ).json();
    await api(s).post('/activities', { type: 'meeting', subject: 'Long ago', occurredAt: at(-40), links });
    await api(s).post('/activities', { type: 'meeting', subject: 'Not mine', occurredAt: at(2), ownerId: colleague.memberId, links });
    await api(s).post('/activities', { type: 'call', subject: 'A call', occurredAt: at(2), links });
    const t = (await api(s).post('/tasks', { title: 'Prepare slides', dueAt: at(2, 15), links })).json();
    await api(s).post('/tasks', { title: 'Their task', dueAt: at(2), assigneeId: colleague.memberId });
    // An edit bumps the version: the feed's SEQUENCE follows it.
    const edited = await api(s).patch(`/activities/${m.id}`, {
      version: m.version,
      subject: 'Quarterly review (moved)',
      occurredAt: at(4),
    });
    expect(edited.statusCode).toBe(200);

    const feed = await makeFeed(s);
    expect(feed.active).toBe(true);
    expect(feed.url).toMatch(new RegExp(`/ical/${s.workspaceId}\\.[A-Za-z0-9_-]{43}\\.ics$`));
    expect((await api(s).get('/calendar/feed')).json()).toEqual({ active: true, createdAt: feed.createdAt });

    const r = await fetchFeed(feed.url);
    expect(r.statusCode).toBe(200);
    expect(r.headers['content-type']).toBe('text/calendar; charset=utf-8');
    const cal = parse(r.body);
    expect(cal.getFirstPropertyValue('version')).toBe('2.0');
    const events = cal.getAllSubcomponents('vevent').map((c) => new ICAL.Event(c));
    expect(events.map((e) => e.summary)).toEqual(['Quarterly review (moved)']);
    const [ev] = events;
    expect(ev.uid).toBe(`${m.id}@rapport`); // the meeting's iCalendar UID, the one its invites would carry
    expect(ev.sequence).toBe(1);
    expect(ev.startDate.toJSDate().toISOString()).toBe(at(4));
    expect(ev.endDate.toJSDate().getTime() - ev.startDate.toJSDate().getTime()).toBe(3600_000);
    expect(ev.description).toBe('Umbrella Corp');
    expect(ev.component.getFirstPropertyValue('url')).toContain(`/companies/${company}`);
    const stamp = ev.component.getFirstPropertyValue('dtstamp') as ICAL.Time;
    expect(stamp.toJSDate().toISOString()).toBe(new Date(edited.json().updatedAt).toISOString().replace(/\.\d{3}Z$/, '.000Z'));

    const todos = cal.getAllSubcomponents('vtodo');
    expect(todos.map((c) => c.getFirstPropertyValue('summary'))).toEqual(['Prepare slides']);
    expect(todos[0].getFirstPropertyValue('uid')).toBe(`task-${t.id}@rapport`);
    expect(todos[0].getFirstPropertyValue('sequence')).toBe(0);
    expect(todos[0].getFirstPropertyValue('status')).toBe('NEEDS-ACTION');
    expect((todos[0].getFirstPropertyValue('due') as ICAL.Time).toJSDate().toISOString()).toBe(at(2, 15));

    // Read twice, the same items keep the same UIDs (calendar apps update, not duplicate).
    const again = parse((await fetchFeed(feed.url)).body);
    expect(again.getAllSubcomponents('vevent').map((c) => c.getFirstPropertyValue('uid'))).toEqual([ev.uid]);
  });

  it('gives a meeting with an iCalendar identity (a place, attendees, an invite) the UID and SEQUENCE its invites carry', async () => {
    const s = await signUp();
    const company = (await api(s).post('/companies', { name: 'Initech' })).json().id;
    const m = (
      await api(s).post('/activities', {
        type: 'meeting',
        subject: 'Site visit',
        occurredAt: at(5),
        durationSeconds: 1800,
        location: 'Room 4',
        attendees: [{ email: 'guest@example.com', name: 'Guest' }],
        links: [{ recordType: 'company', recordId: company }],
      })
    ).json();
    const cal = parse((await fetchFeed((await makeFeed(s)).url)).body);
    const [ev] = cal.getAllSubcomponents('vevent').map((c) => new ICAL.Event(c));
    // The same UID an invite of this meeting carries (activities/meetings.ics.ts), so a calendar holding the invite does not show it twice.
    expect(ev.uid).toBe(`${m.id}@rapport`);
    expect(ev.sequence).toBe(0);
    expect(ev.location).toBe('Room 4');
  });

  it('revoked is 404; a new URL works and the old one stays dead', async () => {
    const s = await signUp();
    const first = await makeFeed(s);
    expect((await fetchFeed(first.url)).statusCode).toBe(200);
    const second = await makeFeed(s);
    expect(second.url).not.toBe(first.url);
    expect((await fetchFeed(first.url)).statusCode).toBe(404);
    expect((await fetchFeed(second.url)).statusCode).toBe(200);
    const revoked = await api(s).delete('/calendar/feed');
    expect(revoked.json()).toEqual({ active: false, createdAt: null });
    const gone = await fetchFeed(second.url);
    expect(gone.statusCode).toBe(404);
    expect(gone.headers['content-type']).toContain('application/problem+json');
    expect((await api(s).get('/calendar/feed')).json()).toEqual({ active: false, createdAt: null });
    // Tokens that were never made, or are not even shaped like one.
    const forged = second.url.replace(/\.[A-Za-z0-9_-]{43}\.ics$/, `.${'A'.repeat(43)}.ics`);
    for (const url of [forged, second.url.replace(/\.ics$/, ''), 'http://x/ical/nothing.ics']) {
      expect((await fetchFeed(url)).statusCode, url).toBe(404);
    }
    // A NUL in the path is refused by the router before it reaches the feed: a client error, never a 500.
    expect((await fetchFeed('http://x/ical/%00.ics')).statusCode).toBe(400);
  });

  it('never shows another workspace’s data, and a token moved to another workspace opens nothing', async () => {
    const s = await signUp();
    const stranger = await signUp();
    const links = [{ recordType: 'company', recordId: (await api(stranger).post('/companies', { name: 'Hidden' })).json().id }];
    await api(stranger).post('/activities', { type: 'meeting', subject: 'Stranger meeting', occurredAt: at(1), links });
    await api(stranger).post('/tasks', { title: 'Stranger task', dueAt: at(1) });
    const mine = await makeFeed(s);
    const body = (await fetchFeed(mine.url)).body;
    expect(body).not.toContain('Stranger');
    expect(parse(body).getAllSubcomponents('vevent')).toEqual([]);
    // The workspace id in the token is part of what is hashed: swapping it finds no feed.
    const swapped = mine.url.replace(s.workspaceId, stranger.workspaceId);
    expect((await fetchFeed(swapped)).statusCode).toBe(404);
  });

  it('a disabled member’s feed answers 404', async () => {
    const s = await signUp();
    const colleague = await addMember(s, 'member');
    const feed = await makeFeed(colleague);
    expect((await fetchFeed(feed.url)).statusCode).toBe(200);
    const off = await api(s).patch(`/members/${colleague.memberId}`, { disabled: true });
    expect(off.statusCode, off.body).toBe(200);
    expect((await fetchFeed(feed.url)).statusCode).toBe(404);
  });
});
