import { describe, expect, it } from 'vitest';
import { api, type Session, signUp } from '../../test/harness.ts';
import { createOk } from '../../test/samples.ts';

// Issue 13, "Every object": leads, deals, tasks, activities and custom objects imported through the
// generic importer, from files in the shapes HubSpot, Pipedrive and Salesforce export, read back field
// by field through the API.

type Json = Record<string, unknown>;

async function importOk(s: Session, path: string, body: string, query = '') {
  const r = await api(s).post(`/imports/${path}${query}`, body, { 'content-type': 'text/csv' });
  expect(r.statusCode, r.body).toBe(query.includes('dryRun=true') ? 200 : 201);
  return r.json();
}

async function list(s: Session, path: string): Promise<Json[]> {
  const r = await api(s).get(`/${path}${path.includes('?') ? '&' : '?'}limit=200&sort=createdAt`);
  expect(r.statusCode, r.body).toBe(200);
  return r.json().data;
}

async function salesPipeline(s: Session) {
  const r = await api(s).get('/pipelines');
  const p = r.json().data[0] as { id: string; name: string; stages: { id: string; name: string }[] };
  const stage = (name: string) => p.stages.find((x) => x.name === name)?.id;
  return { ...p, stage };
}

const warningOf = (out: Json, row: number, column: string) =>
  (out.warnings as Json[]).find((w) => w.row === row && w.column === column) as Json | undefined;

describe('importing deals', () => {
  it('reads a HubSpot deals export: pipeline and stage by name, amount, close date, owner, company and contacts', async () => {
    const s = await signUp();
    const acme = await createOk(s, '/companies', { name: 'Acme Corp', domain: 'acme.example' });
    const wile = await createOk(s, '/contacts', { firstName: 'Wile', emails: [{ label: 'work', value: 'wile@acme.example' }] });
    const road = await createOk(s, '/contacts', { firstName: 'Road', emails: [{ label: 'work', value: 'road@acme.example' }] });
    const me = (await api(s).get('/auth/session')).json().member as { email: string };
    const sales = await salesPipeline(s);
    const csv = [
      'Record ID,Deal Name,Pipeline,Deal Stage,Amount,Close Date,Deal owner,Associated Company,Associated Contacts',
      `101,Anvil order,Sales,Proposal,"12,500.00",2026-06-30,${me.email},Acme Corp,wile@acme.example;road@acme.example`,
      '102,Rocket skates,sales,Negotiation??,lots,31/02/2026,nobody@nowhere.example,acme.example,unknown@acme.example',
      '103,,Sales,Proposal,100,2026-01-01,,,',
      '104,Bird seed,,won,"1.200,50",07/04/2026,,Globex,',
    ].join('\r\n');
    const out = await importOk(s, 'deals', csv);
    expect(out).toMatchObject({ objectType: 'deal', rows: 4, created: 3, rejected: 1, duplicates: 0 });
    expect(out.columns).toMatchObject({
      'Deal Name': 'name',
      Pipeline: 'pipelineId',
      'Deal Stage': 'stageId',
      Amount: 'amountMinor',
      'Close Date': 'expectedCloseDate',
      'Deal owner': 'ownerId',
      'Associated Company': 'companyId',
      'Associated Contacts': 'contacts',
    });
    expect(out.ignoredColumns).toEqual(['Record ID']);
    // The row without a name is refused; the others are kept with warnings for their bad cells.
    expect(out.errors).toEqual([{ row: 4, field: 'name', column: 'Deal Name', message: 'a deal needs a name' }]);
    expect(warningOf(out, 3, 'Deal Stage')).toMatchObject({ value: 'Negotiation??', message: expect.stringContaining('no stage named') });
    expect(warningOf(out, 3, 'Amount')).toMatchObject({
      field: 'amountMinor',
      value: 'lots',
      message: expect.stringContaining('not an amount'),
    });
    expect(warningOf(out, 3, 'Close Date')).toMatchObject({ value: '31/02/2026', message: expect.stringContaining('not a date') });
    expect(warningOf(out, 3, 'Deal owner')).toMatchObject({ message: expect.stringContaining('not an active member') });
    expect(warningOf(out, 3, 'Associated Contacts')).toMatchObject({ message: expect.stringContaining('no contact with the email') });
    expect(warningOf(out, 5, 'Associated Company')).toMatchObject({
      value: 'Globex',
      message: expect.stringContaining('no company named'),
    });
    expect(out.warned).toBe(2);

    const deals = await list(s, 'deals');
    expect(deals.map((d) => d.name)).toEqual(['Anvil order', 'Rocket skates', 'Bird seed']);
    const [anvil, skates, seed] = deals;
    expect(anvil).toMatchObject({
      amountMinor: 1_250_000,
      pipelineId: sales.id,
      stageId: sales.stage('Proposal'),
      status: 'open',
      probability: 50,
      expectedCloseDate: '2026-06-30',
      ownerId: s.memberId,
      companyId: acme.id,
    });
    expect((anvil.contacts as { contactId: string }[]).map((c) => c.contactId).sort()).toEqual([wile.id, road.id].sort());
    // An unknown stage is the pipeline's first open one; unreadable cells are empty; the company found by its domain.
    expect(skates).toMatchObject({
      stageId: sales.stage('Qualification'),
      amountMinor: null,
      expectedCloseDate: null,
      ownerId: s.memberId,
      companyId: acme.id,
      contacts: [],
    });
    // A stage by name in any case decides the deal's status; a decimal comma; a US date.
    expect(seed).toMatchObject({
      stageId: sales.stage('Won'),
      status: 'won',
      amountMinor: 120_050,
      expectedCloseDate: '2026-07-04',
      companyId: null,
    });
  });

  it('reads a Pipedrive deals export ("Deal - Title") and a Salesforce report ("Opportunity: Stage")', async () => {
    const s = await signUp();
    const org = await createOk(s, '/companies', { name: 'Initech' });
    const pipedrive = [
      'Deal - ID,Deal - Title,Deal - Value,Deal - Currency of Value,Deal - Stage,Deal - Organization,Deal - Expected close date,Deal - Probability',
      '7,Printer upgrade,4500,EUR,Discovery,Initech,2026-09-01,40%',
    ].join('\n');
    const out = await importOk(s, 'deals', pipedrive);
    expect(out).toMatchObject({ created: 1, warned: 0 });
    const sales = await salesPipeline(s);
    const [deal] = await list(s, 'deals');
    expect(deal).toMatchObject({
      name: 'Printer upgrade',
      amountMinor: 450_000,
      currency: 'EUR',
      stageId: sales.stage('Discovery'),
      companyId: org.id,
      expectedCloseDate: '2026-09-01',
      probability: 40,
    });
    const salesforce = [
      '"Opportunity: Opportunity Name","Opportunity: Stage","Opportunity: Amount","Opportunity: Close Date"',
      '"TPS reports",Negotiation,"$ 990.00",12/01/2026',
    ].join('\n');
    const sf = await importOk(s, 'deals', salesforce);
    expect(sf).toMatchObject({ created: 1, warned: 0 });
    const second = (await list(s, 'deals'))[1];
    expect(second).toMatchObject({
      name: 'TPS reports',
      stageId: sales.stage('Negotiation'),
      amountMinor: 99_000,
      expectedCloseDate: '2026-12-01',
    });
  });

  it('is undone whole: the deals it created go to the trash', async () => {
    const s = await signUp();
    const out = await importOk(s, 'deals', 'Deal Name,Amount\nOne,10\nTwo,20\n');
    expect(out.created).toBe(2);
    const preview = await api(s).get(`/imports/${out.importId}/undo`);
    expect(preview.json()).toMatchObject({ possible: true, willTrash: { deal: 2, contact: 0 } });
    expect((await api(s).post(`/imports/${out.importId}/undo`, {})).statusCode).toBe(202);
    let imp: Json = {};
    for (let i = 0; i < 200; i++) {
      imp = (await api(s).get(`/imports/${out.importId}`)).json();
      if ((imp.undo as Json | null)?.status === 'completed') break;
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(imp.undo).toMatchObject({ status: 'completed', trashed: { deal: 2 } });
    expect(await list(s, 'deals')).toEqual([]);
  });
});

describe('importing tasks, activities, leads and custom objects', () => {
  it('reads a tasks file: due date, priority, done, assignee, and the records a task concerns', async () => {
    const s = await signUp();
    const ada = await createOk(s, '/contacts', {
      firstName: 'Ada',
      lastName: 'Lovelace',
      emails: [{ label: 'work', value: 'ada@example.com' }],
    });
    const sales = await salesPipeline(s);
    const deal = await createOk(s, '/deals', { name: 'Engine order', stageId: sales.stage('Proposal') });
    const me = (await api(s).get('/auth/session')).json().member as { name: string };
    const csv = [
      'Subject,Due Date,Priority,Status,Assigned To,Contact,Deal,Notes',
      `Send proposal,2026-05-04 09:30,High,NOT_STARTED,${me.name},ada@example.com,Engine order,Use the new template`,
      'Follow up,soon,urgent!!,COMPLETED,,Ada Lovelace,No such deal,',
      ',2026-05-04,Low,,,,,',
    ].join('\n');
    const out = await importOk(s, 'tasks', csv);
    expect(out).toMatchObject({ objectType: 'task', created: 2, rejected: 1, warned: 1 });
    expect(out.errors[0]).toMatchObject({ row: 4, field: 'title' });
    expect(warningOf(out, 3, 'Due Date')).toMatchObject({ value: 'soon' });
    expect(warningOf(out, 3, 'Priority')).toMatchObject({ value: 'urgent!!' });
    expect(warningOf(out, 3, 'Deal')).toMatchObject({ message: expect.stringContaining('no deal named') });
    const tasks = await list(s, 'tasks');
    const send = tasks.find((t) => t.title === 'Send proposal') as Json;
    expect(send).toMatchObject({
      dueAt: '2026-05-04T09:30:00.000Z',
      priority: 'high',
      done: false,
      assigneeId: s.memberId,
      notes: 'Use the new template',
    });
    expect((send.links as Json[]).map((l) => [l.recordType, l.recordId]).sort()).toEqual(
      [
        ['contact', ada.id],
        ['deal', deal.id],
      ].sort(),
    );
    const follow = tasks.find((t) => t.title === 'Follow up') as Json;
    expect(follow).toMatchObject({ dueAt: null, priority: 'normal', done: true });
    expect(follow.links).toEqual([{ recordType: 'contact', recordId: ada.id }]);
  });

  it('reads notes, calls and meetings onto the timelines of the records they name; a row naming none is refused', async () => {
    const s = await signUp();
    const ada = await createOk(s, '/contacts', { firstName: 'Ada', emails: [{ label: 'work', value: 'ada@example.com' }] });
    const acme = await createOk(s, '/companies', { name: 'Acme Corp', domain: 'acme.example' });
    const csv = [
      'Activity Type,Subject,Notes,Activity Date,Contact,Company,Outcome',
      'Call,Intro call,Talked about engines,2026-03-02 14:00,ada@example.com,,Interested',
      'Note,,Sent the brochure,2026-03-03,,acme.example,',
      'Fax,Odd one,Type not known,not a date,ada@example.com,,',
      'Meeting,Lunch,,2026-03-04 12:00,nobody@example.com,,',
    ].join('\n');
    const out = await importOk(s, 'activities', csv);
    expect(out).toMatchObject({ objectType: 'activity', created: 3, rejected: 1 });
    expect(out.errors[0]).toMatchObject({ row: 5, field: 'links' });
    expect(warningOf(out, 4, 'Activity Type')).toMatchObject({ value: 'Fax', message: expect.stringContaining('note taken') });
    expect(warningOf(out, 4, 'Activity Date')).toMatchObject({ value: 'not a date' });
    const timeline = (await api(s).get(`/contacts/${ada.id}/timeline`)).json().data as Json[];
    const call = timeline.find((a) => a.subject === 'Intro call') as Json;
    expect(call).toMatchObject({
      type: 'call',
      body: 'Talked about engines',
      occurredAt: '2026-03-02T14:00:00.000Z',
      outcome: 'Interested',
    });
    expect(timeline.find((a) => a.subject === 'Odd one')).toMatchObject({ type: 'note' });
    const companyTimeline = (await api(s).get(`/companies/${acme.id}/timeline`)).json().data as Json[];
    expect(companyTimeline.find((a) => a.body === 'Sent the brochure')).toMatchObject({
      type: 'note',
      occurredAt: '2026-03-03T00:00:00.000Z',
    });
  });

  it('reads leads, keeping a row with a bad email and refusing one with neither name nor email', async () => {
    const s = await signUp();
    const csv = [
      'First Name,Last Name,Email,Company,Lead Status,Lead Source',
      'Grace,Hopper,grace@example.com,Navy,Attempted to contact,Web',
      'Alan,,not-an-email,,Bogus,',
      ',,,Nobody Inc,,',
    ].join('\n');
    const out = await importOk(s, 'leads', csv);
    expect(out).toMatchObject({ created: 2, rejected: 1 });
    expect(warningOf(out, 3, 'Email')).toMatchObject({ value: 'not-an-email' });
    expect(warningOf(out, 3, 'Lead Status')).toMatchObject({ value: 'Bogus' });
    const leads = await list(s, 'leads');
    expect(leads[0]).toMatchObject({
      firstName: 'Grace',
      lastName: 'Hopper',
      email: 'grace@example.com',
      companyName: 'Navy',
      status: 'contacted',
      source: 'Web',
    });
    expect(leads[1]).toMatchObject({ firstName: 'Alan', email: null, status: 'new' });
  });

  it("reads a custom object's records with its custom fields; an unknown object is a 404", async () => {
    const s = await signUp();
    await createOk(s, '/objects', { key: 'project', label: 'Project', labelPlural: 'Projects' });
    await createOk(s, '/fields', {
      objectType: 'project',
      key: 'phase',
      label: 'Phase',
      type: 'select',
      options: ['plan', 'build', 'done'],
    });
    await createOk(s, '/fields', { objectType: 'project', key: 'budget', label: 'Budget', type: 'number' });
    const csv = ['Name,Phase,Budget', 'Website relaunch,Build,1200', 'Office move,someday,a lot', ',plan,1'].join('\n');
    const out = await importOk(s, 'objects/project', csv);
    expect(out).toMatchObject({ objectType: 'custom:project', created: 2, rejected: 1 });
    expect(out.columns).toEqual({ Name: 'name', Phase: 'custom.phase', Budget: 'custom.budget' });
    expect(warningOf(out, 3, 'Budget')).toMatchObject({ value: 'a lot' });
    expect(warningOf(out, 3, 'Phase')).toMatchObject({ value: 'someday' });
    const records = await list(s, 'objects/project/records');
    expect(records.map((r) => [r.name, r.custom])).toEqual([
      ['Website relaunch', { phase: 'build', budget: 1200 }],
      ['Office move', {}],
    ]);
    const missing = await api(s).post('/imports/objects/nothing', 'Name\nx\n', { 'content-type': 'text/csv' });
    expect(missing.statusCode).toBe(404);
  });

  it('undoes imports of tasks, activities and custom records: what they created goes to the trash', async () => {
    const s = await signUp();
    const ada = await createOk(s, '/contacts', { firstName: 'Ada', emails: [{ label: 'work', value: 'ada@example.com' }] });
    await createOk(s, '/objects', { key: 'site', label: 'Site', labelPlural: 'Sites' });
    const undo = async (importId: string) => {
      expect((await api(s).post(`/imports/${importId}/undo`, {})).statusCode).toBe(202);
      for (let i = 0; i < 200; i++) {
        const imp = (await api(s).get(`/imports/${importId}`)).json();
        if (imp.undo?.status === 'completed' || imp.undo?.status === 'failed') return imp.undo;
        await new Promise((r) => setTimeout(r, 50));
      }
    };
    const tasks = await importOk(s, 'tasks', 'Title,Contact\nCall Ada,ada@example.com\nWrite Ada,ada@example.com\n');
    const notes = await importOk(s, 'activities', 'Type,Subject,Contact\nNote,Met at the fair,ada@example.com\n');
    const sites = await importOk(s, 'objects/site', 'Name\nBerlin\nHamburg\n');
    expect((await undo(tasks.importId)).trashed).toMatchObject({ task: 2, activity: 0 });
    expect((await undo(notes.importId)).trashed).toMatchObject({ activity: 1 });
    expect((await undo(sites.importId)).trashed).toMatchObject({ custom_record: 2 });
    expect(await list(s, 'tasks')).toEqual([]);
    expect((await api(s).get(`/contacts/${ada.id}/timeline`)).json().data).toEqual([]);
    expect(await list(s, 'objects/site/records')).toEqual([]);
  });

  it('previews a deals file with the suggested mapping and the fields a column may fill', async () => {
    const s = await signUp();
    const r = await api(s).post('/imports/preview?object=deal', 'Deal Name,Deal Stage,Amount\nAnvils,Nope,abc\n', {
      'content-type': 'text/csv',
    });
    expect(r.statusCode, r.body).toBe(200);
    const p = r.json();
    expect(p.targets).toEqual(expect.arrayContaining(['name', 'amountMinor', 'stageId', 'pipelineId', 'contacts', 'companyId']));
    expect(p.columns.map((c: Json) => c.suggested)).toEqual(['name', 'stageId', 'amountMinor']);
    expect(p.rows[0]).toMatchObject({ status: 'warning', values: { name: 'Anvils', stageId: 'Nope' } });
    // Names are looked up as the import will: the unknown stage is warned about before the import.
    expect(p.rows[0].warnings.map((w: Json) => [w.column, w.message])).toEqual([
      ['Deal Stage', 'no stage named "Nope" in Sales; Qualification taken'],
      ['Amount', '"abc" is not an amount; left empty'],
    ]);
    const none = await api(s).post('/imports/preview?object=deal', 'Colour\nred\n', { 'content-type': 'text/csv' });
    expect(none.json().problem).toContain('No column of the header holds name');
    const bad = await api(s).post('/imports/preview?object=invoice', 'Name\nx\n', { 'content-type': 'text/csv' });
    expect(bad.statusCode).toBe(400);
  });
});
