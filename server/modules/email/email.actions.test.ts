import { simpleParser } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addMember, api, type Session, signUp, testApp } from '../../test/harness.ts';
import { makeRule, runDetail, settledRuns } from '../automation/test-helpers.ts';
import { type MailServers, startMailServers } from './mail-servers.fixture.ts';

// "Send an email" as a rule's step, through a real SMTP receiver that delivers into Dovecot: the
// customer's INBOX gets it, the contact's timeline shows it, and a bad rule is refused on save.
// Each test waits up to 60 s for its run (on PostgreSQL the file shares its database, and its job
// queue, with every file before it), so each is given longer than that to finish.

let servers: MailServers;
beforeAll(async () => {
  await testApp();
  servers = await startMailServers();
}, 60_000);
afterAll(() => servers?.stop());

async function connect(s: Session, shared = true) {
  const me = await servers.addUser(`team${Date.now()}${Math.random().toString(36).slice(2, 6)}`);
  const res = await api(s).post('/mailboxes', servers.mailboxBody(me, { name: 'Sales team', shared }));
  expect(res.statusCode, res.body).toBe(201);
  return { id: res.json().id as string, me };
}

describe('send an email from a rule', () => {
  it('welcomes a new contact at the address on their record, from the team mailbox, and logs it', async () => {
    const s = await signUp();
    const mailbox = await connect(s);
    const customer = await servers.addUser(`new${Date.now()}`);
    const rule = await makeRule(s, {
      trigger: { type: 'record_created', config: { object: 'contact' } },
      steps: [
        {
          type: 'action',
          action: 'send_email',
          input: {
            mailboxId: mailbox.id,
            to: ['{{record.emails.0.value}}'],
            subject: 'Welcome, {{record.firstName}}',
            body: 'Hello {{record.name}}, thank you for your interest.\n— {{rule.name}}',
          },
        },
      ],
    });
    const contact = await api(s).post('/contacts', { firstName: 'Wanda', lastName: 'Welcome', emails: [{ value: customer.address }] });
    expect(contact.statusCode, contact.body).toBe(201);
    const [run] = await settledRuns(s, rule.id, 1, 60_000);
    expect(run.status, run.error ?? '').toBe('completed');
    const step = (await runDetail(s, run.id)).steps[0];
    expect(step.detail).toContain(`to ${customer.address} from ${mailbox.me.address}`);

    const got = servers.received.find((r) => r.to.includes(customer.address));
    expect(got).toMatchObject({ from: mailbox.me.address });
    const parsed = await simpleParser(got?.raw ?? '');
    expect(parsed.subject).toBe('Welcome, Wanda');
    expect(parsed.text?.trim()).toContain('Hello Wanda Welcome, thank you for your interest.');
    expect(parsed.messageId).toBe(`<run.${run.id}.0@${mailbox.me.address.split('@')[1]}>`);
    expect((await servers.listing(customer, 'INBOX')).messageIds).toContain(parsed.messageId);
    const timeline = (await api(s).get(`/contacts/${contact.json().id}/timeline`)).json().data as { type: string; subject: string }[];
    expect(timeline.filter((a) => a.type === 'email').map((a) => a.subject)).toEqual(['Welcome, Wanda']);
  }, 90_000);

  it('fails the step in words when the record has no address, and refuses a bad rule on save', async () => {
    const s = await signUp();
    const mailbox = await connect(s);
    const rule = await makeRule(s, {
      trigger: { type: 'record_created', config: { object: 'contact' } },
      steps: [
        {
          type: 'action',
          action: 'send_email',
          input: { mailboxId: mailbox.id, to: ['{{record.emails.0.value}}'], subject: 'Hi', body: 'Hi' },
        },
      ],
    });
    await api(s).post('/contacts', { firstName: 'Nomail' });
    const [run] = await settledRuns(s, rule.id, 1, 60_000);
    expect(run.status).toBe('failed');
    expect(run.error).toContain('came out as nothing');

    const save = (input: Record<string, unknown>) =>
      api(s).post('/automation/rules', {
        name: 'Bad mail',
        definition: {
          trigger: { type: 'record_created', config: { object: 'contact' } },
          steps: [{ type: 'action', action: 'send_email', input }],
        },
      });
    const base = { mailboxId: mailbox.id, to: ['someone@example.com'], subject: 'S', body: 'B' };
    const unknown = await save({ ...base, mailboxId: '01900000-0000-7000-8000-000000000000' });
    expect(unknown.json().errors[0]).toMatchObject({ field: 'body.definition.steps.0.input.mailboxId', code: 'unknown_mailbox' });
    const badAddress = await save({ ...base, to: ['not-an-address'] });
    expect(badAddress.json().errors[0]).toMatchObject({ field: 'body.definition.steps.0.input.to.0', code: 'format' });
    const badField = await save({ ...base, subject: '{{record.shoeSize}}' });
    expect(badField.json().errors[0]).toMatchObject({ code: 'unknown_field' });

    // Another workspace's mailbox is unknown here; a member's personal mailbox is theirs alone.
    const other = await signUp();
    const foreign = await save({ ...base, mailboxId: (await connect(other)).id });
    expect(foreign.json().errors[0]).toMatchObject({ code: 'unknown_mailbox' });
    const personal = await connect(s, false);
    const admin = await addMember(s, 'admin');
    const notTheirs = await api(admin).post('/automation/rules', {
      name: 'Borrowed mailbox',
      definition: {
        trigger: { type: 'record_created', config: { object: 'contact' } },
        steps: [{ type: 'action', action: 'send_email', input: { ...base, mailboxId: personal.id } }],
      },
    });
    expect(notTheirs.json().errors[0]).toMatchObject({ field: 'body.definition.steps.0.input.mailboxId', code: 'not_your_mailbox' });
  }, 90_000);
});
