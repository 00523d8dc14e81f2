import { describe, expect, it } from 'vitest';
import { api, countRows, type Session, signUp, testDatabase } from '../../test/harness.ts';
import { createOk } from '../../test/samples.ts';

type Json = Record<string, unknown>;

const post = (s: Session, object: 'contacts' | 'companies', body: string, query = '') =>
  api(s).post(`/imports/${object}${query}`, body, { 'content-type': 'text/csv' });

async function importOk(s: Session, object: 'contacts' | 'companies', body: string, query = '') {
  const r = await post(s, object, body, query);
  expect(r.statusCode, r.body).toBe(query.includes('dryRun=true') ? 200 : 201);
  return r.json();
}

async function list(s: Session, object: 'contacts' | 'companies'): Promise<Json[]> {
  const r = await api(s).get(`/${object}?limit=200&sort=createdAt`);
  expect(r.statusCode, r.body).toBe(200);
  return r.json().data;
}

const byEmail = (list: Json[], email: string) => list.find((c) => (c.emails as { value: string }[]).some((e) => e.value === email));
const linksOf = (c: Json | undefined) => (c?.companies ?? []) as { companyId: string; name: string; isPrimary: boolean }[];
const linkNames = (c: Json | undefined) => linksOf(c).map((l) => [l.name, l.isPrimary]);

async function sqlRows<T = Json>(text: string, params: unknown[]) {
  return (await testDatabase()).query<T>(text, params);
}

describe("a contact's company", () => {
  it('links each contact to its company: found by name ignoring case, or by domain, or created once', async () => {
    const s = await signUp();
    const acme = await createOk(s, '/companies', { name: 'Acme Corp', domain: 'acme.example' });
    const other = await signUp({ workspaceName: 'Elsewhere' });
    const theirs = await createOk(other, '/companies', { name: 'Globex' });
    const csv = [
      'First name,Last name,Email,Company,Company Domain',
      'Wile,Coyote,wile@acme.example,ACME CORP,', // by name, another case
      'Road,Runner,road@runner.example,,https://www.acme.example/about', // by domain
      'Hank,Scorpio,hank@globex.example,Globex,', // not the other workspace's Globex: created
      'Homer,Simpson,homer@globex.example,globex,', // the Globex the row before created
      'Lisa,Simpson,lisa@example.com,,', // no company
    ].join('\n');
    const out = await importOk(s, 'contacts', csv);
    expect(out).toMatchObject({ created: 5, companiesCreated: 1 });
    expect(out.columns).toMatchObject({ Company: 'company', 'Company Domain': 'companyDomain' });
    const people = await list(s, 'contacts');
    expect(linkNames(byEmail(people, 'wile@acme.example'))).toEqual([['Acme Corp', true]]);
    expect(linkNames(byEmail(people, 'road@runner.example'))).toEqual([['Acme Corp', true]]);
    expect(linkNames(byEmail(people, 'hank@globex.example'))).toEqual([['Globex', true]]);
    expect(linkNames(byEmail(people, 'lisa@example.com'))).toEqual([]);
    const companies = await list(s, 'companies');
    expect(companies.map((c) => c.name)).toEqual(['Acme Corp', 'Globex']);
    const globex = companies[1];
    expect(globex.id).not.toBe(theirs.id);
    expect(globex).toMatchObject({ ownerId: s.memberId, createdBy: s.memberId, version: 1 });
    expect(linksOf(byEmail(people, 'homer@globex.example'))[0].companyId).toBe(globex.id);
    expect(linksOf(byEmail(people, 'wile@acme.example'))[0].companyId).toBe(acme.id);
    // The created company has its history, event and search terms, like one made through the API.
    const [traces] = await sqlRows<{ history: number; events: number; terms: number }>(
      `select (select count(*)::int from record_history where workspace_id = $1 and record_id = $2 and action = 'create') as history,
        (select count(*)::int from domain_events where workspace_id = $1 and record_id = $2 and type = 'company.created') as events,
        (select count(*)::int from search_terms where workspace_id = $1 and record_id = $2) as terms`,
      [s.workspaceId, globex.id],
    );
    expect(traces).toEqual({ history: 1, events: 1, terms: 1 });
    // A new contact's create history and event already name its company, as a create through the API does.
    const hank = byEmail(people, 'hank@globex.example') as Json;
    const [created] = await sqlRows<{ new_value: Json }>(
      `select new_value from record_history where workspace_id = $1 and record_id = $2 and action = 'create'`,
      [s.workspaceId, hank.id],
    );
    expect(created.new_value).toEqual((await api(s).get(`/contacts/${hank.id}`)).json());
    expect(await countRows('companies', other.workspaceId)).toBe(1);
  });

  it('does not link a company in the trash: a new one is created', async () => {
    const s = await signUp();
    const gone = await createOk(s, '/companies', { name: 'Initech' });
    expect((await api(s).delete(`/companies/${gone.id}`)).statusCode).toBe(200);
    const out = await importOk(s, 'contacts', 'Email,Company\npeter@initech.example,Initech\n');
    expect(out.companiesCreated).toBe(1);
    const [peter] = await list(s, 'contacts');
    expect((peter.companies as Json[])[0].companyId).not.toBe(gone.id);
  });

  it('counts the companies a dry run would create, and writes none', async () => {
    const s = await signUp();
    const dry = await importOk(
      s,
      'contacts',
      'Email,Company\na@x.example,Umbrella\nb@x.example,umbrella\nc@x.example,Tyrell\n',
      '?dryRun=true',
    );
    expect(dry).toMatchObject({ created: 3, companiesCreated: 2 });
    expect(await countRows('companies', s.workspaceId)).toBe(0);
  });

  it('adds the company to a contact it updates, beside the companies it had, with history and an event', async () => {
    const s = await signUp();
    const first = await createOk(s, '/companies', { name: 'Wayne Enterprises' });
    const bruce = await createOk(s, '/contacts', {
      firstName: 'Bruce',
      emails: [{ value: 'bruce@wayne.example' }],
      companies: [{ companyId: first.id, isPrimary: true }],
    });
    const out = await importOk(
      s,
      'contacts',
      'Email,Company\nbruce@wayne.example,Justice League\nbruce@wayne.example,Wayne Enterprises\n',
      '?dedupe=update',
    );
    expect(out).toMatchObject({ created: 0, updated: 1, duplicates: 1, companiesCreated: 1 });
    const after = (await api(s).get(`/contacts/${bruce.id}`)).json();
    expect(linkNames(after)).toEqual([
      ['Wayne Enterprises', true],
      ['Justice League', false],
    ]);
    expect(after.version).toBe(2);
    const history = (await api(s).get(`/contacts/${bruce.id}/history`)).json().data as Json[];
    const change = history.find((h) => h.action === 'update' && h.field === 'companies');
    expect(change?.oldValue).toEqual((bruce as unknown as Json).companies);
    expect(change?.newValue).toEqual(after.companies);
    const [event] = await sqlRows<{ payload: { after: Json } }>(
      `select payload from domain_events where workspace_id = $1 and record_id = $2 and type = 'contact.updated'`,
      [s.workspaceId, bruce.id],
    );
    expect(event.payload.after).toEqual(after);
  });
});

describe('importing companies', () => {
  const file = [
    'Company Name,Domain,Industry,Employees,Phone,City',
    'Acme Corp,acme.example,Manufacturing,250,+1 212 555 0100,New York',
    'Globex,https://www.globex.example,Energy,5-10,,Springfield',
    'Initech,,Software,lots,,Austin',
  ].join('\n');

  it('creates companies with history, events and search terms, and leaves unreadable cells out with a warning', async () => {
    const s = await signUp();
    const out = await importOk(s, 'companies', file, '?fileName=accounts.csv');
    expect(out).toMatchObject({ objectType: 'company', created: 3, rejected: 0, warned: 1 });
    expect(out.columns).toEqual({
      'Company Name': 'name',
      Domain: 'domain',
      Industry: 'industry',
      Employees: 'size',
      Phone: 'phone',
      City: 'city',
    });
    expect(out.warnings).toEqual([
      {
        row: 4,
        field: 'size',
        column: 'Employees',
        value: 'lots',
        message: '"lots" is not a number of employees or a size (1-10, 11-50 … 5001+); left empty',
      },
    ]);
    const companies = await list(s, 'companies');
    expect(companies.map((c) => [c.name, c.domain, c.industry, c.size, c.phoneE164, (c.address as Json | null)?.city])).toEqual([
      ['Acme Corp', 'acme.example', 'Manufacturing', '201-500', '+12125550100', 'New York'],
      ['Globex', 'globex.example', 'Energy', '1-10', null, 'Springfield'],
      ['Initech', null, 'Software', null, null, 'Austin'],
    ]);
    const stored = (await api(s).get(`/imports/${out.importId}`)).json();
    expect(stored).toMatchObject({ objectType: 'company', status: 'completed', fileName: 'accounts.csv' });
    const [job] = await sqlRows<{ name: string }>(`select name from jobs where input->>'importId' = $1`, [out.importId]);
    expect(job.name).toBe('imports.companies');
    const search = (await api(s).get('/search?q=globex&types=company')).json().data as Json[];
    expect(search.map((h) => h.title)).toEqual(['Globex']);
    const [counts] = await sqlRows<{ history: number; events: number }>(
      `select (select count(*)::int from record_history where workspace_id = $1 and record_type = 'company') as history,
        (select count(*)::int from domain_events where workspace_id = $1 and type = 'company.created') as events`,
      [s.workspaceId],
    );
    expect(counts).toEqual({ history: 3, events: 3 });
  });

  it('finds duplicates by domain, else by name ignoring case; skips, updates or creates them', async () => {
    const s = await signUp();
    const acme = await createOk(s, '/companies', { name: 'ACME Corporation', domain: 'acme.example' });
    const globex = await createOk(s, '/companies', { name: 'globex' });
    const skip = await importOk(s, 'companies', file);
    expect(skip).toMatchObject({ created: 1, duplicates: 2 });
    expect(await countRows('companies', s.workspaceId)).toBe(3);
    const update = await importOk(s, 'companies', file, '?dedupe=update');
    expect(update).toMatchObject({ created: 0, updated: 2, duplicates: 1 });
    const a = (await api(s).get(`/companies/${acme.id}`)).json();
    expect(a).toMatchObject({ name: 'Acme Corp', domain: 'acme.example', industry: 'Manufacturing', size: '201-500', version: 2 });
    const g = (await api(s).get(`/companies/${globex.id}`)).json();
    expect(g).toMatchObject({ name: 'Globex', domain: 'globex.example', address: { city: 'Springfield' }, version: 2 });
    const history = (await api(s).get(`/companies/${acme.id}/history`)).json().data as Json[];
    expect(
      history
        .filter((h) => h.action === 'update')
        .map((h) => h.field)
        .sort(),
    ).toEqual(['address', 'industry', 'name', 'phone', 'phoneE164', 'size']);
    expect((await importOk(s, 'companies', file, '?dedupe=none')).created).toBe(3);
  });

  it('refuses a file without a company name or domain column', async () => {
    const s = await signUp();
    const r = await post(s, 'companies', 'First name,Email\nAda,ada@example.com\n');
    expect(r.statusCode).toBe(400);
    expect(r.json().errors[0]).toMatchObject({ field: 'body.header', code: 'no_usable_column' });
  });
});

describe('a list of companies sent to the contact importer', () => {
  it('is refused with a message that points to the company import, and nothing is written', async () => {
    const s = await signUp();
    for (const csv of [
      'Company Name,Domain,Industry,Employees\nAcme Corp,acme.example,Manufacturing,250\n',
      'Account Name,Website,Industry\nAcme Corp,acme.example,Manufacturing\n',
      'Name,Domain,Industry\nAcme Corp,acme.example,Manufacturing\n',
      'Organization - Name,Organization - Address\nAcme Corp,1 Main St\n',
    ]) {
      const r = await post(s, 'contacts', csv);
      expect(r.statusCode, csv).toBe(400);
      expect(r.json().errors[0]).toMatchObject({ field: 'body.header', code: 'companies_file' });
      expect(r.json().errors[0].message).toContain('POST /api/v1/imports/companies');
    }
    expect(await countRows('contacts', s.workspaceId)).toBe(0);
    expect(await countRows('imports', s.workspaceId)).toBe(0);
    // A list of people with their company is a contact file.
    expect((await importOk(s, 'contacts', 'Name,Company\nAda Lovelace,Analytical Engines\n')).created).toBe(1);
  });
});
