import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasChromium, launch, type Page, pageApi, type Server, signUpInBrowser, startServer, watchConsole } from './harness.ts';

// Live chat (issue 14): a shop's page on another origin embeds the widget with one script tag; a
// visitor writes, the agent on the Chat page sees it arrive and answers, the visitor sees the answer
// arrive, and the agent turns the conversation into a ticket. With no agent on the Chat page, the
// widget takes a message that becomes a ticket.

const user = { name: 'Cora Agent', email: `cora.${Date.now()}@example.test`, password: 'a live chat passphrase', workspace: 'Chatty Shop' };
const slug = `chatty-${Date.now().toString(36)}`;
const html = '<img src=x onerror="window.pwned=1"> Hello, <b>is anyone there?</b>';

describe.runIf(hasChromium)('live chat widget and Chat page', () => {
  let server: Server;
  let shop: HttpServer;
  let shopUrl = '';
  let agentBrowser: Awaited<ReturnType<typeof launch>>;
  let visitorBrowser: Awaited<ReturnType<typeof launch>>;
  let agent: Page;
  let visitor: Page;
  let agentErrors: string[];
  let visitorErrors: string[];

  beforeAll(async () => {
    server = await startServer();
    // The customer's website: another origin (localhost, another port) serving one page with the snippet.
    shop = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(`<!doctype html><html lang="en"><head><title>Chatty Shop</title></head>
        <body style="font-family: sans-serif"><h1>Chatty Shop</h1><p>Our finest teapots.</p>
        <script src="${server.url}/chat/widget.js" data-workspace="${slug}" async></script></body></html>`);
    });
    await new Promise<void>((r) => shop.listen(0, '127.0.0.1', r));
    shopUrl = `http://localhost:${(shop.address() as AddressInfo).port}/`;
    agentBrowser = await launch();
    visitorBrowser = await launch({ width: 1000, height: 760 });
    agent = agentBrowser.context.pages()[0] ?? (await agentBrowser.context.newPage());
    visitor = visitorBrowser.context.pages()[0] ?? (await visitorBrowser.context.newPage());
    agentErrors = watchConsole(agent);
    visitorErrors = watchConsole(visitor);
    await signUpInBrowser(agent, server.url, user);
    expect((await pageApi(agent, 'PUT', '/knowledge/help-centre', { slug })).status).toBe(200);
  }, 120_000);
  afterAll(async () => {
    await agentBrowser?.close();
    await visitorBrowser?.close();
    await new Promise((r) => shop?.close(r));
    await server?.stop();
  });

  const shot = (p: Page, name: string) => p.screenshot({ path: `e2e/screenshots/${name}.png` });

  it('carries a visitor’s message to the agent live and the answer back, then makes it a ticket', async () => {
    await agent.getByRole('link', { name: 'Chat', exact: true }).click();
    await agent.getByRole('heading', { name: 'Chat', exact: true }).waitFor();
    await agent.getByText('No open conversations.', { exact: false }).waitFor();
    expect(await agent.getByTestId('chat-embed').textContent()).toBe(
      `<script src="${server.url}/chat/widget.js" data-workspace="${slug}" async></script>`,
    );

    await visitor.goto(shopUrl);
    await visitor.getByRole('button', { name: 'Chat with us' }).click();
    await visitor.getByText('Ask us anything').waitFor();
    await visitor.getByRole('textbox', { name: 'Your name (optional)' }).fill('Vera Visitor');
    await visitor.getByRole('textbox', { name: 'Your email (optional)' }).fill('vera@example.test');
    await visitor.getByRole('textbox', { name: 'Your message' }).fill(html);
    await visitor.getByRole('button', { name: 'Start chat' }).click();
    await visitor.getByText('Hello, <b>is anyone there?</b>', { exact: false }).waitFor();

    // The agent's list shows the new conversation without a reload.
    const item = agent.getByRole('button', { name: /Vera Visitor/ });
    await item.waitFor();
    await item.click();
    const thread = agent.getByTestId('chat-messages');
    await thread.getByText(html).waitFor();
    await agent.getByRole('textbox', { name: 'Reply' }).fill('Hi Vera! Which teapot do you mean?');
    await agent.getByRole('button', { name: 'Send', exact: true }).click();
    await thread.getByText('Hi Vera! Which teapot do you mean?').waitFor();

    // The visitor sees the answer arrive; the markup stayed text on both sides.
    await visitor.getByText('Hi Vera! Which teapot do you mean?').waitFor();
    await visitor.getByRole('textbox', { name: 'Your message' }).fill('The blue one, please.');
    await visitor.getByRole('textbox', { name: 'Your message' }).press('Enter');
    await thread.getByText('The blue one, please.').waitFor();
    expect(await visitor.evaluate('window.pwned')).toBeUndefined();
    expect(await visitor.evaluate("document.querySelector('[data-rapport-chat]').shadowRoot.querySelectorAll('img, b').length")).toBe(0);
    expect(await agent.evaluate("document.querySelectorAll('[data-testid=chat-messages] img, [data-testid=chat-messages] b').length")).toBe(
      0,
    );
    await shot(visitor, 'chat-widget');
    await shot(agent, 'chat-agent');

    await agent.getByRole('button', { name: 'Turn into ticket' }).click();
    await agent.getByText('created from the conversation').waitFor();
    await agent.getByRole('heading', { name: /Chat: <img src=x/ }).waitFor();
    const conversation = agent.getByTestId('conversation');
    await conversation.getByText(html).waitFor();
    await conversation.getByText('Hi Vera! Which teapot do you mean?').waitFor();
    await conversation.getByText('The blue one, please.').waitFor();
    expect(agentErrors).toEqual([]);
    expect(visitorErrors).toEqual([]);
  });

  it('takes a message as a ticket while no agent has the Chat page open', async () => {
    // The agent leaves the Chat page: their stream ends and they go offline.
    await agent.getByRole('link', { name: 'Tickets', exact: true }).click();
    await agent.getByRole('heading', { name: 'Tickets', exact: true }).waitFor();
    await expect
      .poll(async () => ((await (await fetch(`${server.url}/chat/${slug}/status`)).json()) as { online: boolean }).online, {
        timeout: 10_000,
      })
      .toBe(false);

    await visitor.evaluate('localStorage.clear()');
    await visitor.reload();
    await visitor.getByRole('button', { name: 'Chat with us' }).click();
    await visitor.getByText('Nobody is online right now').waitFor();
    await visitor.getByRole('textbox', { name: 'Your name (optional)' }).fill('Otto Offline');
    await visitor.getByRole('textbox', { name: 'Your email' }).fill('otto@example.test');
    await visitor.getByRole('textbox', { name: 'Your message' }).fill('Please call me back about the <i>green</i> teapot.');
    await visitor.getByRole('button', { name: 'Send message' }).click();
    await visitor.getByText('we received your message').waitFor();
    await shot(visitor, 'chat-widget-offline');

    const tickets = await pageApi(agent, 'GET', '/tickets');
    expect(tickets.body.data).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          channel: 'chat',
          subject: 'Chat message from Otto Offline',
          description: 'Please call me back about the <i>green</i> teapot.',
        }),
      ]),
    );
    expect(visitorErrors).toEqual([]);
  });
});
