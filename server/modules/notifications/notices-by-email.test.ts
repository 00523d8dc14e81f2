import { simpleParser } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Ctx } from '../../http/context.ts';
import { addMember, api, type Session, signUp, testApp, testDatabase } from '../../test/harness.ts';
import { type MailServers, startMailServers } from '../email/mail-servers.fixture.ts';
import { notify } from './notifications.service.ts';

// Notices by email, through a real SMTP receiver: a member who turned on "also by email" gets each
// notice as an email from the workspace's chosen shared mailbox; without a sender or the switch,
// nothing is sent and the notice says why.

let servers: MailServers;
beforeAll(async () => {
  await testApp();
  servers = await startMailServers();
}, 60_000);
afterAll(() => servers?.stop());

const systemCtx = (s: Session): Ctx => ({
  workspaceId: s.workspaceId,
  memberId: s.memberId,
  actor: { type: 'system', id: null },
  role: 'owner',
  requestId: null,
});

async function mailbox(s: Session, shared: boolean) {
  const me = await servers.addUser(`notices${Date.now()}${Math.random().toString(36).slice(2, 6)}`);
  const res = await api(s).post('/mailboxes', servers.mailboxBody(me, { name: 'Rapport notices', shared }));
  expect(res.statusCode, res.body).toBe(201);
  return { id: res.json().id as string, address: me.address };
}

async function send(s: Session, memberId: string, input: { title: string; body?: string; kind?: 'task_reminder' | 'digest' }) {
  const { db } = await testDatabase();
  return db.transaction((tx) =>
    notify(tx, systemCtx(s), {
      memberId,
      kind: input.kind ?? 'task_reminder',
      title: input.title,
      body: input.body ?? null,
      record: { type: 'contact', id: '0193a7c0-0000-7000-8000-000000000001' },
    }),
  );
}

/** The notice's email state once its job has settled. */
async function settled(workspaceId: string, id: string) {
  const db = await testDatabase();
  for (let i = 0; i < 300; i++) {
    const [row] = await db.query<{ emailed_at: string | null; email_error: string | null }>(
      'select emailed_at, email_error from notifications where workspace_id = $1 and id = $2',
      [workspaceId, id],
    );
    if (row?.emailed_at || row?.email_error) return row;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('the notice email job did not settle in 30 s');
}

const mailTo = (address: string) => servers.received.filter((r) => r.to.includes(address));

describe('notices by email', () => {
  it('emails a notice to a member who asked, from the chosen shared mailbox, once', async () => {
    const s = await signUp();
    const rep = await addMember(s, 'member', 'Rita Rep');
    const sender = await mailbox(s, true);
    const chosen = await api(s).patch('/notifications/settings', { senderMailboxId: sender.id });
    expect(chosen.statusCode, chosen.body).toBe(200);
    expect(chosen.json()).toEqual({ senderMailboxId: sender.id });
    const on = await api(rep).patch('/notifications/preferences', { byEmail: true });
    expect(on.json()).toMatchObject({ byEmail: true, taskReminders: true });

    const n = await send(s, rep.memberId, { title: 'Call Ada Lovelace is due in 15 min' });
    expect(n).not.toBeNull();
    expect(await settled(s.workspaceId, n?.id as string)).toMatchObject({ email_error: null });
    const [mail, ...more] = mailTo(rep.email);
    expect(more).toEqual([]);
    expect(mail.from).toBe(sender.address);
    const parsed = await simpleParser(mail.raw);
    expect(parsed.subject).toBe('[Rapport] Call Ada Lovelace is due in 15 min');
    expect(parsed.headers.get('auto-submitted')).toBe('auto-generated');
    expect(parsed.messageId).toBe(`<notice.${n?.id}@${sender.address.split('@')[1]}>`);
    expect(parsed.text).toContain('/contacts/0193a7c0-0000-7000-8000-000000000001');
    // Not a customer email: nothing is stored on a timeline or in the mailbox's Sent folder.
    const db = await testDatabase();
    expect(await db.query('select id from email_messages where workspace_id = $1', [s.workspaceId])).toEqual([]);
  });

  it('sends the digest as a list, and nothing to a member who did not ask', async () => {
    const s = await signUp();
    const quiet = await addMember(s, 'member', 'Quiet Quentin');
    await api(s).patch('/notifications/settings', { senderMailboxId: (await mailbox(s, true)).id });
    await api(s).patch('/notifications/preferences', { byEmail: true, dailyDigest: true });
    const digest = await send(s, s.memberId, {
      kind: 'digest',
      title: '2 overdue tasks',
      body: JSON.stringify({ overdue: 2, dueToday: 0, unreadMentions: 0, titles: ['Send the quote', 'Call back Bob'] }),
    });
    await settled(s.workspaceId, digest?.id as string);
    const parsed = await simpleParser(mailTo(s.email)[0].raw);
    expect(parsed.subject).toBe('[Rapport] Your day: 2 overdue tasks');
    expect(parsed.text).toContain('- Send the quote\n- Call back Bob');

    const silent = await send(s, quiet.memberId, { title: 'Not by email' });
    expect(silent).not.toBeNull();
    // No job was enqueued for it: it stays unsent, without an error.
    await new Promise((r) => setTimeout(r, 1_000));
    const db = await testDatabase();
    expect(
      await db.query('select emailed_at, email_error from notifications where workspace_id = $1 and id = $2', [s.workspaceId, silent?.id]),
    ).toEqual([{ emailed_at: null, email_error: null }]);
    expect(mailTo(quiet.email)).toEqual([]);
  });

  it('says why when no mailbox is chosen, and refuses a personal or unknown one as the sender', async () => {
    const s = await signUp();
    await api(s).patch('/notifications/preferences', { byEmail: true });
    const n = await send(s, s.memberId, { title: 'Nobody sends this' });
    expect((await settled(s.workspaceId, n?.id as string)).email_error).toContain('no mailbox is chosen');
    expect(mailTo(s.email)).toEqual([]);

    const personal = await mailbox(s, false);
    const refused = await api(s).patch('/notifications/settings', { senderMailboxId: personal.id });
    expect(refused.statusCode).toBe(422);
    expect(refused.json().errors).toEqual([expect.objectContaining({ field: 'body.senderMailboxId', code: 'not_a_sender' })]);
    const unknown = await api(s).patch('/notifications/settings', { senderMailboxId: '0193a7c0-0000-7000-8000-00000000abcd' });
    expect(unknown.statusCode).toBe(422);
    const member = await addMember(s, 'member');
    expect((await api(member).patch('/notifications/settings', { senderMailboxId: null })).statusCode).toBe(403);
    expect((await api(s).get('/notifications/settings')).json()).toEqual({ senderMailboxId: null });
  });
});
