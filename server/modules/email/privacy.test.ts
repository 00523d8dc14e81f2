import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addMember, api, signUp, testApp } from '../../test/harness.ts';
import { type MailServers, rawMessage, startMailServers } from './mail-servers.fixture.ts';
import { connect, contact, emailTimeline, mid, q, storedEmail, synced } from './mailbox.fixture.ts';

// Privacy of synced mail: a private mailbox's threads show others that an email happened (date,
// participants), never its subject, text or attachments — not on the timeline, not through the
// email routes, not in the activity row itself.

let servers: MailServers;
beforeAll(async () => {
  await testApp();
  servers = await startMailServers();
}, 60_000);
afterAll(() => servers?.stop());

let n = 0;
const user = (what: string) => servers.addUser(`${what}${Date.now().toString(36)}${++n}`);

describe('privacy', () => {
  it('keeps a private mailbox’s email to its owner, shows others that it happened, and shares a thread on request', async () => {
    const owner = await signUp();
    const colleague = await addMember(owner, 'member');
    const admin = await addMember(owner, 'admin');
    const u = await user('priv');
    const carla = await contact(owner, 'carla@customer.example.test');
    const id = mid('secret');
    await servers.append(
      u,
      'INBOX',
      rawMessage({
        from: 'Carla <carla@customer.example.test>',
        to: u.address,
        subject: 'Salary question',
        messageId: id,
        text: 'Very private',
        html: '<p>Very private, <img src="https://images.example.test/salary.png" alt="chart"></p>',
      }),
    );
    const mb = await connect(owner, servers, u, { privacy: 'private' });
    await synced(owner, mb.id);
    const stored = await storedEmail(owner, id);

    // The activity row holds no content at all: nothing to leak through lists, filters, events or history.
    const [row] = await q<{ subject: string | null; body: string | null; private: boolean }>(
      'select subject, body, private from activities where workspace_id = $1 and id = $2',
      [owner.workspaceId, stored.activity_id],
    );
    expect(row).toEqual({ subject: null, body: null, private: true });
    const [event] = await q<{ payload: { subject: string } }>(
      `select payload from domain_events where workspace_id = $1 and type = 'email.received'`,
      [owner.workspaceId],
    );
    expect(event.payload.subject).toBe('');

    for (const who of [colleague, admin]) {
      const [entry] = await emailTimeline(who, `/contacts/${carla}`);
      expect(entry).toMatchObject({ private: true, subject: null, body: null, outcome: 'received' });
      const read = await api(who).get(`/activities/${entry.id}/email`);
      expect(read.statusCode).toBe(200);
      expect(read.json()).toMatchObject({
        private: true,
        yours: false,
        shared: false,
        subject: '',
        text: '',
        html: null,
        attachments: [],
        from: { address: 'carla@customer.example.test', name: 'Carla' },
        to: [{ address: u.address, name: '' }],
      });
      expect(read.body).not.toContain('Salary');
      expect(read.body).not.toContain('Very private');
      expect((await api(who).get(`/emails/${stored.id}`)).body).not.toContain('Salary');
      expect((await api(who).get(`/email-threads/${stored.thread_id}`)).body).not.toContain('Salary');
      // Nor its framed document (the HTML the record page shows).
      const frame = await api(who).get(`/emails/${stored.id}/frame?images=true`);
      expect(frame.statusCode).toBe(404);
      expect(frame.body).not.toContain('Very private');
      // Nobody but the mailbox's owner shares it: not a colleague, not an admin.
      const share = await api(who).patch(`/email-threads/${stored.thread_id}`, { shared: true });
      expect(share.statusCode).toBe(403);
    }
    // The owner's frame: the document under a CSP of its own, remote images only once asked for.
    const framed = await api(owner).get(`/emails/${stored.id}/frame`);
    expect(framed.statusCode).toBe(200);
    expect(framed.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(framed.headers['content-security-policy']).toContain("img-src 'none'");
    expect(framed.headers['content-security-policy']).toContain('sandbox allow-popups');
    expect(framed.headers['content-security-policy']).toContain("frame-ancestors 'self'");
    expect(framed.body).toContain('Very private, <img alt="chart" />');
    const withImages = await api(owner).get(`/emails/${stored.id}/frame?images=true`);
    expect(withImages.headers['content-security-policy']).toContain('img-src https:');
    expect(withImages.body).toContain('<img src="https://images.example.test/salary.png" alt="chart" />');
    const mine = (await api(owner).get(`/emails/${stored.id}`)).json();
    expect(mine).toMatchObject({ private: false, yours: true, shared: false, subject: 'Salary question' });
    expect(mine.text.trim()).toBe('Very private');

    const shared = await api(owner).patch(`/email-threads/${stored.thread_id}`, { shared: true });
    expect(shared.statusCode, shared.body).toBe(200);
    expect(shared.json()).toMatchObject({ shared: true, emails: [expect.objectContaining({ subject: 'Salary question' })] });
    const [now] = await emailTimeline(colleague, `/contacts/${carla}`);
    expect(now).toMatchObject({ private: false, subject: 'Salary question' });
    expect((await api(colleague).get(`/emails/${stored.id}`)).json()).toMatchObject({ private: false, subject: 'Salary question' });

    // Private again: the content leaves the activity and the colleague's reads.
    expect((await api(owner).patch(`/email-threads/${stored.thread_id}`, { shared: false })).statusCode).toBe(200);
    expect((await emailTimeline(colleague, `/contacts/${carla}`))[0]).toMatchObject({ private: true, subject: null, body: null });
    expect((await api(colleague).get(`/emails/${stored.id}`)).json()).toMatchObject({ private: true, subject: '' });
  });

  it('lets every owner of a mailbox holding the email read it, and a shared mailbox’s email everyone', async () => {
    const owner = await signUp();
    const colleague = await addMember(owner, 'member');
    const third = await addMember(owner, 'member');
    const a = await user('pa');
    const b = await user('pb');
    await contact(owner, 'carla@customer.example.test');
    const both = mid('both');
    const raw = rawMessage({
      from: 'carla@customer.example.test',
      to: `${a.address}, ${b.address}`,
      subject: 'For both of you',
      messageId: both,
    });
    await servers.append(a, 'INBOX', raw);
    await servers.append(b, 'INBOX', raw);
    const open = mid('open');
    await servers.append(
      b,
      'INBOX',
      rawMessage({ from: 'carla@customer.example.test', to: b.address, subject: 'Open news', messageId: open }),
    );
    await synced(owner, (await connect(owner, servers, a, { privacy: 'private' })).id);
    await synced(colleague, (await connect(colleague, servers, b, { privacy: 'private' })).id);
    const e = await storedEmail(owner, both);
    expect((await api(owner).get(`/emails/${e.id}`)).json()).toMatchObject({ yours: true, subject: 'For both of you' });
    expect((await api(colleague).get(`/emails/${e.id}`)).json()).toMatchObject({ yours: true, subject: 'For both of you' });
    expect((await api(third).get(`/emails/${e.id}`)).json()).toMatchObject({ private: true, subject: '' });
    // The default decides new threads; the workspace's own mailbox shares them.
    const other = await storedEmail(owner, open);
    expect((await api(third).get(`/emails/${other.id}`)).json()).toMatchObject({ private: true });
    const u = await user('pub');
    const pub = mid('pub');
    await servers.append(
      u,
      'INBOX',
      rawMessage({ from: 'carla@customer.example.test', to: u.address, subject: 'Team news', messageId: pub }),
    );
    await synced(owner, (await connect(owner, servers, u, { shared: true })).id);
    expect((await api(third).get(`/emails/${(await storedEmail(owner, pub)).id}`)).json()).toMatchObject({
      private: false,
      subject: 'Team news',
    });
  });
});
