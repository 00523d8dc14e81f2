import { uuidv7 } from 'uuidv7';
import { type Session, testDatabase } from '../../test/harness.ts';
import { createOk, type Samples } from '../../test/samples.ts';
import { startMailServers } from './mail-servers.fixture.ts';

// Mailboxes are verified against their servers when saved: the samples use the test Dovecot and
// SMTP receiver (mail-servers.fixture.ts), one mail user per sample call.

let n = 0;
async function mailboxBody() {
  const servers = await startMailServers();
  const u = await servers.addUser(`sample${process.pid}x${++n}`);
  return servers.mailboxBody(u, { name: 'Sample mailbox' });
}

const mailbox = async (s: Session) => ({ id: (await createOk(s, '/mailboxes', await mailboxBody())).id });

/** An email as a sync would have stored it, linked to an activity on a contact. */
async function email(s: Session, html: string | null = null) {
  const contact = await createOk(s, '/contacts', {
    firstName: 'Sample',
    emails: [{ value: 'sample@customer.example.test', label: 'work' }],
  });
  const activity = await createOk(s, '/activities', {
    type: 'email',
    subject: 'Sample',
    links: [{ recordType: 'contact', recordId: contact.id }],
  });
  const id = uuidv7();
  const threadId = uuidv7();
  const db = await testDatabase();
  await db.query(
    `insert into email_threads (workspace_id, id, subject_key, shared, last_message_at) values ($1, $2, 'sample', true, now())`,
    [s.workspaceId, threadId],
  );
  await db.query(
    `insert into email_messages (workspace_id, id, message_id, direction, subject, from_address, to_addresses, cc_addresses, date,
       text_body, html_body, reference_ids, attachments, activity_id, thread_id, viewer_ids)
     values ($1, $2, $3, 'received', 'Sample', '{"address":"sample@customer.example.test","name":""}', '[]', '[]', now(), 'Hello', $7, '[]', '[]', $4,
       $5, array[$6]::uuid[])`,
    [s.workspaceId, id, `${id}@customer.example.test`, activity.id, threadId, s.memberId, html],
  );
  const attachmentId = uuidv7();
  await db.query(
    `insert into email_attachments (workspace_id, id, email_id, filename, content_type, size, content)
     values ($1, $2, $3, 'hello.txt', 'text/plain', 5, convert_to('hello', 'UTF8'))`,
    [s.workspaceId, attachmentId, id],
  );
  return { id, activityId: activity.id, threadId, attachmentId };
}

export const samples: Samples = {
  'GET /api/v1/mailboxes': { setup: async (s) => ({ mailboxId: (await mailbox(s)).id }) },
  'POST /api/v1/mailboxes': { body: () => mailboxBody(), ok: 201 },
  'GET /api/v1/mailboxes/:id': { setup: mailbox },
  'PATCH /api/v1/mailboxes/:id': { setup: mailbox, body: () => ({ privacy: 'private', newSenders: 'contact' }) },
  'GET /api/v1/mailboxes/:id/folders': { setup: mailbox },
  'POST /api/v1/mailboxes/:id/sync': { setup: mailbox, body: () => ({}), ok: 202 },
  'POST /api/v1/mailboxes/:id/reconcile': { setup: mailbox, body: () => ({}), ok: 202 },
  'DELETE /api/v1/mailboxes/:id': { setup: mailbox },
  'POST /api/v1/emails': {
    setup: async (s) => ({ mailboxId: (await mailbox(s)).id }),
    body: (_s, p) => ({ mailboxId: p.mailboxId, to: ['sample@customer.example.test'], subject: 'Sample', text: 'Hello' }),
    ok: 201,
  },
  'GET /api/v1/emails/:id': { setup: async (s) => ({ id: (await email(s)).id }) },
  'GET /api/v1/emails/:id/frame': { setup: async (s) => ({ id: (await email(s, '<p>Hello <img src="cid:logo"></p>')).id }) },
  'GET /api/v1/emails/:id/attachments/:attachmentId': {
    setup: async (s) => {
      const e = await email(s);
      return { id: e.id, attachmentId: e.attachmentId };
    },
  },
  'GET /api/v1/email-threads/:id': { setup: async (s) => ({ id: (await email(s)).threadId }) },
  'PATCH /api/v1/email-threads/:id': { setup: async (s) => ({ id: (await email(s)).threadId }), body: () => ({ shared: false }) },
  'GET /api/v1/activities/:activityId/email': { setup: async (s) => ({ activityId: (await email(s)).activityId }) },
};
