import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasChromium, launch, type Page, pageApi, type Server, signUpInBrowser, startServer, watchConsole } from './harness.ts';

// Live updates (issue 11): what one person changes shows on another's open pages within a second
// or two, with no reload — the list, the record page and the board.

describe.runIf(hasChromium)('live updates', () => {
  let server: Server;
  let owner: Awaited<ReturnType<typeof launch>>;
  let guest: Awaited<ReturnType<typeof launch>>;
  let a: Page;
  let b: Page;
  let errors: string[];

  beforeAll(async () => {
    server = await startServer();
    owner = await launch();
    guest = await launch();
    a = owner.context.pages()[0] ?? (await owner.context.newPage());
    b = guest.context.pages()[0] ?? (await guest.context.newPage());
    errors = watchConsole(b);
    await signUpInBrowser(a, server.url, {
      name: 'Lena Live',
      email: `lena.${Date.now()}@example.test`,
      password: 'a live updating passphrase',
      workspace: 'Live GmbH',
    });
    const invite = await pageApi(a, 'POST', '/invitations', { email: `max.${Date.now()}@example.test`, role: 'member' });
    await b.goto(`${server.url}/invite?token=${encodeURIComponent(invite.body.token)}`);
    await b.getByLabel('Your name').fill('Max Member');
    await b.getByRole('textbox', { name: 'Password' }).fill('a members passphrase');
    await b.getByRole('button', { name: 'Join the workspace' }).click();
    await b.getByRole('heading', { name: 'Home · Max Member' }).waitFor();
  }, 120_000);
  afterAll(async () => {
    await guest?.close();
    await owner?.close();
    await server?.stop();
  });

  /** Marks the page so that a reload (which would also show the change) is caught. */
  const mark = (p: Page) => p.evaluate('window.__notReloaded = true');
  const notReloaded = async (p: Page) => expect(await p.evaluate('window.__notReloaded === true')).toBe(true);

  it('adds a contact someone else creates to an open list, and renames it there', async () => {
    await b.goto(`${server.url}/contacts`);
    await b.getByRole('heading', { name: 'Contacts' }).waitFor();
    await mark(b);
    const made = await pageApi(a, 'POST', '/contacts', { firstName: 'Livia', lastName: 'Liveworth' });
    expect(made.status).toBe(201);
    await b.getByRole('link', { name: 'Livia Liveworth' }).waitFor({ timeout: 5_000 });
    await pageApi(a, 'PATCH', `/contacts/${made.body.id}`, { version: made.body.version, lastName: 'Lively' });
    await b.getByRole('link', { name: 'Livia Lively' }).waitFor({ timeout: 5_000 });
    await notReloaded(b);
  });

  it('updates an open record page and its history when someone else edits the record', async () => {
    const made = await pageApi(a, 'POST', '/companies', { name: 'Streamline AG', industry: 'Logistics' });
    await b.goto(`${server.url}/companies/${made.body.id}`);
    await b.getByRole('heading', { name: 'Streamline AG' }).waitFor();
    await mark(b);
    await pageApi(a, 'PATCH', `/companies/${made.body.id}`, { version: made.body.version, industry: 'Rail freight' });
    await b.getByRole('button', { name: /^Industry: Rail freight/ }).waitFor({ timeout: 5_000 });
    await notReloaded(b);
    await b.screenshot({ path: 'e2e/screenshots/live-record.png' });
  });

  it('moves a deal on an open board when someone else changes its stage', async () => {
    const pipelines = await pageApi(a, 'GET', '/pipelines');
    const pipeline = pipelines.body.data[0];
    const [first, second] = pipeline.stages as { id: string; name: string }[];
    const deal = await pageApi(a, 'POST', '/deals', {
      name: 'Board Mover',
      pipelineId: pipeline.id,
      stageId: first.id,
      amountMinor: 500000,
      currency: 'EUR',
    });
    expect(deal.status).toBe(201);
    await b.goto(`${server.url}/deals/board`);
    const column = (name: string) => b.getByRole('region', { name, exact: true });
    await column(first.name).getByText('Board Mover').waitFor();
    await mark(b);
    await pageApi(a, 'PATCH', `/deals/${deal.body.id}`, { version: deal.body.version, stageId: second.id });
    await column(second.name).getByText('Board Mover').waitFor({ timeout: 5_000 });
    expect(await column(first.name).getByText('Board Mover').count()).toBe(0);
    await notReloaded(b);
    expect(errors).toEqual([]);
  });
});
