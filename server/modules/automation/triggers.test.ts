import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { api, type Session, signUp, testApp, testDatabase } from '../../test/harness.ts';
import { createOk } from '../../test/samples.ts';
import { automationClock } from './clock.ts';
import { scan } from './scanner.ts';
import { signHook } from './start.service.ts';
import { makeRule, newDeal, runDetail, runsOf, settledRuns, stages, until, updateDeal } from './test-helpers.ts';

// Each trigger starts runs: record events of built-in and custom objects, a field's change, a
// deal's move, a date, a schedule, a person, a signed webhook. The test app's worker feeds the
// outbox to the automation consumer and runs the jobs, as `npm start` does.

const realNow = automationClock.now;
afterEach(() => {
  automationClock.now = realNow;
});

const note = (title: string) => ({ type: 'action', action: 'notify', input: { to: { kind: 'owner' }, title } });

const notices = async (s: Session) =>
  (await api(s).get('/notifications?limit=200')).json().data as { title: string; recordId: string | null; recordType: string | null }[];

// The app (and its worker) start once, before the first test's clock runs.
beforeAll(() => testApp());

describe('triggers', () => {
  it('fire on records created, updated and deleted, of built-in and custom objects', async () => {
    const s = await signUp();
    await createOk(s, '/objects', { key: 'project', label: 'Project', labelPlural: 'Projects' });
    const created = await makeRule(s, {
      trigger: { type: 'record_created', config: { object: 'project' } },
      steps: [note('New project {{record.name}}')],
    });
    const updated = await makeRule(s, {
      trigger: { type: 'record_updated', config: { object: 'deal', fields: ['name'] } },
      steps: [note('Renamed to {{record.name}}')],
    });
    const deleted = await makeRule(s, {
      trigger: { type: 'record_deleted', config: { object: 'deal' } },
      steps: [note('Gone: {{record.name}}')],
    });

    const project = await createOk(s, '/objects/project/records', { name: 'Apollo' });
    const deal = await newDeal(s, { name: 'Initech' });
    await updateDeal(s, deal.id, { amountMinor: 5 }); // not the watched field: no run
    await updateDeal(s, deal.id, { name: 'Initech renewal' });
    expect((await api(s).delete(`/deals/${deal.id}`)).statusCode).toBe(200);

    const [c] = await settledRuns(s, created.id, 1);
    expect(c).toMatchObject({ status: 'completed', recordId: project.id });
    const u = await settledRuns(s, updated.id, 1);
    expect(u.map((r) => r.recordId)).toEqual([deal.id]);
    expect((await settledRuns(s, deleted.id, 1))[0].recordId).toBe(deal.id);
    const titles = (await notices(s)).map((n) => n.title).sort();
    expect(titles).toEqual(['Gone: Initech renewal', 'New project Apollo', 'Renamed to Initech renewal']);
    expect((await notices(s)).find((n) => n.title === 'New project Apollo')).toMatchObject({ recordType: 'project', recordId: project.id });
    const detail = await runDetail(s, u[0].id);
    expect(detail.trigger).toMatchObject({ type: 'record_updated', eventType: 'deal.updated' });
    expect(detail.trigger.changes).toEqual([{ field: 'name', old: 'Initech', new: 'Initech renewal' }]);
    expect(detail.steps).toMatchObject([{ seq: 1, path: '0', type: 'action', action: 'notify', outcome: 'done' }]);
    expect(detail.steps[0].durationMs).toBeGreaterThanOrEqual(0);
  });

  it('fires when a field changes from one value to another, and reads previous values in conditions', async () => {
    const s = await signUp();
    const toWon = await makeRule(s, {
      trigger: { type: 'field_changed', config: { object: 'deal', field: 'probability', to: 90 } },
      steps: [note('Probability 90')],
    });
    const crossed = await makeRule(s, {
      trigger: { type: 'record_updated', config: { object: 'deal' } },
      conditions: {
        and: [
          { field: 'amountMinor', op: 'gt', value: 1_000_000 },
          { field: 'previous.amountMinor', op: 'lte', value: 1_000_000 },
        ],
      },
      steps: [note('Crossed ten thousand')],
    });
    const won = await makeRule(s, {
      trigger: { type: 'field_changed', config: { object: 'deal', field: 'status', from: 'open', to: 'won' } },
      steps: [note('Won {{record.name}}')],
    });
    const bad = await api(s).post('/automation/rules', {
      name: 'Bad',
      definition: { trigger: { type: 'field_changed', config: { object: 'deal', field: 'status', to: 'sold' } }, steps: [] },
    });
    expect(bad.json().errors).toEqual([expect.objectContaining({ field: 'body.definition.trigger.config.to', code: 'wrong_type' })]);
    const deal = await newDeal(s, { name: 'Globex', amountMinor: 500_000 });
    await updateDeal(s, deal.id, { probability: 80 });
    await updateDeal(s, deal.id, { probability: 90 });
    await updateDeal(s, deal.id, { amountMinor: 2_000_000 }); // crosses
    await updateDeal(s, deal.id, { amountMinor: 3_000_000 }); // already above: no run
    const [run] = await settledRuns(s, toWon.id, 1);
    expect(run.status).toBe('completed');
    const runs = await settledRuns(s, crossed.id, 1);
    await new Promise((r) => setTimeout(r, 500));
    expect((await runsOf(s, crossed.id)).length).toBe(1);
    expect((await runsOf(s, toWon.id)).length).toBe(1);
    expect((await runDetail(s, runs[0].id)).trigger.changes).toEqual([{ field: 'amountMinor', old: 500_000, new: 2_000_000 }]);
    await updateDeal(s, deal.id, { stageId: (await stages(s)).Won });
    expect((await settledRuns(s, won.id, 1))[0]).toMatchObject({ status: 'completed', recordId: deal.id });
  });

  it('fires when a deal moves to a stage', async () => {
    const s = await signUp();
    const st = await stages(s);
    const rule = await makeRule(s, {
      trigger: { type: 'stage_changed', config: { toStageId: st.Negotiation } },
      steps: [note('{{record.name}} in negotiation')],
    });
    const deal = await newDeal(s, { name: 'Hooli' });
    await updateDeal(s, deal.id, { stageId: st.Proposal });
    await updateDeal(s, deal.id, { stageId: st.Negotiation });
    const [run] = await settledRuns(s, rule.id, 1);
    expect(run).toMatchObject({ status: 'completed', recordId: deal.id });
    expect((await runDetail(s, run.id)).trigger).toMatchObject({ fromStageId: st.Proposal, toStageId: st.Negotiation });
  });

  it('runs a manual rule on the records chosen, skipping those that miss its conditions', async () => {
    const s = await signUp();
    const rule = await makeRule(s, {
      trigger: { type: 'manual', config: { object: 'deal' } },
      conditions: { field: 'amountMinor', op: 'gte', value: 100 },
      steps: [note('Chosen: {{record.name}}')],
    });
    const big = await newDeal(s, { name: 'Big', amountMinor: 1000 });
    const small = await newDeal(s, { name: 'Small', amountMinor: 1 });
    const r = await api(s).post(`/automation/rules/${rule.id}/run`, { recordIds: [big.id, small.id] }, { 'idempotency-key': 'run-1' });
    expect(r.statusCode, r.body).toBe(201);
    expect(r.json().runs.map((x: { status: string }) => x.status)).toEqual(['queued', 'skipped']);
    // A retried request answers as the first did and starts nothing more.
    const again = await api(s).post(`/automation/rules/${rule.id}/run`, { recordIds: [big.id, small.id] }, { 'idempotency-key': 'run-1' });
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.json().runs.map((x: { id: string }) => x.id)).toEqual(r.json().runs.map((x: { id: string }) => x.id));
    const runs = await settledRuns(s, rule.id, 2);
    expect(runs.find((x) => x.recordId === big.id)?.status).toBe('completed');
    expect(runs.find((x) => x.recordId === small.id)?.reason).toContain('conditions');
    const other = await signUp();
    const foreign = await newDeal(other, { name: 'Theirs' });
    const bad = await api(s).post(`/automation/rules/${rule.id}/run`, { recordIds: [foreign.id] });
    expect(bad.statusCode).toBe(422);
    expect(bad.json().errors[0].field).toBe('body.recordIds.0');
  });

  it('fires on a signed webhook call, and refuses a bad signature, an old timestamp and a replay', async () => {
    const s = await signUp();
    const rule = await makeRule(s, {
      trigger: { type: 'webhook' },
      steps: [
        {
          type: 'action',
          action: 'notify',
          input: { to: { kind: 'member', memberId: s.memberId }, title: 'Order {{trigger.body.orderId}}' },
        },
      ],
    });
    const path = `/api/v1${rule.webhookPath}`;
    const app = (await import('../../test/harness.ts')).testApp;
    const call = async (body: string, ts: number, secret = rule.webhookSecret as string) =>
      (await app()).inject({
        method: 'POST',
        url: path,
        headers: {
          'content-type': 'application/json',
          'x-rapport-timestamp': String(ts),
          'x-rapport-signature': signHook(secret, String(ts), body),
        },
        payload: body,
      });
    const now = Math.floor(Date.now() / 1000);
    const body = '{"orderId": "A-17"}';
    expect((await call(body, now, 'whsec_wrong')).statusCode).toBe(401);
    expect((await call(body, now - 3600)).statusCode).toBe(401);
    const ok = await call(body, now);
    expect(ok.statusCode, ok.body).toBe(202);
    expect((await call(body, now)).statusCode).toBe(409);
    // A body changed after signing does not match its signature.
    const tampered = await (await app()).inject({
      method: 'POST',
      url: path,
      headers: {
        'content-type': 'application/json',
        'x-rapport-timestamp': String(now),
        'x-rapport-signature': signHook(rule.webhookSecret as string, String(now), body),
      },
      payload: '{"orderId": "B-99"}',
    });
    expect(tampered.statusCode).toBe(401);
    const [run] = await settledRuns(s, rule.id, 1);
    expect(run.status).toBe('completed');
    expect((await notices(s)).map((n) => n.title)).toEqual(['Order A-17']);
    const other = await signUp();
    const wrongWorkspace = await (await app()).inject({
      method: 'POST',
      url: path.replace(s.workspaceId, other.workspaceId),
      headers: { 'content-type': 'application/json' },
      payload: body,
    });
    expect(wrongWorkspace.statusCode).toBe(404);
  });

  it('fires a schedule once per tick, in the time zone of the rule, however many scanners look', async () => {
    const s = await signUp();
    const base = Date.parse('2031-03-03T07:59:00Z'); // a Monday, 08:59 in Berlin
    automationClock.now = () => new Date(base);
    const rule = await makeRule(s, {
      trigger: { type: 'schedule', config: { cron: '0 9 * * 1' } },
      timeZone: 'Europe/Berlin',
      steps: [
        { type: 'action', action: 'notify', input: { to: { kind: 'member', memberId: s.memberId }, title: 'Monday {{trigger.tick}}' } },
      ],
    });
    const { db } = await testDatabase();
    await Promise.all([scan(db), scan(db)]);
    expect(await runsOf(s, rule.id)).toEqual([]);
    automationClock.now = () => new Date(base + 90_000);
    await Promise.all([scan(db), scan(db), scan(db)]);
    await settledRuns(s, rule.id, 1);
    automationClock.now = () => new Date(base + 7 * 86_400_000 + 90_000);
    await Promise.all([scan(db), scan(db)]);
    const runs = await settledRuns(s, rule.id, 2);
    expect(runs).toHaveLength(2);
    expect((await notices(s)).map((n) => n.title).sort()).toEqual(['Monday 2031-03-03T08:00:00.000Z', 'Monday 2031-03-10T08:00:00.000Z']);
  });

  it('fires a date trigger once per record and date, and again when the date moves', async () => {
    const s = await signUp();
    const base = Date.parse('2031-05-01T12:00:00Z');
    automationClock.now = () => new Date(base);
    const rule = await makeRule(s, {
      trigger: {
        type: 'date_reached',
        config: { object: 'deal', field: 'expectedCloseDate', offset: { amount: -3, unit: 'days' }, atTime: '09:00' },
      },
      timeZone: 'UTC',
      conditions: { field: 'status', op: 'eq', value: 'open' },
      steps: [note('{{record.name}} closes in three days')],
    });
    const deal = await newDeal(s, { name: 'Soon', expectedCloseDate: '2031-05-10' });
    const late = await newDeal(s, { name: 'Later', expectedCloseDate: '2031-06-30' });
    const { db } = await testDatabase();
    const at = (iso: string) => {
      automationClock.now = () => new Date(iso);
    };
    at('2031-05-07T08:59:00Z');
    await Promise.all([scan(db), scan(db)]);
    expect(await runsOf(s, rule.id)).toEqual([]);
    at('2031-05-07T09:00:30Z');
    await Promise.all([scan(db), scan(db)]);
    await scan(db);
    expect((await settledRuns(s, rule.id, 1)).map((r) => r.recordId)).toEqual([deal.id]);
    // Moved: armed again for the new date.
    await updateDeal(s, deal.id, { expectedCloseDate: '2031-05-20' });
    at('2031-05-17T09:01:00Z');
    await Promise.all([scan(db), scan(db)]);
    const runs = await settledRuns(s, rule.id, 2);
    expect(runs.map((r) => r.recordId)).toEqual([deal.id, deal.id]);
    expect(runs.every((r) => r.recordId !== late.id)).toBe(true);
    await until(
      () => notices(s),
      (ns) => ns.length === 2,
    );
  });
});
