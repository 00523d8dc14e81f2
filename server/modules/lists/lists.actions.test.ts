import { beforeAll, describe, expect, it } from 'vitest';
import { systemCtx } from '../../http/context.ts';
import { api, type Session, signUp, testApp, testDatabase } from '../../test/harness.ts';
import { createOk } from '../../test/samples.ts';
import { actionOf } from '../automation/actions.ts';
import { resolveObject } from '../automation/objects.ts';
import { makeRule, newDeal, runDetail, settledRuns, stages, updateDeal } from '../automation/test-helpers.ts';
import type { ActionContext } from '../automation/types.ts';

// The automation actions "add to a list" and "remove from a list": checked when the rule is saved
// (the list exists and holds the rule's object), run on the run's record, described in a dry run,
// and idempotent when a step is tried again.

beforeAll(() => testApp());

const members = async (s: Session, listId: string) =>
  (await api(s).get(`/lists/${listId}/members`)).json().data.map((m: { title: string }) => m.title);

const addedEvents = async (s: Session, listId: string) =>
  (
    await (
      await testDatabase()
    ).query<{ n: number }>(
      `select count(*)::int as n from domain_events where workspace_id = $1 and type = 'list.members_added' and record_id = $2`,
      [s.workspaceId, listId],
    )
  )[0].n;

describe('list actions', () => {
  it('adds a won deal to a list when the rule runs, and a manual rule takes it out again', async () => {
    const s = await signUp();
    const st = await stages(s);
    const won = await createOk(s, '/lists', { name: 'Won this quarter', objectType: 'deal' });
    const adder = await makeRule(s, {
      trigger: { type: 'stage_changed', config: { toStageId: st.Won } },
      steps: [{ type: 'action', action: 'add_to_list', input: { listId: won.id } }],
    });
    const remover = await makeRule(s, {
      trigger: { type: 'manual', config: { object: 'deal' } },
      steps: [{ type: 'action', action: 'remove_from_list', input: { listId: won.id } }],
    });
    const deal = await newDeal(s, { name: 'Big one', amountMinor: 500_000, currency: 'EUR' });
    const lost = await newDeal(s, { name: 'Small one' });
    await updateDeal(s, deal.id, { stageId: st.Won });
    await updateDeal(s, lost.id, { stageId: st.Negotiation });
    const [run, ...more] = await settledRuns(s, adder.id, 1);
    expect(more).toEqual([]);
    expect(run).toMatchObject({ status: 'completed', recordId: deal.id });
    expect((await runDetail(s, run.id)).steps[0].detail).toBe('Added Big one to Won this quarter');
    expect(await members(s, won.id)).toEqual(['Big one']);

    await api(s).post(`/automation/rules/${remover.id}/run`, { recordIds: [deal.id, lost.id] });
    const runs = await settledRuns(s, remover.id, 2);
    expect(runs.map((r) => r.status)).toEqual(['completed', 'completed']);
    const details = await Promise.all(runs.map(async (r) => (await runDetail(s, r.id)).steps[0].detail));
    expect(details.sort()).toEqual(['Small one was not in Won this quarter', 'Took Big one out of Won this quarter']);
    expect(await members(s, won.id)).toEqual([]);
  });

  it('refuses at save time a list that is gone or holds another object, and a trigger without a record', async () => {
    const s = await signUp();
    const contacts = await createOk(s, '/lists', { name: 'People', objectType: 'contact' });
    const gone = await createOk(s, '/lists', { name: 'Gone', objectType: 'deal' });
    await api(s).delete(`/lists/${gone.id}`);
    const save = (trigger: unknown, listId: string, action = 'add_to_list') =>
      api(s).post('/automation/rules', {
        name: 'Listing',
        definition: { trigger, steps: [{ type: 'action', action, input: { listId } }] },
      });
    const onDeal = { type: 'record_created', config: { object: 'deal' } };
    const wrong = await save(onDeal, contacts.id);
    expect(wrong.statusCode).toBe(422);
    expect(wrong.json().errors[0]).toMatchObject({ field: 'body.definition.steps.0.input.listId', code: 'wrong_object' });
    const deleted = await save(onDeal, gone.id, 'remove_from_list');
    expect(deleted.json().errors[0]).toMatchObject({ field: 'body.definition.steps.0.input.listId', code: 'unknown_list' });
    const foreign = await createOk(await signUp(), '/lists', { name: 'Theirs', objectType: 'deal' });
    expect((await save(onDeal, foreign.id)).json().errors[0].code).toBe('unknown_list');
    const noRecord = await save({ type: 'schedule', config: { cron: '0 9 * * 1' } }, contacts.id);
    expect(noRecord.statusCode).toBe(422);
    expect(noRecord.json().errors[0].field).toContain('body.definition.steps.0');
    expect((await save({ type: 'record_created', config: { object: 'contact' } }, contacts.id)).statusCode).toBe(201);
  });

  it('says in a dry run what it would do, and does nothing', async () => {
    const s = await signUp();
    const vip = await createOk(s, '/lists', { name: 'VIP customers', objectType: 'contact' });
    const ada = await createOk(s, '/contacts', { firstName: 'Ada', lastName: 'Lovelace' });
    const dry = (action: string) =>
      api(s).post('/automation/dry-run', {
        definition: {
          trigger: { type: 'record_created', config: { object: 'contact' } },
          steps: [{ type: 'action', action, input: { listId: vip.id } }],
        },
        recordId: ada.id,
      });
    const add = await dry('add_to_list');
    expect(add.statusCode, add.body).toBe(200);
    expect(add.json().steps[0]).toMatchObject({ outcome: 'would_run', description: 'Would add Ada Lovelace to VIP customers' });
    expect((await dry('remove_from_list')).json().steps[0].description).toBe('Ada Lovelace is not in VIP customers: would remove nothing');
    expect(await members(s, vip.id)).toEqual([]);
    await api(s).post(`/lists/${vip.id}/members`, { ids: [ada.id] });
    expect((await dry('add_to_list')).json().steps[0].description).toBe('Ada Lovelace is already in VIP customers: would add nothing');
    expect((await dry('remove_from_list')).json().steps[0].description).toBe('Would take Ada Lovelace out of VIP customers');
    expect(await members(s, vip.id)).toEqual(['Ada Lovelace']);
  });

  it('adds nothing twice when a step is tried again', async () => {
    const s = await signUp();
    const app = await testApp();
    const vip = await createOk(s, '/lists', { name: 'VIP', objectType: 'contact' });
    const ada = await createOk(s, '/contacts', { firstName: 'Ada', lastName: 'Lovelace' });
    const ctx = systemCtx(s.workspaceId, s.memberId);
    const object = (await resolveObject(app.db, ctx, 'contact')) ?? null;
    const record = (await api(s).get(`/contacts/${ada.id}`)).json();
    const step = actionOf('add_to_list');
    if (!step) throw new Error('add_to_list is not registered');
    // The same step of the same run, twice: as a worker does after its predecessor died mid-step.
    const attempt = () =>
      app.db.transaction((conn) => {
        const ac: ActionContext = {
          conn,
          ctx,
          now: new Date(),
          timeZone: 'UTC',
          rule: { id: ada.id, name: 'Retry', version: 1 },
          runId: vip.id,
          path: '0',
          object,
          record,
          previous: null,
          trigger: {},
        };
        return step.run(ac, { listId: vip.id });
      });
    expect((await attempt()).output).toEqual({ listId: vip.id, added: 1 });
    expect(await attempt()).toEqual({ detail: 'Ada Lovelace was already in VIP', output: { listId: vip.id, added: 0 } });
    expect(await members(s, vip.id)).toEqual(['Ada Lovelace']);
    expect(await addedEvents(s, vip.id)).toBe(1);
  });
});
