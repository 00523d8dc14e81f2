import { describe, expect, it } from 'vitest';
import { addMember, api, countRows, type Session, signUp } from '../../test/harness.ts';
import { createOk } from '../../test/samples.ts';

type Task = {
  id: string;
  version: number;
  title: string;
  done: boolean;
  doneAt: string | null;
  dueAt: string | null;
  assigneeId: string | null;
};

const q = (filter: unknown) => `filter=${encodeURIComponent(JSON.stringify(filter))}`;
const ids = (r: { json(): { data: { id: string }[] } }) => r.json().data.map((t) => t.id);
const company = async (s: Session, name = 'Globex') => (await createOk(s, '/companies', { name })).id;

async function createTask(s: Session, body: Record<string, unknown>) {
  const r = await api(s).post('/tasks', body);
  if (r.statusCode !== 201) throw new Error(`POST /tasks → ${r.statusCode} ${r.body}`);
  return r.json() as Task;
}

describe('tasks', () => {
  it('creates, reads, updates, deletes and restores a task, with its history', async () => {
    const s = await signUp();
    const c = api(s);
    const co = await company(s);
    const created = await c.post('/tasks', {
      title: 'Send the proposal',
      notes: 'Include the volume discount.',
      dueAt: '2030-01-15T09:00:00Z',
      links: [{ recordType: 'company', recordId: co }],
    });
    expect(created.statusCode, created.body).toBe(201);
    const t = created.json();
    expect(t).toMatchObject({
      title: 'Send the proposal',
      dueAt: '2030-01-15T09:00:00.000Z',
      assigneeId: s.memberId,
      done: false,
      doneAt: null,
      priority: 'normal',
      links: [{ recordType: 'company', recordId: co }],
      version: 1,
    });
    expect((await c.get(`/tasks/${t.id}`)).json()).toEqual(t);

    const upd = await c.patch(`/tasks/${t.id}`, { priority: 'high', links: [], version: 1 });
    expect(upd.statusCode, upd.body).toBe(200);
    expect(upd.json()).toMatchObject({ priority: 'high', links: [], version: 2 });

    expect((await c.delete(`/tasks/${t.id}`)).json().deletedAt).not.toBeNull();
    expect((await c.get('/tasks')).json().data).toHaveLength(0);
    expect((await c.post(`/tasks/${t.id}/restore`)).json().deletedAt).toBeNull();

    const hist = (await c.get(`/tasks/${t.id}/history`)).json().data;
    expect(hist.map((h: { action: string }) => h.action)).toEqual(['restore', 'delete', 'update', 'update', 'create']);
    const changed = hist.filter((h: { action: string }) => h.action === 'update').map((h: { field: string }) => h.field);
    expect(changed.sort()).toEqual(['links', 'priority']);
  });

  it('sets doneAt when a task is done, keeps it while it stays done, and clears it when reopened', async () => {
    const s = await signUp();
    const c = api(s);
    const t = await createTask(s, { title: 'Call back' });
    const done = (await c.patch(`/tasks/${t.id}`, { done: true, version: 1 })).json();
    expect(done.done).toBe(true);
    expect(Math.abs(Date.parse(done.doneAt) - Date.now())).toBeLessThan(60_000);
    const again = (await c.patch(`/tasks/${t.id}`, { done: true, title: 'Call back soon', version: 2 })).json();
    expect(again.doneAt).toBe(done.doneAt);
    const reopened = (await c.patch(`/tasks/${t.id}`, { done: false, version: 3 })).json();
    expect(reopened).toMatchObject({ done: false, doneAt: null });

    const createdDone = await createTask(s, { title: 'Already handled', done: true });
    expect(createdDone.doneAt).not.toBeNull();
  });

  it('lists by due date with undated tasks last, and finds overdue open tasks with a filter', async () => {
    const s = await signUp();
    const c = api(s);
    const undated = await createTask(s, { title: 'Someday' });
    const later = await createTask(s, { title: 'Later', dueAt: '2099-01-01T00:00:00Z' });
    const overdue = await createTask(s, { title: 'Overdue', dueAt: '2020-01-01T00:00:00Z' });
    const overdueDone = await createTask(s, { title: 'Overdue but done', dueAt: '2020-02-01T00:00:00Z', done: true });
    expect(ids(await c.get('/tasks'))).toEqual([overdue.id, overdueDone.id, later.id, undated.id]);

    const filter = {
      and: [
        { field: 'done', op: 'eq', value: false },
        { field: 'dueAt', op: 'lt', value: new Date().toISOString() },
      ],
    };
    expect(ids(await c.get(`/tasks?${q(filter)}`))).toEqual([overdue.id]);
    const mine = { field: 'assigneeId', op: 'eq', value: '$me' };
    expect(ids(await c.get(`/tasks?${q(mine)}&sort=title`))).toEqual([later.id, overdue.id, overdueDone.id, undated.id]);
  });

  it('requires the assignee to be a member of the workspace', async () => {
    const s = await signUp();
    const colleague = await addMember(s, 'member');
    const stranger = await signUp({ workspaceName: 'Other Co' });
    const ok = await createTask(s, { title: 'Delegate', assigneeId: colleague.memberId });
    expect(ok.assigneeId).toBe(colleague.memberId);
    const unassigned = await createTask(s, { title: 'Anyone', assigneeId: null });
    expect(unassigned.assigneeId).toBeNull();

    const bad = await api(s).post('/tasks', { title: 'Nope', assigneeId: stranger.memberId });
    expect(bad.statusCode).toBe(422);
    expect(bad.json().errors[0].field).toBe('body.assigneeId');
    const badUpdate = await api(s).patch(`/tasks/${ok.id}`, { assigneeId: stranger.memberId, version: 1 });
    expect(badUpdate.statusCode).toBe(422);
    expect(await countRows('tasks', s.workspaceId)).toBe(2);
  });

  it("lists a record's tasks open first, then done, by due date, and answers 404 for another workspace's record", async () => {
    const s = await signUp();
    const co = await company(s);
    const other = await company(s, 'Other');
    const link = [{ recordType: 'company', recordId: co }];
    const doneEarly = await createTask(s, { title: 'Done early', dueAt: '2025-01-01T00:00:00Z', done: true, links: link });
    const openLate = await createTask(s, { title: 'Open late', dueAt: '2025-06-01T00:00:00Z', links: link });
    const openUndated = await createTask(s, { title: 'Open undated', links: link });
    const openEarly = await createTask(s, { title: 'Open early', dueAt: '2025-02-01T00:00:00Z', links: link });
    await createTask(s, { title: 'Elsewhere', links: [{ recordType: 'company', recordId: other }] });
    const gone = await createTask(s, { title: 'Deleted', links: link });
    await api(s).delete(`/tasks/${gone.id}`);

    const expected = [openEarly.id, openLate.id, openUndated.id, doneEarly.id];
    expect(ids(await api(s).get(`/companies/${co}/tasks`))).toEqual(expected);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const r = await api(s).get(`/companies/${co}/tasks?limit=1${cursor ? `&cursor=${cursor}` : ''}`);
      expect(r.statusCode, r.body).toBe(200);
      seen.push(...ids(r));
      cursor = r.json().nextCursor;
    } while (cursor && seen.length < 10);
    expect(seen).toEqual(expected);

    const stranger = await signUp({ workspaceName: 'Other Co' });
    expect((await api(stranger).get(`/companies/${co}/tasks`)).statusCode).toBe(404);
    expect((await api(s).get('/contacts/0190a000-0000-7000-8000-000000000000/tasks')).statusCode).toBe(404);
  });

  it('rejects bad input with problem+json naming the field, writing nothing', async () => {
    const s = await signUp();
    const co = await company(s);
    const stranger = await signUp({ workspaceName: 'Other Co' });
    const foreign = await company(stranger, 'Not yours');
    const link = { recordType: 'company', recordId: co };
    const cases: [unknown, number, string][] = [
      [{}, 400, 'body.title'],
      [{ title: '' }, 400, 'body.title'],
      [{ title: 'x'.repeat(301) }, 400, 'body.title'],
      [{ title: 'T', notes: 'x'.repeat(20_001) }, 400, 'body.notes'],
      [{ title: 'T', dueAt: 'tomorrow' }, 400, 'body.dueAt'],
      [{ title: 'T', dueAt: '0000-01-01T00:00:00Z' }, 422, 'body.dueAt'],
      [{ title: 'T', done: 'yes' }, 400, 'body.done'],
      [{ title: 'T', priority: 'urgent' }, 400, 'body.priority'],
      [{ title: 'T', doneAt: '2025-01-01T00:00:00Z' }, 400, 'body.doneAt'],
      [{ title: 'T', links: Array.from({ length: 21 }, () => link) }, 400, 'body.links'],
      [{ title: 'T', links: [{ recordType: 'task', recordId: co }] }, 400, 'body.links.0.recordType'],
      [{ title: 'T', links: [link, { recordType: 'company', recordId: foreign }] }, 422, 'body.links.1.recordId'],
    ];
    for (const [body, status, field] of cases) {
      const r = await api(s).post('/tasks', body);
      expect(r.statusCode, JSON.stringify(body).slice(0, 200)).toBe(status);
      expect(r.headers['content-type']).toContain('application/problem+json');
      expect(r.json().errors[0].field).toBe(field);
    }
    expect(await countRows('tasks', s.workspaceId)).toBe(0);
    expect(await countRows('task_links', s.workspaceId)).toBe(0);
  });

  it('names the records a task is related to in lists and reads', async () => {
    const s = await signUp();
    const co = await company(s, 'Initech');
    const person = await createOk(s, '/contacts', { firstName: 'Peter', lastName: 'Gibbons' });
    await createOk(s, '/objects', { key: 'project', label: 'Project', labelPlural: 'Projects' });
    const proj = await createOk(s, '/objects/project/records', { name: 'TPS reports' });
    const t = await createTask(s, {
      title: 'Follow up',
      links: [
        { recordType: 'company', recordId: co },
        { recordType: 'contact', recordId: person.id },
        { recordType: 'custom_record', recordId: proj.id },
      ],
    });
    const related = [
      { recordType: 'company', recordId: co, name: 'Initech', objectKey: null },
      { recordType: 'contact', recordId: person.id, name: 'Peter Gibbons', objectKey: null },
      { recordType: 'custom_record', recordId: proj.id, name: 'TPS reports', objectKey: 'project' },
    ];
    const list = (await api(s).get('/tasks')).json().data;
    expect(list.find((x: Task) => x.id === t.id).related).toEqual(related);
    expect((await api(s).get(`/tasks/${t.id}`)).json().related).toEqual(related);
    expect((await api(s).get('/tasks?fields=title,related')).json().data[0].related).toEqual(related);
    expect((await api(s).get(`/companies/${co}/tasks`)).json().data[0].related).toEqual(related);
    // A renamed company is read with its new name, and renaming it is no change of the task.
    await api(s).patch(`/companies/${co}`, { name: 'Initrode', version: 1 });
    expect((await api(s).get(`/tasks/${t.id}`)).json().related[0].name).toBe('Initrode');
    expect((await api(s).get(`/tasks/${t.id}/history`)).json().data).toHaveLength(1);
  });
});
