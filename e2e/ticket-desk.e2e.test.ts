import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  axeScan,
  hasChromium,
  joinByInvitation,
  launch,
  type Page,
  pageApi,
  type Server,
  screenshotDir,
  signUpInBrowser,
  startServer,
  watchConsole,
} from './harness.ts';

// The agent workspace (issue 14): an agent works a queue with the keyboard, sees a second agent
// on the same ticket (viewing, then replying) and is warned before sending over their reply, uses
// a suggested article and a macro (reply + solved), and merges a duplicate ticket.

const user = { name: 'Sam Support', email: `sam.${Date.now()}@example.test`, password: 'a support desk passphrase', workspace: 'Desk Ltd' };

describe.runIf(hasChromium)('ticket desk', () => {
  let server: Server;
  let sam: Awaited<ReturnType<typeof launch>>;
  let ann: Awaited<ReturnType<typeof launch>>;
  let page: Page;
  let annPage: Page;
  let errors: string[];
  const ids: Record<number, string> = {};

  beforeAll(async () => {
    server = await startServer();
    sam = await launch();
    ann = await launch();
    page = sam.context.pages()[0] ?? (await sam.context.newPage());
    annPage = ann.context.pages()[0] ?? (await ann.context.newPage());
    errors = watchConsole(page);
    await signUpInBrowser(page, server.url, user);
    await joinByInvitation(page, annPage, server.url, { name: 'Ann Agent', role: 'member' });
    const carla = await pageApi(page, 'POST', '/contacts', {
      firstName: 'Carla',
      lastName: 'Client',
      emails: [{ label: 'work', value: 'carla@customer.example' }],
    });
    expect(carla.status).toBe(201);
    const tickets = [
      { subject: 'Invoice PDF is blank', description: 'Every invoice downloads as a blank page.', requesterId: carla.body.id },
      { subject: 'Blank invoice again', description: 'Still blank invoices today.', requesterId: carla.body.id },
      { subject: 'Login loops back', requesterEmail: 'dora@customer.example' },
    ];
    for (const [i, t] of tickets.entries()) {
      const r = await pageApi(page, 'POST', '/tickets', t);
      expect(r.status).toBe(201);
      ids[i + 1] = r.body.id;
    }
    const article = await pageApi(page, 'POST', '/knowledge/articles', {
      title: 'Fixing a blank invoice PDF',
      body: 'Download the invoice again after clearing the cache.',
      language: 'en',
      visibility: 'public',
    });
    expect((await pageApi(page, 'POST', `/knowledge/articles/${article.body.id}/publish`)).status).toBe(200);
    expect((await pageApi(page, 'PUT', '/knowledge/help-centre', { slug: `desk-${Date.now()}` })).status).toBe(200);
  }, 180_000);
  afterAll(async () => {
    await sam?.close();
    await ann?.close();
    await server?.stop();
  });

  const heading = (text: string) => page.getByRole('heading', { name: text, exact: true });

  it('keeps a macro in settings', async () => {
    await page.goto(`${server.url}/settings?tab=macros`);
    await page.getByRole('button', { name: 'New macro' }).click();
    await page.getByLabel('Name').fill('Solved: fixed');
    await page.getByLabel('Text').fill('Hi {{requester.firstName}}, ticket #{{ticket.number}} is fixed now.');
    await page.getByRole('combobox', { name: 'Set status' }).click();
    await page.getByRole('option', { name: 'Solved', exact: true }).click();
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByTestId('macros-table').getByText('Solved: fixed').waitFor();
    expect((await pageApi(page, 'GET', '/ticket-macros')).body.data[0]).toMatchObject({
      name: 'Solved: fixed',
      changes: { status: 'solved' },
    });
  }, 60_000);

  it('works the queue with the keyboard', async () => {
    await page.getByRole('link', { name: 'Tickets', exact: true }).click();
    await page.getByTestId('tickets-table').getByText('Login loops back').waitFor();
    await page.getByRole('link', { name: 'Login loops back' }).click();
    await heading('#3 Login loops back').waitFor();
    await page.keyboard.press('j');
    await heading('#2 Blank invoice again').waitFor();
    await page.keyboard.press('j');
    await heading('#1 Invoice PDF is blank').waitFor();
    await page.keyboard.press('k');
    await heading('#2 Blank invoice again').waitFor();
    await page.keyboard.press('j');
    await heading('#1 Invoice PDF is blank').waitFor();
    await page.keyboard.press('?');
    await page.getByTestId('shortcuts-help').getByText('Next ticket in the queue').waitFor();
    await page.keyboard.press('Escape');
    await page.getByTestId('shortcuts-help').waitFor({ state: 'detached' });
    // Typing a letter in the reply box types it; it does not jump to another ticket.
    await page.keyboard.press('r');
    await page.keyboard.type('jk');
    expect(await page.getByLabel('Reply to the customer').inputValue()).toBe('jk');
    await heading('#1 Invoice PDF is blank').waitFor();
    await page.getByLabel('Reply to the customer').fill('');
  }, 60_000);

  it('shows who else is on the ticket and warns before sending over a newer reply', async () => {
    await annPage.goto(`${server.url}/tickets/${ids[1]}`);
    await annPage.getByRole('heading', { name: '#1 Invoice PDF is blank' }).waitFor();
    await page.getByTestId('presence').getByText('Ann Agent is viewing this ticket').waitFor({ timeout: 15_000 });
    await annPage.getByLabel('Reply to the customer').fill('Hi Carla, we found the cause.');
    await page.getByTestId('presence').getByText('Ann Agent is replying to this ticket').waitFor({ timeout: 15_000 });
    await annPage.getByTestId('presence').getByText('Sam Support is viewing this ticket').waitFor({ timeout: 15_000 });

    await page.getByLabel('Reply to the customer').fill('Hello Carla, looking into it.');
    await annPage.getByRole('button', { name: 'Send reply' }).click();
    await annPage.getByTestId('conversation').getByText('Hi Carla, we found the cause.').waitFor();
    await page.getByRole('button', { name: 'Send reply' }).click();
    await page
      .getByTestId('newer-reply')
      .getByText(/new public reply came in/)
      .waitFor();
    await page.getByTestId('conversation').getByText('Hi Carla, we found the cause.').waitFor();
    expect(await page.locator('[data-kind="reply"]').count()).toBe(1);
    await page.screenshot({ path: join(screenshotDir, 'ticket-desk-collision.png'), fullPage: true });
    await page.getByRole('button', { name: 'Send anyway' }).click();
    await page.getByTestId('conversation').getByText('Hello Carla, looking into it.').waitFor();
    expect(await page.locator('[data-kind="reply"]').count()).toBe(2);
    // Ann leaves: the warning goes at once.
    await annPage.getByRole('link', { name: '← All tickets' }).click();
    await page.getByTestId('presence').waitFor({ state: 'detached', timeout: 15_000 });
  }, 90_000);

  it('inserts a suggested article and applies the macro: reply and solved', async () => {
    const suggested = page.getByTestId('suggested-articles');
    await suggested.getByText('Fixing a blank invoice PDF').waitFor();
    await suggested.getByRole('button', { name: 'Insert link to Fixing a blank invoice PDF' }).click();
    expect(await page.getByLabel('Reply to the customer').inputValue()).toMatch(
      /^Fixing a blank invoice PDF: http:\/\/.+\/help\/desk-\d+\/articles\//,
    );
    await page.getByLabel('Reply to the customer').fill('');

    await page.getByTestId('requester-history').getByText('Blank invoice again').waitFor();
    await heading('#1 Invoice PDF is blank').click();
    await page.keyboard.press('m');
    await page.getByRole('menuitem', { name: 'Solved: fixed' }).click();
    await page.getByTestId('conversation').getByText('Hi Carla, ticket #1 is fixed now.').waitFor();
    await expect.poll(async () => (await pageApi(page, 'GET', `/tickets/${ids[1]}`)).body.status).toBe('solved');
    await expect.poll(() => page.getByRole('combobox', { name: 'Status', exact: true }).inputValue()).toBe('Solved');
  }, 60_000);

  it('merges a duplicate into the ticket', async () => {
    await page.getByRole('button', { name: 'Merge…' }).click();
    await page.getByRole('combobox', { name: 'Duplicate ticket' }).click();
    await page.getByRole('option', { name: '#2 Blank invoice again' }).click();
    await page.getByRole('button', { name: 'Merge', exact: true }).click();
    await page.getByTestId('ticket-relations').getByText('#2 Blank invoice again').waitFor();
    await page
      .getByTestId('conversation')
      .getByText(/Merged ticket #2 "Blank invoice again" into this ticket/)
      .waitFor();
    expect(await axeScan(page)).toEqual([]);
    await page.screenshot({ path: join(screenshotDir, 'ticket-desk.png'), fullPage: true });

    await page.getByTestId('ticket-relations').getByRole('link', { name: '#2 Blank invoice again' }).click();
    await heading('#2 Blank invoice again').waitFor();
    await page.getByTestId('ticket-relations').getByText('Merged into').waitFor();
    await expect.poll(() => page.getByRole('combobox', { name: 'Status', exact: true }).inputValue()).toBe('Closed');
    // The one error the browser logs is the refused send of the collision test (409 newer_reply).
    expect(errors).toEqual([expect.stringContaining('status of 409 (Conflict)')]);
  }, 60_000);
});
