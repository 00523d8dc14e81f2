import { describe, expect, it } from 'vitest';
import { api, signUp, testApp } from '../test/harness.ts';
import { scopeFor, scopeObjectOf, scopeObjects, scopesAllow } from './api-scopes.ts';

const app = await testApp();
const keyRoutes = app.routeTable.filter((r) => r.url.startsWith('/api/v1/') && r.permission !== 'public');

describe('the scope of every route, from the route table', () => {
  const objects = scopeObjects(app.routeTable);

  it.each(keyRoutes.map((r) => [`${r.method} ${r.url}`, r] as const))('%s needs a scope a key can be given', (_key, r) => {
    const scope = scopeFor(r.method, r.url);
    expect(objects).toContain(scope.split(':')[0]);
    // Only `all` or that scope (or its write) opens it: no other object's scope does.
    expect(scopesAllow(['all'], scope)).toBe(true);
    expect(scopesAllow([scope], scope)).toBe(true);
    expect(
      scopesAllow(
        objects.filter((o) => o !== scope.split(':')[0]).map((o) => `${o}:write`),
        scope,
      ),
    ).toBe(false);
  });

  it('reads the right from the method: read for GET, write for every other', () => {
    expect(scopeFor('GET', '/api/v1/contacts/:id')).toBe('contacts:read');
    expect(scopeFor('PATCH', '/api/v1/contacts/:id')).toBe('contacts:write');
    expect(scopeFor('GET', '/api/v1/jobs')).toBe('jobs:read');
    // A POST that a read-only member may make still changes something: it needs write.
    expect(scopeFor('POST', '/api/v1/notifications/:id/read')).toBe('notifications:write');
    expect(scopeObjectOf('/api/v1/objects/:objectKey/records/:id')).toBe('objects');
    expect(scopeObjectOf('/api/v1/email-templates/:id')).toBe('emails');
    expect(scopesAllow(['deals:write'], 'deals:read')).toBe(true);
    expect(scopesAllow(['deals:read'], 'deals:write')).toBe(false);
  });
});

describe('scopes over HTTP, for every object of the registry', () => {
  // One key per object with only that object's read scope: it reads its own list, and no other.
  const lists = app.routeTable.filter((r) => r.method === 'GET' && /^\/api\/v1\/[a-z-]+$/.test(r.url) && r.permission === 'read');

  it('opens each top-level list to its own scope only', async () => {
    const owner = await signUp();
    const sample = lists.filter((r) => ['contacts', 'companies', 'deals', 'tasks', 'leads', 'activities'].includes(scopeObjectOf(r.url)));
    expect(sample.length).toBe(6);
    for (const route of sample) {
      const object = scopeObjectOf(route.url);
      const { key } = (await api(owner).post('/api-keys', { name: object, role: 'read-only', scopes: [`${object}:read`] })).json();
      for (const other of sample) {
        const r = await api(null).get(other.url.replace('/api/v1', ''), { authorization: `Bearer ${key}` });
        expect(r.statusCode, `${object} key on ${other.url}`).toBe(other === route ? 200 : 403);
      }
    }
  });
});
