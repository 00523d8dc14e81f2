import { afterEach, describe, expect, it } from 'vitest';
import type { ObjectRights } from '../../../contract/access.ts';
import { addMember, api, countRows, type Session, signUp } from '../../test/harness.ts';
import { createOk } from '../../test/samples.ts';

// Files on a ticket's conversation through the API: uploaded with a reply or a note, listed on the
// conversation, downloaded as files (never inline), refused whole over the cap, and hidden from
// whoever may not read the ticket.

afterEach(() => {
  delete process.env.RAPPORT_EMAIL_ATTACHMENT_MAX_BYTES;
});

const b64 = (s: string | Buffer) => Buffer.from(s).toString('base64');
const ticket = (s: Session, body: Record<string, unknown> = {}) => createOk(s, '/tickets', { subject: 'Broken invoice', ...body });

describe('ticket attachments', () => {
  it('stores files with a reply and a note, lists them on the conversation and serves each as a download', async () => {
    const s = await signUp();
    const t = await ticket(s);
    const pdf = Buffer.from('%PDF-1.4 the corrected invoice\n');
    const r = await api(s).post(`/tickets/${t.id}/messages`, {
      kind: 'reply',
      body: 'Here is the corrected invoice.',
      attachments: [
        { filename: 'Rechnung Müller.pdf', contentType: 'application/pdf', content: b64(pdf) },
        { filename: 'notes.txt', contentType: 'text/plain', content: b64('line one') },
      ],
    });
    expect(r.statusCode, r.body).toBe(201);
    const reply = r.json();
    expect(reply.attachments).toEqual([
      {
        id: expect.any(String),
        messageId: reply.id,
        filename: 'Rechnung Müller.pdf',
        contentType: 'application/pdf',
        size: pdf.length,
        note: null,
      },
      { id: expect.any(String), messageId: reply.id, filename: 'notes.txt', contentType: 'text/plain', size: 8, note: null },
    ]);
    const note = await api(s).post(`/tickets/${t.id}/messages`, {
      kind: 'note',
      body: 'Log from the customer’s machine.',
      attachments: [{ filename: 'app.log', contentType: 'text/plain', content: b64('ERROR 42') }],
    });
    expect(note.statusCode, note.body).toBe(201);

    const conversation = (await api(s).get(`/tickets/${t.id}/messages`)).json().data;
    expect(conversation.map((m: { attachments: { filename: string }[] }) => m.attachments.map((a) => a.filename))).toEqual([
      ['Rechnung Müller.pdf', 'notes.txt'],
      ['app.log'],
    ]);
    const all = (await api(s).get(`/tickets/${t.id}/attachments`)).json().data;
    expect(all.map((a: { filename: string }) => a.filename)).toEqual(['Rechnung Müller.pdf', 'notes.txt', 'app.log']);

    const file = await api(s).get(`/tickets/${t.id}/attachments/${reply.attachments[0].id}`);
    expect(file.statusCode).toBe(200);
    expect(file.rawPayload.equals(pdf)).toBe(true);
    expect(file.headers['content-type']).toBe('application/pdf');
    expect(file.headers['content-disposition']).toBe(
      `attachment; filename="Rechnung M_ller.pdf"; filename*=UTF-8''Rechnung%20M%C3%BCller.pdf`,
    );
    expect(file.headers['x-content-type-options']).toBe('nosniff');
    expect(file.headers['content-security-policy']).toBe("default-src 'none'; sandbox");
  });

  it('serves markup and scripts as bytes to download, whatever type the uploader gave them', async () => {
    const s = await signUp();
    const t = await ticket(s);
    const r = await api(s).post(`/tickets/${t.id}/messages`, {
      kind: 'note',
      body: 'Suspicious files',
      attachments: [
        { filename: 'page.html', contentType: 'text/html', content: b64('<script>alert(1)</script>') },
        { filename: 'logo.svg', contentType: 'image/svg+xml', content: b64('<svg onload="alert(1)"/>') },
      ],
    });
    expect(r.statusCode, r.body).toBe(201);
    for (const a of r.json().attachments) {
      const file = await api(s).get(`/tickets/${t.id}/attachments/${a.id}`);
      expect(file.statusCode).toBe(200);
      expect(file.headers['content-type']).toBe('application/octet-stream');
      expect(String(file.headers['content-disposition'])).toMatch(/^attachment;/);
      expect(file.headers['x-content-type-options']).toBe('nosniff');
    }
  });

  it('refuses a reply whose files are over the cap with 413 naming the file and the limit, and writes nothing', async () => {
    process.env.RAPPORT_EMAIL_ATTACHMENT_MAX_BYTES = '5000';
    const s = await signUp();
    const t = await ticket(s);
    const r = await api(s).post(`/tickets/${t.id}/messages`, {
      kind: 'reply',
      body: 'Two files',
      attachments: [
        { filename: 'small.txt', contentType: 'text/plain', content: b64(Buffer.alloc(3000, 1)) },
        { filename: 'big.bin', contentType: 'application/octet-stream', content: b64(Buffer.alloc(3000, 2)) },
      ],
    });
    expect(r.statusCode).toBe(413);
    expect(r.headers['content-type']).toMatch(/^application\/problem\+json/);
    const problem = r.json();
    expect(problem.code).toBe('attachments_too_large');
    expect(problem.detail).toContain('5 KB');
    expect(problem.errors).toEqual([
      {
        field: 'body.attachments.1',
        code: 'attachments_too_large',
        message: 'big.bin takes the attachments to 6 KB, over the 5 KB limit',
        params: { filename: 'big.bin', limit: '5 KB' },
      },
    ]);
    expect(await countRows('ticket_messages', s.workspaceId)).toBe(0);
    expect(await countRows('ticket_attachments', s.workspaceId)).toBe(0);
    const fresh = (await api(s).get(`/tickets/${t.id}`)).json();
    expect(fresh.firstRespondedAt).toBeNull();
  });

  it('answers 404 for another workspace’s ticket or file, and for a ticket the role may not read', async () => {
    const s = await signUp();
    const t = await ticket(s);
    const r = await api(s).post(`/tickets/${t.id}/messages`, {
      kind: 'reply',
      body: 'Attached',
      attachments: [{ filename: 'a.txt', contentType: 'text/plain', content: b64('secret') }],
    });
    const fileId = r.json().attachments[0].id;
    const other = await signUp();
    const theirs = await ticket(other);
    expect((await api(other).get(`/tickets/${t.id}/attachments/${fileId}`)).statusCode).toBe(404);
    // Their own ticket's id with this workspace's file id: the file is not found on it.
    expect((await api(other).get(`/tickets/${theirs.id}/attachments/${fileId}`)).statusCode).toBe(404);
    expect((await api(other).get(`/tickets/${t.id}/attachments`)).statusCode).toBe(404);
    // Another ticket of the same workspace does not serve it either.
    const second = await ticket(s);
    expect((await api(s).get(`/tickets/${second.id}/attachments/${fileId}`)).statusCode).toBe(404);

    // A member whose role reaches only their own tickets cannot fetch a file of someone else's.
    const agent = await addMember(s, 'member');
    const own: ObjectRights = {
      read: 'own',
      edit: 'own',
      delete: 'none',
      create: true,
      export: false,
      import: false,
      merge: false,
      bulkEdit: false,
    };
    const p = await createOk(s, '/access-profiles', { name: 'Own only', rights: { ticket: own } });
    await api(s).put(`/members/${agent.memberId}/access-profile`, { profileId: p.id });
    expect((await api(agent).get(`/tickets/${t.id}/attachments/${fileId}`)).statusCode).toBe(404);
    expect((await api(s).get(`/tickets/${t.id}/attachments/${fileId}`)).statusCode).toBe(200);
  });

  it('copies a message’s files when a ticket is merged or the message is split off', async () => {
    const s = await signUp();
    const source = await ticket(s, { subject: 'Duplicate' });
    const target = await ticket(s, { subject: 'Original' });
    const m = await api(s).post(`/tickets/${source.id}/messages`, {
      kind: 'reply',
      body: 'Screenshot attached',
      fromRequester: false,
      attachments: [{ filename: 'shot.png', contentType: 'image/png', content: b64('png bytes') }],
    });
    expect(m.statusCode, m.body).toBe(201);
    const merged = await api(s).post(`/tickets/${target.id}/merge`, { sourceId: source.id });
    expect(merged.statusCode, merged.body).toBe(200);
    const onTarget = (await api(s).get(`/tickets/${target.id}/messages`)).json().data;
    const copy = onTarget.find((x: { body: string }) => x.body === 'Screenshot attached');
    expect(copy.attachments.map((a: { filename: string }) => a.filename)).toEqual(['shot.png']);
    const bytes = await api(s).get(`/tickets/${target.id}/attachments/${copy.attachments[0].id}`);
    expect(bytes.body).toBe('png bytes');

    const split = await api(s).post(`/tickets/${source.id}/split`, { messageId: m.json().id });
    expect(split.statusCode, split.body).toBe(201);
    const own = (await api(s).get(`/tickets/${split.json().id}/attachments`)).json().data;
    expect(own).toEqual([expect.objectContaining({ filename: 'shot.png', messageId: null })]);
  });
});
