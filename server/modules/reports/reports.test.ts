import { describe, expect, it } from 'vitest';
import { addMember, api, type Session, signUp, testDatabase } from '../../test/harness.ts';
import { giveRole, openRights } from '../../test/roles.ts';
import { createOk } from '../../test/samples.ts';

type Stage = { id: string; name: string; kind: string };

async function salesPipeline(s: Session) {
  const p = (await api(s).get('/pipelines')).json().data[0];
  const stage = (name: string) => (p.stages as Stage[]).find((x) => x.name === name)?.id as string;
  return { id: p.id as string, stage };
}

const deal = (s: Session, body: Record<string, unknown>) => createOk(s, '/deals', body);

/** Moves a deal's close into another month, straight in the database (the API stamps now()). */
async function closeAt(s: Session, id: string, monthsAgo: number, offset: string) {
  const db = await testDatabase();
  const now = new Date();
  const monthStart = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - monthsAgo, 1));
  await db.query('update deals set closed_at = $3::timestamptz + $4::interval where workspace_id = $1 and id = $2', [
    s.workspaceId,
    id,
    monthStart.toISOString(),
    offset,
  ]);
}

const monthLabel = (monthsAgo: number) => {
  const now = new Date();
  const d = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - monthsAgo, 1));
  return d.toISOString().slice(0, 7);
};

describe('pipeline report', () => {
  it('counts open deals per stage and per owner, per currency, every stage listed', async () => {
    const s = await signUp({ name: 'Olive Owner' });
    const c = api(s);
    const rep = await addMember(s, 'member', 'Rita Rep');
    const { id: pipelineId, stage } = await salesPipeline(s);
    await deal(s, { name: 'a', amountMinor: 10_000, currency: 'EUR', stageId: stage('Qualification') });
    await deal(s, {
      name: 'b',
      amountMinor: 5_000,
      currency: 'USD',
      probability: 33,
      stageId: stage('Qualification'),
      ownerId: rep.memberId,
    });
    await deal(s, { name: 'c', amountMinor: 20_001, currency: 'EUR', stageId: stage('Proposal'), ownerId: rep.memberId });
    await deal(s, { name: 'd', currency: 'EUR', stageId: stage('Proposal'), ownerId: null });
    // Not open, in the trash, or in another pipeline: not counted.
    await deal(s, { name: 'won', amountMinor: 99_999, currency: 'EUR', stageId: stage('Won') });
    const trashed = await deal(s, { name: 'trashed', amountMinor: 99_999, currency: 'EUR', stageId: stage('Discovery') });
    await c.delete(`/deals/${trashed.id}`);
    const other = (
      await c.post('/pipelines', {
        name: 'Partners',
        position: 5,
        stages: [
          { name: 'Talk', probability: 20 },
          { name: 'Signed', probability: 100, kind: 'won' },
        ],
      })
    ).json();
    await deal(s, { name: 'partner', amountMinor: 7_000, currency: 'GBP', stageId: other.stages[0].id });
    // Another workspace's deals never count.
    const stranger = await signUp({ workspaceName: 'Elsewhere' });
    const theirs = await salesPipeline(stranger);
    await deal(stranger, { name: 'x', amountMinor: 1_000_000, currency: 'EUR', stageId: theirs.stage('Qualification') });

    const res = await c.get('/reports/pipeline');
    expect(res.statusCode, res.body).toBe(200);
    const report = res.json();
    expect(report.pipelineId).toBe(pipelineId);
    expect(
      report.byStage.map((x: { name: string; count: number; position: number; kind: string }) => [x.name, x.position, x.kind, x.count]),
    ).toEqual([
      ['Qualification', 0, 'open', 2],
      ['Discovery', 1, 'open', 0],
      ['Proposal', 2, 'open', 2],
      ['Negotiation', 3, 'open', 0],
      ['Won', 4, 'won', 0],
      ['Lost', 5, 'lost', 0],
    ]);
    expect(report.byStage[0]).toEqual({
      stageId: stage('Qualification'),
      name: 'Qualification',
      position: 0,
      kind: 'open',
      count: 2,
      amounts: [
        { currency: 'EUR', amountMinor: 10_000, weightedMinor: 1_000 },
        { currency: 'USD', amountMinor: 5_000, weightedMinor: 1_650 },
      ],
    });
    expect(report.byStage[1].amounts).toEqual([]);
    // 20,001 × 50% = 10,000.5, rounded; a deal without an amount counts but adds nothing.
    expect(report.byStage[2].amounts).toEqual([{ currency: 'EUR', amountMinor: 20_001, weightedMinor: 10_001 }]);
    expect(report.byOwner).toEqual([
      {
        ownerId: rep.memberId,
        name: 'Rita Rep',
        count: 2,
        amounts: [
          { currency: 'EUR', amountMinor: 20_001, weightedMinor: 10_001 },
          { currency: 'USD', amountMinor: 5_000, weightedMinor: 1_650 },
        ],
      },
      { ownerId: s.memberId, name: 'Olive Owner', count: 1, amounts: [{ currency: 'EUR', amountMinor: 10_000, weightedMinor: 1_000 }] },
      { ownerId: null, name: null, count: 1, amounts: [{ currency: 'EUR', amountMinor: 0, weightedMinor: 0 }] },
    ]);

    const mine = (await c.get(`/reports/pipeline?ownerId=${rep.memberId}`)).json();
    expect(mine.byStage.map((x: { count: number }) => x.count)).toEqual([1, 0, 1, 0, 0, 0]);
    expect(mine.byOwner.map((o: { ownerId: string }) => o.ownerId)).toEqual([rep.memberId]);

    const partners = (await c.get(`/reports/pipeline?pipelineId=${other.id}`)).json();
    expect(partners.byStage.map((x: { name: string; count: number }) => [x.name, x.count])).toEqual([
      ['Talk', 1],
      ['Signed', 0],
    ]);
    expect(partners.byStage[0].amounts).toEqual([{ currency: 'GBP', amountMinor: 7_000, weightedMinor: 1_400 }]);

    // The stranger sees only their own deal.
    const theirReport = (await api(stranger).get('/reports/pipeline')).json();
    expect(theirReport.byStage[0].count).toBe(1);
    expect(theirReport.byOwner).toEqual([
      {
        ownerId: stranger.memberId,
        name: 'Olive Owner',
        count: 1,
        amounts: [{ currency: 'EUR', amountMinor: 1_000_000, weightedMinor: 100_000 }],
      },
    ]);
  });

  it('counts but sums nothing for a role that hides the deal amount, on both reports', async () => {
    const s = await signUp();
    const { stage } = await salesPipeline(s);
    await deal(s, { name: 'open one', amountMinor: 123_456, currency: 'EUR', stageId: stage('Qualification') });
    await deal(s, { name: 'won one', amountMinor: 654_321, currency: 'EUR', stageId: stage('Won') });
    const me = await addMember(s, 'member', 'Nils Noamount');
    await giveRole(s, me.memberId, 'No amounts', { deal: { ...openRights, fields: { amountMinor: 'hidden' } } });
    for (const [who, sums] of [
      [s, true],
      [me, false],
    ] as const) {
      const pipeline = await api(who).get('/reports/pipeline');
      expect(pipeline.statusCode, pipeline.body).toBe(200);
      const q = pipeline.json().byStage.find((x: { stageId: string }) => x.stageId === stage('Qualification'));
      expect(q.count).toBe(1);
      expect(q.amounts).toEqual(sums ? [{ currency: 'EUR', amountMinor: 123_456, weightedMinor: expect.any(Number) }] : []);
      expect(pipeline.json().byOwner[0]).toMatchObject({
        count: 1,
        amounts: sums ? [expect.objectContaining({ amountMinor: 123_456 })] : [],
      });
      const rate = await api(who).get('/reports/win-rate');
      expect(rate.statusCode, rate.body).toBe(200);
      const month = rate.json().months.at(-1);
      expect(month).toMatchObject({ won: 1, wonAmounts: sums ? [{ currency: 'EUR', amountMinor: 654_321 }] : [] });
      if (!sums) {
        expect(pipeline.body).not.toContain('123456');
        expect(rate.body).not.toContain('654321');
      }
    }
  });

  it("refuses a pipeline that is not this workspace's", async () => {
    const s = await signUp();
    const stranger = await signUp();
    const theirs = await salesPipeline(stranger);
    for (const path of ['/reports/pipeline', '/reports/win-rate']) {
      const res = await api(s).get(`${path}?pipelineId=${theirs.id}`);
      expect(res.statusCode, res.body).toBe(422);
      expect(res.json().errors[0].field).toBe('query.pipelineId');
      expect(res.body).not.toContain(theirs.id);
    }
    expect((await api(s).get('/reports/pipeline?pipelineId=nope')).statusCode).toBe(400);
  });

  it('refuses an owner who is not a member of this workspace, on both reports', async () => {
    const s = await signUp();
    const stranger = await signUp();
    for (const path of ['/reports/pipeline', '/reports/win-rate']) {
      for (const ownerId of [stranger.memberId, '00000000-0000-4000-8000-000000000000']) {
        const res = await api(s).get(`${path}?ownerId=${ownerId}`);
        expect(res.statusCode, res.body).toBe(422);
        expect(res.headers['content-type']).toContain('application/problem+json');
        expect(res.json().errors).toEqual([expect.objectContaining({ field: 'query.ownerId', code: 'unknown_member' })]);
      }
      const bad = await api(s).get(`${path}?ownerId=nope`);
      expect(bad.statusCode, bad.body).toBe(400);
      expect(bad.body).toContain('ownerId');
      // An id in capitals names the same member.
      expect((await api(s).get(`${path}?ownerId=${s.memberId.toUpperCase()}`)).statusCode).toBe(200);
    }
  });
});

describe('win rate', () => {
  it('counts won and lost deals per calendar month, every month present', async () => {
    const s = await signUp();
    const c = api(s);
    const { id: pipelineId, stage } = await salesPipeline(s);
    const won = stage('Won');
    const lost = stage('Lost');
    await deal(s, { name: 'w1', amountMinor: 1_000, currency: 'EUR', stageId: won });
    await deal(s, { name: 'w2', amountMinor: 2_000, currency: 'USD', stageId: won });
    await deal(s, { name: 'w2b', amountMinor: 500, currency: 'USD', stageId: won });
    await deal(s, { name: 'l1', amountMinor: 500, currency: 'EUR', stageId: lost });
    const w3 = await deal(s, { name: 'w3', amountMinor: 3_000, currency: 'EUR', stageId: won });
    await closeAt(s, w3.id, 2, '1 hour');
    const l2 = await deal(s, { name: 'l2', amountMinor: 4_000, currency: 'EUR', stageId: lost });
    await closeAt(s, l2.id, 2, '0 seconds'); // the first instant of the window counts
    const old = await deal(s, { name: 'old', amountMinor: 8_000, currency: 'EUR', stageId: won });
    await closeAt(s, old.id, 2, '-1 second'); // the last instant before it does not
    const trashed = await deal(s, { name: 'trashed', amountMinor: 9_000, currency: 'EUR', stageId: won });
    await c.delete(`/deals/${trashed.id}`);
    await deal(s, { name: 'open', amountMinor: 9_000, currency: 'EUR', stageId: stage('Proposal') });
    const stranger = await signUp();
    await deal(stranger, { name: 'theirs', amountMinor: 9_000, currency: 'EUR', stageId: (await salesPipeline(stranger)).stage('Won') });

    const res = await c.get('/reports/win-rate?months=3');
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toEqual({
      pipelineId,
      months: [
        { month: monthLabel(2), won: 1, lost: 1, winRate: 0.5, wonAmounts: [{ currency: 'EUR', amountMinor: 3_000 }] },
        { month: monthLabel(1), won: 0, lost: 0, winRate: null, wonAmounts: [] },
        {
          month: monthLabel(0),
          won: 3,
          lost: 1,
          winRate: 0.75,
          wonAmounts: [
            { currency: 'EUR', amountMinor: 1_000 },
            { currency: 'USD', amountMinor: 2_500 },
          ],
        },
      ],
    });

    const year = (await c.get('/reports/win-rate')).json().months;
    expect(year.map((m: { month: string }) => m.month)).toEqual(Array.from({ length: 12 }, (_, i) => monthLabel(11 - i)));
    expect(year.at(-3)).toMatchObject({ won: 1, lost: 1 });
    expect(year.at(-4)).toMatchObject({ won: 1, lost: 0, wonAmounts: [{ currency: 'EUR', amountMinor: 8_000 }] });

    for (const months of [0, 37, 'x']) expect((await c.get(`/reports/win-rate?months=${months}`)).statusCode).toBe(400);
  });

  it('narrows the win rate to one owner and to one pipeline', async () => {
    const s = await signUp();
    const c = api(s);
    const rep = await addMember(s, 'member', 'Rita Rep');
    const { id: pipelineId, stage } = await salesPipeline(s);
    await deal(s, { name: 'mine won', amountMinor: 1_000, currency: 'EUR', stageId: stage('Won') });
    await deal(s, { name: 'mine lost', amountMinor: 1_000, currency: 'EUR', stageId: stage('Lost') });
    await deal(s, { name: 'mine lost 2', amountMinor: 1_000, currency: 'EUR', stageId: stage('Lost') });
    await deal(s, { name: 'rep won', amountMinor: 4_000, currency: 'USD', stageId: stage('Won'), ownerId: rep.memberId });
    await deal(s, { name: 'rep won 2', amountMinor: 6_000, currency: 'USD', stageId: stage('Won'), ownerId: rep.memberId });
    await deal(s, { name: 'nobody lost', amountMinor: 1_000, currency: 'EUR', stageId: stage('Lost'), ownerId: null });
    const other = (
      await c.post('/pipelines', {
        name: 'Partners',
        position: 5,
        stages: [
          { name: 'Talk', probability: 20 },
          { name: 'Signed', probability: 100, kind: 'won' },
          { name: 'Gone', probability: 0, kind: 'lost' },
        ],
      })
    ).json();
    await deal(s, { name: 'rep partner lost', amountMinor: 7_000, currency: 'GBP', stageId: other.stages[2].id, ownerId: rep.memberId });
    // A stranger's deals never count, whoever is asked about.
    const stranger = await signUp();
    await deal(stranger, { name: 'theirs', amountMinor: 9_000, currency: 'EUR', stageId: (await salesPipeline(stranger)).stage('Won') });

    const thisMonth = async (query: string) => {
      const res = await c.get(`/reports/win-rate?months=1&${query}`);
      expect(res.statusCode, res.body).toBe(200);
      return res.json();
    };
    expect(await thisMonth('')).toEqual({
      pipelineId,
      months: [
        {
          month: monthLabel(0),
          won: 3,
          lost: 3,
          winRate: 0.5,
          wonAmounts: [
            { currency: 'EUR', amountMinor: 1_000 },
            { currency: 'USD', amountMinor: 10_000 },
          ],
        },
      ],
    });
    expect((await thisMonth(`ownerId=${s.memberId}`)).months[0]).toEqual({
      month: monthLabel(0),
      won: 1,
      lost: 2,
      winRate: 1 / 3,
      wonAmounts: [{ currency: 'EUR', amountMinor: 1_000 }],
    });
    expect((await thisMonth(`ownerId=${rep.memberId}`)).months[0]).toEqual({
      month: monthLabel(0),
      won: 2,
      lost: 0,
      winRate: 1,
      wonAmounts: [{ currency: 'USD', amountMinor: 10_000 }],
    });
    expect(await thisMonth(`ownerId=${rep.memberId}&pipelineId=${other.id}`)).toEqual({
      pipelineId: other.id,
      months: [{ month: monthLabel(0), won: 0, lost: 1, winRate: 0, wonAmounts: [] }],
    });
  });
});
