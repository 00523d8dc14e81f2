import { unzipSync } from 'fflate';
import { uuidv7 } from 'uuidv7';
import { describe, expect, it } from 'vitest';
import { addMember, api, type Session, signUp, testDatabase } from '../../test/harness.ts';
import { createOk } from '../../test/samples.ts';

// Erasure and export of a person: unique values are planted wherever the CRM keeps a copy (the
// record, its history and events, search terms, notes, tasks, emails and their files, a webhook's
// log, a list, a deal), and after the erasure every table of the database is searched for them.

const q = async <T = Record<string, unknown>>(text: string, params: unknown[] = []) => (await testDatabase()).query<T>(text, params);

/** A person with values found nowhere else: each contains `tag`, but the phone. */
function planted() {
  const tag = `zq${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
  const digits = String(Math.floor(1000 + Math.random() * 8999));
  return {
    tag,
    phone: `+1 415 555 ${digits}`,
    e164: `+1415555${digits}`,
    contact: {
      firstName: `Quilliam${tag}`,
      lastName: `Fenwrick${tag}`,
      title: 'Head of Planting',
      emails: [{ value: `quilliam.${tag}@planted.example.test`, label: 'work' }],
      phones: [{ value: `+1 415 555 ${digits}`, label: 'mobile' }],
      address: { street: `12 ${tag} Larkspur Lane`, city: 'Springfield' },
    },
  };
}
type Planted = ReturnType<typeof planted>;

/** Where each planted value is still found: every table, every row (bytea read as UTF-8), all workspaces or one. */
async function whereFound(p: Planted, workspaceId?: string) {
  const tables = await q<{ table_name: string; tenant: boolean }>(
    `select t.table_name, exists (select 1 from information_schema.columns c where c.table_schema = t.table_schema
        and c.table_name = t.table_name and c.column_name = 'workspace_id') as tenant
     from information_schema.tables t where t.table_schema = current_schema() and t.table_type = 'BASE TABLE' order by 1`,
  );
  const found: string[] = [];
  for (const { table_name: t, tenant } of tables) {
    const cols = await q<{ column_name: string; udt_name: string }>(
      'select column_name, udt_name from information_schema.columns where table_schema = current_schema() and table_name = $1',
      [t],
    );
    const values = cols.map((c) =>
      c.udt_name === 'bytea' ? `coalesce(convert_from("${c.column_name}", 'SQL_ASCII'), '')` : `coalesce("${c.column_name}"::text, '')`,
    );
    const scope = tenant && workspaceId ? `workspace_id = '${workspaceId}' and ` : '';
    const [row] = await q<{ n: number }>(
      `select count(*)::int as n from "${t}" where ${scope}(${values.map((v) => `${v} ilike $1 or ${v} like $2`).join(' or ')})`,
      [`%${p.tag}%`, `%${p.e164.slice(2)}%`],
    );
    if (row.n) found.push(`${t} (${row.n})`);
  }
  return found;
}

/** Plants the person everywhere a customer's data ends up, through the API as users would. */
async function plant(s: Session, p: Planted) {
  const company = await createOk(s, '/companies', { name: `Acme ${Date.now()}` });
  const contact = await createOk(s, '/contacts', { ...p.contact, companies: [{ companyId: company.id }] });
  await api(s).patch(`/contacts/${contact.id}`, { version: contact.version, title: 'Chief Planter' });
  const stageId = (await api(s).get('/pipelines')).json().data[0].stages[0].id;
  const deal = await createOk(s, '/deals', { name: 'Renewal 2027', amountMinor: 120_000, stageId, contacts: [{ contactId: contact.id }] });
  // Notes that name them (linked to their company as well, as the timeline does by itself).
  const alone = await createOk(s, '/activities', {
    type: 'note',
    subject: `Lunch with ${p.contact.firstName}`,
    body: `Talked about her move. Mobile ${p.phone}.`,
    links: [{ recordType: 'contact', recordId: contact.id }],
  });
  const shared = await createOk(s, '/activities', {
    type: 'call',
    subject: 'Quarterly call',
    body: `${p.contact.firstName} ${p.contact.lastName} asked for the price list; send to ${p.contact.emails[0].value}.`,
    links: [
      { recordType: 'contact', recordId: contact.id },
      { recordType: 'company', recordId: company.id },
    ],
  });
  await createOk(s, '/tasks', { title: `Call ${p.contact.firstName} back`, links: [{ recordType: 'contact', recordId: contact.id }] });
  const list = await createOk(s, '/lists', { name: 'VIP', objectType: 'contact' });
  await api(s).post(`/lists/${list.id}/members`, { ids: [contact.id] });
  // An email they wrote, as a sync stores it, with a file that names them.
  const emailId = uuidv7();
  const threadId = uuidv7();
  const from = p.contact.emails[0].value;
  await q(`insert into email_threads (workspace_id, id, subject_key, shared, last_message_at) values ($1, $2, 'x', true, now())`, [
    s.workspaceId,
    threadId,
  ]);
  await q(
    `insert into email_messages (workspace_id, id, message_id, direction, subject, from_address, to_addresses, cc_addresses, date,
       text_body, html_body, reference_ids, attachments, thread_id, participants, viewer_ids)
     values ($1, $2, $3, 'received', $4, $5, '[]', '[]', now(), $6, null, '[]', '[]', $7, array[$8], array[$9]::uuid[])`,
    [
      s.workspaceId,
      emailId,
      `${emailId}@planted.example.test`,
      `From ${p.contact.firstName}`,
      JSON.stringify({ address: from, name: `${p.contact.firstName} ${p.contact.lastName}` }),
      `Regards, ${p.contact.firstName}`,
      threadId,
      from,
      s.memberId,
    ],
  );
  await q(
    `insert into email_attachments (workspace_id, id, email_id, filename, content_type, size, content)
     values ($1, $2, $3, 'cv.txt', 'text/plain', 10, convert_to($4, 'UTF8'))`,
    [s.workspaceId, uuidv7(), emailId, `CV of ${p.contact.lastName}`],
  );
  // A webhook's delivery log that carried them.
  const hook = await createOk(s, '/webhooks', { url: 'https://hooks.example.test/x', eventTypes: ['contact.updated'] });
  await q(
    `insert into webhook_deliveries (workspace_id, id, endpoint_id, event_id, event_type, body, status, attempts)
     values ($1, $2, $3, $4, 'contact.updated', $5, 'failed', 1)`,
    [
      s.workspaceId,
      uuidv7(),
      hook.id,
      uuidv7(),
      JSON.stringify({ data: { firstName: p.contact.firstName, id: contact.id, n: 1, ok: true } }),
    ],
  );
  // A ticket they opened, with their reply and the file they sent, and an agent's answer.
  const file = (text: string) => [{ filename: 'scan.txt', contentType: 'text/plain', content: Buffer.from(text).toString('base64') }];
  const ticket = await createOk(s, '/tickets', {
    subject: `Refund for ${p.contact.lastName}`,
    description: `Please call ${p.phone}`,
    requesterId: contact.id,
  });
  const their = await api(s).post(`/tickets/${ticket.id}/messages`, {
    kind: 'reply',
    fromRequester: true,
    body: `Signed, ${p.contact.firstName}`,
    attachments: file(`Passport of ${p.contact.lastName}`),
  });
  if (their.statusCode !== 201) throw new Error(their.body);
  await createOk(s, `/tickets/${ticket.id}/messages`, { kind: 'reply', body: `Dear ${p.contact.firstName}, refunded.` });
  return { contact, company, deal, alone, shared, emailId, ticket };
}

describe('privacy', () => {
  it('hands over a person’s data as a ZIP of JSON, with their emails’ files, and registers it', async () => {
    const s = await signUp();
    const p = planted();
    const { contact, emailId } = await plant(s, p);
    const res = await api(s).get(`/contacts/${contact.id}/personal-data?reason=Access%20request%20by%20email`);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers['content-type']).toBe('application/zip');
    expect(res.headers['content-disposition']).toBe(`attachment; filename="contact-${contact.id}.zip"`);
    const files = unzipSync(new Uint8Array(res.rawPayload));
    const read = (name: string) => JSON.parse(new TextDecoder().decode(files[name]));
    expect(read('contact.json')).toMatchObject({ id: contact.id, firstName: p.contact.firstName, title: 'Chief Planter' });
    expect(
      read('activities.json')
        .map((a: { subject: string }) => a.subject)
        .sort(),
    ).toEqual([`Lunch with ${p.contact.firstName}`, 'Quarterly call', `Ticket #1: Refund for ${p.contact.lastName}`]);
    expect(read('emails.json')).toMatchObject([{ id: emailId, subject: `From ${p.contact.firstName}` }]);
    expect(read('tasks.json')).toMatchObject([{ title: `Call ${p.contact.firstName} back` }]);
    expect(read('deals.json')).toMatchObject([{ name: 'Renewal 2027' }]);
    expect(read('history.json').length).toBeGreaterThanOrEqual(2);
    const cv = Object.keys(files).find((f) => f.startsWith(`attachments/${emailId}/`));
    expect(new TextDecoder().decode(files[cv ?? ''])).toBe(`CV of ${p.contact.lastName}`);
    // Their ticket with its public replies, and the file they sent.
    expect(read('tickets.json')).toMatchObject([
      {
        subject: `Refund for ${p.contact.lastName}`,
        messages: [
          { body: `Signed, ${p.contact.firstName}`, by: 'you' },
          { body: `Dear ${p.contact.firstName}, refunded.`, by: 'support' },
        ],
      },
    ]);
    const scan = Object.keys(files).find((f) => f.startsWith('ticket-files/'));
    expect(new TextDecoder().decode(files[scan ?? ''])).toBe(`Passport of ${p.contact.lastName}`);
    const register = (await api(s).get('/privacy/requests')).json().data;
    expect(register).toMatchObject([
      { kind: 'export', recordType: 'contact', recordId: contact.id, requestedBy: s.memberId, reason: 'Access request by email' },
    ]);
    expect(register[0].summary).toMatchObject({ activities: 3, emails: 1, attachments: 1, tasks: 1, deals: 1, tickets: 1, ticketFiles: 1 });
    // Admins only.
    const member = await addMember(s, 'member');
    expect((await api(member).get(`/contacts/${contact.id}/personal-data`)).statusCode).toBe(403);
  });

  it('erases a person from every table but keeps the figures, and never touches another workspace', async () => {
    const s = await signUp();
    const p = planted();
    const { contact, company, deal, alone, shared, ticket } = await plant(s, p);
    // Another workspace knows someone with the very same values: theirs stay.
    const other = await signUp({ workspaceName: 'Other Co' });
    const theirs = await createOk(other, '/contacts', p.contact);
    expect((await api(s).get(`/search?q=${encodeURIComponent(p.contact.firstName)}`)).json().data).toHaveLength(1);
    expect(await whereFound(p, s.workspaceId)).not.toEqual([]);

    // Under legal hold: refused, with the reason.
    expect((await api(s).put(`/contacts/${contact.id}/legal-hold`, { reason: 'Litigation 2026-17' })).statusCode).toBe(200);
    const held = await api(s).post(`/contacts/${contact.id}/erasure`, { confirm: `${p.contact.firstName} ${p.contact.lastName}` });
    expect(held.statusCode).toBe(409);
    expect(held.json()).toMatchObject({ code: 'legal_hold' });
    expect(held.json().detail).toContain('Litigation 2026-17');
    expect((await api(s).delete(`/contacts/${contact.id}/legal-hold`)).statusCode).toBe(204);
    // The name must be typed again; a member may not erase.
    const typo = await api(s).post(`/contacts/${contact.id}/erasure`, { confirm: 'Someone else' });
    expect(typo.statusCode).toBe(422);
    expect(typo.json().errors[0]).toMatchObject({ field: 'body.confirm', code: 'mismatch' });
    const member = await addMember(s, 'member');
    expect((await api(member).post(`/contacts/${contact.id}/erasure`, { confirm: p.contact.firstName })).statusCode).toBe(403);
    expect(await whereFound(p, s.workspaceId)).not.toEqual([]);

    const done = await api(s).post(`/contacts/${contact.id}/erasure`, {
      confirm: `${p.contact.firstName} ${p.contact.lastName}`.toUpperCase(),
      reason: 'Erasure request',
    });
    expect(done.statusCode, done.body).toBe(200);
    expect(done.json()).toMatchObject({ kind: 'erasure', recordType: 'contact', recordId: contact.id, reason: 'Erasure request' });
    expect(done.json().summary).toMatchObject({
      'removed.contacts': 1,
      'redacted.email_messages': 1,
      'removed.email_attachments': 1,
      'redacted.activities': 3,
      'redacted.tasks': 1,
      'redacted.webhook_deliveries': 1,
      'redacted.tickets': 1,
      'redacted.ticket_messages': 2,
      'removed.ticket_attachments': 1,
    });
    expect(done.json().summary['redacted.contacts']).toBeUndefined();

    // Nothing of them is left anywhere in this workspace's rows (nor in tables without one).
    expect(await whereFound(p, s.workspaceId)).toEqual([]);
    // The other workspace's person is untouched.
    expect((await api(other).get(`/contacts/${theirs.id}`)).json()).toMatchObject({ firstName: p.contact.firstName });

    // The figures stay: the company's call, now without them; the deal; the activities counted.
    expect((await api(s).get(`/contacts/${contact.id}`)).statusCode).toBe(404);
    expect((await api(s).get(`/search?q=${encodeURIComponent(p.contact.firstName)}`)).json().data).toEqual([]);
    const call = (await api(s).get(`/activities/${shared.id}`)).json();
    expect(call.body).toBe('[erased] asked for the price list; send to [erased].');
    expect(call.links).toEqual([expect.objectContaining({ recordType: 'company', recordId: company.id })]);
    // The lunch note went on the company's timeline too (activities follow a contact to its company):
    // it stays there, without them.
    expect((await api(s).get(`/activities/${alone.id}`)).json()).toMatchObject({
      subject: 'Lunch with [erased]',
      body: 'Talked about her move. Mobile [erased].',
    });
    // Their ticket stays counted (channel, status, times) without them, its words or their file.
    const t = (await api(s).get(`/tickets/${ticket.id}`)).json();
    expect(t).toMatchObject({ requesterId: null, subject: '[erased]', description: null, channel: 'web_form' });
    const conversation = (await api(s).get(`/tickets/${ticket.id}/messages`)).json().data;
    expect(conversation.map((m: { body: string; attachments: unknown[] }) => [m.body, m.attachments.length])).toEqual([
      ['[erased]', 0],
      ['[erased]', 0],
    ]);
    expect((await api(s).get(`/deals/${deal.id}`)).json()).toMatchObject({ name: 'Renewal 2027', amountMinor: 120_000, contacts: [] });
    const history = (await api(s).get(`/deals/${deal.id}/history`)).json().data;
    expect(history.length).toBeGreaterThan(0);
    const register = (await api(s).get('/privacy/requests')).json().data;
    expect(register.map((r: { kind: string }) => r.kind)).toEqual(['erasure']);
    expect(JSON.stringify(register)).not.toContain(p.tag);
    // A second erasure finds nobody.
    expect((await api(s).post(`/contacts/${contact.id}/erasure`, { confirm: 'x' })).statusCode).toBe(404);
  });
});

describe('consent', () => {
  it('keeps every consent given or withdrawn, says what holds now per purpose, and hands them over', async () => {
    const s = await signUp();
    const c = await createOk(s, '/contacts', { firstName: 'Connie', lastName: 'Sent' });
    const given = await api(s).post(`/contacts/${c.id}/consents`, {
      purpose: 'Newsletter',
      status: 'granted',
      source: 'Web form',
      wordingVersion: 'v3',
      at: '2026-03-01T10:00:00Z',
    });
    expect(given.statusCode, given.body).toBe(201);
    expect(given.json()).toMatchObject({ purpose: 'Newsletter', status: 'granted', wordingVersion: 'v3', recordedBy: s.memberId });
    await api(s).post(`/contacts/${c.id}/consents`, { purpose: 'Phone calls', status: 'granted', source: 'Call' });
    await api(s).post(`/contacts/${c.id}/consents`, { purpose: 'newsletter', status: 'withdrawn', source: 'Unsubscribe link' });
    const read = (await api(s).get(`/contacts/${c.id}/consents`)).json();
    expect(read.current.map((x: { purpose: string; status: string }) => [x.purpose, x.status])).toEqual([
      ['newsletter', 'withdrawn'],
      ['Phone calls', 'granted'],
    ]);
    expect(read.records).toHaveLength(3);
    // Bad input is named; another workspace sees nothing.
    const bad = await api(s).post(`/contacts/${c.id}/consents`, { purpose: 'x', status: 'maybe', source: 'y', at: '2999-01-01T00:00:00Z' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().errors[0].field).toBe('body.status');
    const future = await api(s).post(`/contacts/${c.id}/consents`, {
      purpose: 'x',
      status: 'granted',
      source: 'y',
      at: '2999-01-01T00:00:00Z',
    });
    expect(future.json().errors[0]).toMatchObject({ field: 'body.at', code: 'in_the_future' });
    const other = await signUp({ workspaceName: 'Other Co' });
    expect((await api(other).get(`/contacts/${c.id}/consents`)).statusCode).toBe(404);
    const zip = unzipSync(new Uint8Array((await api(s).get(`/contacts/${c.id}/personal-data`)).rawPayload));
    expect(JSON.parse(new TextDecoder().decode(zip['consents.json']))).toHaveLength(3);
  });
});
