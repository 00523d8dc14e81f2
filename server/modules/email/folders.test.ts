import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Mailbox } from '../../../contract/email.ts';
import { api, signUp, testApp } from '../../test/harness.ts';
import { type MailServers, rawMessage, startMailServers } from './mail-servers.fixture.ts';
import { connect, contact, emailTimeline, mid, q, synced, syncNow } from './mailbox.fixture.ts';

// Folders besides INBOX and Sent against the real Dovecot: listed from the server, picked by the
// owner, synced like the others, and a picked folder that disappeared said in words.

let servers: MailServers;
beforeAll(async () => {
  await testApp();
  servers = await startMailServers();
}, 60_000);
afterAll(() => servers?.stop());

let n = 0;
const user = (what: string) => servers.addUser(`${what}${Date.now().toString(36)}${++n}`);

describe('folders', () => {
  it('lists the server’s folders, syncs the ones picked, and says when a picked one is gone', async () => {
    const s = await signUp();
    const u = await user('fold');
    const carla = await contact(s, 'carla@customer.example.test');
    const c = await servers.client(u);
    try {
      await c.mailboxCreate('Projects');
      await c.mailboxCreate('Archive');
    } finally {
      await c.logout();
    }
    const inProjects = mid('proj');
    await servers.append(
      u,
      'Projects',
      rawMessage({ from: 'carla@customer.example.test', to: u.address, subject: 'Project plan', messageId: inProjects }),
    );
    await servers.append(
      u,
      'Archive',
      rawMessage({ from: 'carla@customer.example.test', to: u.address, subject: 'Old stuff', messageId: mid('arch') }),
    );
    const mb = await connect(s, servers, u);
    await synced(s, mb.id);
    expect(await emailTimeline(s, `/contacts/${carla}`)).toEqual([]);

    const listed = await api(s).get(`/mailboxes/${mb.id}/folders`);
    expect(listed.statusCode, listed.body).toBe(200);
    expect(listed.json().data.map((f: { path: string; role: string | null; selected: boolean }) => [f.path, f.role, f.selected])).toEqual([
      ['INBOX', 'inbox', true],
      ['Archive', null, false],
      ['Projects', null, false],
      ['Sent', 'sent', true],
    ]);

    const picked = await api(s).patch(`/mailboxes/${mb.id}`, { folders: ['Projects', 'Vanished'] });
    expect(picked.statusCode, picked.body).toBe(200);
    const after = await syncNow(s, mb.id);
    expect(after.health.state).toBe('ok');
    expect(after.health.lastError).toBe('folder Vanished not found on the server (picked to sync; renamed or deleted?)');
    expect(after.health.folders.map((f) => [f.path, f.role, f.messages])).toEqual([
      ['INBOX', 'inbox', 0],
      ['Sent', 'sent', 0],
      ['Projects', 'folder', 1],
    ]);
    expect((await emailTimeline(s, `/contacts/${carla}`)).map((a) => a.subject)).toEqual(['Project plan']);
    const rows = await q<{ folder: string }>('select folder from mailbox_messages where workspace_id = $1 and mailbox_id = $2', [
      s.workspaceId,
      mb.id,
    ]);
    expect(rows).toEqual([{ folder: 'Projects' }]);
    // Synced again: nothing doubles; dropped from the list, it is no longer shown.
    await syncNow(s, mb.id);
    expect((await emailTimeline(s, `/contacts/${carla}`)).length).toBe(1);
    const dropped = (await api(s).patch(`/mailboxes/${mb.id}`, { folders: [] })).json() as Mailbox;
    expect(dropped.health.folders.map((f) => f.path)).toEqual(['INBOX', 'Sent']);
  });

  it('says in words when the server cannot be reached to list its folders', async () => {
    const s = await signUp();
    const u = await user('folddown');
    const mb = await connect(s, servers, u);
    await synced(s, mb.id);
    await q('update mailboxes set imap_port = 1 where workspace_id = $1 and id = $2', [s.workspaceId, mb.id]);
    const r = await api(s).get(`/mailboxes/${mb.id}/folders`);
    expect(r.statusCode).toBe(502);
    expect(r.json().detail).toBe('cannot reach 127.0.0.1:1: the connection was refused');
    const dup = await api(s).patch(`/mailboxes/${mb.id}`, { folders: ['A', 'A'] });
    expect(dup.statusCode).toBe(400);
    expect(dup.json().errors[0].field).toBe('body.folders');
  });
});
