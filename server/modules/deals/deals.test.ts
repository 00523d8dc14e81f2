import { describe, expect, it } from 'vitest';
import { api, countRows, type Session, signUp, testDatabase } from '../../test/harness.ts';
import { createOk } from '../../test/samples.ts';

type Stage = { id: string; name: string; probability: number; kind: string };

/** The stages of the workspace's default "Sales" pipeline, by name. */
async function sales(s: Session) {
  const p = (await api(s).get('/pipelines')).json().data[0];
  const stage = (name: string) => p.stages.find((x: Stage) => x.name === name) as Stage;
  return { id: p.id as string, qualification: stage('Qualification'), proposal: stage('Proposal'), won: stage('Won'), lost: stage('Lost') };
}

async function newDeal(s: Session, body: Record<string, unknown>) {
  const r = await api(s).post('/deals', body);
  expect(r.statusCode, r.body).toBe(201);
  return r.json();
}

const historyOf = async (s: Session, id: string) =>
  (await api(s).get(`/deals/${id}/history?limit=200`)).json().data as {
    action: string;
    field: string | null;
    oldValue: unknown;
    newValue: unknown;
  }[];

describe('deals', () => {
  it('creates, reads, updates, deletes and restores a deal, with history', async () => {
    const s = await signUp();
    const c = api(s);
    const p = await sales(s);
    const company = await createOk(s, '/companies', { name: 'Globex' });
    const ada = await createOk(s, '/contacts', { firstName: 'Ada', lastName: 'Lovelace' });
    const created = await c.post('/deals', {
      name: 'Globex expansion',
      amountMinor: 250_000,
      currency: 'EUR',
      stageId: p.qualification.id,
      expectedCloseDate: '2026-09-30',
      companyId: company.id,
      contacts: [{ contactId: ada.id, role: 'Champion' }],
    });
    expect(created.statusCode, created.body).toBe(201);
    expect(created.headers.etag).toBe('"1"');
    const d = created.json();
    expect(d).toMatchObject({
      name: 'Globex expansion',
      amountMinor: 250_000,
      currency: 'EUR',
      pipelineId: p.id,
      stageId: p.qualification.id,
      status: 'open',
      probability: 10,
      expectedCloseDate: '2026-09-30',
      closedAt: null,
      ownerId: s.memberId,
      companyId: company.id,
      contacts: [{ contactId: ada.id, role: 'Champion' }],
      lastActivityAt: null,
      version: 1,
    });

    expect((await c.get(`/deals/${d.id}`)).json()).toEqual(d);

    const grace = await createOk(s, '/contacts', { firstName: 'Grace', lastName: 'Hopper' });
    const upd = await c.patch(`/deals/${d.id}`, { amountMinor: 300_000, contacts: [{ contactId: grace.id }], version: 1 });
    expect(upd.statusCode, upd.body).toBe(200);
    expect(upd.json()).toMatchObject({ amountMinor: 300_000, contacts: [{ contactId: grace.id, role: null }], version: 2 });

    const del = await c.delete(`/deals/${d.id}`);
    expect(del.json().deletedAt).not.toBeNull();
    expect((await c.get('/deals')).json().data).toHaveLength(0);
    expect((await c.get('/deals?deleted=true')).json().data).toHaveLength(1);
    const res = await c.post(`/deals/${d.id}/restore`);
    expect(res.json()).toMatchObject({ deletedAt: null, contacts: [{ contactId: grace.id }] });

    const hist = await historyOf(s, d.id);
    expect(hist.map((h) => h.action)).toEqual(['restore', 'delete', 'update', 'update', 'create']);
    expect(hist.filter((h) => h.action === 'update').map((h) => h.field)).toEqual(expect.arrayContaining(['amountMinor', 'contacts']));
    expect(hist.find((h) => h.field === 'contacts')).toMatchObject({
      oldValue: [{ contactId: ada.id, role: 'Champion' }],
      newValue: [{ contactId: grace.id, role: null }],
    });
  });

  it('defaults the currency to the workspace’s and the probability to the stage’s', async () => {
    const s = await signUp();
    const c = api(s);
    const p = await sales(s);
    const workspace = (await c.get('/workspace')).json();
    const d = await newDeal(s, { name: 'Plain', stageId: p.proposal.id, pipelineId: p.id });
    expect(d).toMatchObject({ currency: workspace.currency, probability: 50, amountMinor: null, pipelineId: p.id });
    const own = await newDeal(s, { name: 'Own odds', stageId: p.proposal.id, probability: 35 });
    expect(own.probability).toBe(35);

    // A move takes the new stage's probability unless one is sent with it.
    const moved = (await c.patch(`/deals/${d.id}`, { stageId: p.qualification.id, version: 1 })).json();
    expect(moved.probability).toBe(10);
    const sent = (await c.patch(`/deals/${d.id}`, { stageId: p.proposal.id, probability: 65, version: 2 })).json();
    expect(sent.probability).toBe(65);
    const edited = (await c.patch(`/deals/${d.id}`, { name: 'Renamed', version: 3 })).json();
    expect(edited.probability).toBe(65);
  });

  it('sets status and closedAt when won, clears them when reopened, and emits deal.stage_changed', async () => {
    const s = await signUp();
    const c = api(s);
    const p = await sales(s);
    const d = await newDeal(s, { name: 'To win', stageId: p.proposal.id });
    const won = (await c.patch(`/deals/${d.id}`, { stageId: p.won.id, closeReason: 'Best price', version: 1 })).json();
    expect(won).toMatchObject({ status: 'won', probability: 100, closeReason: 'Best price' });
    expect(won.closedAt).not.toBeNull();
    expect((await c.get(`/deals?filter=${encodeURIComponent('{"field":"status","op":"eq","value":"won"}')}`)).json().data).toHaveLength(1);

    const edited = (await c.patch(`/deals/${d.id}`, { name: 'Won it', version: 2 })).json();
    expect(edited.closedAt).toBe(won.closedAt);

    const reopened = (await c.patch(`/deals/${d.id}`, { stageId: p.qualification.id, version: 3 })).json();
    expect(reopened).toMatchObject({ status: 'open', closedAt: null, probability: 10, closeReason: null });

    const lost = (await c.patch(`/deals/${d.id}`, { stageId: p.lost.id, version: 4 })).json();
    expect(lost).toMatchObject({ status: 'lost', probability: 0 });
    expect(lost.closedAt).not.toBeNull();

    const hist = await historyOf(s, d.id);
    // The reason a reopen clears stays readable in the history.
    expect(hist.filter((h) => h.field === 'closeReason').map((h) => [h.oldValue, h.newValue])).toEqual([
      ['Best price', null],
      [null, 'Best price'],
    ]);
    expect(hist.filter((h) => h.field === 'stageId').map((h) => [h.oldValue, h.newValue])).toEqual([
      [p.qualification.id, p.lost.id],
      [p.won.id, p.qualification.id],
      [p.proposal.id, p.won.id],
    ]);
    const db = await testDatabase();
    const events = await db.query<{ payload: { from: string; to: string } }>(
      `select payload from domain_events where workspace_id = $1 and record_id = $2 and type = 'deal.stage_changed' order by id`,
      [s.workspaceId, d.id],
    );
    expect(events.map((e) => e.payload)).toEqual([
      { from: p.proposal.id, to: p.won.id },
      { from: p.won.id, to: p.qualification.id },
      { from: p.qualification.id, to: p.lost.id },
    ]);
  });

  it('keeps a reason sent along with a reopen, and the reason of a deal moved between closed stages', async () => {
    const s = await signUp();
    const c = api(s);
    const p = await sales(s);
    const d = await newDeal(s, { name: 'Back and forth', stageId: p.lost.id, closeReason: 'No budget' });
    const won = (await c.patch(`/deals/${d.id}`, { stageId: p.won.id, version: 1 })).json();
    expect(won).toMatchObject({ status: 'won', closeReason: 'No budget' });
    const reopened = (await c.patch(`/deals/${d.id}`, { stageId: p.proposal.id, closeReason: 'Budget found', version: 2 })).json();
    expect(reopened).toMatchObject({ status: 'open', closeReason: 'Budget found' });
  });

  it('creates a deal straight into a won stage as closed', async () => {
    const s = await signUp();
    const p = await sales(s);
    const d = await newDeal(s, { name: 'Signed already', stageId: p.won.id });
    expect(d.status).toBe('won');
    expect(d.closedAt).not.toBeNull();
  });

  it('keeps a deal on the stages of its own pipeline (422 naming the field)', async () => {
    const s = await signUp();
    const c = api(s);
    const p = await sales(s);
    const other = await createOk(s, '/pipelines', {
      name: 'Partners',
      stages: [
        { name: 'Intro', probability: 20 },
        { name: 'Signed', probability: 100, kind: 'won' },
      ],
    });
    const otherStage = (await c.get(`/pipelines/${other.id}`)).json().stages[0].id;

    const mismatch = await c.post('/deals', { name: 'X', pipelineId: p.id, stageId: otherStage });
    expect(mismatch.statusCode).toBe(422);
    expect(mismatch.json().errors[0]).toMatchObject({ field: 'body.stageId', code: 'stage_not_in_pipeline' });

    const d = await newDeal(s, { name: 'Y', stageId: p.qualification.id });
    const jump = await c.patch(`/deals/${d.id}`, { stageId: otherStage, version: 1 });
    expect(jump.statusCode).toBe(422);
    expect(jump.json().errors[0].field).toBe('body.stageId');
    const noStage = await c.patch(`/deals/${d.id}`, { pipelineId: other.id, version: 1 });
    expect(noStage.statusCode).toBe(422);
    expect(noStage.json().errors[0].field).toBe('body.stageId');
    expect((await c.get(`/deals/${d.id}`)).json()).toMatchObject({ version: 1, stageId: p.qualification.id });

    // Naming the new pipeline moves the deal there.
    const moved = await c.patch(`/deals/${d.id}`, { pipelineId: other.id, stageId: otherStage, version: 1 });
    expect(moved.statusCode, moved.body).toBe(200);
    expect(moved.json()).toMatchObject({ pipelineId: other.id, stageId: otherStage, probability: 20 });

    // Ids of another workspace are unknown here.
    const stranger = await signUp({ workspaceName: 'Other Co' });
    const theirs = await sales(stranger);
    const theirCompany = await createOk(stranger, '/companies', { name: 'Theirs' });
    const theirContact = await createOk(stranger, '/contacts', { firstName: 'Their' });
    const foreign: [Record<string, unknown>, string][] = [
      [{ stageId: theirs.qualification.id }, 'body.stageId'],
      [{ stageId: p.qualification.id, pipelineId: theirs.id }, 'body.pipelineId'],
      [{ stageId: p.qualification.id, companyId: theirCompany.id }, 'body.companyId'],
      [{ stageId: p.qualification.id, contacts: [{ contactId: theirContact.id }] }, 'body.contacts.0.contactId'],
      [{ stageId: p.qualification.id, ownerId: stranger.memberId }, 'body.ownerId'],
    ];
    const before = await countRows('deals', s.workspaceId);
    for (const [body, field] of foreign) {
      const r = await c.post('/deals', { name: 'Z', ...body });
      expect(r.statusCode, JSON.stringify(body)).toBe(422);
      expect(r.json().errors[0].field).toBe(field);
    }
    const ada = await createOk(s, '/contacts', { firstName: 'Ada' });
    const twice = await c.post('/deals', {
      name: 'Z',
      stageId: p.qualification.id,
      contacts: [{ contactId: ada.id }, { contactId: ada.id }],
    });
    expect(twice.statusCode).toBe(422);
    expect(twice.json().errors[0].field).toBe('body.contacts.1.contactId');
    expect(await countRows('deals', s.workspaceId)).toBe(before);
    expect(await countRows('deals', stranger.workspaceId)).toBe(0);
  });

  it('rejects bad input with problem+json naming the field, writing nothing', async () => {
    const s = await signUp();
    const c = api(s);
    const p = await sales(s);
    const ok = { name: 'A', stageId: p.qualification.id };
    const cases: [unknown, string][] = [
      [{ stageId: p.qualification.id }, 'body.name'],
      [{ name: 'A' }, 'body.stageId'],
      [{ ...ok, name: 12 }, 'body.name'],
      [{ ...ok, name: 'x'.repeat(201) }, 'body.name'],
      [{ ...ok, name: '' }, 'body.name'],
      [{ ...ok, amountMinor: '100' }, 'body.amountMinor'],
      [{ ...ok, amountMinor: 10.5 }, 'body.amountMinor'],
      [{ ...ok, amountMinor: -1 }, 'body.amountMinor'],
      [{ ...ok, amountMinor: 2 ** 60 }, 'body.amountMinor'],
      [{ ...ok, currency: 'XXX1' }, 'body.currency'],
      [{ ...ok, currency: 'ABC' }, 'body.currency'],
      [{ ...ok, currency: 'eur' }, 'body.currency'],
      [{ ...ok, expectedCloseDate: '2026-02-30' }, 'body.expectedCloseDate'],
      [{ ...ok, expectedCloseDate: '30.09.2026' }, 'body.expectedCloseDate'],
      [{ ...ok, probability: 101 }, 'body.probability'],
      [{ ...ok, probability: '50' }, 'body.probability'],
      [{ ...ok, closeReason: 'x'.repeat(501) }, 'body.closeReason'],
      [{ ...ok, status: 'won' }, 'body.status'],
      [{ ...ok, closedAt: '2026-01-01T00:00:00Z' }, 'body.closedAt'],
      [{ ...ok, color: 'red' }, 'body.color'],
      [{ ...ok, stageId: 'nope' }, 'body.stageId'],
      [{ ...ok, contacts: [{ contactId: 'nope' }] }, 'body.contacts.0.contactId'],
      [{ ...ok, contacts: [{ contactId: p.id, id: p.id }] }, 'body.contacts.0.id'],
    ];
    for (const [body, field] of cases) {
      const r = await c.post('/deals', body);
      expect(r.statusCode, JSON.stringify(body)).toBe(400);
      expect(r.headers['content-type']).toContain('application/problem+json');
      expect(r.json().errors[0].field, JSON.stringify(body)).toBe(field);
    }
    const unknownStage = await c.post('/deals', { ...ok, stageId: '0190d7a0-0000-7000-8000-000000000000' });
    expect(unknownStage.statusCode).toBe(422);
    expect(unknownStage.json().errors[0].field).toBe('body.stageId');
    const yearZero = await c.post('/deals', { ...ok, expectedCloseDate: '0000-01-01' });
    expect(yearZero.statusCode).toBe(422);
    expect(yearZero.json().errors[0].field).toBe('body.expectedCloseDate');
    const unknownCustom = await c.post('/deals', { ...ok, custom: { tier: 'gold' } });
    expect(unknownCustom.statusCode).toBe(422);
    expect(await countRows('deals', s.workspaceId)).toBe(0);

    const d = await newDeal(s, ok);
    for (const [body, field] of [
      [{ amountMinor: '100', version: 1 }, 'body.amountMinor'],
      [{ currency: 'ABC', version: 1 }, 'body.currency'],
      [{ expectedCloseDate: '2026-02-30', version: 1 }, 'body.expectedCloseDate'],
      [{ status: 'won', version: 1 }, 'body.status'],
      [{ version: '1' }, 'body.version'],
    ] as const) {
      const r = await c.patch(`/deals/${d.id}`, body);
      expect(r.statusCode, JSON.stringify(body)).toBe(400);
      expect(r.json().errors[0].field).toBe(field);
    }
    expect((await c.get(`/deals/${d.id}`)).json().version).toBe(1);
  });

  it('lets exactly one of two updates with the same version through', async () => {
    const s = await signUp();
    const c = api(s);
    const p = await sales(s);
    const d = await newDeal(s, { name: 'Contested', amountMinor: 1_000, stageId: p.qualification.id });
    const [a, b] = await Promise.all([
      c.patch(`/deals/${d.id}`, { amountMinor: 2_000, version: 1 }),
      c.patch(`/deals/${d.id}`, { amountMinor: 3_000, version: 1 }),
    ]);
    expect([a.statusCode, b.statusCode].sort()).toEqual([200, 409]);
    const winner = a.statusCode === 200 ? a : b;
    const loser = a.statusCode === 200 ? b : a;
    expect(loser.json()).toMatchObject({ code: 'version_conflict', currentVersion: 2 });
    const now = (await c.get(`/deals/${d.id}`)).json();
    expect(now).toMatchObject({ version: 2, amountMinor: winner.json().amountMinor });
    const updates = (await historyOf(s, d.id)).filter((h) => h.action === 'update' && h.field === 'amountMinor');
    expect(updates).toHaveLength(1);
    expect(updates[0]).toMatchObject({ oldValue: 1_000, newValue: now.amountMinor });
  });

  it('filters by amount, status and expected close date, and pages a sort by amount', async () => {
    const s = await signUp();
    const c = api(s);
    const p = await sales(s);
    const specs: [number | null, string, string | null][] = [
      [500, 'qualification', '2026-01-15'],
      [1_500, 'proposal', '2026-03-01'],
      [2_500, 'won', '2026-02-10'],
      [3_500, 'lost', null],
      [4_500, 'proposal', '2026-06-30'],
      [null, 'qualification', '2025-12-31'],
      [2_500, 'qualification', '2026-04-01'],
    ];
    const stageOf = { qualification: p.qualification, proposal: p.proposal, won: p.won, lost: p.lost } as Record<string, Stage>;
    const made = [];
    for (const [i, [amountMinor, stage, expectedCloseDate]] of specs.entries()) {
      made.push(await newDeal(s, { name: `Deal ${i}`, amountMinor, stageId: stageOf[stage].id, expectedCloseDate }));
    }
    const list = async (filter: unknown, extra = '') => {
      const r = await c.get(`/deals?filter=${encodeURIComponent(JSON.stringify(filter))}${extra}`);
      expect(r.statusCode, r.body).toBe(200);
      return r
        .json()
        .data.map((d: { name: string }) => d.name)
        .sort();
    };
    expect(await list({ field: 'amountMinor', op: 'between', value: [1_000, 3_000] })).toEqual(['Deal 1', 'Deal 2', 'Deal 6']);
    expect(await list({ field: 'status', op: 'in', value: ['won', 'lost'] })).toEqual(['Deal 2', 'Deal 3']);
    expect(await list({ field: 'expectedCloseDate', op: 'lt', value: '2026-02-11' })).toEqual(['Deal 0', 'Deal 2', 'Deal 5']);
    expect(
      await list({
        and: [
          { field: 'status', op: 'eq', value: 'open' },
          { field: 'amountMinor', op: 'gte', value: 2_000 },
        ],
      }),
    ).toEqual(['Deal 4', 'Deal 6']);

    const bad = await c.get(`/deals?filter=${encodeURIComponent('{"field":"status","op":"eq","value":"pending"}')}`);
    expect(bad.statusCode).toBe(400);
    expect(bad.json().errors[0].field).toBe('query.filter.value');
    const badDate = await c.get(`/deals?filter=${encodeURIComponent('{"field":"expectedCloseDate","op":"lt","value":"2026-02-30"}')}`);
    expect(badDate.statusCode).toBe(400);

    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const r = await c.get(`/deals?sort=-amountMinor&limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      expect(r.statusCode, r.body).toBe(200);
      const page = r.json();
      seen.push(...page.data.map((d: { id: string }) => d.id));
      cursor = page.nextCursor;
      pages++;
    } while (cursor && pages < 10);
    expect(pages).toBe(4);
    const byAmount = made
      .map((d, i) => ({ id: d.id, amount: specs[i][0] }))
      .sort((x, y) => (y.amount ?? -1) - (x.amount ?? -1) || (x.id < y.id ? 1 : -1));
    expect(seen).toEqual(byAmount.map((d) => d.id));

    const picked = (await c.get('/deals?fields=name,contacts&limit=1')).json().data[0];
    expect(Object.keys(picked).sort()).toEqual(['contacts', 'id', 'name', 'version']);
  });

  it('loads the contacts of a whole page, hiding contacts in the trash', async () => {
    const s = await signUp();
    const c = api(s);
    const p = await sales(s);
    const ada = await createOk(s, '/contacts', { firstName: 'Ada' });
    const bob = await createOk(s, '/contacts', { firstName: 'Bob' });
    const one = await newDeal(s, { name: 'One', stageId: p.qualification.id, contacts: [{ contactId: ada.id, role: 'Buyer' }] });
    const two = await newDeal(s, {
      name: 'Two',
      stageId: p.qualification.id,
      contacts: [
        { contactId: bob.id, role: null },
        { contactId: ada.id, role: 'Signer' },
      ],
    });
    const page = (await c.get('/deals?sort=name')).json().data;
    expect(page.map((d: { contacts: unknown }) => d.contacts)).toEqual([
      [{ contactId: ada.id, role: 'Buyer' }],
      [
        { contactId: ada.id, role: 'Signer' },
        { contactId: bob.id, role: null },
      ],
    ]);
    await c.delete(`/contacts/${bob.id}`);
    expect((await c.get(`/deals/${two.id}`)).json().contacts).toEqual([{ contactId: ada.id, role: 'Signer' }]);
    // Replacing the set keeps the hidden link: restoring the contact brings it back.
    await c.patch(`/deals/${two.id}`, { contacts: [], version: 1 });
    await c.post(`/contacts/${bob.id}/restore`);
    expect((await c.get(`/deals/${two.id}`)).json().contacts).toEqual([{ contactId: bob.id, role: null }]);
    expect((await c.get(`/deals/${one.id}`)).json().contacts).toHaveLength(1);
  });
});

describe('ids in upper case', () => {
  it('are taken in every place an id goes, and read back in lower case', async () => {
    const s = await signUp();
    const p = await sales(s);
    const company = await createOk(s, '/companies', { name: 'Upper Co' });
    const ada = await createOk(s, '/contacts', { firstName: 'Ada' });
    const up = (id: string) => id.toUpperCase();
    const deal = await newDeal(s, {
      name: 'Shouted ids',
      stageId: up(p.qualification.id),
      pipelineId: up(p.id),
      companyId: up(company.id),
      ownerId: up(s.memberId),
      contacts: [{ contactId: up(ada.id), role: 'Champion' }],
    });
    expect(deal).toMatchObject({ stageId: p.qualification.id, companyId: company.id, ownerId: s.memberId });
    expect(deal.contacts).toEqual([{ contactId: ada.id, role: 'Champion' }]);
    // The same contact named in both cases is one contact, listed twice: a 422, not a database error.
    const twice = await api(s).patch(`/deals/${deal.id}`, {
      version: deal.version,
      contacts: [{ contactId: ada.id }, { contactId: up(ada.id) }],
    });
    expect(twice.statusCode).toBe(422);
    const linked = await api(s).patch(`/contacts/${up(ada.id)}`, { version: 1, companies: [{ companyId: up(company.id), role: 'CTO' }] });
    expect(linked.statusCode, linked.body).toBe(200);
    expect(linked.json().companies).toEqual([expect.objectContaining({ companyId: company.id, role: 'CTO' })]);
    expect((await api(s).get(`/deals/${up(deal.id)}`)).json().id).toBe(deal.id);
  });
});

describe('deal lists built by the database', () => {
  it('read exactly like the deal the API wrote, contacts in the trash hidden', async () => {
    const s = await signUp();
    const c = api(s);
    const p = await sales(s);
    await c.post('/fields', { objectType: 'deal', key: 'tier', label: 'Tier', type: 'select', options: ['gold'] });
    const company = await createOk(s, '/companies', { name: 'Globex' });
    const ada = await createOk(s, '/contacts', { firstName: 'Ada' });
    const bob = await createOk(s, '/contacts', { firstName: 'Bob' });
    const full = await newDeal(s, {
      name: 'Full',
      amountMinor: 990_000_000_000,
      currency: 'EUR',
      stageId: p.won.id,
      probability: 35,
      expectedCloseDate: '2026-09-30',
      closeReason: 'Best price',
      companyId: company.id,
      contacts: [
        { contactId: bob.id, role: 'Buyer' },
        { contactId: ada.id, role: null },
      ],
      custom: { tier: 'gold' },
    });
    const bare = await newDeal(s, { name: 'Bare', stageId: p.qualification.id, ownerId: null });
    // The create responses are the TypeScript mapper's output; lists and reads are the database's.
    expect((await c.get('/deals?sort=name')).json().data).toEqual([bare, full]);
    expect((await c.get(`/deals/${full.id}`)).json()).toEqual(full);

    // An activity stamps lastActivityAt; a contact in the trash drops out of both readings alike.
    await c.post('/activities', { type: 'note', body: 'Signed', links: [{ recordType: 'deal', recordId: full.id }] });
    await c.delete(`/contacts/${bob.id}`);
    const patched = (await c.patch(`/deals/${full.id}`, { version: full.version, name: 'Full deal' })).json();
    expect(patched.lastActivityAt).not.toBeNull();
    expect(patched.contacts).toEqual([{ contactId: ada.id, role: null }]);
    expect((await c.get(`/deals/${full.id}`)).json()).toEqual(patched);
    const picked = (await c.get('/deals?sort=name&fields=name,contacts')).json().data[1];
    expect(picked).toEqual({ id: full.id, version: patched.version, name: 'Full deal', contacts: patched.contacts });
  });
});
