import { describe, expect, it } from 'vitest';
import { systemCtx } from '../../http/context.ts';
import { api, countRows, type Session, signUp, testDatabase } from '../../test/harness.ts';
import { createOk } from '../../test/samples.ts';
import { createFieldDefinition } from '../fields/fields.service.ts';

const q = (filter: unknown) => `filter=${encodeURIComponent(JSON.stringify(filter))}`;
const ids = (r: { json(): { data: { id: string }[] } }) => r.json().data.map((c) => c.id);

describe('contacts', () => {
  it('creates, reads, updates, deletes and restores a contact, with its history', async () => {
    const s = await signUp();
    const c = api(s);
    const created = await c.post('/contacts', {
      firstName: 'Grace',
      lastName: 'Hopper',
      emails: [{ label: 'work', value: 'Grace.Hopper@Navy.MIL' }, { value: 'grace@home.example' }],
      phones: [{ label: 'mobile', value: '+14155550123' }],
      lifecycleStage: 'lead',
      address: { city: 'Arlington' },
    });
    expect(created.statusCode, created.body).toBe(201);
    const ct = created.json();
    expect(ct).toMatchObject({
      firstName: 'Grace',
      lastName: 'Hopper',
      emails: [
        { label: 'work', value: 'grace.hopper@navy.mil' },
        { label: 'work', value: 'grace@home.example' },
      ],
      phones: [{ label: 'mobile', value: '+14155550123' }],
      ownerId: s.memberId,
      lastActivityAt: null,
      companies: [],
      version: 1,
    });
    expect(created.headers.etag).toBe('"1"');

    expect((await c.get(`/contacts/${ct.id}`)).json()).toEqual(ct);

    const upd = await c.patch(`/contacts/${ct.id}`, { title: 'Rear Admiral', lifecycleStage: 'customer', version: 1 });
    expect(upd.statusCode, upd.body).toBe(200);
    expect(upd.json()).toMatchObject({ title: 'Rear Admiral', lifecycleStage: 'customer', emails: ct.emails, version: 2 });

    expect((await c.delete(`/contacts/${ct.id}`)).json().deletedAt).not.toBeNull();
    expect((await c.get('/contacts')).json().data).toHaveLength(0);
    expect(ids(await c.get('/contacts?deleted=true'))).toEqual([ct.id]);
    expect((await c.post(`/contacts/${ct.id}/restore`)).json().deletedAt).toBeNull();

    const hist = (await c.get(`/contacts/${ct.id}/history`)).json().data;
    expect(hist.map((h: { action: string }) => h.action)).toEqual(['restore', 'delete', 'update', 'update', 'create']);
    const fields = hist.filter((h: { action: string }) => h.action === 'update').map((h: { field: string }) => h.field);
    expect(fields.sort()).toEqual(['lifecycleStage', 'title']);
    expect(hist.at(-1).newValue).toMatchObject({ firstName: 'Grace', emails: ct.emails });
  });

  it('stores emails lower-cased on update too', async () => {
    const s = await signUp();
    const ct = await createOk(s, '/contacts', { firstName: 'Alan' });
    const r = await api(s).patch(`/contacts/${ct.id}`, { emails: [{ label: 'home', value: 'Alan@Bletchley.UK' }], version: 1 });
    expect(r.json().emails).toEqual([{ label: 'home', value: 'alan@bletchley.uk' }]);
  });

  it('accepts internationalised email addresses (RFC 6531), stored in NFC and lower case, and still refuses what is no address', async () => {
    const s = await signUp();
    // "José" with a combining acute accent (e + U+0301), and a Unicode domain.
    const ct = await createOk(s, '/contacts', {
      firstName: 'José',
      emails: [{ value: 'Jose\u0301@Exämple.DE' }, { value: '用户@例子.广告' }, { value: 'Δοκιμή@παράδειγμα.δοκιμή' }],
    });
    expect((ct as unknown as { emails: { value: string }[] }).emails.map((e) => e.value)).toEqual([
      'josé@exämple.de',
      '用户@例子.广告',
      'δοκιμή@παράδειγμα.δοκιμή',
    ]);
    expect(
      (await api(s).get(`/search?q=${encodeURIComponent('josé@exämple')}&types=contact`)).json().data.map((h: { id: string }) => h.id),
    ).toEqual([ct.id]);
    const lead = await api(s).post('/leads', { lastName: 'Núñez', email: 'núñez@exämple.es' });
    expect(lead.statusCode, lead.body).toBe(201);
    expect(lead.json().email).toBe('núñez@exämple.es');
    for (const bad of ['josé@', 'jo sé@exämple.de', 'josé..x@exämple.de', '"josé"@exämple.de', 'josé@exämple']) {
      const r = await api(s).post('/contacts', { firstName: 'X', emails: [{ value: bad }] });
      expect(r.statusCode, bad).toBe(400);
      expect(r.json().errors[0].field).toBe('body.emails.0.value');
    }
  });

  it('links companies, replaces the set on update, and records the change in history', async () => {
    const s = await signUp();
    const c = api(s);
    const acme = await createOk(s, '/companies', { name: 'Acme' });
    const globex = await createOk(s, '/companies', { name: 'Globex' });
    const initech = await createOk(s, '/companies', { name: 'Initech' });
    const ct = (
      await c.post('/contacts', {
        lastName: 'Coyote',
        companies: [
          { companyId: globex.id, role: 'Advisor' },
          { companyId: acme.id, role: 'Buyer', isPrimary: true },
        ],
      })
    ).json();
    const first = [
      { companyId: acme.id, name: 'Acme', role: 'Buyer', isPrimary: true },
      { companyId: globex.id, name: 'Globex', role: 'Advisor', isPrimary: false },
    ];
    expect(ct.companies).toEqual(first);
    expect((await c.get(`/contacts/${ct.id}`)).json().companies).toEqual(first);

    const upd = await c.patch(`/contacts/${ct.id}`, { companies: [{ companyId: initech.id, isPrimary: true }], version: 1 });
    expect(upd.statusCode, upd.body).toBe(200);
    const second = [{ companyId: initech.id, name: 'Initech', role: null, isPrimary: true }];
    expect(upd.json()).toMatchObject({ version: 2, companies: second });
    expect((await c.get(`/contacts/${ct.id}`)).json().companies).toEqual(second);

    const hist = (await c.get(`/contacts/${ct.id}/history`)).json().data;
    expect(hist[0]).toMatchObject({ action: 'update', field: 'companies', oldValue: first, newValue: second });

    // The same set in another order is no change.
    const same = await c.patch(`/contacts/${ct.id}`, { companies: [{ companyId: initech.id, isPrimary: true }], version: 2 });
    expect(same.statusCode).toBe(200);
    const after = (await c.get(`/contacts/${ct.id}/history`)).json().data;
    expect(after.filter((h: { field: string }) => h.field === 'companies')).toHaveLength(1);

    // The company's side lists the contact; the old company no longer does.
    expect(ids(await c.get(`/companies/${initech.id}/contacts`))).toEqual([ct.id]);
    expect((await c.get(`/companies/${acme.id}/contacts`)).json().data).toEqual([]);
  });

  it('keeps a link to a company in the trash when the links of the contact are replaced, so restoring the company brings it back', async () => {
    const s = await signUp();
    const c = api(s);
    const acme = await createOk(s, '/companies', { name: 'Acme' });
    const globex = await createOk(s, '/companies', { name: 'Globex' });
    const initech = await createOk(s, '/companies', { name: 'Initech' });
    const ct = await createOk(s, '/contacts', {
      lastName: 'Wile',
      companies: [{ companyId: acme.id, isPrimary: true }, { companyId: globex.id }],
    });
    expect((await c.delete(`/companies/${acme.id}`)).statusCode).toBe(200);
    // Acme is hidden while in the trash; the contact now names Initech instead of Globex.
    expect((await c.get(`/contacts/${ct.id}`)).json().companies.map((x: { name: string }) => x.name)).toEqual(['Globex']);
    const upd = await c.patch(`/contacts/${ct.id}`, { companies: [{ companyId: initech.id }], version: 1 });
    expect(upd.statusCode, upd.body).toBe(200);
    expect((await c.post(`/companies/${acme.id}/restore`)).statusCode).toBe(200);
    expect((await c.get(`/contacts/${ct.id}`)).json().companies.map((x: { name: string }) => x.name)).toEqual(['Acme', 'Initech']);
  });

  it('lists contacts with the companies of every contact on the page', async () => {
    const s = await signUp();
    const c = api(s);
    const acme = await createOk(s, '/companies', { name: 'Acme' });
    const globex = await createOk(s, '/companies', { name: 'Globex' });
    await createOk(s, '/contacts', { lastName: 'Anders', companies: [{ companyId: acme.id, isPrimary: true }, { companyId: globex.id }] });
    await createOk(s, '/contacts', { lastName: 'Berg', companies: [{ companyId: globex.id, role: 'CEO' }] });
    await createOk(s, '/contacts', { lastName: 'Cole' });
    const page = (await c.get('/contacts?sort=lastName')).json().data;
    expect(page.map((x: { lastName: string; companies: { name: string }[] }) => [x.lastName, x.companies.map((l) => l.name)])).toEqual([
      ['Anders', ['Acme', 'Globex']],
      ['Berg', ['Globex']],
      ['Cole', []],
    ]);
    expect(page[1].companies[0]).toMatchObject({ role: 'CEO', isPrimary: false });

    const theirs = (await c.get(`/companies/${globex.id}/contacts?sort=-lastName`)).json();
    expect(theirs.data.map((x: { lastName: string }) => x.lastName)).toEqual(['Berg', 'Anders']);
    expect(theirs.nextCursor).toBeNull();
  });

  it('pages the contacts of a company and answers 404 for a company of another workspace', async () => {
    const s = await signUp();
    const other = await signUp();
    const c = api(s);
    const acme = await createOk(s, '/companies', { name: 'Acme' });
    for (const n of ['A', 'B', 'C']) await createOk(s, '/contacts', { lastName: n, companies: [{ companyId: acme.id }] });
    const p1 = (await c.get(`/companies/${acme.id}/contacts?limit=2&sort=lastName`)).json();
    const p2 = (await c.get(`/companies/${acme.id}/contacts?limit=2&sort=lastName&cursor=${p1.nextCursor}`)).json();
    expect([...p1.data, ...p2.data].map((x: { lastName: string }) => x.lastName)).toEqual(['A', 'B', 'C']);
    expect(p2.nextCursor).toBeNull();

    expect((await api(other).get(`/companies/${acme.id}/contacts`)).statusCode).toBe(404);
    const unknown = await c.get('/companies/0190a000-0000-7000-8000-000000000000/contacts');
    expect(unknown.statusCode).toBe(404);
    expect(unknown.headers['content-type']).toContain('application/problem+json');
    expect((await c.get('/companies/nope/contacts')).statusCode).toBe(400);
  });

  it('rejects bad input with problem+json naming the field, writing nothing', async () => {
    const s = await signUp();
    const other = await signUp();
    const c = api(s);
    const acme = await createOk(s, '/companies', { name: 'Acme' });
    const globex = await createOk(s, '/companies', { name: 'Globex' });
    const foreign = await createOk(other, '/companies', { name: 'Elsewhere' });
    const emails = (n: number) => Array.from({ length: n }, (_, i) => ({ label: 'work', value: `p${i}@example.com` }));
    const cases: [unknown, number, string][] = [
      [{ firstName: 'A', color: 'red' }, 400, 'body.color'],
      [{ firstName: 12 }, 400, 'body.firstName'],
      [{}, 422, 'body.firstName'],
      [{ firstName: '  ', lastName: null }, 422, 'body.firstName'],
      [{ firstName: 'x'.repeat(201) }, 400, 'body.firstName'],
      [{ firstName: 'A', title: 'x'.repeat(201) }, 400, 'body.title'],
      [{ firstName: 'A', emails: [{ label: 'work', value: 'not-an-email' }] }, 400, 'body.emails.0.value'],
      [{ firstName: 'A', emails: [{ label: 'x'.repeat(51), value: 'a@example.com' }] }, 400, 'body.emails.0.label'],
      [{ firstName: 'A', emails: [{ value: 'a@example.com', kind: 'x' }] }, 400, 'body.emails.0.kind'],
      [{ firstName: 'A', emails: 'a@example.com' }, 400, 'body.emails'],
      [{ firstName: 'A', emails: emails(21) }, 400, 'body.emails'],
      // Not a phone in any form: refused by the schema. A national number without a workspace country: by the service.
      [{ firstName: 'A', phones: [{ label: 'work', value: 'call me' }] }, 400, 'body.phones.0.value'],
      [{ firstName: 'A', phones: [{ label: 'work', value: '12345' }] }, 422, 'body.phones.0.value'],
      [{ firstName: 'A', phones: [{ value: '+49 30 5550101' }, { value: '+49 1' }] }, 422, 'body.phones.1.value'],
      [{ firstName: 'A', lifecycleStage: 'vip' }, 400, 'body.lifecycleStage'],
      [{ firstName: 'A', ownerId: 'nope' }, 400, 'body.ownerId'],
      [{ firstName: 'A', ownerId: other.memberId }, 422, 'body.ownerId'],
      [{ firstName: 'A', companies: [{ companyId: 'nope' }] }, 400, 'body.companies.0.companyId'],
      [
        { firstName: 'A', companies: [{ companyId: acme.id }, { companyId: '0190a000-0000-7000-8000-000000000000' }] },
        422,
        'body.companies.1.companyId',
      ],
      [{ firstName: 'A', companies: [{ companyId: foreign.id }] }, 422, 'body.companies.0.companyId'],
      [{ firstName: 'A', companies: [{ companyId: acme.id }, { companyId: acme.id }] }, 422, 'body.companies.1.companyId'],
      [
        {
          firstName: 'A',
          companies: [
            { companyId: acme.id, isPrimary: true },
            { companyId: globex.id, isPrimary: true },
          ],
        },
        422,
        'body.companies.1.isPrimary',
      ],
      [{ firstName: 'A', custom: { tier: 'gold' } }, 422, 'body.custom.tier'],
    ];
    for (const [body, status, field] of cases) {
      const r = await c.post('/contacts', body);
      expect(r.statusCode, JSON.stringify(body).slice(0, 200)).toBe(status);
      expect(r.headers['content-type']).toContain('application/problem+json');
      expect(r.json().errors[0].field, JSON.stringify(body).slice(0, 200)).toBe(field);
    }
    expect(await countRows('contacts', s.workspaceId)).toBe(0);
    expect(await countRows('contact_companies', s.workspaceId)).toBe(0);
  });

  it('rejects a bad update without changing the contact', async () => {
    const s = await signUp();
    const c = api(s);
    const acme = await createOk(s, '/companies', { name: 'Acme' });
    const ct = (await c.post('/contacts', { firstName: 'Ada', companies: [{ companyId: acme.id }] })).json();
    const cases: [unknown, number, string][] = [
      [{ firstName: null, version: 1 }, 422, 'body.firstName'],
      [{ phones: [{ value: '12345' }], version: 1 }, 422, 'body.phones.0.value'],
      [{ companies: [{ companyId: '0190a000-0000-7000-8000-000000000000' }], version: 1 }, 422, 'body.companies.0.companyId'],
      [{ version: 'one' }, 400, 'body.version'],
    ];
    for (const [body, status, field] of cases) {
      const r = await c.patch(`/contacts/${ct.id}`, body);
      expect(r.statusCode, JSON.stringify(body)).toBe(status);
      expect(r.json().errors[0].field).toBe(field);
    }
    expect((await c.get(`/contacts/${ct.id}`)).json()).toEqual(ct);
    expect(await countRows('contact_companies', s.workspaceId)).toBe(1);
  });

  it('answers a stale version with 409 and changes nothing', async () => {
    const s = await signUp();
    const c = api(s);
    const ct = await createOk(s, '/contacts', { firstName: 'Ada' });
    expect((await c.patch(`/contacts/${ct.id}`, { title: 'Countess', version: 1 })).statusCode).toBe(200);
    const stale = await c.patch(`/contacts/${ct.id}`, { title: 'Mathematician', version: 1 });
    expect(stale.statusCode).toBe(409);
    expect(stale.headers['content-type']).toContain('application/problem+json');
    expect(stale.json()).toMatchObject({ code: 'version_conflict', currentVersion: 2 });
    expect((await c.get(`/contacts/${ct.id}`)).json()).toMatchObject({ title: 'Countess', version: 2 });
  });

  describe('filters', () => {
    async function people(s: Session) {
      const make = (body: unknown) => createOk(s, '/contacts', body);
      return {
        ada: await make({ firstName: 'Ada', lastName: 'Lovelace', emails: [{ value: 'ada@engines.example' }], lifecycleStage: 'customer' }),
        alan: await make({ firstName: 'Alan', lastName: 'Turing', emails: [{ value: 'alan@bletchley.example' }], lifecycleStage: 'lead' }),
        grace: await make({
          firstName: 'Grace',
          lastName: 'Hopper',
          emails: [{ value: 'grace@navy.example' }],
          lifecycleStage: 'opportunity',
        }),
      };
    }

    it('filters by email contains, case-insensitively', async () => {
      const s = await signUp();
      const p = await people(s);
      const r = await api(s).get(`/contacts?${q({ field: 'email', op: 'contains', value: 'BLETCHLEY' })}`);
      expect(r.statusCode, r.body).toBe(200);
      expect(ids(r)).toEqual([p.alan.id]);
    });

    it('filters by lifecycle stage and by full name', async () => {
      const s = await signUp();
      const p = await people(s);
      const c = api(s);
      const staged = await c.get(`/contacts?sort=lastName&${q({ field: 'lifecycleStage', op: 'in', value: ['customer', 'opportunity'] })}`);
      expect(ids(staged)).toEqual([p.grace.id, p.ada.id]);
      expect(ids(await c.get(`/contacts?${q({ field: 'name', op: 'contains', value: 'ace hop' })}`))).toEqual([p.grace.id]);
      const bad = await c.get(`/contacts?${q({ field: 'lifecycleStage', op: 'in', value: ['vip'] })}`);
      expect(bad.statusCode).toBe(400);
      expect(bad.json().errors[0].field).toBe('query.filter.value.0');
    });

    it('filters by a custom field', async () => {
      const s = await signUp();
      const { db } = await testDatabase();
      await db.transaction((tx) =>
        createFieldDefinition(tx, systemCtx(s.workspaceId, s.memberId), {
          objectType: 'contact',
          key: 'tier',
          label: 'Tier',
          type: 'select',
          options: ['gold', 'silver'],
        }),
      );
      const gold = await createOk(s, '/contacts', { firstName: 'Gold', custom: { tier: 'gold' } });
      await createOk(s, '/contacts', { firstName: 'Silver', custom: { tier: 'silver' } });
      await createOk(s, '/contacts', { firstName: 'None' });
      const r = await api(s).get(`/contacts?${q({ field: 'custom.tier', op: 'eq', value: 'gold' })}`);
      expect(r.statusCode, r.body).toBe(200);
      expect(ids(r)).toEqual([gold.id]);
      expect((await api(s).post('/contacts', { firstName: 'X', custom: { tier: 'bronze' } })).statusCode).toBe(422);
    });
  });

  it('sorts by last name and pages with cursors without duplicates or gaps', async () => {
    const s = await signUp();
    const c = api(s);
    const names = ['Evans', 'Brown', null, 'Adams', 'Brown', 'Clark', 'Brown'];
    const made = [];
    for (const [i, lastName] of names.entries()) made.push(await createOk(s, '/contacts', { firstName: `P${i}`, lastName }));
    const seen: { id: string; lastName: string | null }[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const r = await c.get(`/contacts?sort=lastName&limit=3${cursor ? `&cursor=${cursor}` : ''}`);
      expect(r.statusCode, r.body).toBe(200);
      seen.push(...r.json().data);
      cursor = r.json().nextCursor;
      pages++;
    } while (cursor);
    expect(pages).toBe(3);
    expect(new Set(seen.map((x) => x.id)).size).toBe(names.length);
    expect(seen.map((x) => x.id).sort()).toEqual(made.map((x) => x.id).sort());
    expect(seen.map((x) => x.lastName)).toEqual(['Adams', 'Brown', 'Brown', 'Brown', 'Clark', 'Evans', null]);
  });
});

describe('contact lists and reads built by the database', () => {
  it('read exactly like the contact the API wrote', async () => {
    const s = await signUp();
    const c = api(s);
    const a = (await c.post('/companies', { name: 'Zulu' })).json();
    const b = (await c.post('/companies', { name: 'Alpha' })).json();
    await c.post('/fields', { objectType: 'contact', key: 'tier', label: 'Tier', type: 'select', options: ['gold'] });
    const full = (
      await c.post('/contacts', {
        firstName: 'Ada',
        lastName: 'Lovelace',
        emails: [{ label: 'work', value: 'Ada@Example.com' }],
        phones: [{ label: 'mobile', value: '+44 20 7946 0123' }],
        title: 'Analyst',
        address: { city: 'London', country: 'UK' },
        lifecycleStage: 'customer',
        source: 'Referral',
        custom: { tier: 'gold' },
        companies: [
          { companyId: a.id, role: 'Advisor' },
          { companyId: b.id, role: 'Founder', isPrimary: true },
        ],
      })
    ).json();
    const bare = (await c.post('/contacts', { lastName: 'Babbage' })).json();
    // `full` and `bare` are the TypeScript mapper's output (create responses); lists and reads are the database's.
    const listed = (await c.get('/contacts?sort=lastName')).json().data;
    expect(listed).toEqual([bare, full]);
    expect((await c.get(`/contacts/${full.id}`)).json()).toEqual(full);
    const picked = (await c.get('/contacts?sort=lastName&fields=lastName,companies')).json().data[1];
    expect(Object.keys(picked).sort()).toEqual(['companies', 'id', 'lastName', 'version']);
    expect(picked.companies.map((x: { name: string }) => x.name)).toEqual(['Alpha', 'Zulu']);
  });
});
