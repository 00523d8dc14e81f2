import { describe, expect, it } from 'vitest';
import { addMember, api, type Session, signUp } from '../../test/harness.ts';
import { createOk } from '../../test/samples.ts';

type Item = {
  type: string;
  id: string;
  objectKey: string | null;
  name: string;
  deletedAt: string;
  deletedBy: { actorType: string; actorId: string } | null;
};

async function trash(s: Session, query = '') {
  const r = await api(s).get(`/trash${query ? `?${query}` : ''}`);
  expect(r.statusCode, r.body).toBe(200);
  return r.json() as { data: Item[]; nextCursor: string | null };
}

async function trashed(s: Session, path: string, body: unknown) {
  const { id } = await createOk(s, path, body);
  const r = await api(s).delete(`${path}/${id}`);
  expect(r.statusCode, r.body).toBe(200);
  return id;
}

describe('trash', () => {
  it('lists deleted records of every type, newest first, with who deleted them', async () => {
    const owner = await signUp();
    const member = await addMember(owner, 'member', 'Mia Member');
    const co = await trashed(owner, '/companies', { name: 'Gone GmbH' });
    const contact = await trashed(member, '/contacts', { firstName: 'Ada', lastName: 'Gone' });
    const live = await createOk(owner, '/companies', { name: 'Still Here' });
    const task = await trashed(owner, '/tasks', { title: 'Old to-do' });
    const lead = await trashed(owner, '/leads', { firstName: 'Lou', lastName: 'Lead' });
    const act = await trashed(owner, '/activities', {
      type: 'note',
      subject: 'Scratch note',
      links: [{ recordType: 'company', recordId: live.id }],
    });
    const obj = await createOk(owner, '/objects', { key: 'project', label: 'Project', labelPlural: 'Projects' });
    expect(obj.id).toBeTruthy();
    const proj = await trashed(owner, '/objects/project/records', { name: 'Moonshot' });

    const page = await trash(owner);
    expect(page.data.map((i) => [i.type, i.id, i.name])).toEqual([
      ['custom_record', proj, 'Moonshot'],
      ['activity', act, 'Scratch note'],
      ['lead', lead, 'Lou Lead'],
      ['task', task, 'Old to-do'],
      ['contact', contact, 'Ada Gone'],
      ['company', co, 'Gone GmbH'],
    ]);
    expect(page.data[0].objectKey).toBe('project');
    expect(page.data.find((i) => i.id === contact)?.deletedBy).toEqual({ actorType: 'member', actorId: member.memberId });
    expect(page.data.find((i) => i.id === co)?.deletedBy).toEqual({ actorType: 'member', actorId: owner.memberId });
    expect(page.data.some((i) => i.id === live.id)).toBe(false);

    // Filtered by type, and paged by cursor without repeats or gaps.
    expect((await trash(owner, 'type=contact')).data.map((i) => i.id)).toEqual([contact]);
    expect((await trash(owner, 'type=custom_record&object=project')).data.map((i) => i.id)).toEqual([proj]);
    const first = await trash(owner, 'limit=4');
    expect(first.data).toHaveLength(4);
    const rest = await trash(owner, `limit=4&cursor=${first.nextCursor}`);
    expect([...first.data, ...rest.data].map((i) => i.id)).toEqual(page.data.map((i) => i.id));
    expect(rest.nextCursor).toBeNull();

    // A restored record leaves the trash.
    expect((await api(owner).post(`/contacts/${contact}/restore`)).statusCode).toBe(200);
    expect((await trash(owner)).data.some((i) => i.id === contact)).toBe(false);
  });

  it('shows another workspace nothing, and refuses bad input in words', async () => {
    const owner = await signUp();
    await trashed(owner, '/companies', { name: 'Private AG' });
    const stranger = await signUp({ workspaceName: 'Elsewhere' });
    expect((await trash(stranger)).data).toEqual([]);
    const bad = await api(owner).get('/trash?cursor=nonsense');
    expect(bad.statusCode).toBe(400);
    expect(bad.json().errors[0].field).toBe('query.cursor');
    const type = await api(owner).get('/trash?type=pipeline');
    expect(type.statusCode).toBe(400);
    expect(type.json().errors[0].field).toBe('query.type');
    const obj = await api(owner).get('/trash?object=project');
    expect(obj.statusCode).toBe(400);
    expect(obj.json().errors[0].field).toBe('query.object');
  });

  it('deletes a record for good with its links, search terms and references; only admins, only from the trash', async () => {
    const owner = await signUp();
    const member = await addMember(owner, 'member');
    const co = await createOk(owner, '/companies', { name: 'Purgeable Inc' });
    const other = await createOk(owner, '/companies', { name: 'Bystander Ltd' });
    const pipelines = (await api(owner).get('/pipelines')).json().data;
    const deal = await createOk(owner, '/deals', {
      name: 'Big one',
      amountMinor: 1000,
      currency: 'EUR',
      pipelineId: pipelines[0].id,
      stageId: pipelines[0].stages[0].id,
      companyId: co.id,
    });
    const only = await createOk(owner, '/activities', {
      type: 'note',
      subject: 'Only here',
      links: [{ recordType: 'company', recordId: co.id }],
    });
    const shared = await createOk(owner, '/activities', {
      type: 'note',
      subject: 'Shared',
      links: [
        { recordType: 'company', recordId: co.id },
        { recordType: 'company', recordId: other.id },
      ],
    });
    const task = await createOk(owner, '/tasks', { title: 'Call them', links: [{ recordType: 'company', recordId: co.id }] });

    // Not in the trash: refused, nothing removed.
    const early = await api(owner).delete(`/trash/company/${co.id}`);
    expect(early.statusCode).toBe(409);
    expect(early.json().code).toBe('not_in_trash');

    expect((await api(owner).delete(`/companies/${co.id}`)).statusCode).toBe(200);
    expect((await api(member).delete(`/trash/company/${co.id}`)).statusCode).toBe(403);
    const stranger = await signUp({ workspaceName: 'Elsewhere' });
    expect((await api(stranger).delete(`/trash/company/${co.id}`)).statusCode).toBe(404);
    // The type in the path must be the record's: a company's id is no contact.
    expect((await api(owner).delete(`/trash/contact/${co.id}`)).statusCode).toBe(404);
    const badType = await api(owner).delete(`/trash/pipeline/${co.id}`);
    expect(badType.statusCode).toBe(400);
    expect(badType.json().errors[0].field).toBe('params.type');

    const purged = await api(owner).delete(`/trash/company/${co.id}`);
    expect(purged.statusCode, purged.body).toBe(204);
    expect((await api(owner).get(`/companies/${co.id}`)).statusCode).toBe(404);
    expect((await trash(owner)).data.some((i) => i.id === co.id)).toBe(false);
    expect((await api(owner).delete(`/trash/company/${co.id}`)).statusCode).toBe(404);

    // The deal stays, without its company, as an edit with history.
    const d = (await api(owner).get(`/deals/${deal.id}`)).json();
    expect(d.companyId).toBeNull();
    expect(d.version).toBe(deal.version + 1);
    const dh = (await api(owner).get(`/deals/${deal.id}/history`)).json().data;
    expect(dh[0]).toMatchObject({ action: 'update', field: 'companyId', oldValue: co.id, newValue: null });
    // The activity only on it went with it; the shared one stays on the other company.
    expect((await api(owner).get(`/activities/${only.id}`)).statusCode).toBe(404);
    const s = (await api(owner).get(`/activities/${shared.id}`)).json();
    expect(s.links).toEqual([{ recordType: 'company', recordId: other.id }]);
    // The task stays, linked to nothing.
    expect((await api(owner).get(`/tasks/${task.id}`)).json().links).toEqual([]);
    // Search does not find it.
    expect((await api(owner).get('/search?q=purgeable')).json().data).toEqual([]);
  });

  it("clears a converted lead's contact, company and deal as they are deleted for good, each an edit with history", async () => {
    const owner = await signUp();
    const c = api(owner);
    const lead = await createOk(owner, '/leads', { firstName: 'Lena', email: 'lena@leadco.example', companyName: 'Leadco' });
    const made = (await c.post(`/leads/${lead.id}/convert`, { version: 1, deal: { name: 'Pilot' } })).json();
    let version = made.lead.version;
    for (const [type, path, field, id] of [
      ['deal', 'deals', 'convertedDealId', made.deal.id],
      ['contact', 'contacts', 'convertedContactId', made.contact.id],
      ['company', 'companies', 'convertedCompanyId', made.company.id],
    ] as const) {
      expect((await c.delete(`/${path}/${id}`)).statusCode).toBe(200);
      expect((await c.delete(`/trash/${type}/${id}`)).statusCode).toBe(204);
      const now = (await c.get(`/leads/${lead.id}`)).json();
      expect(now[field]).toBeNull();
      expect(now.version).toBe(++version);
      const [latest] = (await c.get(`/leads/${lead.id}/history`)).json().data;
      expect(latest).toMatchObject({ action: 'update', field, oldValue: id, newValue: null });
    }
    expect((await c.get(`/leads/${lead.id}`)).json()).toMatchObject({ status: 'converted', firstName: 'Lena' });
  });

  it('deletes an activity, a task and a custom record for good', async () => {
    const owner = await signUp();
    const co = await createOk(owner, '/companies', { name: 'Host' });
    const act = await trashed(owner, '/activities', { type: 'call', links: [{ recordType: 'company', recordId: co.id }] });
    const task = await trashed(owner, '/tasks', { title: 'x' });
    await createOk(owner, '/objects', { key: 'asset', label: 'Asset', labelPlural: 'Assets' });
    const rec = await trashed(owner, '/objects/asset/records', { name: 'Laptop' });
    expect((await api(owner).delete(`/trash/activity/${act}`)).statusCode).toBe(204);
    expect((await api(owner).delete(`/trash/task/${task}`)).statusCode).toBe(204);
    expect((await api(owner).delete(`/trash/custom_record/${rec}`)).statusCode).toBe(204);
    expect((await trash(owner)).data).toEqual([]);
    expect((await api(owner).get(`/objects/asset/records/${rec}`)).statusCode).toBe(404);
  });
});
