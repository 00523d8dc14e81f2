import { describe, expect, it } from 'vitest';
import { addMember, api, type Session, signUp } from '../../test/harness.ts';

type Stage = { id: string; name: string; position: number; probability: number; kind: string };

const stagesOf = (p: { stages: Stage[] }) => p.stages.map((s) => ({ id: s.id, name: s.name, probability: s.probability, kind: s.kind }));

async function newPipeline(s: Session) {
  const r = await api(s).post('/pipelines', {
    name: 'Enterprise',
    stages: [
      { name: 'Lead', probability: 10 },
      { name: 'Demo', probability: 40 },
      { name: 'Closed won', probability: 100, kind: 'won' },
      { name: 'Closed lost', probability: 0, kind: 'lost' },
    ],
  });
  expect(r.statusCode, r.body).toBe(201);
  return r.json();
}

describe('pipelines', () => {
  it('gives every new workspace a Sales pipeline with won and lost stages', async () => {
    const s = await signUp();
    const list = (await api(s).get('/pipelines')).json();
    expect(list.nextCursor).toBeNull();
    expect(list.data).toHaveLength(1);
    expect(list.data[0].name).toBe('Sales');
    expect(list.data[0].stages.map((x: Stage) => x.kind)).toEqual(['open', 'open', 'open', 'open', 'won', 'lost']);
  });

  it('creates a pipeline with its stages in order', async () => {
    const s = await signUp();
    const p = await newPipeline(s);
    expect(p).toMatchObject({ name: 'Enterprise', version: 1 });
    expect(p.stages.map((x: Stage) => [x.name, x.position, x.probability, x.kind])).toEqual([
      ['Lead', 0, 10, 'open'],
      ['Demo', 1, 40, 'open'],
      ['Closed won', 2, 100, 'won'],
      ['Closed lost', 3, 0, 'lost'],
    ]);
    expect((await api(s).get('/pipelines')).json().data).toHaveLength(2);
  });

  it('renames, reorders, adds and removes stages as one versioned change', async () => {
    const s = await signUp();
    const c = api(s);
    const p = await newPipeline(s);
    const [lead, demo, won, lost] = p.stages as Stage[];
    const r = await c.patch(`/pipelines/${p.id}`, {
      version: 1,
      stages: [
        { id: demo.id, name: 'Product demo', probability: 30 },
        { id: lead.id, name: 'Lead', probability: 10 },
        { name: 'Trial', probability: 60 },
        { id: won.id, name: 'Closed won', probability: 100, kind: 'won' },
      ],
    });
    expect(r.statusCode, r.body).toBe(200);
    const after = r.json();
    expect(after.version).toBe(2);
    expect(after.stages.map((x: Stage) => [x.name, x.position])).toEqual([
      ['Product demo', 0],
      ['Lead', 1],
      ['Trial', 2],
      ['Closed won', 3],
    ]);
    expect(after.stages[0].id).toBe(demo.id);
    expect(after.stages.some((x: Stage) => x.id === lost.id)).toBe(false);
    const hist = (await c.get(`/pipelines/${p.id}/history`)).json().data;
    expect(hist.map((h: { action: string; field: string | null }) => [h.action, h.field])).toEqual([
      ['update', 'stages'],
      ['create', null],
    ]);
  });

  it('refuses to remove a stage that holds a deal, changing nothing', async () => {
    const s = await signUp();
    const c = api(s);
    const p = await newPipeline(s);
    const [lead, demo, won, lost] = p.stages as Stage[];
    expect((await c.post('/deals', { name: 'Big one', stageId: demo.id })).statusCode).toBe(201);
    const r = await c.patch(`/pipelines/${p.id}`, {
      version: 1,
      name: 'Renamed',
      stages: [
        { id: lead.id, name: 'Lead renamed', probability: 10 },
        { id: won.id, name: 'Closed won', probability: 100, kind: 'won' },
        { id: lost.id, name: 'Closed lost', probability: 0, kind: 'lost' },
      ],
    });
    expect(r.statusCode).toBe(409);
    expect(r.headers['content-type']).toContain('application/problem+json');
    expect(r.json().code).toBe('stage_in_use');
    const now = (await c.get(`/pipelines/${p.id}`)).json();
    expect(now.version).toBe(1);
    expect(now.name).toBe('Enterprise');
    expect(stagesOf(now)).toEqual(stagesOf(p));
  });

  it('refuses to turn a stage holding deals from open to won', async () => {
    const s = await signUp();
    const c = api(s);
    const p = await newPipeline(s);
    const [lead, demo, won, lost] = p.stages as Stage[];
    await c.post('/deals', { name: 'Big one', stageId: demo.id });
    const r = await c.patch(`/pipelines/${p.id}`, {
      version: 1,
      stages: [
        { id: lead.id, name: 'Lead', probability: 10 },
        { id: demo.id, name: 'Demo', probability: 40, kind: 'won' },
        { id: won.id, name: 'Closed won', probability: 100, kind: 'won' },
        { id: lost.id, name: 'Closed lost', probability: 0, kind: 'lost' },
      ],
    });
    expect(r.statusCode).toBe(409);
    expect(stagesOf((await c.get(`/pipelines/${p.id}`)).json())).toEqual(stagesOf(p));
  });

  it('needs an open stage, distinct stage names and known stage ids (422)', async () => {
    const s = await signUp();
    const c = api(s);
    const noOpen = await c.post('/pipelines', { name: 'X', stages: [{ name: 'Won', probability: 100, kind: 'won' }] });
    expect(noOpen.statusCode).toBe(422);
    expect(noOpen.json().errors[0]).toMatchObject({ field: 'body.stages', code: 'no_open_stage' });

    const dup = await c.post('/pipelines', {
      name: 'X',
      stages: [
        { name: 'Lead', probability: 10 },
        { name: ' lead ', probability: 20 },
      ],
    });
    expect(dup.statusCode).toBe(422);
    expect(dup.json().errors[0]).toMatchObject({ field: 'body.stages.1.name', code: 'duplicate' });
    expect((await c.get('/pipelines')).json().data).toHaveLength(1);

    const p = await newPipeline(s);
    const sales = (await c.get('/pipelines')).json().data.find((x: { name: string }) => x.name === 'Sales');
    const foreign = await c.patch(`/pipelines/${p.id}`, {
      version: 1,
      stages: [{ id: sales.stages[0].id, name: 'Stolen', probability: 10 }],
    });
    expect(foreign.statusCode).toBe(422);
    expect(foreign.json().errors[0].field).toBe('body.stages.0.id');

    const twice = await c.patch(`/pipelines/${p.id}`, {
      version: 1,
      stages: [
        { id: p.stages[0].id, name: 'A', probability: 10 },
        { id: p.stages[0].id, name: 'B', probability: 10 },
      ],
    });
    expect(twice.statusCode).toBe(422);
    expect(twice.json().errors[0].field).toBe('body.stages.1.id');

    const onlyClosed = await c.patch(`/pipelines/${p.id}`, {
      version: 1,
      stages: [{ id: p.stages[2].id, name: 'Closed won', probability: 100, kind: 'won' }],
    });
    expect(onlyClosed.statusCode).toBe(422);
    expect((await c.get(`/pipelines/${p.id}`)).json().version).toBe(1);
  });

  it('rejects malformed pipelines with 400 naming the field', async () => {
    const s = await signUp();
    const c = api(s);
    const cases: [unknown, string][] = [
      [{ name: 'X', stages: [] }, 'body.stages'],
      [{ name: 'X', stages: [{ name: 'A', probability: 101 }] }, 'body.stages.0.probability'],
      [{ name: 'X', stages: [{ name: 'A', probability: 10, kind: 'maybe' }] }, 'body.stages.0.kind'],
      [{ name: 'X', stages: [{ name: 'A', probability: 10, color: 'red' }] }, 'body.stages.0.color'],
      [{ name: 'x'.repeat(201), stages: [{ name: 'A', probability: 10 }] }, 'body.name'],
    ];
    for (const [body, field] of cases) {
      const r = await c.post('/pipelines', body);
      expect(r.statusCode, JSON.stringify(body)).toBe(400);
      expect(r.json().errors[0].field).toBe(field);
    }
    expect((await c.get('/pipelines')).json().data).toHaveLength(1);
  });

  it('answers 409 to a stale version and changes nothing', async () => {
    const s = await signUp();
    const c = api(s);
    const p = await newPipeline(s);
    expect((await c.patch(`/pipelines/${p.id}`, { name: 'First', version: 1 })).statusCode).toBe(200);
    const stale = await c.patch(`/pipelines/${p.id}`, { name: 'Second', version: 1 });
    expect(stale.statusCode).toBe(409);
    expect(stale.json()).toMatchObject({ code: 'version_conflict', currentVersion: 2 });
    expect((await c.get(`/pipelines/${p.id}`)).json()).toMatchObject({ name: 'First', version: 2 });
  });

  it('lets members read pipelines but only admins change them', async () => {
    const owner = await signUp();
    const member = await addMember(owner, 'member');
    const admin = await addMember(owner, 'admin');
    expect((await api(member).get('/pipelines')).json().data).toHaveLength(1);
    expect((await api(member).post('/pipelines', { name: 'X', stages: [{ name: 'A', probability: 1 }] })).statusCode).toBe(403);
    expect((await api(admin).post('/pipelines', { name: 'X', stages: [{ name: 'A', probability: 1 }] })).statusCode).toBe(201);
  });

  it('keeps a pipeline with open deals out of the trash, and lists the trash on request', async () => {
    const s = await signUp();
    const c = api(s);
    const p = await newPipeline(s);
    const deal = (await c.post('/deals', { name: 'Open one', stageId: p.stages[0].id })).json();
    expect((await c.delete(`/pipelines/${p.id}`)).statusCode).toBe(409);
    await c.patch(`/deals/${deal.id}`, { stageId: p.stages[3].id, version: deal.version });
    const del = await c.delete(`/pipelines/${p.id}`);
    expect(del.statusCode).toBe(200);
    expect(del.json().deletedAt).not.toBeNull();
    expect((await c.get('/pipelines')).json().data.map((x: { id: string }) => x.id)).not.toContain(p.id);
    expect((await c.get('/pipelines?deleted=true')).json().data.map((x: { id: string }) => x.id)).toEqual([p.id]);
    // A deal cannot be placed on a board in the trash.
    const onDeleted = await c.post('/deals', { name: 'Late', stageId: p.stages[0].id });
    expect(onDeleted.statusCode).toBe(422);
    expect(onDeleted.json().errors[0].field).toBe('body.stageId');
    expect((await c.post(`/pipelines/${p.id}/restore`)).json().deletedAt).toBeNull();
  });

  it('sums the board per stage and currency, weighting by each deal’s own probability', async () => {
    const s = await signUp();
    const c = api(s);
    const other = await addMember(s, 'member');
    const p = await newPipeline(s);
    const [lead, demo, won] = p.stages as Stage[];
    const deal = async (body: Record<string, unknown>) => {
      const r = await c.post('/deals', { name: 'D', ...body });
      expect(r.statusCode, r.body).toBe(201);
      return r.json();
    };
    await deal({ stageId: lead.id, amountMinor: 10_000, currency: 'EUR' }); // 10 % → 1,000
    await deal({ stageId: lead.id, amountMinor: 5_000, currency: 'EUR', probability: 50 }); // → 2,500
    await deal({ stageId: lead.id, amountMinor: 7_000, currency: 'USD', ownerId: other.memberId }); // 10 % → 700
    await deal({ stageId: lead.id, currency: 'USD' }); // no amount: counted, adds nothing
    await deal({ stageId: won.id, amountMinor: 30_000, currency: 'USD' }); // 100 % → 30,000
    const gone = await deal({ stageId: demo.id, amountMinor: 99_999, currency: 'EUR' });
    await c.delete(`/deals/${gone.id}`);

    const r = await c.get(`/pipelines/${p.id}/board`);
    expect(r.statusCode, r.body).toBe(200);
    const board = r.json();
    expect(board.pipelineId).toBe(p.id);
    expect(board.stages.map((x: { name: string }) => x.name)).toEqual(['Lead', 'Demo', 'Closed won', 'Closed lost']);
    expect(board.stages[0]).toEqual({
      stageId: lead.id,
      name: 'Lead',
      kind: 'open',
      probability: 10,
      count: 4,
      totals: [
        { currency: 'EUR', amountMinor: 15_000, weightedMinor: 3_500 },
        { currency: 'USD', amountMinor: 7_000, weightedMinor: 700 },
      ],
    });
    expect(board.stages[1]).toMatchObject({ count: 0, totals: [] });
    expect(board.stages[2]).toMatchObject({
      kind: 'won',
      count: 1,
      totals: [{ currency: 'USD', amountMinor: 30_000, weightedMinor: 30_000 }],
    });

    const mine = (await c.get(`/pipelines/${p.id}/board?ownerId=${other.memberId}`)).json();
    expect(mine.stages[0]).toMatchObject({ count: 1, totals: [{ currency: 'USD', amountMinor: 7_000, weightedMinor: 700 }] });
    expect(mine.stages[2].count).toBe(0);

    expect((await c.get(`/pipelines/${p.id}/board?ownerId=nope`)).statusCode).toBe(400);
  });
});
