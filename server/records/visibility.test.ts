import { describe, expect, it } from 'vitest';
import type { AccessScope, ObjectRights } from '../../contract/access.ts';
import { objectDefs } from '../modules/registry.ts';
import { addMember, api, type Session, signUp, testDatabase } from '../test/harness.ts';
import { createOk, type Samples } from '../test/samples.ts';
import type { ObjectDef } from './object-def.ts';

// For every object in the registry with an owner column and every scope, a member narrowed by a
// role sees exactly the records the scope allows on every generic read path: no more, no fewer.
// The expected sets come from the workspace owner's (unrestricted) view and the team tree below,
// not from the predicate under test.

const samples = import.meta.glob<{ samples: Samples }>('../modules/**/*.samples.ts', { eager: true });
const sample = (key: string) => Object.values(samples).find((m) => m.samples[key])?.samples[key];

/** Where each object's records live in the API. An object added to the registry fails here until it is given one. */
const paths: Record<string, (s: Session) => Promise<string>> = {
  company: async () => 'companies',
  contact: async () => 'contacts',
  deal: async () => 'deals',
  lead: async () => 'leads',
  task: async () => 'tasks',
  activity: async () => 'activities',
  ticket: async () => 'tickets',
  custom_record: async (s) => {
    const { sampleObject } = await import('../modules/objects/objects.samples.ts');
    return `objects/${(await sampleObject(s)).objectKey}/records`;
  },
};

const owned = Object.values(objectDefs).filter((d) => d.owner);
/** The API name of the object's owner column (ownerId, a task's assigneeId). */
const ownerField = (def: ObjectDef) => Object.entries(def.fields).find(([, f]) => f.sql === def.owner)?.[0] as string;
/** The create sample of a path, with the owner set. */
async function createBody(s: Session, path: string, field: string, owner: string | null) {
  const generic = path.replace(/^objects\/[^/]+\/records$/, 'objects/:objectKey/records');
  const found = sample(`POST /api/v1/${generic}`);
  if (!found?.body) throw new Error(`no create sample for ${path}`);
  const params = found.setup && !path.startsWith('objects/') ? await found.setup(s) : {};
  return { ...((await found.body(s, params)) as object), [field]: owner };
}

const rightsFor = (scope: AccessScope): Record<string, ObjectRights> =>
  Object.fromEntries(
    Object.keys(objectDefs).map((k) => [
      k,
      { read: scope, edit: scope, delete: scope, create: true, export: true, import: true, merge: true, bulkEdit: true },
    ]),
  );

const ids = (rows: { id: string }[]) => rows.map((r) => r.id).sort();

describe('the visibility predicate, generated from the registry', () => {
  it('gives every owned object a place in the API', () => {
    expect(owned.length).toBeGreaterThan(0);
    for (const def of owned) {
      expect(paths[def.type], `${def.type} has no path in visibility.test.ts`).toBeDefined();
      expect(ownerField(def), `${def.type}: its owner column is no field`).toBeTruthy();
    }
  });

  it('lets a narrowed member list, get, count, search and export exactly the records of their scope', { timeout: 600_000 }, async () => {
    const owner = await signUp();
    const o = api(owner);
    const [me, peer, sub, boss, outsider] = [
      await addMember(owner, 'member', 'Mia Me'),
      await addMember(owner, 'member', 'Pete Peer'),
      await addMember(owner, 'member', 'Sue Sub'),
      await addMember(owner, 'member', 'Bob Boss'),
      await addMember(owner, 'member', 'Otto Outsider'),
    ];
    // Three levels: Region (Bob) > Sales (Mia, Pete) > Inside (Sue); Otto's team stands apart.
    const region = await createOk(owner, '/teams', { name: 'Region', managerId: boss.memberId });
    const sales = await createOk(owner, '/teams', { name: 'Sales', parentTeamId: region.id });
    const inside = await createOk(owner, '/teams', { name: 'Inside', parentTeamId: sales.id });
    const other = await createOk(owner, '/teams', { name: 'Other' });
    for (const [team, m] of [
      [sales, me],
      [sales, peer],
      [inside, sub],
      [other, outsider],
    ] as const) {
      expect((await o.post(`/teams/${team.id}/members`, { ids: [m.memberId] })).statusCode).toBe(200);
    }
    const reach: Record<AccessScope, Set<string> | null> = {
      none: new Set(),
      own: new Set([me.memberId]),
      team: new Set([me.memberId, peer.memberId]),
      team_and_below: new Set([me.memberId, peer.memberId, sub.memberId]),
      all: null,
    };

    // Per object: a record owned by each member, one with no owner filed by Mia (hers under `own`)
    // and one with no owner filed by the workspace owner.
    const seeded: { def: ObjectDef; path: string; field: string }[] = [];
    for (const def of owned) {
      const path = await paths[def.type](owner);
      const field = ownerField(def);
      for (const m of [me, peer, sub, boss, outsider]) await createOk(owner, `/${path}`, await createBody(owner, path, field, m.memberId));
      await createOk(me, `/${path}`, await createBody(me, path, field, null));
      await createOk(owner, `/${path}`, await createBody(owner, path, field, null));
      seeded.push({ def, path, field });
    }

    const db = await testDatabase();
    const profiles: Partial<Record<AccessScope, string>> = {};
    for (const scope of Object.keys(reach) as AccessScope[]) {
      profiles[scope] = (await createOk(owner, '/access-profiles', { name: `Scope ${scope}`, rights: rightsFor(scope) })).id;
    }

    for (const { def, path, field } of seeded) {
      // Everything of this object, as the owner (unrestricted) sees it.
      const universe = (await o.get(`/${path}?limit=200`)).json().data as Record<string, string | null>[];
      expect(universe.length, def.type).toBeGreaterThanOrEqual(7);
      const searchable = def.search && def.title;
      const [term] = searchable
        ? await db.query<{ term: string }>(
            `select term from search_terms where workspace_id = $1 and record_type = $2 and kind = 'name' and record_id = $3 order by term limit 1`,
            [owner.workspaceId, def.type, universe[0].id],
          )
        : [];
      const types = ['contact', 'company', 'lead', 'deal'].includes(def.type) ? `&types=${def.type}` : '';
      const ownerHits = term ? (await o.get(`/search?q=${encodeURIComponent(term.term)}&limit=50${types}`)).json().data : [];

      for (const [scope, members] of Object.entries(reach) as [AccessScope, Set<string> | null][]) {
        const put = await o.put(`/members/${me.memberId}/access-profile`, { profileId: profiles[scope] });
        expect(put.statusCode, put.body).toBe(200);
        const allowed = (r: Record<string, string | null>) => members === null || members.has((r[field] ?? r.createdBy) as string);
        const expected = ids(universe.filter(allowed) as { id: string }[]);
        const label = `${def.type} with scope ${scope}`;
        const c = api(me);

        expect(ids((await c.get(`/${path}?limit=200`)).json().data), `list: ${label}`).toEqual(expected);
        expect((await c.get(`/${path}?limit=1&count=true`)).json().total, `count: ${label}`).toBe(expected.length);
        const exported = await c.get(`/${path}/export?format=json`);
        expect(exported.statusCode, exported.body).toBe(200);
        expect(ids(JSON.parse(exported.body)), `export: ${label}`).toEqual(expected);
        for (const r of universe) {
          const got = await c.get(`/${path}/${r.id}`);
          expect(got.statusCode, `get ${r.id}: ${label}`).toBe(allowed(r) ? 200 : 404);
        }
        if (term) {
          const hits = (await c.get(`/search?q=${encodeURIComponent(term.term)}&limit=50${types}`)).json().data as {
            type: string;
            id: string;
          }[];
          const byId = new Map(universe.map((r) => [r.id, r]));
          const want = ownerHits
            .filter((h: { type: string; id: string }) => h.type === def.type && allowed(byId.get(h.id) ?? { id: h.id, createdBy: null }))
            .map((h: { id: string }) => h.id)
            .sort();
          expect(want.length > 0 || scope === 'none' || scope === 'own', `search finds seeded ${def.type} records`).toBe(true);
          expect(
            hits
              .filter((h) => h.type === def.type)
              .map((h) => h.id)
              .sort(),
            `search: ${label}`,
          ).toEqual(want);
        }
      }
    }
  });
});

describe('records shared beyond a scope, generated from the registry', () => {
  it('lets a member with scope own reach exactly their own records and those shared with them or their team; only edit shares edit', {
    timeout: 600_000,
  }, async () => {
    const owner = await signUp();
    const o = api(owner);
    const [me, peer, other] = [
      await addMember(owner, 'member', 'Mia Me'),
      await addMember(owner, 'member', 'Pete Peer'),
      await addMember(owner, 'member', 'Olga Other'),
    ];
    const sales = await createOk(owner, '/teams', { name: 'Sales' });
    expect((await o.post(`/teams/${sales.id}/members`, { ids: [me.memberId] })).statusCode).toBe(200);
    const role = await createOk(owner, '/access-profiles', { name: 'Own only', rights: rightsFor('own') });
    expect((await o.put(`/members/${me.memberId}/access-profile`, { profileId: role.id })).statusCode).toBe(200);
    const c = api(me);

    for (const def of owned) {
      const path = await paths[def.type](owner);
      const field = ownerField(def);
      const make = async (m: Session) => (await createOk(owner, `/${path}`, await createBody(owner, path, field, m.memberId))).id;
      const mine = await make(me);
      const readShared = await make(peer);
      const teamShared = await make(peer);
      const editShared = await make(other);
      const unshared = await make(other);
      const sharedElsewhere = await make(other);
      const share = (id: string, body: object) => o.post(`/records/${def.type}/${id}/shares`, body);
      expect((await share(readShared, { memberId: me.memberId, access: 'read' })).statusCode).toBe(201);
      expect((await share(teamShared, { teamId: sales.id, access: 'read' })).statusCode).toBe(201);
      expect((await share(editShared, { memberId: me.memberId, access: 'edit' })).statusCode).toBe(201);
      expect((await share(sharedElsewhere, { memberId: peer.memberId, access: 'edit' })).statusCode).toBe(201);

      const label = def.type;
      const universe = ids((await o.get(`/${path}?limit=200`)).json().data);
      expect(universe, label).toEqual(expect.arrayContaining([mine, readShared, teamShared, editShared, unshared, sharedElsewhere]));
      const expected = [mine, readShared, teamShared, editShared].sort();
      expect(ids((await c.get(`/${path}?limit=200`)).json().data), `list: ${label}`).toEqual(expected);
      expect((await c.get(`/${path}?limit=1&count=true`)).json().total, `count: ${label}`).toBe(expected.length);
      expect(ids(JSON.parse((await c.get(`/${path}/export?format=json`)).body)), `export: ${label}`).toEqual(expected);
      for (const id of universe)
        expect((await c.get(`/${path}/${id}`)).statusCode, `get: ${label}`).toBe(expected.includes(id) ? 200 : 404);

      // Edit: their own and the edit share; a read share is seen, so refused with 403. An activity
      // is changed by the person who logged it alone, whatever their scope (activities.service.ts).
      const editable = def.type === 'activity' ? 403 : 200;
      const generic = path.replace(/^objects\/[^/]+\/records$/, 'objects/:objectKey/records');
      const patch = sample(`PATCH /api/v1/${generic}/:id`);
      if (!patch?.body) throw new Error(`no update sample for ${path}`);
      const body = (await patch.body(me, {})) as object;
      for (const [id, status] of [
        [mine, editable],
        [editShared, editable],
        [readShared, 403],
        [teamShared, 403],
        [unshared, 404],
      ] as const) {
        const r = await c.patch(`/${path}/${id}`, { ...body, version: (await o.get(`/${path}/${id}`)).json().version });
        expect(r.statusCode, `edit ${label}: ${r.body}`).toBe(status);
      }
      // A share never lets anyone delete.
      expect((await c.delete(`/${path}/${editShared}`)).statusCode, `delete ${label}`).toBe(403);
      // Who may share is who may edit: Mia may share her edit share on, not her read share.
      expect((await c.post(`/records/${def.type}/${editShared}/shares`, { memberId: peer.memberId, access: 'read' })).statusCode).toBe(201);
      expect((await c.post(`/records/${def.type}/${readShared}/shares`, { memberId: other.memberId, access: 'read' })).statusCode).toBe(
        403,
      );
      expect((await c.get(`/records/${def.type}/${unshared}/shares`)).statusCode).toBe(404);

      // Taking a share away takes the record out of reach.
      const shares = (await o.get(`/records/${def.type}/${readShared}/shares`)).json().data as { id: string; memberId: string }[];
      expect(shares.map((s) => s.memberId)).toEqual([me.memberId]);
      expect((await o.delete(`/records/${def.type}/${readShared}/shares/${shares[0].id}`)).statusCode).toBe(200);
      expect((await c.get(`/${path}/${readShared}`)).statusCode, `unshared: ${label}`).toBe(404);
    }
  });
});
