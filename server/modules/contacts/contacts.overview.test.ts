import { describe, expect, it } from 'vitest';
import { api, type Session, signUp } from '../../test/harness.ts';
import { createOk } from '../../test/samples.ts';

const stages = async (s: Session) => {
  const p = (await api(s).get('/pipelines')).json().data[0];
  return Object.fromEntries((p.stages as { id: string; name: string }[]).map((x) => [x.name, x.id]));
};

describe('contact overview', () => {
  it('reads the contact, its newest open deals and every count in one request', async () => {
    const s = await signUp();
    const c = api(s);
    const stage = await stages(s);
    const kept = await createOk(s, '/companies', { name: 'Kept' });
    const binned = await createOk(s, '/companies', { name: 'Binned' });
    const contact = await createOk(s, '/contacts', {
      firstName: 'Ova',
      lastName: 'View',
      companies: [{ companyId: kept.id, isPrimary: true }, { companyId: binned.id }],
    });
    const someoneElse = await createOk(s, '/contacts', { firstName: 'Someone' });
    await c.delete(`/companies/${binned.id}`);

    const on = [{ contactId: contact.id }];
    const open: { id: string }[] = [];
    for (let i = 0; i < 22; i++) {
      open.push(
        await createOk(s, '/deals', {
          name: `Open ${i}`,
          amountMinor: i === 0 ? null : 1000 * i,
          currency: 'EUR',
          stageId: i % 2 ? stage.Proposal : stage.Qualification,
          expectedCloseDate: i === 21 ? '2031-03-31' : null,
          contacts: on,
        }),
      );
    }
    await createOk(s, '/deals', { name: 'Won', stageId: stage.Won, contacts: on });
    const trashedDeal = await createOk(s, '/deals', { name: 'Trashed', stageId: stage.Proposal, contacts: on });
    await c.delete(`/deals/${trashedDeal.id}`);
    await createOk(s, '/deals', { name: 'Not theirs', stageId: stage.Proposal, contacts: [{ contactId: someoneElse.id }] });

    const link = [{ recordType: 'contact', recordId: contact.id }];
    await createOk(s, '/activities', { type: 'call', links: link });
    await createOk(s, '/activities', { type: 'note', links: link });
    const gone = await createOk(s, '/activities', { type: 'note', links: link });
    await c.delete(`/activities/${gone.id}`);
    await createOk(s, '/activities', { type: 'note', links: [{ recordType: 'contact', recordId: someoneElse.id }] });

    await createOk(s, '/tasks', { title: 'Open 1', links: link });
    await createOk(s, '/tasks', { title: 'Open 2', links: link });
    await createOk(s, '/tasks', { title: 'Done', done: true, links: link });
    const trashedTask = await createOk(s, '/tasks', { title: 'Trashed', links: link });
    await c.delete(`/tasks/${trashedTask.id}`);
    await createOk(s, '/tasks', { title: 'Elsewhere', links: [{ recordType: 'contact', recordId: someoneElse.id }] });

    const res = await c.get(`/contacts/${contact.id}/overview`);
    expect(res.statusCode, res.body).toBe(200);
    const o = res.json();
    expect(o.contact).toEqual((await c.get(`/contacts/${contact.id}`)).json());
    expect(o.counts).toEqual({ companies: 1, deals: 23, openDeals: 22, activities: 2, openTasks: 2 });
    expect(o.openDeals.map((d: { id: string }) => d.id)).toEqual(
      open
        .map((d) => d.id)
        .reverse()
        .slice(0, 20),
    );
    const newest = (await c.get(`/deals/${open[21].id}`)).json();
    expect(o.openDeals[0]).toEqual({
      id: newest.id,
      name: 'Open 21',
      amountMinor: 21_000,
      currency: 'EUR',
      stageId: stage.Proposal,
      stageName: 'Proposal',
      expectedCloseDate: '2031-03-31',
      ownerId: s.memberId,
    });
    expect(o.openDeals[1]).toMatchObject({ stageName: 'Qualification', expectedCloseDate: null });
  });

  it('answers 404 for an unknown contact or one of another workspace', async () => {
    const s = await signUp();
    const stranger = await signUp();
    const theirs = await createOk(stranger, '/contacts', { firstName: 'Theirs' });
    const res = await api(s).get(`/contacts/${theirs.id}/overview`);
    expect(res.statusCode).toBe(404);
    expect(res.body).not.toContain('Theirs');
    expect((await api(s).get('/contacts/00000000-0000-7000-8000-000000000000/overview')).statusCode).toBe(404);
    // An empty contact has empty lists and zero counts.
    const lone = await createOk(s, '/contacts', { firstName: 'Lone' });
    const o = (await api(s).get(`/contacts/${lone.id}/overview`)).json();
    expect(o.openDeals).toEqual([]);
    expect(o.counts).toEqual({ companies: 0, deals: 0, openDeals: 0, activities: 0, openTasks: 0 });
  });
});
