import { afterEach, describe, expect, it } from 'vitest';
import { addMember, api, signUp, testDatabase } from '../../test/harness.ts';
import { automationClock } from './clock.ts';
import { scan } from './scanner.ts';

// Ready-made rules: "follow up if no activity in N days" is added in one step and is a normal rule
// that creates a task for the owner once a record has gone quiet (time moved by the clock).

const realNow = automationClock.now;
afterEach(() => {
  automationClock.now = realNow;
});
const day = 86_400_000;

describe('rule templates', () => {
  it('lists the ready-made rules, with the settings each asks for', async () => {
    const s = await signUp();
    const r = await api(s).get('/automation/templates');
    expect(r.statusCode).toBe(200);
    const follow = r.json().data.find((t: { key: string }) => t.key === 'follow_up_no_activity');
    expect(follow.name).toBe('Follow up if no activity in N days');
    expect(Object.keys(follow.params.properties)).toEqual(expect.arrayContaining(['object', 'days']));
  });

  it('builds a normal rule that creates a follow-up task for the owner once a contact has been quiet for N days', async () => {
    const start = Date.parse('2032-02-01T10:00:00.000Z');
    let now = start;
    automationClock.now = () => new Date(now);
    const s = await signUp();
    const quiet = (await api(s).post('/contacts', { firstName: 'Quiet', lastName: 'Quinn' })).json();
    const busy = (await api(s).post('/contacts', { firstName: 'Busy', lastName: 'Bee' })).json();
    for (const c of [quiet, busy]) {
      const a = await api(s).post('/activities', {
        type: 'call',
        occurredAt: new Date(start).toISOString(),
        links: [{ recordType: 'contact', recordId: c.id }],
      });
      expect(a.statusCode, a.body).toBe(201);
    }
    const made = await api(s).post('/automation/templates/follow_up_no_activity', { object: 'contact', days: 7 });
    expect(made.statusCode, made.body).toBe(201);
    const rule = made.json();
    expect(rule.definition.trigger).toEqual({
      type: 'date_reached',
      config: { object: 'contact', field: 'lastActivityAt', offset: { amount: 7, unit: 'days' } },
    });
    expect(rule.definition.steps[0]).toMatchObject({ action: 'create_task', input: { assignee: { kind: 'owner' } } });
    // It is an ordinary rule: listed with the others.
    expect((await api(s).get('/automation/rules')).json().data.map((r: { id: string }) => r.id)).toContain(rule.id);

    // Busy Bee has another call three days later: the quiet date moves on.
    now = start + 3 * day;
    await api(s).post('/activities', {
      type: 'call',
      occurredAt: new Date(now).toISOString(),
      links: [{ recordType: 'contact', recordId: busy.id }],
    });

    const { db } = await testDatabase();
    const tasksOf = async () =>
      (await api(s).get('/tasks')).json().data.map((t: { title: string; assigneeId: string }) => [t.title, t.assigneeId]);
    now = start + 7 * day - 60_000;
    await scan(db);
    expect(await tasksOf()).toEqual([]);
    now = start + 7 * day + 60_000;
    await scan(db);
    await expect.poll(tasksOf, { timeout: 10_000 }).toEqual([['Follow up with Quiet Quinn', s.memberId]]);
    now = start + 10 * day + 60_000;
    await scan(db);
    await expect
      .poll(async () => (await tasksOf()).map((t: string[]) => t[0]).sort(), { timeout: 10_000 })
      .toEqual(['Follow up with Busy Bee', 'Follow up with Quiet Quinn']);
  });

  it('is for admins, refuses bad settings naming the field, and answers 404 for an unknown template', async () => {
    const s = await signUp();
    const member = await addMember(s, 'member');
    expect((await api(member).post('/automation/templates/follow_up_no_activity', { object: 'deal', days: 3 })).statusCode).toBe(403);
    const bad = await api(s).post('/automation/templates/follow_up_no_activity', { object: 'deal', days: 0 });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('days');
    expect((await api(s).post('/automation/templates/no_such_thing', { object: 'deal', days: 3 })).statusCode).toBe(404);
    const deal = await api(s).post('/automation/templates/follow_up_no_activity', { object: 'deal', days: 14, name: 'Quiet deals' });
    expect(deal.statusCode, deal.body).toBe(201);
    expect(deal.json()).toMatchObject({ name: 'Quiet deals', definition: { conditions: { field: 'status', op: 'eq', value: 'open' } } });
  });
});
