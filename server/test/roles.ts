import { objectDefs } from '../modules/registry.ts';
import { api, type Session } from './harness.ts';
import { createOk } from './samples.ts';

/** Every right on an object, over all its records: the start of a role a test narrows in one place. */
export const openRights = {
  read: 'all',
  edit: 'all',
  delete: 'all',
  create: true,
  export: true,
  import: true,
  merge: true,
  bulkEdit: true,
} as const;

/**
 * Makes a role named `name` with every object open but for `rights` (by object type), and gives it
 * to member `memberId` of the owner's workspace. Returns the role.
 */
export async function giveRole(owner: Session, memberId: string, name: string, rights: Record<string, unknown>) {
  const all = Object.fromEntries(Object.keys(objectDefs).map((type) => [type, openRights]));
  const role = await createOk(owner, '/access-profiles', { name, rights: { ...all, ...rights } });
  const r = await api(owner).put(`/members/${memberId}/access-profile`, { profileId: role.id });
  if (r.statusCode !== 200) throw new Error(`giving the role "${name}" → ${r.statusCode} ${r.body}`);
  return role;
}
