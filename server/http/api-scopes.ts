import type { ApiKeyRight } from '../../contract/auth.ts';
import type { Permission } from './context.ts';

/**
 * What an API key's scope names, for any route: the object is the route's first path segment under
 * /api/v1 (`/api/v1/deals/:id/history` → `deals`), so a new route falls under its object's scope
 * without anyone listing it, and a new top-level path becomes a scope of its own. A few segments
 * are one object to the person choosing scopes and share its name (email's many parts; a custom
 * object's records and its timeline; the account routes). The right is read for GET and write for
 * every other method: GET never changes anything here, so a read-only key cannot change anything
 * either (a route's declared permission would not do: marking a notification read is a POST that a
 * read-only member may make).
 */
const sameObject: Record<string, string> = {
  'email-threads': 'emails',
  'email-templates': 'emails',
  'email-signatures': 'emails',
  'email-outbox': 'emails',
  'email-settings': 'emails',
  mailboxes: 'emails',
  'custom-records': 'objects',
  auth: 'account',
  me: 'account',
  invitations: 'members',
  'password-resets': 'members',
  merges: 'duplicates',
};

export function scopeObjectOf(url: string) {
  const segment = url.replace(/^\/api\/v1\//, '').split(/[/?]/)[0];
  return sameObject[segment] ?? segment;
}

export const rightOf = (method: string): ApiKeyRight => (method === 'GET' || method === 'HEAD' ? 'read' : 'write');

/** The scope a route needs, e.g. `contacts:read`. */
export const scopeFor = (method: string, url: string) => `${scopeObjectOf(url)}:${rightOf(method)}`;

/** Whether a key's scopes cover a needed one: `all` covers everything, `x:write` covers `x:read`. */
export function scopesAllow(scopes: readonly string[], needed: string) {
  if (scopes.includes('all') || scopes.includes(needed)) return true;
  const [object, right] = needed.split(':');
  return right === 'read' && scopes.includes(`${object}:write`);
}

/** Every object a key may be scoped to: those of the routes a key can call, from the route table. */
export function scopeObjects(routes: readonly { url: string; permission: Permission }[]) {
  const objects = new Set<string>();
  for (const r of routes) if (r.url.startsWith('/api/v1/') && r.permission !== 'public') objects.add(scopeObjectOf(r.url));
  return [...objects].sort();
}
