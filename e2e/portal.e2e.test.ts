import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type MailServers, startMailServers } from '../server/modules/email/mail-servers.fixture.ts';
import {
  axeScan,
  hasChromium,
  launch,
  type Page,
  pageApi,
  type Server,
  screenshotDir,
  signUpInBrowser,
  startServer,
  watchConsole,
} from './harness.ts';

// The customer portal (issue 14): a customer opens a ticket through the public contact form with
// JavaScript off; an agent answers in the app; the customer asks for a sign-in link, which arrives
// in their mailbox through the real SMTP receiver, signs in, reads the reply and answers.

const user = {
  name: 'Pat Agent',
  email: `pat.${Date.now()}@example.test`,
  password: 'a portal passphrase of length',
  workspace: 'Portal GmbH',
};
const slug = `portal-${Date.now().toString(36)}`;

describe.runIf(hasChromium)('customer portal', () => {
  let server: Server;
  let browser: Awaited<ReturnType<typeof launch>>;
  let page: Page;
  let errors: string[];
  let mail: MailServers;

  beforeAll(async () => {
    mail = await startMailServers();
    server = await startServer({ env: { RAPPORT_OUTBOUND_ALLOW: '127.0.0.1' } });
    browser = await launch();
    page = browser.context.pages()[0] ?? (await browser.context.newPage());
    errors = watchConsole(page);
    await signUpInBrowser(page, server.url, user);
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    await mail?.stop();
  });

  it('takes a ticket through the form without JavaScript, and the customer reads the reply in the portal', async () => {
    const customer = await mail.addUser(`carla${Date.now()}`);
    const support = await mail.addUser(`support${Date.now()}`);
    expect((await pageApi(page, 'PUT', '/knowledge/help-centre', { slug })).status).toBe(200);
    const box = await pageApi(page, 'POST', '/mailboxes', mail.mailboxBody(support, { name: 'Portal support', shared: true }));
    expect(box.status).toBe(201);
    const set = await pageApi(page, 'PATCH', '/portal/settings', { senderMailboxId: (box.body as { id: string }).id });
    expect(set.status).toBe(200);

    // The customer, with JavaScript off.
    const visitor = await browser.context.newPage();
    const cdp = await browser.context.newCDPSession(visitor);
    await cdp.send('Emulation.setScriptExecutionDisabled', { value: true });
    await visitor.goto(`${server.url}/help/${slug}/contact`);
    await visitor.getByRole('heading', { name: 'Contact us' }).waitFor();
    await visitor.getByLabel('Your name').fill('Carla Customer');
    await visitor.getByLabel('Your email').fill('not an address');
    await visitor.getByLabel('Subject').fill('Invoice <b>blank</b>');
    await visitor.getByLabel('How can we help?').fill('Every invoice downloads as an empty page.');
    // The form refuses a post faster than a person types: wait as a reader would.
    await visitor.waitForTimeout(3_200);
    await visitor.getByRole('button', { name: 'Send' }).click();
    // A mistake: the form again, the error beside its field, what was typed kept.
    await visitor.getByText('Please enter a valid email address.').first().waitFor();
    expect(await visitor.getByLabel('Subject').inputValue()).toBe('Invoice <b>blank</b>');
    await visitor.getByLabel('Your email').fill(customer.address);
    await visitor.waitForTimeout(3_200);
    await visitor.getByRole('button', { name: 'Send' }).click();
    await visitor.getByRole('heading', { name: 'Thank you' }).waitFor();

    // The agent answers in the app.
    await page.getByRole('link', { name: 'Tickets' }).click();
    await page.getByRole('link', { name: 'Invoice <b>blank</b>' }).click();
    await page.getByRole('heading', { name: '#1 Invoice <b>blank</b>' }).waitFor();
    await page.getByLabel('Reply to the customer').fill('Thanks Carla, a fix is on its way.');
    await page.getByRole('button', { name: 'Send reply' }).click();
    await page.getByTestId('conversation').getByText('Thanks Carla, a fix is on its way.').waitFor();
    await page.getByText('Internal note', { exact: true }).click();
    await page.getByLabel('Note for the team (the customer does not see it)').fill('Renderer bug, do not tell yet.');
    await page.getByRole('button', { name: 'Add note' }).click();
    await page.getByTestId('conversation').getByText('Renderer bug, do not tell yet.').waitFor();

    // The customer asks for a sign-in link; it arrives in their mailbox.
    await visitor.goto(`${server.url}/help/${slug}/portal`);
    await visitor.getByLabel('Your email').fill(customer.address);
    await visitor.getByRole('button', { name: 'Email me a sign-in link' }).click();
    await visitor.getByRole('heading', { name: 'Check your email' }).waitFor();
    const mine = () => mail.received.filter((r) => r.to.includes(customer.address));
    await expect.poll(() => mine().length, { timeout: 60_000, interval: 500 }).toBe(1);
    expect(mine()[0].from).toBe(support.address);
    const text = (await simpleParser(mine()[0].raw)).text ?? '';
    const link = new URL(/https?:\/\/\S+\/portal\/sign-in\?token=\S+/.exec(text)?.[0] as string);
    await visitor.goto(`${server.url}${link.pathname}${link.search}`);
    await visitor.getByRole('button', { name: 'Continue to your requests' }).click();
    await visitor.getByRole('heading', { name: 'Your requests' }).waitFor();
    await visitor.getByRole('link', { name: 'Invoice <b>blank</b>' }).click();
    await visitor.getByText('Thanks Carla, a fix is on its way.').waitFor();
    expect(await visitor.getByText('Renderer bug').count()).toBe(0);
    await visitor.getByLabel('Your reply').fill('Thank you, <i>waiting</i> for it.');
    await visitor.getByRole('button', { name: 'Send reply' }).click();
    await visitor.getByText('Thank you, <i>waiting</i> for it.').waitFor();
    await visitor.screenshot({ path: join(screenshotDir, 'portal-ticket.png'), fullPage: true });

    // The agent sees the answer on the ticket.
    await page.reload();
    await page.getByTestId('conversation').getByText('Thank you, <i>waiting</i> for it.').waitFor();

    // The agent solves it; the customer rates it from the survey email with one click.
    await page.getByRole('combobox', { name: 'Status', exact: true }).click();
    await page.getByRole('option', { name: 'Solved', exact: true }).click();
    const survey = () => mail.received.filter((r) => r.to.includes(customer.address)).slice(1);
    await expect.poll(() => survey().length, { timeout: 60_000, interval: 500 }).toBe(1);
    const surveyText = (await simpleParser(survey()[0].raw)).text ?? '';
    const good = new URL(/Good: (\S+)/.exec(surveyText)?.[1] as string);
    await visitor.goto(`${server.url}${good.pathname}${good.search}`);
    await visitor.getByRole('heading', { name: 'Thank you for your rating' }).waitFor();
    await visitor.getByLabel('Anything you want to tell us? (optional)').fill('Fast and friendly.');
    await visitor.getByRole('button', { name: 'Send comment' }).click();
    await visitor.getByText('Your comment has reached the team.').waitFor();
    await page.reload();
    await page.getByTestId('csat-badge').getByText('Customer: good').waitFor();
    expect(await axeScan(page)).toEqual([]);
    await page.screenshot({ path: join(screenshotDir, 'portal-csat-badge.png') });

    // With scripts on, axe checks the portal's pages (it runs as a script).
    await cdp.send('Emulation.setScriptExecutionDisabled', { value: false });
    await visitor.goto(`${server.url}/help/${slug}/portal`);
    await visitor.getByRole('link', { name: 'Invoice <b>blank</b>' }).click();
    await visitor.getByText('Thank you, <i>waiting</i> for it.').waitFor();
    await visitor.getByRole('heading', { name: 'How did we do?' }).waitFor();
    expect(await axeScan(visitor)).toEqual([]);
    await visitor.goto(`${server.url}/help/${slug}/portal`);
    await visitor.getByRole('heading', { name: 'Your requests' }).waitFor();
    expect(await axeScan(visitor)).toEqual([]);
    await visitor.screenshot({ path: join(screenshotDir, 'portal-requests.png'), fullPage: true });
    await visitor.getByRole('button', { name: 'Sign out' }).click();
    await visitor.getByRole('button', { name: 'Email me a sign-in link' }).waitFor();
    expect(await axeScan(visitor)).toEqual([]);
    await visitor.goto(`${server.url}/help/${slug}/contact`);
    await visitor.getByRole('heading', { name: 'Contact us' }).waitFor();
    expect(await axeScan(visitor)).toEqual([]);
    await visitor.screenshot({ path: join(screenshotDir, 'portal-contact-form.png'), fullPage: true });
    await visitor.close();
    expect(errors).toEqual([]);
  }, 240_000);
});
