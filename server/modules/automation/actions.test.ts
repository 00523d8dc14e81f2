import { beforeAll, describe, expect, it } from 'vitest';
import { addMember, api, signUp, testApp } from '../../test/harness.ts';
import { createOk } from '../../test/samples.ts';
import { makeRule, newDeal, runDetail, settledRuns } from './test-helpers.ts';

// The built-in actions, each through its object's service: fields set on any object (custom ones
// too), records created from templates and relative dates, owners assigned by turn or by load.

const DAY = 86_400_000;

// The app (and its worker) start once, before the first test's clock runs.
beforeAll(() => testApp());

describe('actions', () => {
  it('lists every trigger and action with the schema of its settings', async () => {
    const s = await signUp();
    const c = (await api(s).get('/automation/catalog')).json();
    expect(c.triggers.map((t: { name: string }) => t.name)).toEqual([
      'record_created',
      'record_updated',
      'record_deleted',
      'field_changed',
      'stage_changed',
      'ticket_sla',
      'date_reached',
      'schedule',
      'manual',
      'webhook',
    ]);
    expect(c.actions.map((a: { name: string }) => a.name)).toEqual([
      'update_record',
      'create_record',
      'create_task',
      'assign_owner',
      'notify',
      'add_to_list',
      'remove_from_list',
      'call_webhook',
      'send_email',
    ]);
    const notify = c.actions.find((a: { name: string }) => a.name === 'notify');
    expect(notify.schema.properties.to.properties.kind.enum).toEqual(['owner', 'member', 'field']);
    expect(c.triggers.find((t: { name: string }) => t.name === 'record_updated').hasPrevious).toBe(true);
    expect(c.operators.number).toContain('between');

    await createOk(s, '/objects', { key: 'project', label: 'Project', labelPlural: 'Projects' });
    await createOk(s, '/fields', { objectType: 'project', key: 'phase', label: 'Phase', type: 'select', options: ['plan', 'build'] });
    const project = (await api(s).get('/automation/fields?object=project')).json();
    expect(project).toMatchObject({ object: 'project', label: 'Project', ownerField: 'ownerId' });
    expect(project.fields.find((f: { name: string }) => f.name === 'custom.phase')).toMatchObject({
      label: 'Phase',
      kind: 'enum',
      options: ['plan', 'build'],
      custom: true,
    });
    const deal = (await api(s).get('/automation/fields?object=deal')).json().fields;
    expect(deal.find((f: { name: string }) => f.name === 'amountMinor')).toMatchObject({ kind: 'number', create: true, update: true });
    expect(deal.find((f: { name: string }) => f.name === 'status')).toMatchObject({ kind: 'enum', update: false });
    expect((await api(s).get('/automation/fields?object=spaceship')).statusCode).toBe(404);
  });

  it('sets fields of a custom object’s record, and creates notes, deals and records from templates and relative dates', async () => {
    const s = await signUp();
    await createOk(s, '/objects', { key: 'project', label: 'Project', labelPlural: 'Projects' });
    await createOk(s, '/fields', { objectType: 'project', key: 'phase', label: 'Phase', type: 'select', options: ['plan', 'build'] });
    await createOk(s, '/fields', { objectType: 'project', key: 'kickoff', label: 'Kick-off', type: 'date' });
    const rule = await makeRule(s, {
      trigger: { type: 'record_created', config: { object: 'project' } },
      timeZone: 'Europe/Berlin',
      steps: [
        {
          type: 'action',
          action: 'update_record',
          input: { fields: { 'custom.phase': 'build', 'custom.kickoff': '+7d', name: '{{record.name}} (started)' } },
        },
        {
          type: 'action',
          action: 'create_record',
          input: { object: 'activity', fields: { type: 'note', body: 'Started {{record.name}} on {{today}}' } },
        },
        {
          type: 'action',
          action: 'create_record',
          input: {
            object: 'deal',
            fields: {
              name: 'Deal for {{record.name}}',
              stageId: (await api(s).get('/pipelines')).json().data[0].stages[0].id,
              expectedCloseDate: '+30d',
            },
          },
        },
      ],
    });
    const project = await createOk(s, '/objects/project/records', { name: 'Apollo' });
    const [run] = await settledRuns(s, rule.id, 1);
    expect(run.status, run.error ?? '').toBe('completed');
    const after = (await api(s).get(`/objects/project/records/${project.id}`)).json();
    expect(after.name).toBe('Apollo (started)');
    expect(after.custom.phase).toBe('build');
    const inWeek = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Berlin' }).format(new Date(Date.now() + 7 * DAY));
    expect(after.custom.kickoff).toBe(inWeek);
    const timeline = (await api(s).get(`/custom-records/${project.id}/timeline`)).json().data;
    expect(timeline.map((e: { body?: string }) => e.body)).toEqual([
      expect.stringMatching(/^Started Apollo \(started\) on \d{4}-\d{2}-\d{2}$/),
    ]);
    const detail = await runDetail(s, run.id);
    const dealId = detail.steps[2].output.recordId;
    const deal = (await api(s).get(`/deals/${dealId}`)).json();
    expect(deal.name).toBe('Deal for Apollo (started)');
    expect(deal.expectedCloseDate).toBe(
      new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Berlin' }).format(new Date(Date.now() + 30 * DAY)),
    );
    // The rule's writes carry its runs' causes, as a person's carry their request.
    const history = (await api(s).get(`/deals/${dealId}/history`)).json().data;
    expect(history[0]).toMatchObject({ actorType: 'system', requestId: `automation:${run.id}` });
  });

  it('assigns owners to a fixed member, each of a list in turn, or the least loaded', async () => {
    const s = await signUp();
    const ann = await addMember(s, 'member', 'Ann');
    const bob = await addMember(s, 'member', 'Bob');
    const turn = await makeRule(s, {
      trigger: { type: 'record_created', config: { object: 'lead' } },
      steps: [{ type: 'action', action: 'assign_owner', input: { strategy: 'round_robin', members: [ann.memberId, bob.memberId] } }],
    });
    const leads = [];
    for (let i = 0; i < 4; i++) leads.push(await createOk(s, '/leads', { lastName: `Lead ${i}` }));
    await settledRuns(s, turn.id, 4);
    const owners = await Promise.all(leads.map(async (l) => (await api(s).get(`/leads/${l.id}`)).json().ownerId));
    // Runs may be worked in parallel, so the turns go in run order rather than creation order: what
    // round robin promises is that each member gets the same share, with no turn taken twice.
    const share = (id: string) => owners.filter((o) => o === id).length;
    expect([share(ann.memberId), share(bob.memberId)]).toEqual([2, 2]);

    // Ann owns two open deals, Bob none: the least loaded is Bob, then still Bob (one), then either.
    await newDeal(s, { name: 'A1', ownerId: ann.memberId });
    await newDeal(s, { name: 'A2', ownerId: ann.memberId });
    const load = await makeRule(s, {
      trigger: { type: 'record_created', config: { object: 'deal' } },
      conditions: { field: 'name', op: 'startsWith', value: 'New' },
      steps: [{ type: 'action', action: 'assign_owner', input: { strategy: 'least_loaded', members: [ann.memberId, bob.memberId] } }],
    });
    const first = await newDeal(s, { name: 'New 1', ownerId: null });
    await settledRuns(s, load.id, 1);
    const second = await newDeal(s, { name: 'New 2', ownerId: null });
    await settledRuns(s, load.id, 2);
    expect((await api(s).get(`/deals/${first.id}`)).json().ownerId).toBe(bob.memberId);
    expect((await api(s).get(`/deals/${second.id}`)).json().ownerId).toBe(bob.memberId);

    const fixed = await makeRule(s, {
      trigger: { type: 'record_created', config: { object: 'company' } },
      steps: [{ type: 'action', action: 'assign_owner', input: { strategy: 'member', memberId: ann.memberId } }],
    });
    const company = await createOk(s, '/companies', { name: 'Owned' });
    await settledRuns(s, fixed.id, 1);
    expect((await api(s).get(`/companies/${company.id}`)).json().ownerId).toBe(ann.memberId);
  });
});
