import { describe, expect, it } from 'vitest';
import type { ObjectRights } from '../../contract/access.ts';
import { objectDefs } from '../modules/registry.ts';
import { addMember, api, type Session, signUp, testApp } from '../test/harness.ts';
import { giveRole, openRights } from '../test/roles.ts';
import { createOk, type Samples } from '../test/samples.ts';

// For every object of the registry, a role that hides one field and makes another read-only: every
// GET route under the object's path in the route table (one, list, export, history, and whatever a
// module adds there) answers without the hidden field, and writes naming either are refused. The
// fields are picked from each object's create sample, so a new object is covered unasked.

const found = import.meta.glob<{ samples: Samples }>('../modules/**/*.samples.ts', { eager: true });
const samples: Samples = Object.assign({}, ...Object.values(found).map((m) => m.samples));
const app = await testApp();

const paths: Record<string, { generic: string; real: (s: Session) => Promise<string> }> = {
  company: { generic: 'companies', real: async () => 'companies' },
  contact: { generic: 'contacts', real: async () => 'contacts' },
  deal: { generic: 'deals', real: async () => 'deals' },
  lead: { generic: 'leads', real: async () => 'leads' },
  task: { generic: 'tasks', real: async () => 'tasks' },
  activity: { generic: 'activities', real: async () => 'activities' },
  ticket: { generic: 'tickets', real: async () => 'tickets' },
  custom_record: {
    generic: 'objects/:objectKey/records',
    real: async (s) => {
      const { sampleObject } = await import('../modules/objects/objects.samples.ts');
      return `objects/${(await sampleObject(s)).objectKey}/records`;
    },
  },
};

type Rec = Record<string, unknown>;
const meta = new Set(['id', 'version', 'createdAt', 'updatedAt', 'createdBy', 'deletedAt']);
/** Whether a record carries a field (`custom.x` inside its custom values). */
const has = (r: Rec, f: string) => (f.startsWith('custom.') ? Object.hasOwn((r.custom as Rec) ?? {}, f.slice(7)) : Object.hasOwn(r, f));
/** The records of an answer: a page's, an array's, or the answer itself. */
const recordsOf = (body: unknown): Rec[] =>
  Array.isArray(body)
    ? body
    : body && typeof body === 'object'
      ? Array.isArray((body as Rec).data)
        ? ((body as Rec).data as Rec[])
        : [body as Rec]
      : [];

/** Every object anywhere in an answer whose id is `id`. */
function withId(body: unknown, id: string, out: Rec[] = []): Rec[] {
  if (Array.isArray(body)) for (const e of body) withId(e, id, out);
  else if (body && typeof body === 'object') {
    if ((body as Rec).id === id) out.push(body as Rec);
    for (const v of Object.values(body)) withId(v, id, out);
  }
  return out;
}

const open: Omit<ObjectRights, 'fields'> = {
  read: 'all',
  edit: 'all',
  delete: 'all',
  create: true,
  export: true,
  import: true,
  merge: true,
  bulkEdit: true,
};

describe('field rules of a role, on every record route', () => {
  it('gives every object a path here', () => {
    for (const type of Object.keys(objectDefs)) expect(paths[type], `${type} has no path in field-rules.test.ts`).toBeDefined();
  });

  for (const [type, { generic, real }] of Object.entries(paths)) {
    it(`never answers a hidden ${type} field nor filters or sorts by it, and refuses writes of hidden and read-only ones`, {
      timeout: 300_000,
    }, async () => {
      const def = objectDefs[type];
      const owner = await signUp();
      const o = api(owner);
      const path = await real(owner);
      const create = samples[`POST /api/v1/${generic}`];
      const params = create.setup && !path.startsWith('objects/') ? await create.setup(owner) : {};
      const body = (await create.body?.(owner, params)) as Rec;
      const ownerField = Object.entries(def.fields).find(([, f]) => f.sql === def.owner)?.[0];
      const candidates = [
        ...Object.keys(body).filter((k) => k !== ownerField && !meta.has(k) && k !== 'custom' && def.apiFields?.includes(k)),
        ...Object.keys((body.custom as Rec) ?? {}).map((k) => `custom.${k}`),
      ];
      expect(candidates.length, `${type}: its create sample sets no field to hide`).toBeGreaterThanOrEqual(2);
      const hidden = candidates[candidates.length - 1];
      const readOnly = candidates[0];
      const record = await createOk(owner, `/${path}`, body);
      // The owner sees the field: what the member is spared is really there.
      expect(has((await o.get(`/${path}/${record.id}`)).json(), hidden), `${type}.${hidden} as the owner`).toBe(true);

      const me = await addMember(owner, 'member', 'Rita Restricted');
      const role = await createOk(owner, '/access-profiles', {
        name: 'Restricted',
        rights: {
          ...Object.fromEntries(Object.keys(objectDefs).map((k) => [k, open])),
          [type]: { ...open, fields: { [hidden]: 'hidden', [readOnly]: 'read_only' } },
        },
      });
      expect((await o.put(`/members/${me.memberId}/access-profile`, { profileId: role.id })).statusCode).toBe(200);
      const c = api(me);

      const session = (await c.get('/auth/session')).json();
      expect(session.fieldRules[type]).toEqual({ [hidden]: 'hidden', [readOnly]: 'read_only' });

      // Every GET route under the object's path, with our record where the route names one.
      const prefix = `/api/v1/${generic}`;
      const gets = app.routeTable.filter((r) => r.method === 'GET' && (r.url === prefix || r.url.startsWith(`${prefix}/`)));
      expect(gets.length, type).toBeGreaterThanOrEqual(4);
      const objectKey = path.startsWith('objects/') ? path.split('/')[1] : undefined;
      let checked = 0;
      for (const route of gets) {
        const sample = samples[`GET ${route.url}`];
        const p: Record<string, string> = {
          ...(sample?.setup ? await sample.setup(owner) : {}),
          id: record.id,
          ...(objectKey ? { objectKey } : {}),
        };
        let url = route.url.replace('/api/v1', '');
        for (const [k, v] of Object.entries(p)) url = url.replace(`:${k}`, v);
        const query = route.url.endsWith('/export') ? 'format=json' : (sample?.query ?? '');
        const r = await c.get(`${url}${query ? `?${query}` : ''}`);
        if (r.statusCode !== 200 || !String(r.headers['content-type']).includes('json')) continue;
        checked++;
        // Wherever our record sits in the answer (a page, an overview's part), without the field.
        for (const nested of withId(r.json(), record.id)) expect(has(nested, hidden), `${route.url} nests ${type}.${hidden}`).toBe(false);
        for (const rec of recordsOf(r.json())) {
          expect(has(rec, hidden), `${route.url} answers ${type}.${hidden}`).toBe(false);
          if ('action' in rec && 'field' in rec) expect(rec.field, `${route.url}: history of ${hidden}`).not.toBe(hidden);
        }
      }
      expect(checked, `${type}: GET routes answered`).toBeGreaterThanOrEqual(3);
      // The read-only field is still seen.
      expect(has((await c.get(`/${path}/${record.id}`)).json(), readOnly), `${type}.${readOnly} read-only but seen`).toBe(true);
      // CSV has no column for it.
      const csv = await c.get(`/${path}/export?format=csv`);
      expect(csv.statusCode).toBe(200);
      expect(csv.body.split('\r\n')[0].replace('\uFEFF', '').split(','), `${type} CSV header`).not.toContain(hidden);

      // Filtering, sorting or asking for it: refused, so that its values cannot be told apart unseen.
      for (const query of [
        `filter=${encodeURIComponent(JSON.stringify({ field: hidden, op: 'eq', value: 'x' }))}`,
        `sort=-${hidden}`,
        `fields=id,${hidden}`,
      ]) {
        const r = await c.get(`/${path}?${query}`);
        expect(r.statusCode, `${type} ${query}: ${r.body}`).toBe(403);
        expect(r.json().code).toBe('field_forbidden');
      }

      // Writes naming either field: refused, naming it.
      const value = (f: string) =>
        f.startsWith('custom.') ? { custom: { [f.slice(7)]: (body.custom as Rec)[f.slice(7)] } } : { [f]: body[f] };
      for (const f of [hidden, readOnly]) {
        const patched = await c.patch(`/${path}/${record.id}`, { ...value(f), version: record.version });
        expect(patched.statusCode, patched.body).toBe(403);
        expect(patched.json().errors[0].field).toBe(`body.${f}`);
        const created = await c.post(`/${path}`, body);
        expect(created.statusCode, created.body).toBe(403);
        expect(created.json().errors.map((e: { field: string }) => e.field)).toEqual(expect.arrayContaining([`body.${f}`]));
      }
    });
  }

  it("leaves a hidden field out where another object's route answers the record: a company's contacts, a contact's deals and overview", async () => {
    const owner = await signUp();
    const o = api(owner);
    const company = await createOk(owner, '/companies', { name: 'Hidden Fields Ltd' });
    const contact = await createOk(owner, '/contacts', {
      firstName: 'Hedda',
      lastName: 'Hidden',
      emails: [{ value: 'hedda.hidden@example.com', label: 'work' }],
      companies: [{ companyId: company.id }],
    });
    const stageId = (await o.get('/pipelines')).json().data[0].stages[0].id;
    const deal = await createOk(owner, '/deals', {
      name: 'Secret amount',
      stageId,
      amountMinor: 987_654_321,
      currency: 'EUR',
      contacts: [{ contactId: contact.id }],
    });
    const me = await addMember(owner, 'member', 'Rita Restricted');
    await giveRole(owner, me.memberId, 'No emails, no amounts', {
      contact: { ...openRights, fields: { emails: 'hidden' } },
      deal: { ...openRights, fields: { amountMinor: 'hidden' } },
    });
    const c = api(me);
    // The owner's answers hold both: the member is spared what is really there.
    for (const [who, sees] of [
      [o, true],
      [c, false],
    ] as const) {
      const answers = [
        await who.get(`/companies/${company.id}/contacts`),
        await who.get(`/contacts/${contact.id}/overview`),
        await who.get(`/contacts/${contact.id}/deals`),
      ];
      for (const r of answers) expect(r.statusCode, r.body).toBe(200);
      const [atCompany, overview, deals] = answers.map((r) => r.json());
      expect(atCompany.data.map((x: Rec) => x.id)).toEqual([contact.id]);
      expect(has(atCompany.data[0], 'emails'), 'a company’s contacts').toBe(sees);
      expect(has(overview.contact, 'emails'), 'the overview’s contact').toBe(sees);
      expect(overview.openDeals.map((x: Rec) => x.id)).toEqual([deal.id]);
      expect(has(overview.openDeals[0], 'amountMinor'), 'the overview’s deals').toBe(sees);
      expect(deals.data.map((x: Rec) => x.id)).toEqual([deal.id]);
      expect(has(deals.data[0], 'amountMinor'), 'a contact’s deals').toBe(sees);
      // Nor anywhere else in the answer, under another name.
      if (!sees)
        for (const r of answers) {
          expect(r.body).not.toContain('hedda.hidden@example.com');
          expect(r.body).not.toContain('987654321');
        }
    }
  });
});
