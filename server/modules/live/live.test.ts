import { beforeAll, describe, expect, it } from 'vitest';
import { addMember, api, signUp, testAppUrl, testDatabase } from '../../test/harness.ts';
import { notify } from '../notifications/notifications.service.ts';
import type { LiveChange } from './feed.ts';

// Live updates over a real HTTP connection (a stream cannot be read through inject): a page opens
// /api/v1/live and hears of every change others make in its workspace, and of nothing else.

let base = '';
beforeAll(async () => {
  base = await testAppUrl();
});

/** Opens a stream as `headers` and collects its `change` events until `stop()`. */
async function listen(headers: Record<string, string>, seconds = 30) {
  const abort = new AbortController();
  const res = await fetch(`${base}/api/v1/live?seconds=${seconds}`, { headers, signal: abort.signal });
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toContain('text/event-stream');
  const changes: LiveChange[] = [];
  const events: string[] = [];
  const ids: string[] = [];
  let ready!: () => void;
  const isReady = new Promise<void>((r) => (ready = r));
  const done = (async () => {
    const reader = (res.body as ReadableStream<Uint8Array>).getReader();
    const decoder = new TextDecoder();
    let buf = '';
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        buf += decoder.decode(value, { stream: true });
        let i = buf.indexOf('\n\n');
        while (i >= 0) {
          const block = buf.slice(0, i);
          buf = buf.slice(i + 2);
          const event = /^event: (.*)$/m.exec(block)?.[1];
          const data = /^data: (.*)$/m.exec(block)?.[1];
          const id = /^id: (.*)$/m.exec(block)?.[1];
          if (event) events.push(event);
          if (id) ids.push(id);
          if (event === 'ready') ready();
          if (event === 'change' && data) changes.push(JSON.parse(data));
          i = buf.indexOf('\n\n');
        }
      }
    } catch {
      // aborted
    }
  })();
  await isReady;
  return { changes, events, ids, done, stop: () => abort.abort() };
}

async function until(done: () => boolean, ms = 10_000) {
  const deadline = Date.now() + ms;
  while (!done()) {
    if (Date.now() > deadline) throw new Error('gave up waiting');
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('live updates', () => {
  it('tells a page of changes others make in its workspace, in order, and nothing of another workspace', async () => {
    const owner = await signUp();
    const member = await addMember(owner, 'member');
    const stranger = await signUp({ workspaceName: 'Elsewhere' });
    const page = await listen(member.headers);
    const strangers = await listen(stranger.headers);
    const c = (await api(owner).post('/companies', { name: 'Live Co' })).json();
    await api(owner).patch(`/companies/${c.id}`, { version: c.version, name: 'Live Inc' });
    await api(stranger).post('/companies', { name: 'Not yours' });
    await until(() => page.changes.filter((x) => x.recordId === c.id).length === 2);
    expect(page.changes.filter((x) => x.recordId === c.id)).toMatchObject([
      { type: 'company.created', recordType: 'company', actorId: owner.memberId },
      { type: 'company.updated', recordType: 'company', actorId: owner.memberId },
    ]);
    // No record data travels: the page reads the record through the API and its permissions.
    expect(Object.keys(page.changes[0]).sort()).toEqual(['actorId', 'at', 'recordId', 'recordType', 'type']);
    await until(() => strangers.changes.length === 1);
    expect(page.changes.some((x) => x.actorId === stranger.memberId)).toBe(false);
    expect(JSON.stringify(strangers.changes)).not.toContain(c.id);
    page.stop();
    strangers.stop();
  });

  it('leaves out what is private: another member’s saved view and the workspace’s API keys', async () => {
    const owner = await signUp();
    const member = await addMember(owner, 'member');
    const page = await listen(member.headers);
    expect((await api(owner).post('/views', { name: 'Mine only', objectType: 'contact', visibility: 'private' })).statusCode).toBe(201);
    expect((await api(owner).post('/api-keys', { name: 'ci', role: 'member' })).statusCode).toBe(201);
    const marker = (await api(owner).post('/contacts', { firstName: 'After' })).json();
    await until(() => page.changes.some((x) => x.recordId === marker.id));
    expect(page.changes.map((x) => x.recordType)).toContain('contact');
    expect(page.changes.filter((x) => x.recordType === 'saved_view' || x.recordType === 'api_key')).toEqual([]);
    page.stop();
  });

  it('tells a member narrowed by a role only of records the role lets them read, in order', async () => {
    const owner = await signUp();
    const member = await addMember(owner, 'member', 'Narrow Nell');
    const rights = { read: 'own', edit: 'own', delete: 'own', create: true, export: true, import: true, merge: true, bulkEdit: true };
    const profile = (
      await api(owner).post('/access-profiles', {
        name: 'Own contacts',
        rights: { contact: rights, company: { ...rights, read: 'all', edit: 'all', delete: 'all' } },
      })
    ).json();
    expect((await api(owner).put(`/members/${member.memberId}/access-profile`, { profileId: profile.id })).statusCode).toBe(200);
    const page = await listen(member.headers);
    const others = (await api(owner).post('/contacts', { firstName: 'Not', lastName: 'Hers' })).json();
    const hers = (await api(owner).post('/contacts', { firstName: 'Is', lastName: 'Hers', ownerId: member.memberId })).json();
    await api(owner).patch(`/contacts/${others.id}`, { version: others.version, lastName: 'Still not hers' });
    await api(owner).patch(`/contacts/${hers.id}`, { version: hers.version, lastName: 'Still hers' });
    // Companies, which the role leaves open, are announced as before.
    const co = (await api(owner).post('/companies', { name: 'Open Co' })).json();
    await until(() => page.changes.some((x) => x.recordId === co.id));
    expect(page.changes.filter((x) => x.recordType === 'contact').map((x) => [x.type, x.recordId])).toEqual([
      ['contact.created', hers.id],
      ['contact.updated', hers.id],
    ]);
    expect(JSON.stringify(page.changes)).not.toContain(others.id);
    page.stop();
  });

  it('pushes a notification to its member alone', async () => {
    const owner = await signUp();
    const member = await addMember(owner, 'member');
    const theirs = await listen(member.headers);
    const others = await listen(owner.headers);
    const { db } = await testDatabase();
    const ctx = {
      workspaceId: owner.workspaceId,
      memberId: owner.memberId,
      actor: { type: 'system' as const, id: null },
      role: 'owner' as const,
      requestId: null,
    };
    const n = await notify(db, ctx, { memberId: member.memberId, title: 'For you' });
    const marker = (await api(owner).post('/contacts', { firstName: 'After' })).json();
    await until(() => theirs.changes.some((x) => x.recordId === marker.id) && others.changes.some((x) => x.recordId === marker.id));
    expect(theirs.changes.filter((x) => x.recordId === n.id)).toMatchObject([{ type: 'notification.created', memberId: member.memberId }]);
    expect(others.changes.filter((x) => x.recordType === 'notification')).toEqual([]);
    theirs.stop();
    others.stop();
  });

  it('gives a page that reconnects what it missed while away, and `reset` when it cannot', async () => {
    const owner = await signUp();
    const member = await addMember(owner, 'member');
    const first = await listen(member.headers);
    const lastSeen = first.ids[first.ids.length - 1];
    expect(lastSeen).toMatch(/^\d+\.\d+$/);
    first.stop();
    const c = (await api(owner).post('/companies', { name: 'While away' })).json();
    await api(owner).patch(`/companies/${c.id}`, { version: c.version, name: 'While away Inc' });
    const back = await listen({ ...member.headers, 'last-event-id': lastSeen });
    await until(() => back.changes.filter((x) => x.recordId === c.id).length === 2);
    expect(back.changes.filter((x) => x.recordId === c.id).map((x) => x.type)).toEqual(['company.created', 'company.updated']);
    // Sent once, though the feed also read them while the page caught up.
    await new Promise((r) => setTimeout(r, 500));
    expect(back.changes.filter((x) => x.recordId === c.id)).toHaveLength(2);
    back.stop();
    const lost = await listen({ ...member.headers, 'last-event-id': 'not-a-position' });
    expect(lost.events[0]).toBe('reset');
    lost.stop();
  });

  it('ends the stream when asked, and refuses a page without a session', async () => {
    const owner = await signUp();
    const page = await listen(owner.headers, 1);
    const ended = await Promise.race([page.done.then(() => true), new Promise((r) => setTimeout(() => r(false), 8_000))]);
    expect(ended).toBe(true);
    expect(page.events[0]).toBe('ready');
    const res = await fetch(`${base}/api/v1/live`);
    expect(res.status).toBe(401);
  });
});
