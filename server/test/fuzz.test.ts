import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { objectDefs } from '../modules/registry.ts';
import { operatorsByKind } from '../records/filter.ts';
import { type Session, signUp, stillSignedIn, testApp } from './harness.ts';
import { answerOf, type Samples } from './samples.ts';

// Property tests over every operation of the API: random and half-valid input, with valid,
// foreign or no credentials, must never cause a 5xx nor show the other workspace's data.
// The seed is fixed so that CI is repeatable; FUZZ_RUNS / FUZZ_SEED widen it for a long run.

const runs = Number(process.env.FUZZ_RUNS ?? 12);
const seed = Number(process.env.FUZZ_SEED ?? 20261122);
const found = import.meta.glob(['../modules/**/*.samples.ts', '../jobs/*.samples.ts'], { eager: true }) as Record<
  string,
  { samples: Samples }
>;
const samples: Samples = Object.assign({}, ...Object.values(found).map((m) => m.samples));
const app = await testApp();

const json = fc.jsonValue({ maxDepth: 3 });
const body = fc.oneof(json, fc.dictionary(fc.string({ maxLength: 12 }), json, { maxKeys: 6 }));

/**
 * The other workspace's member, one for all routes (a sign-up costs more than a route's runs), checked
 * with a plain read before each route: random calls of its own may have signed it out or barred it.
 */
let strangerSession: Session | null = null;
async function stranger() {
  strangerSession = await stillSignedIn(strangerSession, { workspaceName: 'Other Co' });
  return strangerSession;
}

describe.each(app.routeTable.map((r) => [`${r.method} ${r.url}`, r] as const))('%s', (key, route) => {
  it('never fails with 5xx or leaks another workspace, whatever it is sent', async () => {
    const owner: Session = await signUp();
    const other: Session = await stranger();
    const sample = samples[key] ?? {};
    const params = sample.setup ? await sample.setup(owner) : {};
    const valid = sample.body ? ((await sample.body(owner, params)) as Record<string, unknown>) : {};
    const secrets = [owner.workspaceId, ...Object.entries(params).flatMap(([k, v]) => (sample.publicParams?.includes(k) ? [] : [v]))];
    // A route that takes a file (CSV) gets random text, and the valid file with random rows appended.
    const text = sample.contentType
      ? fc.oneof(
          fc.string({ maxLength: 300 }),
          fc
            .array(fc.array(fc.string({ maxLength: 12 }), { maxLength: 5 }), { maxLength: 6 })
            .map((rows) => `${String(valid)}${rows.map((r) => r.join(',')).join('\r\n')}`),
        )
      : null;
    const contentType = sample.contentType ? { 'content-type': sample.contentType } : {};
    await fc.assert(
      fc.asyncProperty(
        text ??
          fc.oneof(
            body,
            fc.dictionary(fc.constantFrom(...Object.keys(valid), 'extra'), json).map((d) => ({ ...valid, ...d })),
          ),
        fc.constantFrom<'owner' | 'stranger' | 'none'>('owner', 'stranger', 'none'),
        fc.boolean(),
        async (payload, who, realId) => {
          let url = route.url;
          for (const [k, v] of Object.entries(params)) url = url.replace(`:${k}`, realId ? v : '00000000-0000-7000-8000-000000000000');
          url = url.replace(/:\w+/g, 'not-a-uuid');
          // The sample's query too: a stream (GET /live) ends at once only when asked to.
          if (sample.query) url += `?${sample.query}`;
          const headers = { ...(who === 'owner' ? owner.headers : who === 'stranger' ? other.headers : {}), ...contentType };
          const res = await app.inject({
            method: route.method as 'POST',
            url,
            headers,
            ...(route.method === 'GET' || route.method === 'DELETE' ? {} : { payload: payload as object }),
          });
          expect(res.statusCode, `${res.statusCode} ${res.body.slice(0, 300)} ← ${JSON.stringify(payload).slice(0, 200)}`).toBeLessThan(
            500,
          );
          if (who !== 'owner' && route.permission !== 'public') {
            const { instance: _echo, ...answer } = answerOf(res);
            for (const s of secrets) expect(JSON.stringify(answer)).not.toContain(s);
          }
        },
      ),
      { numRuns: runs, seed },
    );
  });
});

/** Filters built from the real field names and operators, with values of every JSON shape. */
describe.each(
  Object.entries(objectDefs).map(([type, def]) => {
    // A custom object's records are listed under /objects/{key}/records (a sample object is made below).
    const path =
      type === 'custom_record'
        ? '/api/v1/objects/:objectKey/records'
        : app.routeTable.find((r) => r.method === 'GET' && r.url.endsWith(`/${pluralOf(type)}`))?.url;
    return [type, def, path] as const;
  }),
)('%s list filters', (type, def, listPath) => {
  it('compile to SQL or answer 400, never 5xx', async () => {
    expect(listPath).toBeDefined();
    const owner = await signUp();
    let path = listPath as string;
    if (type === 'custom_record') {
      const { sampleObject } = await import('../modules/objects/objects.samples.ts');
      path = path.replace(':objectKey', (await sampleObject(owner)).objectKey);
    }
    const fields = Object.keys(def.fields);
    const ops = [...new Set(Object.values(operatorsByKind).flat()), 'regex', ''];
    const leaf = fc.record({
      field: fc.constantFrom(...fields, 'custom.nope', 'custom.phase', '__proto__'),
      op: fc.constantFrom(...ops),
      value: fc.oneof(
        json,
        fc.uuid(),
        fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
      ),
    });
    const tree = fc.letrec((tie) => ({
      node: fc.oneof(
        { depthSize: 'small', withCrossShrink: true },
        leaf,
        fc.record({ and: fc.array(tie('node'), { maxLength: 3 }) }),
        fc.record({ or: fc.array(tie('node'), { maxLength: 3 }) }),
        fc.record({ not: tie('node') }),
      ),
    })).node;
    const sort = fc.array(fc.constantFrom(...fields, '-updatedAt', 'custom.x', ''), { maxLength: 4 }).map((a) => a.join(','));
    await fc.assert(
      fc.asyncProperty(tree, sort, fc.option(fc.string({ maxLength: 40 })), async (filter, s, cursor) => {
        const q = new URLSearchParams({ filter: JSON.stringify(filter), sort: s, ...(cursor ? { cursor } : {}) });
        const res = await app.inject({ method: 'GET', url: `${path}?${q}`, headers: owner.headers });
        expect(res.statusCode, `${res.body.slice(0, 300)} ← ${q}`).toBeLessThan(500);
      }),
      { numRuns: runs * 4, seed },
    );
  });
});

function pluralOf(type: string) {
  return ({ company: 'companies', activity: 'activities' } as Record<string, string>)[type] ?? `${type}s`;
}

/** JSON text nested `levels` deep, built as text: building it as a value and stringifying it would itself overflow the stack. */
const deepArray = (levels: number) => `${'['.repeat(levels)}${']'.repeat(levels)}`;
const deepObject = (levels: number) => `${'{"a":'.repeat(levels)}1${'}'.repeat(levels)}`;

/**
 * A workspace shared by the deep-nesting checks, whose calls with a body are refused before a handler
 * runs (one that reads no body runs: signing out). A fresh one when its session no longer reads, or
 * when a route's setup cannot run in it again (two-factor turned on twice).
 */
let deepOwner: Session | null = null;
async function arranged(sample: Samples[string]) {
  deepOwner = await stillSignedIn(deepOwner);
  const make = async (owner: Session) => {
    const params = sample.setup ? await sample.setup(owner) : {};
    const valid = sample.body ? ((await sample.body(owner, params)) as Record<string, unknown>) : {};
    return { owner, params, valid };
  };
  try {
    return await make(deepOwner);
  } catch {
    deepOwner = await signUp();
    return make(deepOwner);
  }
}

describe('deeply nested bodies', () => {
  const writes = app.routeTable.filter((r) => r.method !== 'GET' && r.method !== 'DELETE');
  it.each(writes.map((r) => [`${r.method} ${r.url}`, r] as const))(
    '%s answers 4xx to 100,000 levels, signed in or not',
    async (key, route) => {
      const sample = samples[key] ?? {};
      if (sample.contentType) return; // a file body is bytes, never parsed as JSON
      const { owner, params, valid } = await arranged(sample);
      let url = route.url;
      for (const [k, v] of Object.entries(params)) url = url.replace(`:${k}`, v);
      url = url.replace(/:\w+/g, '00000000-0000-7000-8000-000000000000');
      // Deep values at the top, and in place of each field of a valid body (a filter, custom values, an email …).
      const field = (name: string, deep: string) =>
        `{${Object.entries(valid)
          .map(([k, v]) => `${JSON.stringify(k)}:${k === name ? deep : JSON.stringify(v)}`)
          .join(',')}}`;
      const bodies = [deepArray(100_000), deepObject(100_000), deepObject(5_000)];
      for (const name of Object.keys(valid)) bodies.push(field(name, deepArray(20_000)), field(name, deepObject(20_000)));
      for (const payload of bodies) {
        for (const headers of [owner.headers, {}]) {
          const res = await app.inject({
            method: route.method as 'POST',
            url,
            headers: { ...headers, 'content-type': 'application/json' },
            payload,
          });
          expect(res.statusCode, `${res.statusCode} ${res.body.slice(0, 200)} ← ${payload.slice(0, 60)}`).toBeLessThan(500);
          // A route that reads a body refuses it before any handler runs; one that reads none ignores it.
          if (Object.keys(valid).length && (route.permission === 'public' || headers === owner.headers)) expect(res.statusCode).toBe(400);
        }
      }
    },
  );
});
