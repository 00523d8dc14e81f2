import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type MailServers, startMailServers } from './mail-servers.fixture.ts';

// The fixture's password changes are what the rejected-password specs stand on: a change Dovecot
// does not see turns those specs red at random (it did in CI).

let servers: MailServers;
beforeAll(async () => {
  servers = await startMailServers();
}, 60_000);
afterAll(() => servers?.stop());

describe('mail servers fixture', () => {
  it('a password changed at once to one of the same length is the one that logs in', async () => {
    const u = await servers.addUser('samelength', 'first-password-1');
    // Same size, same second as the first write: Dovecot compares only the size and the mtime in seconds.
    await servers.addUser(u.user, 'other-password-2');
    await expect(servers.client(u)).rejects.toThrow();
    const c = await servers.client({ ...u, password: 'other-password-2' });
    await c.logout();
  });
});
