import { describe, expect, it } from 'vitest';
import type { Permission } from '../http/context.ts';
import { addMember, type Session, signUp, stillSignedIn, testApp } from './harness.ts';
import { answerOf, type RouteSample, type Samples } from './samples.ts';

// Generated from the live route table: every /api/v1 route is called without credentials, from
// another workspace, with a role below its permission, and by the owner. A new route without a
// sample in its module's *.samples.ts fails here, so no route is ever left unchecked.

const found = import.meta.glob(['../modules/**/*.samples.ts', '../jobs/*.samples.ts'], { eager: true }) as Record<
  string,
  { samples: Samples }
>;
const samples: Samples = Object.assign({}, ...Object.values(found).map((m) => m.samples));
const app = await testApp();
const routes = [...app.routeTable].sort((a, b) => `${a.url} ${a.method}`.localeCompare(`${b.url} ${b.method}`));

const below: Record<Exclude<Permission, 'public' | 'read'>, 'read-only' | 'member' | 'admin'> = {
  write: 'read-only',
  admin: 'member',
  owner: 'admin',
};

async function call(
  route: { method: string; url: string },
  s: Session | null,
  sample: RouteSample,
  params: Record<string, string>,
  bodyFrom: Session,
) {
  let url = route.url;
  for (const [k, v] of Object.entries(params)) url = url.replace(`:${k}`, v);
  if (sample.query) url += `?${sample.query}`;
  const body = sample.body ? await sample.body(bodyFrom, params) : undefined;
  return app.inject({
    method: route.method as 'GET',
    url,
    headers: {
      ...(s?.headers ?? {}),
      ...(sample.contentType ? { 'content-type': sample.contentType } : {}),
      ...(sample.headers ? sample.headers(bodyFrom, params, body) : {}),
    },
    ...(body !== undefined ? { payload: body as object } : route.method !== 'GET' && route.method !== 'DELETE' ? { payload: {} } : {}),
  });
}

const pathParams = (url: string) => [...url.matchAll(/:(\w+)/g)].map((m) => m[1]);

describe('route table', () => {
  it('has a sample for every route', () => {
    const missing = routes.map((r) => `${r.method} ${r.url}`).filter((k) => !samples[k]);
    expect(missing).toEqual([]);
  });

  it('declares a permission on every route', () => {
    expect(routes.length).toBeGreaterThan(20);
    for (const r of routes) expect(['public', 'read', 'write', 'admin', 'owner']).toContain(r.permission);
  });
});

/**
 * The other workspace's member, one for all routes: a sign-up costs more than most calls it makes
 * possible. Checked before each use with a plain read; a route that ended its session (signing out)
 * or barred it (the workspace now demands two-factor sign-in) gets a new one.
 */
let strangerSession: Session | null = null;
async function stranger() {
  strangerSession = await stillSignedIn(strangerSession, { workspaceName: 'Other Co' });
  return strangerSession;
}

describe.each(routes.map((r) => [`${r.method} ${r.url}`, r] as const))('%s', (key, route) => {
  const sample = samples[key] ?? {};
  // One workspace and one sample's data for the route's tests: those before the owner's own call
  // expect refusals and change nothing, and the owner's test comes last (a sign-up and a setup per
  // test made this suite the slowest of all, ten minutes of the embedded run).
  let arranged: Promise<{ owner: Session; params: Record<string, string> }> | undefined;
  const arrange = () => {
    arranged ??= (async () => {
      const owner = await signUp();
      return { owner, params: sample.setup ? await sample.setup(owner) : {} };
    })();
    return arranged;
  };
  // Only params that name data of the workspace must be 404 to a stranger: a public one (a kind of
  // thing, a ready-made rule's key) is the same for everyone.
  const hasParams = pathParams(route.url).filter((p) => !sample.publicParams?.includes(p)).length > 0;

  if (route.permission !== 'public') {
    it('answers 401 without credentials', async () => {
      const { owner, params } = await arrange();
      const res = await call(route, null, sample, params, owner);
      expect(res.statusCode).toBe(401);
      expect(res.headers['content-type']).toContain('application/problem+json');
    });

    it('does not let another workspace see or touch the data', async () => {
      const { owner, params } = await arrange();
      const res = await call(route, await stranger(), sample, params, owner);
      expect(res.statusCode).toBeLessThan(500);
      if (hasParams) expect(res.statusCode).toBe(404);
      // Whatever it answers, nothing of the first workspace may appear in it (the problem's
      // `instance` only echoes the path the stranger sent).
      const { instance: _echo, ...answer } = answerOf(res);
      const text = JSON.stringify(answer);
      const secrets = Object.entries(params).flatMap(([k, v]) => (sample.publicParams?.includes(k) ? [] : [v]));
      for (const id of [owner.workspaceId, owner.memberId, ...secrets]) expect(text).not.toContain(id);
    });

    if (route.permission !== 'read') {
      const role = below[route.permission];
      it(`answers 403 to a ${role} member`, async () => {
        const { owner, params } = await arrange();
        const weak = await addMember(owner, role);
        const res = await call(route, weak, sample, params, owner);
        expect(res.statusCode).toBe(403);
      });
    }
  }

  it('works for the workspace owner', async () => {
    const { owner, params } = await arrange();
    const res = await call(route, route.permission === 'public' ? null : owner, sample, params, owner);
    if (sample.ok) expect(res.statusCode, res.body).toBe(sample.ok);
    else expect(res.statusCode, res.body).toBeLessThan(300);
  });
});
