import { afterEach, describe, expect, it } from 'vitest';
import { addMember, api, type Session, signUp, testDatabase } from '../../test/harness.ts';
import { automationClock } from '../automation/clock.ts';
import { sendDueReminders } from './reminders.ts';
import { taskRemindersJob } from './tasks.jobs.ts';

// Task due reminders: time is moved by handing the scan a time (or moving the automation clock the
// scheduled job reads), never by sleeping.

const realNow = automationClock.now;
afterEach(() => {
  automationClock.now = realNow;
});

const minute = 60_000;
const scanAt = async (iso: string, offsetMs = 0) => sendDueReminders((await testDatabase()).db, new Date(Date.parse(iso) + offsetMs));

async function reminders(s: Session) {
  const r = await api(s).get('/notifications');
  return (r.json().data as { kind: string; title: string; recordType: string; recordId: string }[]).filter(
    (n) => n.kind === 'task_reminder',
  );
}

async function task(s: Session, body: Record<string, unknown>) {
  const r = await api(s).post('/tasks', body);
  if (r.statusCode !== 201) throw new Error(`POST /tasks → ${r.statusCode} ${r.body}`);
  return r.json();
}

describe('task reminders', () => {
  it('reminds the assignee once when the reminder time passes, not before', async () => {
    const s = await signUp();
    const bob = await addMember(s, 'member');
    const due = '2031-03-10T09:00:00.000Z';
    const t = await task(s, { title: 'Call Ada back', dueAt: due, reminderMinutes: 15, assigneeId: bob.memberId });
    expect(t).toMatchObject({ reminderMinutes: 15, remindAt: '2031-03-10T08:45:00.000Z' });
    await scanAt(due, -16 * minute);
    expect(await reminders(bob)).toEqual([]);
    await scanAt(due, -14 * minute);
    expect(await reminders(bob)).toMatchObject([{ title: 'Call Ada back', recordType: 'task', recordId: t.id }]);
    // Later scans, and a second worker's, find nothing more to send.
    await Promise.all([scanAt(due, -13 * minute), scanAt(due, 60 * minute)]);
    expect(await reminders(bob)).toHaveLength(1);
    // The creator, not assigned, hears nothing.
    expect(await reminders(s)).toEqual([]);
  });

  it('reminds again when the due date moves, and not at all once done, deleted or without a reminder', async () => {
    const s = await signUp();
    const due = '2031-04-01T12:00:00.000Z';
    const moved = await task(s, { title: 'Moves', dueAt: due, reminderMinutes: 0 });
    const done = await task(s, { title: 'Done early', dueAt: due, reminderMinutes: 60 });
    const gone = await task(s, { title: 'Deleted', dueAt: due, reminderMinutes: 1_440 });
    await task(s, { title: 'No reminder', dueAt: due });
    await task(s, { title: 'No due date', reminderMinutes: 15 });
    expect((await api(s).patch(`/tasks/${done.id}`, { version: done.version, done: true })).statusCode).toBe(200);
    expect((await api(s).delete(`/tasks/${gone.id}`)).statusCode).toBe(200);
    await scanAt(due, minute);
    expect((await reminders(s)).map((n) => n.title)).toEqual(['Moves']);
    // Moved a day on: reminded again at the new time, once.
    const patched = await api(s).patch(`/tasks/${moved.id}`, { version: moved.version, dueAt: '2031-04-02T12:00:00.000Z' });
    expect(patched.json().remindAt).toBe('2031-04-02T12:00:00.000Z');
    await scanAt(due, 2 * minute);
    expect(await reminders(s)).toHaveLength(1);
    await scanAt('2031-04-02T12:00:00.000Z', minute);
    await scanAt('2031-04-02T12:00:00.000Z', 2 * minute);
    expect((await reminders(s)).map((n) => n.title)).toEqual(['Moves', 'Moves']);
  });

  it('respects a member who turned task reminders off', async () => {
    const s = await signUp();
    expect((await api(s).patch('/notifications/preferences', { taskReminders: false })).json()).toMatchObject({
      taskReminders: false,
      mentions: true,
    });
    const due = '2031-05-01T08:00:00.000Z';
    await task(s, { title: 'Quiet', dueAt: due, reminderMinutes: 0 });
    await scanAt(due, minute);
    expect(await reminders(s)).toEqual([]);
  });

  it('is sent by the scheduled job when the automation clock passes the reminder time', async () => {
    const s = await signUp();
    const due = '2031-06-01T08:00:00.000Z';
    await task(s, { title: 'By the job', dueAt: due, reminderMinutes: 60 });
    automationClock.now = () => new Date(Date.parse(due) - 61 * minute);
    const database = await testDatabase();
    const db = database.db;
    const run = (n: number) => taskRemindersJob.run({ db, database, input: {}, attempt: n } as never);
    await run(1);
    expect(await reminders(s)).toEqual([]);
    automationClock.now = () => new Date(Date.parse(due) - 59 * minute);
    await run(2);
    expect((await reminders(s)).map((n) => n.title)).toEqual(['By the job']);
  });

  it('tells a member a task someone else gave them, once, and not one they took themselves', async () => {
    const s = await signUp();
    const bob = await addMember(s, 'member');
    const assigned = async (who: Session) =>
      ((await api(who).get('/notifications')).json().data as { kind: string; title: string; actorId: string }[]).filter(
        (n) => n.kind === 'assignment',
      );
    const t = await task(s, { title: 'Yours now', assigneeId: bob.memberId });
    await task(bob, { title: 'Mine anyway' });
    expect(await assigned(bob)).toMatchObject([{ title: 'Yours now', actorId: s.memberId }]);
    // Edited without a new assignee: nothing new; handed back: the owner is told.
    const edited = (await api(s).patch(`/tasks/${t.id}`, { version: t.version, title: 'Yours now!' })).json();
    expect(await assigned(bob)).toHaveLength(1);
    await api(bob).patch(`/tasks/${t.id}`, { version: edited.version, assigneeId: s.memberId });
    expect(await assigned(s)).toMatchObject([{ title: 'Yours now!', actorId: bob.memberId }]);
  });

  it('refuses a reminder out of range, naming the field', async () => {
    const s = await signUp();
    const r = await api(s).post('/tasks', { title: 'x', reminderMinutes: -5 });
    expect(r.statusCode).toBe(400);
    expect(r.body).toContain('reminderMinutes');
  });
});
