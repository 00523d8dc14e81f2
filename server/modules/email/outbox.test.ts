import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, type Session, signUp, testApp } from '../../test/harness.ts';
import { type MailServers, type MailUser, startMailServers } from './mail-servers.fixture.ts';
import { connect } from './mailbox.fixture.ts';

// Undo-send and scheduled send against the real servers: a cancelled message never reaches the
// SMTP receiver nor the customer's Dovecot INBOX; a due one does, once.

let servers: MailServers;
beforeAll(async () => {
  await testApp();
  servers = await startMailServers();
}, 60_000);
afterAll(() => servers?.stop());

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const arrived = (subject: string) => servers.received.filter((r) => r.raw.includes(`Subject: ${subject}`)).length;
const inboxSubjects = async (u: MailUser) => (await servers.inbox(u)).map((m) => m.subject ?? '');
async function until(s: Session, id: string, status: string) {
  for (let i = 0; i < 100; i++) {
    const item = (await api(s).get('/email-outbox')).json().data.find((x: { id: string }) => x.id === id);
    if ((item?.status ?? 'sent') === status) return item;
    await sleep(100);
  }
  throw new Error(`never ${status}`);
}

async function setUp(prefix: string, undoSeconds: number) {
  const s = await signUp();
  const me = await servers.addUser(`${prefix}${Date.now()}`);
  const customer = await servers.addUser(`${prefix}c${Date.now()}`);
  const mailboxId = (await connect(s, servers, me)).id;
  expect((await api(s).patch('/email-settings', { undoSeconds })).json()).toEqual({ undoSeconds, tracking: true });
  return { s, me, customer, mailboxId };
}

describe('undo send', () => {
  it('never sends a message undone within the window; the window is the workspace’s setting', async () => {
    const { s, customer, mailboxId } = await setUp('undo', 2);
    const subject = `Undone ${Date.now()}`;
    const q = await api(s).post('/email-outbox', { mailboxId, to: [customer.address], subject, text: 'Oops' });
    expect(q.statusCode, q.body).toBe(201);
    const item = q.json();
    expect(Date.parse(item.sendAt) - Date.parse(item.createdAt)).toBeGreaterThanOrEqual(1900);
    expect(item).toMatchObject({ status: 'queued', scheduled: false });
    const undo = await api(s).post(`/email-outbox/${item.id}/cancel`, {});
    expect(undo.json().status).toBe('cancelled');
    await sleep(3500);
    expect(arrived(subject)).toBe(0);
    expect(await inboxSubjects(customer)).not.toContain(subject);
    expect((await api(s).post(`/email-outbox/${item.id}/cancel`, {})).statusCode).toBe(409);
  });

  it('sends a message once its window has passed, and then it can no longer be undone', async () => {
    const { s, customer, mailboxId } = await setUp('went', 1);
    const subject = `Gone ${Date.now()}`;
    const item = (await api(s).post('/email-outbox', { mailboxId, to: [customer.address], subject, text: 'Hello' })).json();
    await until(s, item.id, 'sent');
    expect(arrived(subject)).toBe(1);
    expect(await inboxSubjects(customer)).toContain(subject);
    const late = await api(s).post(`/email-outbox/${item.id}/cancel`, {});
    expect(late.statusCode).toBe(409);
    expect(late.json().code).toBe('already_sent');
  });
});

describe('scheduled send', () => {
  it('waits for its time, can be moved, and goes at the new time', async () => {
    const { s, customer, mailboxId } = await setUp('sched', 0);
    const subject = `Scheduled ${Date.now()}`;
    const sendAt = new Date(Date.now() + 2000).toISOString();
    const item = (await api(s).post('/email-outbox', { mailboxId, to: [customer.address], subject, text: 'Later', sendAt })).json();
    expect(item).toMatchObject({ scheduled: true, sendAt });
    const later = await api(s).patch(`/email-outbox/${item.id}`, { sendAt: new Date(Date.now() + 3_600_000).toISOString() });
    expect(later.statusCode, later.body).toBe(200);
    await sleep(3500);
    expect(arrived(subject)).toBe(0);
    expect((await api(s).get('/email-outbox')).json().data.map((x: { id: string }) => x.id)).toEqual([item.id]);
    await api(s).patch(`/email-outbox/${item.id}`, { sendAt: new Date().toISOString() });
    await until(s, item.id, 'sent');
    expect(arrived(subject)).toBe(1);
    expect(await inboxSubjects(customer)).toContain(subject);
    const past = await api(s).post('/email-outbox', {
      mailboxId,
      to: [customer.address],
      subject: 'x',
      text: 'x',
      sendAt: '2020-01-01T00:00:00Z',
    });
    expect(past.json().errors[0]).toMatchObject({ field: 'body.sendAt', code: 'in_the_past' });
  });
});

describe('a send that fails', () => {
  it('says so on the message and in a notice, and is sent again or discarded on request', async () => {
    const { s, me, customer, mailboxId } = await setUp('fail', 0);
    // The mailbox's password is changed on the server after it was connected: SMTP refuses it.
    const password = me.password;
    await servers.addUser(me.user, 'changed elsewhere');
    const subject = `Refused ${Date.now()}`;
    const item = (await api(s).post('/email-outbox', { mailboxId, to: [customer.address], subject, text: 'Hello' })).json();
    const failed = await until(s, item.id, 'failed');
    expect(failed.error).toBe('password rejected by the SMTP server (127.0.0.1)');
    expect(arrived(subject)).toBe(0);
    const notices = (await api(s).get('/notifications')).json().data;
    expect(notices[0]).toMatchObject({ kind: 'system', title: `Not sent: “${subject}” to ${customer.address}` });
    expect(notices[0].body).toBe(
      'Password rejected by the SMTP server (127.0.0.1). Send it again or discard it from the recipient’s page.',
    );
    // A failed message cannot be rescheduled, only retried or discarded.
    expect((await api(s).patch(`/email-outbox/${item.id}`, { sendAt: new Date().toISOString() })).statusCode).toBe(409);

    // Put right, and sent again: once.
    await servers.addUser(me.user, password);
    const again = await api(s).post(`/email-outbox/${item.id}/retry`, {});
    expect(again.statusCode, again.body).toBe(200);
    expect(again.json()).toMatchObject({ status: 'queued', error: null });
    await until(s, item.id, 'sent');
    expect(arrived(subject)).toBe(1);
    expect((await api(s).post(`/email-outbox/${item.id}/retry`, {})).statusCode).toBe(409);

    // Another fails, and is discarded: it leaves the list and is never sent.
    await servers.addUser(me.user, 'changed again');
    const other = (await api(s).post('/email-outbox', { mailboxId, to: [customer.address], subject: `${subject} 2`, text: 'x' })).json();
    await until(s, other.id, 'failed');
    const discard = await api(s).post(`/email-outbox/${other.id}/cancel`, {});
    expect(discard.json().status).toBe('cancelled');
    expect((await api(s).get('/email-outbox')).json().data).toEqual([]);
    await servers.addUser(me.user, password);
  });
});
