import { describe, expect, it } from 'vitest';
import { api, countRows, type Session, signUp } from '../../test/harness.ts';
import { createOk } from '../../test/samples.ts';

const lead = {
  firstName: 'Lena',
  lastName: 'Lindqvist',
  email: 'Lena@Leadco.example',
  phone: '+14155550123',
  companyName: 'Leadco',
  title: 'CTO',
};

/** Rows of every table a conversion writes to, to prove a failed one left nothing behind. */
const written = async (s: Session) => ({
  contacts: await countRows('contacts', s.workspaceId),
  companies: await countRows('companies', s.workspaceId),
  deals: await countRows('deals', s.workspaceId),
  links: await countRows('contact_companies', s.workspaceId),
});

const pipelines = async (s: Session) =>
  (await api(s).get('/pipelines')).json().data as { id: string; stages: { id: string; kind: string }[] }[];

describe('leads', () => {
  it('creates, reads, updates, deletes and restores a lead, with its history', async () => {
    const s = await signUp();
    const c = api(s);
    const created = await c.post('/leads', lead);
    expect(created.statusCode, created.body).toBe(201);
    const l = created.json();
    expect(l).toMatchObject({ ...lead, email: 'lena@leadco.example', status: 'new', ownerId: s.memberId, convertedAt: null, version: 1 });

    const upd = await c.patch(`/leads/${l.id}`, { status: 'qualified', version: 1 });
    expect(upd.json()).toMatchObject({ status: 'qualified', version: 2 });
    expect(
      (await c.get(`/leads?filter=${encodeURIComponent('{"field":"status","op":"eq","value":"qualified"}')}`)).json().data,
    ).toHaveLength(1);

    expect((await c.delete(`/leads/${l.id}`)).json().deletedAt).not.toBeNull();
    expect((await c.post(`/leads/${l.id}/restore`)).json().deletedAt).toBeNull();
    const hist = (await c.get(`/leads/${l.id}/history`)).json().data;
    expect(hist.map((h: { action: string }) => h.action)).toEqual(['restore', 'delete', 'update', 'create']);
    expect(hist[2]).toMatchObject({ field: 'status', oldValue: 'new', newValue: 'qualified' });
  });

  it('rejects bad input with problem+json naming the field, writing nothing', async () => {
    const s = await signUp();
    const other = await signUp();
    const cases: [unknown, number, string][] = [
      [{ ...lead, colour: 'red' }, 400, 'body.colour'],
      [{ firstName: 7 }, 400, 'body.firstName'],
      [{ companyName: 'Only a company' }, 422, 'body.firstName'],
      [{ ...lead, email: 'nope' }, 400, 'body.email'],
      [{ ...lead, phone: 'none' }, 400, 'body.phone'],
      [{ ...lead, phone: '12345' }, 422, 'body.phone'],
      [{ ...lead, companyName: 'x'.repeat(201) }, 400, 'body.companyName'],
      [{ ...lead, status: 'converted' }, 400, 'body.status'],
      [{ ...lead, ownerId: other.memberId }, 422, 'body.ownerId'],
      [{ ...lead, custom: { score: 3 } }, 422, 'body.custom.score'],
    ];
    for (const [body, status, field] of cases) {
      const r = await api(s).post('/leads', body);
      expect(r.statusCode, JSON.stringify(body)).toBe(status);
      expect(r.headers['content-type']).toContain('application/problem+json');
      expect(r.json().errors[0].field).toBe(field);
    }
    expect(await countRows('leads', s.workspaceId)).toBe(0);
  });

  it('converts a lead into a linked contact, company and deal', async () => {
    const s = await signUp();
    const c = api(s);
    const l = await createOk(s, '/leads', lead);
    const r = await c.post(`/leads/${l.id}/convert`, { version: 1, deal: { name: 'Leadco pilot', amountMinor: 500_000 } });
    expect(r.statusCode, r.body).toBe(200);
    const { lead: after, contact, company, deal } = r.json();

    expect(company).toMatchObject({ name: 'Leadco', ownerId: s.memberId });
    expect(contact).toMatchObject({
      firstName: 'Lena',
      lastName: 'Lindqvist',
      title: 'CTO',
      emails: [{ label: 'work', value: 'lena@leadco.example' }],
      phones: [{ label: 'work', value: '+14155550123' }],
      lifecycleStage: 'opportunity',
      companies: [{ companyId: company.id, name: 'Leadco', role: null, isPrimary: true }],
    });
    const [sales] = await pipelines(s);
    expect(deal).toMatchObject({
      name: 'Leadco pilot',
      amountMinor: 500_000,
      pipelineId: sales.id,
      stageId: sales.stages.find((x) => x.kind === 'open')?.id,
      companyId: company.id,
      contacts: [{ contactId: contact.id, role: null }],
    });
    expect(after).toMatchObject({
      status: 'converted',
      convertedContactId: contact.id,
      convertedCompanyId: company.id,
      convertedDealId: deal.id,
      version: 2,
    });
    expect(after.convertedAt).not.toBeNull();
    expect((await c.get(`/leads/${l.id}`)).json()).toEqual(after);
    expect((await c.get(`/contacts/${contact.id}`)).json().companies).toEqual(contact.companies);
    expect((await c.get(`/companies/${company.id}/contacts`)).json().data.map((x: { id: string }) => x.id)).toEqual([contact.id]);
    expect(await written(s)).toEqual({ contacts: 1, companies: 1, deals: 1, links: 1 });

    const hist = (await c.get(`/leads/${l.id}/history`)).json().data;
    expect(hist[0].action).toBe('convert');
    expect(hist.filter((h: { action: string }) => h.action === 'convert').map((h: { field: string }) => h.field)).toContain('status');

    // A second conversion, even with the current version, is refused and writes nothing.
    const again = await c.post(`/leads/${l.id}/convert`, { version: 2, deal: { name: 'Twice' } });
    expect(again.statusCode).toBe(409);
    expect(again.json().code).toBe('lead_converted');
    expect(await written(s)).toEqual({ contacts: 1, companies: 1, deals: 1, links: 1 });
    // Nor can its status be set back by hand.
    expect((await c.patch(`/leads/${l.id}`, { status: 'new', version: 2 })).statusCode).toBe(409);
  });

  it('links an existing contact and company instead of creating them', async () => {
    const s = await signUp();
    const c = api(s);
    const company = await createOk(s, '/companies', { name: 'Existing Co' });
    const contact = await createOk(s, '/contacts', { firstName: 'Known', lifecycleStage: 'customer' });
    const l = await createOk(s, '/leads', lead);
    const r = await c.post(`/leads/${l.id}/convert`, {
      version: 1,
      contact: { existingId: contact.id },
      company: { existingId: company.id },
    });
    expect(r.statusCode, r.body).toBe(200);
    expect(r.json().deal).toBeNull();
    expect(r.json().contact).toMatchObject({
      id: contact.id,
      lifecycleStage: 'customer',
      companies: [{ companyId: company.id, isPrimary: true }],
    });
    expect(r.json().lead).toMatchObject({ convertedContactId: contact.id, convertedCompanyId: company.id, convertedDealId: null });
    expect(await written(s)).toEqual({ contacts: 1, companies: 1, deals: 0, links: 1 });
  });

  it('converts without a company when asked to', async () => {
    const s = await signUp();
    const l = await createOk(s, '/leads', lead);
    const r = await api(s).post(`/leads/${l.id}/convert`, { version: 1, company: null, deal: null });
    expect(r.statusCode, r.body).toBe(200);
    expect(r.json()).toMatchObject({ company: null, deal: null, contact: { companies: [], lifecycleStage: 'salesQualified' } });
    expect(await written(s)).toEqual({ contacts: 1, companies: 0, deals: 0, links: 0 });
  });

  it('converts all or nothing: a deal that fails leaves no contact, company or deal and the lead unchanged', async () => {
    const s = await signUp();
    const other = await signUp();
    const c = api(s);
    const [sales] = await pipelines(s);
    const partners = await createOk(s, '/pipelines', { name: 'Partners', stages: [{ name: 'Intro', probability: 10 }] });
    const partnerStage = (await c.get(`/pipelines/${partners.id}`)).json().stages[0].id;
    const foreignContact = await createOk(other, '/contacts', { firstName: 'Elsewhere' });
    const l = await createOk(s, '/leads', lead);
    const unknown = '0190a000-0000-7000-8000-000000000000';

    const failures: [unknown, number, string][] = [
      [{ version: 1, deal: { name: 'Pilot', pipelineId: sales.id, stageId: partnerStage } }, 422, 'body.deal.stageId'],
      [{ version: 1, deal: { name: 'Pilot', pipelineId: unknown } }, 422, 'body.deal.pipelineId'],
      [{ version: 1, deal: { name: 'Pilot', stageId: unknown } }, 422, 'body.deal.stageId'],
      [{ version: 1, deal: { name: 'Pilot', currency: 'XYZ' } }, 400, 'body.deal.currency'],
      [{ version: 1, deal: { name: '' } }, 400, 'body.deal.name'],
      [{ version: 1, contact: { existingId: foreignContact.id } }, 422, 'body.contact.existingId'],
      [{ version: 1, company: { existingId: unknown } }, 422, 'body.company.existingId'],
      [{ version: 1, company: { existingId: unknown, name: 'Both' } }, 422, 'body.company.name'],
      [{ version: 1, extra: true }, 400, 'body.extra'],
      [{}, 428, 'body.version'],
    ];
    for (const [body, status, field] of failures) {
      const r = await c.post(`/leads/${l.id}/convert`, body);
      expect(r.statusCode, `${JSON.stringify(body)} ${r.body}`).toBe(status);
      expect(r.headers['content-type']).toContain('application/problem+json');
      expect(r.json().errors[0].field).toBe(field);
    }
    expect(await written(s)).toEqual({ contacts: 0, companies: 0, deals: 0, links: 0 });
    expect((await c.get(`/leads/${l.id}`)).json()).toEqual(l);
    const hist = (await c.get(`/leads/${l.id}/history`)).json().data;
    expect(hist.map((h: { action: string }) => h.action)).toEqual(['create']);

    // The same lead converts once the deal is right.
    const ok = await c.post(`/leads/${l.id}/convert`, { version: 1, deal: { name: 'Pilot', pipelineId: partners.id } });
    expect(ok.statusCode, ok.body).toBe(200);
    expect(ok.json().deal).toMatchObject({ pipelineId: partners.id, stageId: partnerStage });
  });

  it('refuses a stale version, a lead in the trash, and a lead of another workspace', async () => {
    const s = await signUp();
    const other = await signUp();
    const c = api(s);
    const l = await createOk(s, '/leads', lead);
    await c.patch(`/leads/${l.id}`, { title: 'CEO', version: 1 });
    const stale = await c.post(`/leads/${l.id}/convert`, { version: 1 });
    expect(stale.statusCode).toBe(409);
    expect(stale.json().code).toBe('version_conflict');

    expect((await api(other).post(`/leads/${l.id}/convert`, { version: 2 })).statusCode).toBe(404);

    await c.delete(`/leads/${l.id}`);
    const trashed = await c.post(`/leads/${l.id}/convert`, { version: 3 });
    expect(trashed.statusCode).toBe(409);
    expect(trashed.json().code).toBe('record_deleted');
    expect(await written(s)).toEqual({ contacts: 0, companies: 0, deals: 0, links: 0 });
  });
});

describe('lead lists built by the database', () => {
  it('read exactly like the lead the API wrote, converted or not', async () => {
    const s = await signUp();
    const c = api(s);
    await c.post('/fields', { objectType: 'lead', key: 'score', label: 'Score', type: 'number' });
    const full = await createOk(s, '/leads', { ...lead, source: 'Fair', status: 'qualified', custom: { score: 7 } });
    const bare = await createOk(s, '/leads', { email: 'bare@example.com', ownerId: null });
    const converted = (await c.post(`/leads/${full.id}/convert`, { version: 1, deal: { name: 'Pilot' } })).json().lead;
    // The create and convert responses are the TypeScript mapper's output; lists and reads are the database's.
    expect((await c.get('/leads?sort=createdAt')).json().data).toEqual([converted, bare]);
    expect((await c.get(`/leads/${full.id}`)).json()).toEqual(converted);
    expect((await c.get(`/leads/${bare.id}`)).json()).toEqual(bare);
  });
});
