import { describe, expect, it } from 'vitest';
import { addMember, api, type Session, signUp, testDatabase } from '../../test/harness.ts';
import { localDayAndHour, sendDigests } from './digest.ts';

// The daily digest: from 08:00 in the member's time zone, once a day, for members who asked for it
// (time handed to the scan, never slept through).

const digestsOf = async (s: Session) =>
  ((await api(s).get('/notifications')).json().data as { kind: string; title: string; body: string }[]).filter((n) => n.kind === 'digest');
const at = async (iso: string) => sendDigests((await testDatabase()).db, new Date(iso));

describe('daily digest', () => {
  it('reads the local day and hour in a time zone', () => {
    expect(localDayAndHour(new Date('2033-01-10T07:30:00Z'), 'Europe/Berlin')).toEqual({ day: '2033-01-10', hour: 8 });
    expect(localDayAndHour(new Date('2033-01-10T03:00:00Z'), 'America/New_York')).toEqual({ day: '2033-01-09', hour: 22 });
    expect(localDayAndHour(new Date('2033-01-10T03:00:00Z'), 'Not/AZone')).toEqual({ day: '2033-01-10', hour: 3 });
  });

  it('sends one digest at 08:00 local time with overdue tasks, tasks due today and unread mentions, once a day', async () => {
    const s = await signUp();
    const max = await addMember(s, 'member', 'Max Morning');
    expect((await api(max).patch('/me', { timeZone: 'Europe/Berlin' })).statusCode).toBe(200);
    expect((await api(max).patch('/notifications/preferences', { dailyDigest: true })).json().dailyDigest).toBe(true);
    // Someone else, with no digest asked for.
    const other = await addMember(s, 'member', 'No Digest');
    for (const [title, dueAt, who] of [
      ['Overdue call', '2033-01-09T10:00:00Z', max],
      ['Due this afternoon', '2033-01-10T15:00:00Z', max],
      ['Due tomorrow', '2033-01-11T15:00:00Z', max],
      ['Not mine', '2033-01-09T10:00:00Z', other],
    ] as const) {
      expect((await api(s).post('/tasks', { title, dueAt, assigneeId: who.memberId })).statusCode).toBe(201);
    }
    const contact = (await api(s).post('/contacts', { firstName: 'Grace' })).json();
    await api(s).post('/activities', {
      type: 'note',
      body: '@Max Morning see this',
      mentions: [max.memberId],
      links: [{ recordType: 'contact', recordId: contact.id }],
    });

    await at('2033-01-10T06:55:00Z'); // 07:55 in Berlin
    expect(await digestsOf(max)).toEqual([]);
    // 08:05 in Berlin, scanned by two workers at once.
    await Promise.all([at('2033-01-10T07:05:00Z'), at('2033-01-10T07:06:00Z')]);
    await at('2033-01-10T12:00:00Z');
    const [digest, ...more] = await digestsOf(max);
    expect(more).toEqual([]);
    expect(digest.title).toBe('1 overdue task · 1 task due today · 1 unread mention');
    expect(JSON.parse(digest.body)).toEqual({
      overdue: 1,
      dueToday: 1,
      unreadMentions: 1,
      titles: ['Overdue call', 'Due this afternoon'],
    });
    expect(await digestsOf(other)).toEqual([]);
    // The next morning: another one.
    await at('2033-01-11T07:01:00Z');
    expect(await digestsOf(max)).toHaveLength(2);
    // Turned off: none the day after.
    await api(max).patch('/notifications/preferences', { dailyDigest: false });
    await at('2033-01-12T07:01:00Z');
    expect(await digestsOf(max)).toHaveLength(2);
  });
});
