import { beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../http/typed-app.ts';
import { api, signUp, testApp, testAppUrl } from '../../test/harness.ts';

// Live chat through HTTP as the widget and the Chat page use it: a visitor with nothing but the
// workspace's slug and the token their conversation gave them, and agents with a session.

let app: App;
let base = '';
beforeAll(async () => {
  app = await testApp();
  base = await testAppUrl();
});

let n = 0;
/** Each test speaks from addresses of its own: the limits per address are shared through the database. */
const address = () => `10.${(process.pid >> 8) & 255}.${process.pid & 255}.${++n}`;

async function chatSite(workspaceName = 'Chatty') {
  const owner = await signUp({ workspaceName });
  const slug = `chat-${Date.now().toString(36)}-${++n}`;
  expect((await api(owner).put('/knowledge/help-centre', { slug })).statusCode).toBe(200);
  return { owner, slug };
}

function visitor(slug: string, ip = address()) {
  let token = '';
  const call = (method: 'GET' | 'POST' | 'OPTIONS', url: string, payload?: unknown, headers: Record<string, string> = {}) =>
    app.inject({
      method,
      url: `/chat/${slug}${url}`,
      remoteAddress: ip,
      headers: { origin: 'https://shop.example', ...(token ? { 'x-chat-token': token } : {}), ...headers },
      ...(payload === undefined ? {} : { payload: payload as never }),
    });
  return {
    call,
    setToken: (t: string) => (token = t),
    async start(body: Record<string, unknown>) {
      const r = await call('POST', '/conversations', body);
      expect(r.statusCode, r.body).toBe(201);
      const started = r.json() as { id: string; token: string; messages: { body: string }[] };
      token = started.token;
      return started;
    },
  };
}

describe('live chat', () => {
  it('carries a visitor’s messages to the agents and the answer back, HTML as plain text', async () => {
    const { owner, slug } = await chatSite();
    const v = visitor(slug);
    const html = '<img src=x onerror=alert(1)> <b>hi</b>';
    const started = await v.start({ body: html, name: 'Vera Visitor', pageUrl: 'https://shop.example/cart' });
    expect(started.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(started.messages).toMatchObject([{ author: 'visitor', body: html }]);

    const list = (await api(owner).get('/chat/conversations')).json();
    expect(list.data).toMatchObject([{ id: started.id, status: 'open', visitorName: 'Vera Visitor', lastMessage: html }]);
    const reply = await api(owner).post(`/chat/conversations/${started.id}/messages`, { body: 'Hello <script>x</script>' });
    expect(reply.statusCode, reply.body).toBe(201);

    const read = await v.call('GET', `/conversations/${started.id}`);
    expect(read.statusCode).toBe(200);
    // JSON, never HTML: the widget puts each body in the page as text.
    expect(read.headers['content-type']).toMatch(/^application\/json/);
    expect(read.headers['x-content-type-options']).toBe('nosniff');
    expect(read.json().messages.map((m: { author: string; body: string }) => [m.author, m.body])).toEqual([
      ['visitor', html],
      ['agent', 'Hello <script>x</script>'],
    ]);
    const detail = (await api(owner).get(`/chat/conversations/${started.id}`)).json();
    expect(detail.conversation.assigneeId).toBe(owner.memberId);
  });

  it('answers the widget cross-origin without cookies, and only on the chat routes', async () => {
    const { slug } = await chatSite();
    const v = visitor(slug);
    const pre = await v.call('OPTIONS', '/conversations', undefined, {
      'access-control-request-method': 'POST',
      'access-control-request-headers': 'content-type,x-chat-token',
    });
    expect(pre.statusCode).toBe(204);
    expect(pre.headers['access-control-allow-origin']).toBe('*');
    expect(String(pre.headers['access-control-allow-headers'])).toContain('x-chat-token');
    expect(pre.headers['access-control-allow-credentials']).toBeUndefined();
    const started = await v.start({ body: 'Hi' });
    const read = await v.call('GET', `/conversations/${started.id}`);
    expect(read.headers['access-control-allow-origin']).toBe('*');
    expect(read.headers['set-cookie']).toBeUndefined();
    const script = await app.inject({ method: 'GET', url: '/chat/widget.js' });
    expect([200, 404]).toContain(script.statusCode);
    expect(script.headers['cross-origin-resource-policy']).toBe('cross-origin');
    const apiCall = await app.inject({ method: 'GET', url: '/api/v1/chat/conversations', headers: { origin: 'https://shop.example' } });
    expect(apiCall.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('never lets a visitor token reach another workspace’s or another visitor’s conversation', async () => {
    const a = await chatSite('Workspace A');
    const b = await chatSite('Workspace B');
    const alice = visitor(a.slug);
    const aliceChat = await alice.start({ body: 'Secret of A' });
    const bob = visitor(a.slug);
    const bobChat = await bob.start({ body: 'Bob in A' });
    const eve = visitor(b.slug);
    await eve.start({ body: 'Eve in B' });

    // Alice's own token, through B's slug: the conversation is not B's.
    const viaB = visitor(b.slug);
    viaB.setToken(aliceChat.token);
    for (const r of [
      await viaB.call('GET', `/conversations/${aliceChat.id}`),
      await viaB.call('POST', `/conversations/${aliceChat.id}/messages`, { body: 'x' }),
      await viaB.call('GET', `/conversations/${aliceChat.id}/stream?seconds=0`),
    ]) {
      expect(r.statusCode).toBe(404);
      expect(r.body).not.toContain('Secret');
    }
    // Bob's token on Alice's conversation, and Eve's (of B) on it through A's slug.
    for (const other of [bob, eve]) {
      const stranger = visitor(a.slug);
      stranger.setToken((other === bob ? bobChat : { token: 'x'.repeat(43) }).token);
      const r = await stranger.call('GET', `/conversations/${aliceChat.id}`);
      expect(r.statusCode).toBe(404);
      expect((await stranger.call('POST', `/conversations/${aliceChat.id}/messages`, { body: 'sneak' })).statusCode).toBe(404);
    }
    // No token at all, or a malformed one: a 400 that names the header.
    const bare = await visitor(a.slug).call('GET', `/conversations/${aliceChat.id}`);
    expect(bare.statusCode).toBe(400);
    expect(bare.body).toContain('x-chat-token');
    // B's agents see none of A's conversations.
    expect((await api(b.owner).get(`/chat/conversations/${aliceChat.id}`)).statusCode).toBe(404);
    expect((await api(b.owner).post(`/chat/conversations/${aliceChat.id}/messages`, { body: 'x' })).statusCode).toBe(404);
    expect((await api(b.owner).post(`/chat/conversations/${aliceChat.id}/ticket`)).statusCode).toBe(404);
    expect(JSON.stringify((await api(b.owner).get('/chat/conversations')).json())).not.toContain('Secret of A');
    // An unknown slug is the same 404.
    expect((await visitor('no-such-workspace-x').call('GET', '/status')).statusCode).toBe(404);
    const aliceMessages = (await alice.call('GET', `/conversations/${aliceChat.id}`)).json().messages;
    expect(aliceMessages.map((m: { body: string }) => m.body)).toEqual(['Secret of A']);
  });

  it('stops floods per visitor token and per address, and caps a message’s length', async () => {
    const { slug } = await chatSite();
    const v = visitor(slug);
    const chat = await v.start({ body: 'first' });
    const statuses: number[] = [];
    for (let i = 0; i < 22; i++) statuses.push((await v.call('POST', `/conversations/${chat.id}/messages`, { body: `m${i}` })).statusCode);
    expect(statuses.slice(0, 20).every((s) => s === 201)).toBe(true);
    expect(statuses.slice(20)).toEqual([429, 429]);
    const limited = await v.call('POST', `/conversations/${chat.id}/messages`, { body: 'more' });
    expect(limited.headers['content-type']).toMatch(/problem\+json/);
    expect(limited.headers['access-control-allow-origin']).toBe('*');

    // One address starting conversation after conversation.
    const ip = address();
    const starts: number[] = [];
    for (let i = 0; i < 11; i++) starts.push((await visitor(slug, ip).call('POST', '/conversations', { body: `spam ${i}` })).statusCode);
    expect(starts.slice(0, 10).every((s) => s === 201)).toBe(true);
    expect(starts[10]).toBe(429);

    const w = visitor(slug);
    const other = await w.start({ body: 'ok' });
    const long = await w.call('POST', `/conversations/${other.id}/messages`, { body: 'x'.repeat(2001) });
    expect(long.statusCode).toBe(400);
    expect(long.body).toContain('body');
    const blank = await w.call('POST', `/conversations/${other.id}/messages`, { body: '   ' });
    expect(blank.statusCode).toBe(400);
  });

  it('puts a closed conversation on the timeline of the contact its email names', async () => {
    const { owner, slug } = await chatSite();
    const contact = (
      await api(owner).post('/contacts', { firstName: 'Known', emails: [{ label: 'work', value: 'known@example.test' }] })
    ).json();
    const v = visitor(slug);
    const chat = await v.start({ body: 'Where is my order <b>42</b>?', email: 'Known@Example.test' });
    expect((await api(owner).get(`/chat/conversations/${chat.id}`)).json().conversation.contactId).toBe(contact.id);
    await api(owner).post(`/chat/conversations/${chat.id}/messages`, { body: 'On its way.' });
    const closed = await api(owner).post(`/chat/conversations/${chat.id}/close`);
    expect(closed.statusCode, closed.body).toBe(200);
    expect(closed.json().status).toBe('closed');
    const timeline = (await api(owner).get(`/contacts/${contact.id}/timeline`)).json();
    const entry = timeline.data.find((x: { type: string }) => x.type === 'chat');
    expect(entry).toBeDefined();
    expect(entry.body).toContain('Where is my order <b>42</b>?');
    expect(entry.body).toContain('Agent: On its way.');
    // The visitor hears it ended and cannot write on.
    const after = await v.call('POST', `/conversations/${chat.id}/messages`, { body: 'hello?' });
    expect(after.statusCode).toBe(409);
    expect((await v.call('GET', `/conversations/${chat.id}`)).json().status).toBe('closed');
    expect((await api(owner).post(`/chat/conversations/${chat.id}/messages`, { body: 'late' })).statusCode).toBe(409);

    // A stranger's email: the contact is filed when the chat closes.
    const s = visitor(slug);
    const other = await s.start({ body: 'New here', email: 'new.person@example.test', name: 'New Person' });
    expect((await api(owner).get(`/chat/conversations/${other.id}`)).json().conversation.contactId).toBeNull();
    const done = (await api(owner).post(`/chat/conversations/${other.id}/close`)).json();
    expect(done.contactId).toMatch(/^[0-9a-f-]{36}$/);
    const filed = (await api(owner).get(`/contacts/${done.contactId}`)).json();
    expect(filed).toMatchObject({ firstName: 'New', lastName: 'Person', source: 'chat' });
  });

  it('turns a conversation into a chat ticket with the conversation as its first messages, once', async () => {
    const { owner, slug } = await chatSite();
    const v = visitor(slug);
    const chat = await v.start({ body: 'My printer is on fire', email: 'burning@example.test' });
    await v.call('POST', `/conversations/${chat.id}/messages`, { body: 'Really <i>on fire</i>' });
    await api(owner).post(`/chat/conversations/${chat.id}/messages`, { body: 'Step away from it.' });
    const made = await api(owner).post(`/chat/conversations/${chat.id}/ticket`);
    expect(made.statusCode, made.body).toBe(201);
    const { ticketId } = made.json();
    const ticket = (await api(owner).get(`/tickets/${ticketId}`)).json();
    expect(ticket).toMatchObject({ channel: 'chat', subject: 'Chat: My printer is on fire', assigneeId: owner.memberId });
    expect(ticket.requesterId).toMatch(/^[0-9a-f-]{36}$/);
    const messages = (await api(owner).get(`/tickets/${ticketId}/messages`)).json().data;
    expect(
      messages.map((m: { kind: string; body: string; authorContactId: string | null; authorMemberId: string | null }) => [
        m.kind,
        m.body,
        !!m.authorContactId,
        m.authorMemberId,
      ]),
    ).toEqual([
      ['reply', 'My printer is on fire', true, null],
      ['reply', 'Really <i>on fire</i>', true, null],
      ['reply', 'Step away from it.', false, owner.memberId],
    ]);
    expect((await api(owner).get(`/chat/conversations/${chat.id}`)).json().conversation.ticketId).toBe(ticketId);
    const again = await api(owner).post(`/chat/conversations/${chat.id}/ticket`);
    expect(again.statusCode).toBe(409);

    // Without an email there is nobody to answer by mail: the visitor's words become internal notes.
    const anon = visitor(slug);
    const quiet = await anon.start({ body: 'No email from me', name: 'Anon' });
    const t2 = (await api(owner).post(`/chat/conversations/${quiet.id}/ticket`)).json();
    const notes = (await api(owner).get(`/tickets/${t2.ticketId}/messages`)).json().data;
    expect(notes).toMatchObject([{ kind: 'note', body: 'Anon: No email from me' }]);
  });

  it('offers live chat only while an agent has the Chat page open, and takes a message as a ticket otherwise', async () => {
    const { owner, slug } = await chatSite();
    const v = visitor(slug);
    expect((await v.call('GET', '/status')).json()).toEqual({ online: false });
    const abort = new AbortController();
    const stream = await fetch(`${base}/api/v1/chat/stream?seconds=30`, { headers: owner.headers, signal: abort.signal });
    expect(stream.status).toBe(200);
    const reader = (stream.body as ReadableStream<Uint8Array>).getReader();
    const decoder = new TextDecoder();
    let text = '';
    const readUntil = async (needle: string) => {
      const deadline = Date.now() + 10_000;
      while (!text.includes(needle)) {
        if (Date.now() > deadline) throw new Error(`no ${needle} in ${text}`);
        const { value, done } = await reader.read();
        if (done) throw new Error('stream ended');
        text += decoder.decode(value, { stream: true });
      }
    };
    await readUntil('event: ready');
    expect((await v.call('GET', '/status')).json()).toEqual({ online: true });
    // The page hears of a new conversation as it starts.
    const chat = await v.start({ body: 'Anyone there?' });
    await readUntil(chat.id);
    expect(text).toContain('Anyone there?');
    abort.abort();
    const deadline = Date.now() + 5_000;
    while ((await v.call('GET', '/status')).json().online && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect((await v.call('GET', '/status')).json()).toEqual({ online: false });

    const left = await visitor(slug).call('POST', '/offline', { body: 'Call me <b>back</b>', email: 'later@example.test', name: 'Lena' });
    expect(left.statusCode, left.body).toBe(201);
    expect(left.json()).toEqual({ received: true });
    const tickets = (await api(owner).get('/tickets')).json().data;
    expect(tickets).toMatchObject([{ channel: 'chat', subject: 'Chat message from Lena', description: 'Call me <b>back</b>' }]);
    expect((await visitor(slug).call('POST', '/offline', { body: 'x', email: 'not an email' })).statusCode).toBe(400);
  });

  it('streams the agent’s answer to the visitor as it is written', async () => {
    const { owner, slug } = await chatSite();
    const v = visitor(slug);
    const chat = await v.start({ body: 'Hello?' });
    const abort = new AbortController();
    const res = await fetch(`${base}/chat/${slug}/conversations/${chat.id}/stream?after=1&seconds=30`, {
      headers: { 'x-chat-token': chat.token },
      signal: abort.signal,
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    const reader = (res.body as ReadableStream<Uint8Array>).getReader();
    const decoder = new TextDecoder();
    let text = '';
    const readUntil = async (needle: string) => {
      while (!text.includes(needle)) {
        const { value, done } = await reader.read();
        if (done) throw new Error('stream ended');
        text += decoder.decode(value, { stream: true });
      }
    };
    await readUntil('event: ready');
    expect(text).not.toContain('Hello?');
    await api(owner).post(`/chat/conversations/${chat.id}/messages`, { body: 'Hi, how can I help?' });
    await readUntil('Hi, how can I help?');
    await api(owner).post(`/chat/conversations/${chat.id}/close`);
    await readUntil('event: closed');
    abort.abort();
  });
});
