import { type Session, testDatabase } from '../../test/harness.ts';
import { createOk, type Samples } from '../../test/samples.ts';
import { startMailServers } from './mail-servers.fixture.ts';

let n = 0;
async function mailbox(s: Session) {
  const servers = await startMailServers();
  const u = await servers.addUser(`sig${process.pid}x${++n}`);
  return { mailboxId: (await createOk(s, '/mailboxes', servers.mailboxBody(u, { name: 'Signed' }))).id };
}

const template = async (s: Session) => ({
  id: (
    await createOk(s, '/email-templates', {
      name: 'Hello',
      subject: 'Hi {{contact.firstName}}',
      body: 'Hello {{contact.firstName | "there"}}',
      visibility: 'shared',
    })
  ).id,
});

/** A message queued for an hour from now: it stays queued while the suites call its routes. */
async function queued(s: Session) {
  const { mailboxId } = await mailbox(s);
  const sendAt = new Date(Date.now() + 3_600_000).toISOString();
  return {
    id: (await createOk(s, '/email-outbox', { mailboxId, to: ['sample@customer.example.test'], subject: 'Later', text: 'x', sendAt })).id,
  };
}

/** A message whose send failed (as the outbox job leaves one), for the retry route. */
async function failed(s: Session) {
  const { id } = await queued(s);
  const db = await testDatabase();
  await db.query(`update email_outbox set status = 'failed', error = 'Password rejected' where workspace_id = $1 and id = $2`, [
    s.workspaceId,
    id,
  ]);
  return { id };
}

export const samples: Samples = {
  'GET /api/v1/email-templates': { setup: async (s) => ({ templateId: (await template(s)).id }) },
  'POST /api/v1/email-templates': {
    body: () => ({ name: 'Intro', subject: 'Hello', body: 'Hi {{contact.firstName | "there"}}' }),
    ok: 201,
  },
  'GET /api/v1/email-templates/:id': { setup: template },
  'PATCH /api/v1/email-templates/:id': { setup: template, body: () => ({ name: 'Renamed', version: 1 }) },
  'DELETE /api/v1/email-templates/:id': { setup: template },
  'POST /api/v1/email-templates/preview': {
    setup: async (s) => ({ contactId: (await createOk(s, '/contacts', { firstName: 'Sample' })).id }),
    body: (_s, p) => ({ subject: 'Hi {{contact.firstName}}', body: 'Hello {{contact.firstName}}', merge: { contactId: p.contactId } }),
  },
  'GET /api/v1/email-signatures': { setup: mailbox },
  'PATCH /api/v1/email-signatures/:mailboxId': { setup: mailbox, body: () => ({ body: '-- \nSample' }) },
  'POST /api/v1/email-outbox': {
    setup: mailbox,
    body: (_s, p) => ({
      mailboxId: p.mailboxId,
      to: ['sample@customer.example.test'],
      subject: 'Sample',
      text: 'Hello',
      sendAt: new Date(Date.now() + 3_600_000).toISOString(),
    }),
    ok: 201,
  },
  'GET /api/v1/email-outbox': { setup: async (s) => ({ outboxId: (await queued(s)).id }) },
  'POST /api/v1/email-outbox/:id/cancel': { setup: queued, body: () => ({}) },
  'POST /api/v1/email-outbox/:id/retry': { setup: failed, body: () => ({}) },
  'PATCH /api/v1/email-outbox/:id': { setup: queued, body: () => ({ sendAt: new Date(Date.now() + 7_200_000).toISOString() }) },
  'GET /api/v1/email-settings': {},
  'PATCH /api/v1/email-settings': { body: () => ({ undoSeconds: 5 }) },
};
