import { beforeAll, describe, expect, it } from 'vitest';
import { addMember, api, type Session, signUp, testApp } from '../../test/harness.ts';

// The calendar reads meetings (by owner) and tasks with a due date (by assignee) in a window.

beforeAll(() => testApp());

async function company(s: Session, name = 'Initech') {
  const r = await api(s).post('/companies', { name });
  expect(r.statusCode).toBe(201);
  return r.json().id as string;
}

async function meeting(s: Session, body: Record<string, unknown>) {
  const r = await api(s).post('/activities', { type: 'meeting', ...body });
  expect(r.statusCode).toBe(201);
  return r.json() as { id: string; version: number };
}

async function task(s: Session, body: Record<string, unknown>) {
  const r = await api(s).post('/tasks', body);
  expect(r.statusCode).toBe(201);
  return r.json() as { id: string; version: number };
}

const q = (from: string, to: string, extra = '') => `/calendar?from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}${extra}`;

describe('GET /calendar', () => {
  it('lists my meetings and due tasks in the window, with ends, kinds and the records they concern', async () => {
    const s = await signUp();
    const acme = await company(s, 'Acme Rockets');
    const links = [{ recordType: 'company', recordId: acme }];
    const kickoff = await meeting(s, { subject: 'Kick-off', occurredAt: '2031-03-10T09:00:00Z', durationSeconds: 5400, links });
    // Starts before the window and runs into it: it overlaps, so it shows.
    const overnight = await meeting(s, { subject: 'Overnight', occurredAt: '2031-03-08T22:00:00Z', durationSeconds: 4 * 3600, links });
    await meeting(s, { subject: 'Too late', occurredAt: '2031-03-20T09:00:00Z', links });
    await api(s).post('/activities', { type: 'call', subject: 'A call, not a meeting', occurredAt: '2031-03-10T10:00:00Z', links });
    const minutes = await task(s, { title: 'Send the minutes', dueAt: '2031-03-11T16:00:00Z', links });
    await task(s, { title: 'No due date', links });
    await task(s, { title: 'Due later', dueAt: '2031-04-01T09:00:00Z' });
    const gone = await task(s, { title: 'Deleted', dueAt: '2031-03-12T09:00:00Z' });
    expect((await api(s).delete(`/tasks/${gone.id}`)).statusCode).toBe(200);

    const r = await api(s).get(q('2031-03-09T00:00:00Z', '2031-03-16T00:00:00Z'));
    expect(r.statusCode).toBe(200);
    const items = r.json().data as {
      id: string;
      kind: string;
      title: string;
      start: string;
      end: string;
      memberId: string;
      related: unknown[];
    }[];
    expect(items.map((i) => i.title)).toEqual(['Overnight', 'Kick-off', 'Send the minutes']);
    expect(items[1]).toMatchObject({
      id: kickoff.id,
      kind: 'meeting',
      start: '2031-03-10T09:00:00.000Z',
      end: '2031-03-10T10:30:00.000Z',
      allDay: false,
      memberId: s.memberId,
      related: [{ recordType: 'company', recordId: acme, name: 'Acme Rockets', objectKey: null }],
    });
    expect(items[0].id).toBe(overnight.id);
    expect(items[2]).toMatchObject({
      id: minutes.id,
      kind: 'task',
      start: '2031-03-11T16:00:00.000Z',
      end: '2031-03-11T16:00:00.000Z',
      done: false,
    });
  });

  it('shows the members asked for, and by default only mine', async () => {
    const s = await signUp();
    const colleague = await addMember(s, 'member');
    const links = [{ recordType: 'company', recordId: await company(s) }];
    await meeting(s, { subject: 'Mine', occurredAt: '2031-05-02T09:00:00Z', links });
    await meeting(s, { subject: 'Theirs', occurredAt: '2031-05-02T11:00:00Z', ownerId: colleague.memberId, links });
    await task(s, { title: 'Their task', dueAt: '2031-05-03T09:00:00Z', assigneeId: colleague.memberId });
    const titles = async (who: Session, extra = '') =>
      ((await api(who).get(q('2031-05-01T00:00:00Z', '2031-05-08T00:00:00Z', extra))).json().data as { title: string }[]).map(
        (i) => i.title,
      );
    expect(await titles(s)).toEqual(['Mine']);
    expect(await titles(colleague)).toEqual(['Theirs', 'Their task']);
    expect(await titles(s, `&members=${colleague.memberId}`)).toEqual(['Theirs', 'Their task']);
    expect(await titles(s, `&members=${s.memberId},${colleague.memberId.toUpperCase()}`)).toEqual(['Mine', 'Theirs', 'Their task']);
  });

  it('never shows another workspace’s meetings or tasks, even when asked for its members', async () => {
    const s = await signUp();
    const stranger = await signUp();
    const links = [{ recordType: 'company', recordId: await company(stranger) }];
    await meeting(stranger, { subject: 'Secret', occurredAt: '2031-06-02T09:00:00Z', links });
    await task(stranger, { title: 'Secret task', dueAt: '2031-06-02T10:00:00Z' });
    const r = await api(s).get(q('2031-06-01T00:00:00Z', '2031-06-08T00:00:00Z', `&members=${stranger.memberId}`));
    expect(r.statusCode).toBe(200);
    expect(r.json().data).toEqual([]);
  });

  it('refuses bad windows with problem+json naming the field', async () => {
    const s = await signUp();
    const cases: [string, string][] = [
      [q('2031-03-10T00:00:00Z', '2031-03-09T00:00:00Z'), 'query.to'],
      [q('2031-03-10T00:00:00Z', '2031-03-10T00:00:00Z'), 'query.to'],
      [q('2031-01-01T00:00:00Z', '2031-05-01T00:00:00Z'), 'query.to'],
      [q('2031-02-30T00:00:00Z', '2031-03-09T00:00:00Z'), 'query.from'],
      [q('yesterday', '2031-03-09T00:00:00Z'), 'query.from'],
      [q('2031-03-01T00:00:00Z', 'soon'), 'query.to'],
      ['/calendar?to=2031-03-09T00:00:00Z', 'query.from'],
      [q('2031-03-01T00:00:00Z', '2031-03-09T00:00:00Z', '&members=not-a-member'), 'query.members'],
    ];
    for (const [url, field] of cases) {
      const r = await api(s).get(url);
      expect(r.statusCode, url).toBe(400);
      expect(r.headers['content-type']).toContain('application/problem+json');
      expect(
        r.json().errors.map((e: { field: string }) => e.field),
        url,
      ).toContain(field);
    }
    // Exactly 100 days is allowed.
    expect((await api(s).get(q('2031-01-01T00:00:00Z', '2031-04-11T00:00:00Z'))).statusCode).toBe(200);
  });
});
