import { expect } from 'vitest';
import type { Mailbox } from '../../../contract/email.ts';
import { api, type Session, testDatabase } from '../../test/harness.ts';
import type { MailServers, MailUser } from './mail-servers.fixture.ts';

/**
 * What the email tests do over the API: connect a mailbox on the test servers, wait for the
 * in-process worker's sync, ask for one now, and read what the database holds.
 */

let seq = 0;
/** A fresh Message-ID (with its brackets) for a test message. */
export const mid = (what: string) => `<${what}.${Date.now()}.${process.pid}.${++seq}@customer.example.test>`;

export async function connect(s: Session, servers: MailServers, u: MailUser, extra: Record<string, unknown> = {}) {
  const r = await api(s).post('/mailboxes', servers.mailboxBody(u, extra));
  expect(r.statusCode, r.body).toBe(201);
  return r.json() as Mailbox;
}

/** Waits for the in-process worker to finish the mailbox's sync (state leaves `syncing`), begun at or after `after`. */
export async function synced(s: Session, id: string, after = 0): Promise<Mailbox> {
  for (let i = 0; i < 300; i++) {
    const mb = (await api(s).get(`/mailboxes/${id}`)).json() as Mailbox;
    const at = mb.health.lastAttemptAt ? Date.parse(mb.health.lastAttemptAt) : 0;
    if (mb.health.state !== 'syncing' && mb.health.state !== 'waiting' && at >= after) return mb;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('the sync did not finish');
}

export async function syncNow(s: Session, id: string) {
  const before = Date.now() - 5;
  const r = await api(s).post(`/mailboxes/${id}/sync`, {});
  expect(r.statusCode, r.body).toBe(202);
  return synced(s, id, before);
}

export const q = async <T = Record<string, unknown>>(text: string, params: unknown[]) => (await testDatabase()).query<T>(text, params);

export async function contact(s: Session, email: string, name = 'Carla Customer', extra: Record<string, unknown> = {}) {
  const [firstName, lastName] = name.split(' ');
  const r = await api(s).post('/contacts', { firstName, lastName, emails: [{ value: email, label: 'work' }], ...extra });
  expect(r.statusCode, r.body).toBe(201);
  return r.json().id as string;
}

export interface TimelineEntry {
  id: string;
  type: string;
  subject: string | null;
  body: string | null;
  outcome: string;
  private: boolean;
  links: { recordType: string; recordId: string }[];
}

export async function emailTimeline(s: Session, path: string): Promise<TimelineEntry[]> {
  const r = await api(s).get(`${path}/timeline`);
  expect(r.statusCode, r.body).toBe(200);
  return (r.json().data as TimelineEntry[]).filter((a) => a.type === 'email');
}

/** The stored email of a Message-ID (given with or without brackets). */
export async function storedEmail(s: Session, messageId: string) {
  const [row] = await q<{ id: string; thread_id: string; activity_id: string | null }>(
    'select id, thread_id, activity_id from email_messages where workspace_id = $1 and message_id = $2',
    [s.workspaceId, messageId.replace(/^<|>$/g, '')],
  );
  return row;
}
