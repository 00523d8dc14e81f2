import { describe, expect, it } from 'vitest';
import { enqueue } from '../../jobs/queue.ts';
import { addMember, api, type Session, signUp, testDatabase } from '../../test/harness.ts';
import { giveRole, openRights } from '../../test/roles.ts';
import { createOk } from '../../test/samples.ts';
import { scanDuplicatesJob } from './duplicates.jobs.ts';
import { queueDuplicatesOf, scanBatch } from './duplicates.service.ts';

type Candidate = { id: string; type: string; title: string; score: number; reasons: string[] };

async function check(s: Session, path: string, body: unknown): Promise<Candidate[]> {
  const r = await api(s).post(`${path}/duplicates-check`, body);
  expect(r.statusCode, r.body).toBe(200);
  return r.json().candidates;
}

describe('duplicate check before create', () => {
  it('finds a contact with the same email, whatever its case, and writes nothing', async () => {
    const s = await signUp();
    const ada = await createOk(s, '/contacts', { firstName: 'Ada', lastName: 'Lovelace', emails: [{ value: 'ada@engines.example' }] });
    await createOk(s, '/contacts', { firstName: 'Grace', lastName: 'Hopper' });
    const found = await check(s, '/contacts', { firstName: 'A.', lastName: 'King', emails: [{ value: 'ADA@Engines.example' }] });
    expect(found).toEqual([expect.objectContaining({ id: ada.id, type: 'contact', title: 'Ada Lovelace', score: 1, reasons: ['email'] })]);
    const list = await api(s).get('/contacts');
    expect(list.json().data).toHaveLength(2);
  });

  it('shows a member only the look-alikes their role lets them see, without a subtitle made of a hidden field', async () => {
    const s = await signUp();
    const mine = await addMember(s, 'member', 'Olga Own');
    await giveRole(s, mine.memberId, 'Own contacts', { contact: { ...openRights, read: 'own', edit: 'own', delete: 'own' } });
    const ada = await createOk(s, '/contacts', { firstName: 'Ada', lastName: 'Lovelace', emails: [{ value: 'ada@engines.example' }] });
    const probe = { firstName: 'Ada', lastName: 'Lovelace', emails: [{ value: 'ada@engines.example' }] };
    // Ada is the owner's: out of sight of a member who sees their own, so not named to them.
    expect((await check(s, '/contacts', probe)).map((c) => c.id)).toEqual([ada.id]);
    expect(await check(mine, '/contacts', probe)).toEqual([]);
    // Seen, but with emails hidden: named, without the email under the name.
    await giveRole(s, mine.memberId, 'No emails', { contact: { ...openRights, fields: { emails: 'hidden' } } });
    const seen = await check(mine, '/contacts', { firstName: 'Ada', lastName: 'Lovelace' });
    expect(seen).toEqual([expect.objectContaining({ id: ada.id, title: 'Ada Lovelace', subtitle: null })]);
    expect((await check(s, '/contacts', { firstName: 'Ada', lastName: 'Lovelace' }))[0]).toMatchObject({ subtitle: 'ada@engines.example' });
    // Nor is the hidden email compared: a match would tell the member whose address it is. A check
    // naming it is refused as a create would be; a stored record's look-alikes leave it out.
    const byEmail = { firstName: 'Someone', lastName: 'Else', emails: [{ value: 'ada@engines.example' }] };
    const refused = await api(mine).post('/contacts/duplicates-check', byEmail);
    expect(refused.statusCode).toBe(403);
    expect(refused.json().errors[0]).toMatchObject({ field: 'body.emails', code: 'field_hidden' });
    const other = await createOk(s, '/contacts', byEmail);
    const alike = (who: Session) => api(who).get(`/records/contact/${other.id}/duplicates`);
    expect((await alike(s)).json().candidates).toEqual([expect.objectContaining({ id: ada.id, reasons: ['email'] })]);
    expect((await alike(mine)).json().candidates).toEqual([]);
  });

  it('finds the same phone written another way (E.164)', async () => {
    const s = await signUp();
    await api(s).patch('/workspace', { country: 'DE', version: 1 });
    const c = await createOk(s, '/contacts', { lastName: 'Phone', phones: [{ value: '+49 30 5550101' }] });
    const found = await check(s, '/contacts', { lastName: 'Other', phones: [{ value: '030 555 0101' }] });
    expect(found.map((f) => [f.id, f.reasons])).toEqual([[c.id, ['phone']]]);
  });

  it('finds look-alike names, scored higher at the same company, and not names merely alike in a letter or two', async () => {
    const s = await signUp();
    const acme = await createOk(s, '/companies', { name: 'Acme' });
    const jon = await createOk(s, '/contacts', { firstName: 'Jonathan', lastName: 'Smithers', companies: [{ companyId: acme.id }] });
    await createOk(s, '/contacts', { firstName: 'Mary', lastName: 'Jones' });
    const alone = await check(s, '/contacts', { firstName: 'Jonathon', lastName: 'Smithers' });
    expect(alone.map((f) => [f.id, f.reasons])).toEqual([[jon.id, ['name']]]);
    const atAcme = await check(s, '/contacts', { firstName: 'Jonathon', lastName: 'Smithers', companies: [{ companyId: acme.id }] });
    expect(atAcme.map((f) => [f.id, f.reasons])).toEqual([[jon.id, ['name', 'company']]]);
    expect(atAcme[0].score).toBeGreaterThan(alone[0].score);
    expect(await check(s, '/contacts', { firstName: 'Mark', lastName: 'Jonas' })).toEqual([]);
  });

  it('finds companies by domain or look-alike name, and leads by email', async () => {
    const s = await signUp();
    const acme = await createOk(s, '/companies', { name: 'Acme Corporation', domain: 'acme.example' });
    expect((await check(s, '/companies', { name: 'Totally Different', domain: 'ACME.example' })).map((f) => f.reasons)).toEqual([
      ['domain'],
    ]);
    expect((await check(s, '/companies', { name: 'ACME Corporation Ltd' })).map((f) => f.id)).toEqual([acme.id]);
    const lead = await createOk(s, '/leads', { firstName: 'Lou', email: 'lou@x.example' });
    expect((await check(s, '/leads', { lastName: 'Z', email: 'Lou@X.example' })).map((f) => f.id)).toEqual([lead.id]);
  });

  it('never finds records of another workspace or in the trash', async () => {
    const a = await signUp();
    const b = await signUp();
    await createOk(a, '/contacts', { firstName: 'Ada', lastName: 'Lovelace', emails: [{ value: 'ada@engines.example' }] });
    expect(await check(b, '/contacts', { firstName: 'Ada', lastName: 'Lovelace', emails: [{ value: 'ada@engines.example' }] })).toEqual([]);
    const gone = await createOk(b, '/contacts', { firstName: 'Ada', lastName: 'Lovelace', emails: [{ value: 'ada@engines.example' }] });
    await api(b).delete(`/contacts/${gone.id}`);
    expect(await check(b, '/contacts', { firstName: 'Ada', lastName: 'Lovelace', emails: [{ value: 'ada@engines.example' }] })).toEqual([]);
  });

  it('refuses a body the create would refuse, naming the field', async () => {
    const s = await signUp();
    const r = await api(s).post('/contacts/duplicates-check', { lastName: 'X', phones: [{ value: 'not a phone' }] });
    expect(r.statusCode).toBe(400);
    expect(r.json().errors[0].field).toBe('body.phones.0.value');
  });
});

describe('review queue', () => {
  it('lists suspected pairs with score and reason, and remembers "not a duplicate"', async () => {
    const s = await signUp();
    const a = await createOk(s, '/contacts', { firstName: 'Ada', lastName: 'Lovelace', emails: [{ value: 'ada@engines.example' }] });
    const b = await createOk(s, '/contacts', { firstName: 'Augusta', lastName: 'King', emails: [{ value: 'ada@engines.example' }] });
    const { db } = await testDatabase();
    await queueDuplicatesOf(db, s.workspaceId, 'contact', [b.id]);
    const q = await api(s).get('/duplicates?type=contact');
    expect(q.statusCode, q.body).toBe(200);
    expect(q.json().data).toEqual([
      expect.objectContaining({
        type: 'contact',
        score: 1,
        reasons: ['email'],
        records: expect.arrayContaining([
          expect.objectContaining({ id: a.id, title: 'Ada Lovelace' }),
          expect.objectContaining({ id: b.id }),
        ]),
      }),
    ]);
    const d = await api(s).post('/duplicates/dismiss', { type: 'contact', ids: [b.id, a.id] });
    expect(d.statusCode, d.body).toBe(204);
    await queueDuplicatesOf(db, s.workspaceId, 'contact', [a.id, b.id]);
    expect((await api(s).get('/duplicates?type=contact')).json().data).toEqual([]);
  });
});

describe('lead conversion matches', () => {
  it('offers the contact with the lead’s email and the company with its name or domain, and converting links them', async () => {
    const s = await signUp();
    const initech = await createOk(s, '/companies', { name: 'Initech', domain: 'initech.example' });
    const peter = await createOk(s, '/contacts', { firstName: 'Peter', lastName: 'Gibbons', emails: [{ value: 'peter@initech.example' }] });
    await createOk(s, '/contacts', { firstName: 'Milton', lastName: 'Waddams' });
    const lead = await createOk(s, '/leads', {
      firstName: 'Pete',
      lastName: 'Gibbons',
      email: 'Peter@Initech.example',
      companyName: 'Initech Inc',
    });
    const r = await api(s).get(`/leads/${lead.id}/conversion-matches`);
    expect(r.statusCode, r.body).toBe(200);
    const { contacts, companies } = r.json();
    expect(contacts.map((c: Candidate) => [c.id, c.reasons])).toEqual([[peter.id, ['email', 'name']]]);
    expect(companies.map((c: Candidate) => [c.id, c.reasons])).toEqual([[initech.id, ['domain', 'name']]]);

    const converted = await api(s).post(`/leads/${lead.id}/convert`, {
      version: lead.version,
      contact: { existingId: peter.id },
      company: { existingId: initech.id },
    });
    expect(converted.statusCode, converted.body).toBe(200);
    expect(converted.json().contact.id).toBe(peter.id);
    expect((await api(s).get('/contacts')).json().data).toHaveLength(2);
    expect((await api(s).get('/companies')).json().data).toHaveLength(1);
  });

  it('offers nothing for a lead like no one, and 404 for a lead of another workspace', async () => {
    const s = await signUp();
    await createOk(s, '/contacts', { firstName: 'Peter', lastName: 'Gibbons' });
    const lead = await createOk(s, '/leads', { firstName: 'Zed', lastName: 'Quux', companyName: 'Nowhere' });
    expect((await api(s).get(`/leads/${lead.id}/conversion-matches`)).json()).toEqual({ contacts: [], companies: [] });
    expect((await api(await signUp()).get(`/leads/${lead.id}/conversion-matches`)).statusCode).toBe(404);
  });
});

describe('duplicate scan job', () => {
  it('finds pairs a create did not queue, across the workspace, in the background', async () => {
    const s = await signUp();
    const a = await createOk(s, '/companies', { name: 'Globex Corporation' });
    const b = await createOk(s, '/companies', { name: 'Globex Corporation Inc' });
    await createOk(s, '/companies', { name: 'Initech' });
    const pairs = async () =>
      (await api(s).get('/duplicates?type=company')).json().data as { records: { id: string }[]; reasons: string[] }[];
    // The worker queues the pair when the second company is created; forget it, as if it came from an import.
    await expect.poll(async () => (await pairs()).length, { timeout: 20_000 }).toBe(1);
    const d = await testDatabase();
    await d.query('delete from duplicate_pairs where workspace_id = $1', [s.workspaceId]);
    expect(await pairs()).toEqual([]);

    const r = await api(s).post('/duplicates/scan?type=company', {});
    expect(r.statusCode, r.body).toBe(202);
    await expect.poll(async () => (await pairs()).length, { timeout: 20_000 }).toBe(1);
    const [pair] = await pairs();
    expect(pair.records.map((x) => x.id).sort()).toEqual([a.id, b.id].sort());
    expect(pair.reasons).toEqual(['name']);
  });
});

describe('scan now', () => {
  it('runs at once even when an import has queued a scan for later', async () => {
    const s = await signUp();
    const a = await createOk(s, '/companies', { name: 'Globex Corporation' });
    const b = await createOk(s, '/companies', { name: 'Globex Corporation Inc' });
    const pairs = async () => (await api(s).get('/duplicates?type=company')).json().data as { records: { id: string }[] }[];
    await expect.poll(async () => (await pairs()).length, { timeout: 20_000 }).toBe(1);
    const d = await testDatabase();
    await d.query('delete from duplicate_pairs where workspace_id = $1', [s.workspaceId]);
    // What the consumer does after an import's burst of new records: a scan in ten minutes.
    const later = await enqueue(
      d.db,
      scanDuplicatesJob,
      { workspaceId: s.workspaceId, type: 'company' },
      { workspaceId: s.workspaceId, runAt: new Date(Date.now() + 600_000), singletonKey: `duplicates.scan:${s.workspaceId}:company` },
    );
    expect(later).not.toBeNull();
    const r = await api(s).post('/duplicates/scan?type=company', {});
    expect(r.statusCode, r.body).toBe(202);
    expect(r.json().jobId).toBe(later);
    await expect.poll(async () => (await pairs()).length, { timeout: 20_000 }).toBe(1);
    expect((await pairs())[0].records.map((x) => x.id).sort()).toEqual([a.id, b.id].sort());
  });
});

describe('workspace scan, set-based', () => {
  type Row = { a_id: string; b_id: string; score: number; reasons: string[] };
  const pairsOf = async (workspaceId: string, type: string) => {
    const d = await testDatabase();
    const rows = await d.query<Row>(
      `select a_id, b_id, score, reasons from duplicate_pairs where workspace_id = $1 and record_type = $2 order by a_id, b_id`,
      [workspaceId, type],
    );
    return rows.map((r) => ({ ...r, score: Number(r.score) }));
  };
  /** Every pair a scan in batches of `batch` finds, after forgetting what the queue held. */
  const scanned = async (workspaceId: string, type: string, batch: number) => {
    const d = await testDatabase();
    await d.query('delete from duplicate_pairs where workspace_id = $1', [workspaceId]);
    let after: string | null = null;
    let rounds = 0;
    do {
      const from: string | null = after;
      after = await d.db.transaction((tx): Promise<string | null> => scanBatch(tx, workspaceId, type, from, batch));
      rounds += 1;
    } while (after);
    return { pairs: await pairsOf(workspaceId, type), rounds };
  };
  /** Every pair that probing each record on its own (as a create does) finds. */
  const probed = async (workspaceId: string, type: string, ids: string[]) => {
    const d = await testDatabase();
    await d.query('delete from duplicate_pairs where workspace_id = $1', [workspaceId]);
    await queueDuplicatesOf(d.db, workspaceId, type, ids);
    return pairsOf(workspaceId, type);
  };

  it('finds exactly the pairs that probing every record finds, in any batch size, and nothing of another workspace', async () => {
    const s = await signUp();
    const other = await signUp();
    const acme = await createOk(s, '/companies', { name: 'Acme' });
    const people = [
      { firstName: 'Jonathan', lastName: 'Smithers', companies: [{ companyId: acme.id }] },
      { firstName: 'Jonathon', lastName: 'Smithers' },
      // Alike only a little (0.35–0.5): a pair at the same company, not elsewhere.
      { firstName: 'Jon', lastName: 'Smithers', companies: [{ companyId: acme.id }] },
      { firstName: 'Mary', lastName: 'Jones', emails: [{ value: 'mary@jones.example' }] },
      { firstName: 'M.', lastName: 'Q', emails: [{ value: 'MARY@jones.example' }] },
      { firstName: 'Ana', lastName: 'Alves', phones: [{ value: '+44 20 7946 0001' }] },
      { firstName: 'Ana', lastName: 'Alves', phones: [{ value: '+442079460001' }] },
      { firstName: 'Ana', lastName: 'Alves' },
      { firstName: 'Bruno', lastName: 'Berg', phones: [{ value: '+44 20 7946 0001' }] },
      { firstName: 'Zoë', lastName: 'Łukasz' },
      { firstName: 'Zoe', lastName: 'Lukasz' },
      { firstName: 'Al' },
      { firstName: 'Ali' },
      { lastName: 'Unlike Anybody' },
    ];
    const ids: string[] = [];
    for (const p of people) ids.push((await createOk(s, '/contacts', p)).id);
    // The same names next door must not pair with this workspace's.
    const next: string[] = [];
    for (const p of people.slice(0, 8))
      next.push((await createOk(other, '/contacts', { firstName: p.firstName, lastName: p.lastName })).id);
    const gone = await createOk(s, '/contacts', { firstName: 'Jonathan', lastName: 'Smithers' });
    // The worker queues each new record's pairs as it is created; once it has the last one's, it is
    // done with them all and writes nothing more while the two ways are compared.
    await expect
      .poll(async () => (await pairsOf(s.workspaceId, 'contact')).some((p) => p.a_id === gone.id || p.b_id === gone.id), {
        timeout: 20_000,
      })
      .toBe(true);
    await api(s).delete(`/contacts/${gone.id}`);

    const expected = await probed(s.workspaceId, 'contact', ids);
    // The cases above are all there, so the comparison is not of two empty lists.
    const reasons = expected.map((p) => p.reasons.join('+')).sort();
    expect(reasons).toEqual(expect.arrayContaining(['email', 'name', 'name+company', 'phone', 'phone+name']));
    expect(expected.some((p) => p.a_id === gone.id || p.b_id === gone.id)).toBe(false);
    // A batch is of distinct names (the three Ana Alves are one).
    const [{ names }] = await (await testDatabase()).query<{ names: number }>(
      `select count(distinct rapport_fold(coalesce(first_name, '') || ' ' || coalesce(last_name, '')))::int as names
        from contacts where workspace_id = $1 and deleted_at is null`,
      [s.workspaceId],
    );
    expect(names).toBeLessThan(ids.length);
    for (const batch of [1, 4, 1000]) {
      const { pairs, rounds } = await scanned(s.workspaceId, 'contact', batch);
      expect(pairs).toEqual(expected);
      expect(rounds).toBe(Math.floor(names / batch) + 1);
    }
    expect(expected.every((p) => ids.includes(p.a_id) && ids.includes(p.b_id))).toBe(true);
    // Next door, a scan pairs its own look-alikes only.
    const { pairs: theirs } = await scanned(other.workspaceId, 'contact', 3);
    expect(theirs.length).toBeGreaterThan(0);
    expect(theirs.every((p) => next.includes(p.a_id) && next.includes(p.b_id))).toBe(true);
  });

  it('finds the pairs of companies and leads as probing does', async () => {
    const s = await signUp();
    const companies: string[] = [];
    for (const c of [
      { name: 'Globex Corporation', domain: 'globex.example' },
      { name: 'Globex Corporation Inc' },
      { name: 'Initech', domain: 'GLOBEX.example' },
      { name: 'Initrode' },
    ])
      companies.push((await createOk(s, '/companies', c)).id);
    const leads: string[] = [];
    for (const l of [
      { firstName: 'Lou', lastName: 'Reed', email: 'lou@x.example', companyName: 'Velvet' },
      { firstName: 'Louis', lastName: 'Reed', companyName: 'velvet' },
      { firstName: 'Q', lastName: 'Z', email: 'LOU@x.example' },
    ])
      leads.push((await createOk(s, '/leads', l)).id);
    for (const [type, ids] of [
      ['company', companies],
      ['lead', leads],
    ] as const) {
      const expected = await probed(s.workspaceId, type, ids);
      expect(expected.length).toBeGreaterThanOrEqual(2);
      expect((await scanned(s.workspaceId, type, 2)).pairs).toEqual(expected);
    }
  });

  it('keeps a pair called "not a duplicate" so', async () => {
    const s = await signUp();
    const a = await createOk(s, '/contacts', { firstName: 'Ada', lastName: 'Lovelace', emails: [{ value: 'ada@engines.example' }] });
    const b = await createOk(s, '/contacts', { firstName: 'Augusta', lastName: 'King', emails: [{ value: 'ada@engines.example' }] });
    const d = await api(s).post('/duplicates/dismiss', { type: 'contact', ids: [a.id, b.id] });
    expect(d.statusCode, d.body).toBe(204);
    const db = await testDatabase();
    await db.db.transaction((tx) => scanBatch(tx, s.workspaceId, 'contact', null));
    const rows = await db.query<{ status: string }>('select status from duplicate_pairs where workspace_id = $1', [s.workspaceId]);
    expect(rows).toEqual([{ status: 'dismissed' }]);
  });
});
