import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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

// Issue 11, webhooks: an admin adds an endpoint in Settings → Webhooks, copies its secret (shown
// once), makes a contact, and the contact arrives at a receiver on loopback signed so that the
// reference standardwebhooks library verifies it; the delivery log shows it, replays it, and the
// endpoint's secret is rotated, the endpoint turned off and on, and deleted after asking.

interface Received {
  headers: Record<string, string>;
  body: string;
}

/** Waits until open dialogs have faded in (a string evaluated by the debugger: the app's CSP forbids eval). */
async function settled(page: Page) {
  for (let i = 0; i < 50; i++) {
    if (await page.evaluate("[...document.querySelectorAll('[role=dialog]')].every((d) => getComputedStyle(d).opacity === '1')")) return;
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe.runIf(hasChromium)('webhooks', () => {
  let server: Server;
  let receiver: http.Server;
  const received: Received[] = [];
  let hookUrl = '';

  beforeAll(async () => {
    receiver = http.createServer((req, res) => {
      let body = '';
      req.setEncoding('utf8');
      req.on('data', (c) => {
        body += c;
      });
      req.on('end', () => {
        received.push({ headers: req.headers as Record<string, string>, body });
        res.writeHead(200, { 'content-type': 'text/plain' }).end('got it');
      });
    });
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
    hookUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/rapport-hook`;
    // The receiver is on loopback, which the operator must allow, as a self-hoster would for a LAN receiver.
    server = await startServer({ env: { RAPPORT_OUTBOUND_ALLOW: '127.0.0.0/8' } });
  }, 120_000);
  afterAll(async () => {
    await server?.stop();
    receiver?.closeAllConnections();
    await new Promise((r) => receiver?.close(r));
  });
  const shot = (page: Page, name: string) => page.screenshot({ path: join(screenshotDir, `${name}.png`) });

  it('adds an endpoint, delivers a new contact signed, logs and replays it, rotates, turns off and deletes', async () => {
    const browser = await launch();
    try {
      const page = browser.context.pages()[0] ?? (await browser.context.newPage());
      await browser.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.url });
      const errors = watchConsole(page);
      await signUpInBrowser(page, server.url, {
        name: 'Wanda Webhook',
        email: `wanda.${Date.now()}@example.test`,
        password: 'a hooked passphrase',
        workspace: 'Hooks GmbH',
      });

      await page.goto(`${server.url}/settings?tab=webhooks`);
      await page.getByText('No endpoints yet.').waitFor();
      await page.getByRole('button', { name: 'Add endpoint' }).click();
      const form = page.getByRole('dialog', { name: 'Add endpoint' });
      // A URL Rapport may not reach is refused next to its field, with the reason.
      await form.getByRole('textbox', { name: 'URL' }).fill('http://169.254.169.254/latest');
      await form.getByRole('combobox', { name: 'Events' }).click();
      await page.getByRole('option', { name: 'contact.created' }).click();
      await page.keyboard.press('Escape');
      await form.getByRole('button', { name: 'Create endpoint' }).click();
      await form.getByText(/link-local address/).waitFor();

      await form.getByRole('textbox', { name: 'URL' }).fill(hookUrl);
      // The refusal goes once the URL is edited.
      expect(await form.getByText(/link-local address/).count()).toBe(0);
      await form.getByRole('textbox', { name: 'Description' }).fill('Our CRM sync');
      await settled(page);
      await shot(page, 'webhook-form');
      await form.getByRole('button', { name: 'Create endpoint' }).click();

      // The secret, once, with a Copy button that puts it on the clipboard.
      const secretBox = page.getByRole('dialog', { name: 'Signing secret' });
      const secret = ((await secretBox.getByTestId('webhook-secret').textContent()) ?? '').trim();
      expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
      await secretBox.getByRole('button', { name: 'Copy secret' }).click();
      await secretBox.getByRole('button', { name: 'Copied' }).waitFor();
      expect(await page.evaluate('navigator.clipboard.readText()')).toBe(secret);
      await settled(page);
      await shot(page, 'webhook-secret');
      await secretBox.getByRole('button', { name: 'Done' }).click();
      await secretBox.waitFor({ state: 'hidden' });
      const row = page.locator(`[data-webhook="${hookUrl}"]`);
      await row.getByText('Active').waitFor();
      await row.getByText('Our CRM sync').waitFor();
      expect(await page.getByText(secret).count()).toBe(0);

      // A contact made in the app arrives at the receiver, and the reference library verifies it.
      await page.goto(`${server.url}/contacts`);
      await page.getByRole('button', { name: 'New' }).click();
      await page.getByRole('dialog').getByLabel('First name').fill('Hedy');
      await page.getByRole('dialog').getByLabel('Last name').fill('Lamarr');
      await page.getByRole('dialog').getByRole('button', { name: 'Create' }).click();
      await page.getByRole('heading', { name: 'Hedy Lamarr' }).waitFor();
      await expect.poll(() => received.length, { timeout: 15_000 }).toBe(1);
      const event = new Webhook(secret).verify(received[0].body, received[0].headers) as Record<string, unknown>;
      expect(event).toMatchObject({ type: 'contact.created', data: { after: { firstName: 'Hedy', lastName: 'Lamarr' } } });

      // The log shows it; its details show the try and the body; replay sends it again.
      await page.goto(`${server.url}/settings?tab=webhooks`);
      await row.getByRole('button', { name: 'Deliveries' }).click();
      const log = page.getByTestId('webhook-deliveries');
      const delivered = log.getByRole('row').filter({ hasText: 'contact.created' });
      await delivered.getByText('Delivered').waitFor();
      await delivered.getByRole('cell', { name: '200', exact: true }).waitFor();
      await delivered.getByRole('button', { name: 'Details' }).click();
      const details = page.getByRole('dialog', { name: 'contact.created' });
      await details.getByText('Try 1').waitFor();
      await details.getByText('got it').waitFor();
      await details.getByText(/"firstName": "Hedy"/).waitFor();
      await settled(page);
      expect(await axeScan(page)).toEqual([]);
      await shot(page, 'webhook-delivery');
      await page.keyboard.press('Escape');
      await details.waitFor({ state: 'hidden' });

      await delivered.getByRole('button', { name: 'Replay' }).click();
      await page.getByText('Sent again.').waitFor();
      await expect.poll(() => received.length, { timeout: 15_000 }).toBe(2);
      expect(received[1].body).toBe(received[0].body);
      expect(received[1].headers['webhook-id']).toBe(received[0].headers['webhook-id']);
      new Webhook(secret).verify(received[1].body, received[1].headers);
      await delivered.getByRole('cell', { name: '2', exact: true }).waitFor({ timeout: 10_000 });

      expect(await axeScan(page)).toEqual([]);
      await shot(page, 'webhooks');

      // Rotation: a new secret, once; the old one still signs for a day.
      await row.getByRole('button', { name: 'Rotate secret' }).click();
      await page.getByRole('dialog', { name: 'Rotate the signing secret?' }).getByRole('button', { name: 'Rotate secret' }).click();
      const rotated = (
        (await page.getByRole('dialog', { name: 'Signing secret' }).getByTestId('webhook-secret').textContent()) ?? ''
      ).trim();
      expect(rotated).toMatch(/^whsec_/);
      expect(rotated).not.toBe(secret);
      await page.getByRole('dialog', { name: 'Signing secret' }).getByRole('button', { name: 'Done' }).click();
      await row.getByText(/Old secret also signs until/).waitFor();

      // Off: nothing is sent; on again.
      await row.getByRole('button', { name: 'Turn off' }).click();
      await row.getByText('Off', { exact: true }).waitFor();
      await row.getByRole('button', { name: 'Turn on' }).click();
      await row.getByText('Active').waitFor();

      // Delete asks first; cancelling keeps it.
      await row.getByRole('button', { name: 'Delete' }).click();
      const confirm = page.getByRole('dialog', { name: 'Delete this endpoint?' });
      await confirm.getByText(hookUrl).waitFor();
      await confirm.getByRole('button', { name: 'Cancel' }).click();
      await row.waitFor();
      await row.getByRole('button', { name: 'Delete' }).click();
      await confirm.getByRole('button', { name: 'Delete' }).click();
      await page.getByText('No endpoints yet.').waitFor();
      // The one error the browser logs is the refused metadata URL's 422.
      const refused = (e: string) => /status of 422 .*\/api\/v1\/webhooks\b/.test(e);
      expect(errors.filter(refused)).toHaveLength(1);
      expect(errors.filter((e) => !refused(e))).toEqual([]);
    } finally {
      await browser.close();
    }
  });

  it('sends only the big deals when the endpoint is filtered on amount', async () => {
    const browser = await launch();
    try {
      const page = browser.context.pages()[0] ?? (await browser.context.newPage());
      const errors = watchConsole(page);
      await signUpInBrowser(page, server.url, {
        name: 'Fritz Filter',
        email: `fritz.${Date.now()}@example.test`,
        password: 'a filtered passphrase',
        workspace: 'Filter AG',
      });
      await page.goto(`${server.url}/settings?tab=webhooks`);
      await page.getByRole('button', { name: 'Add endpoint' }).click();
      const form = page.getByRole('dialog', { name: 'Add endpoint' });
      const url = `${hookUrl}?big-deals`;
      await form.getByRole('textbox', { name: 'URL' }).fill(url);
      await form.getByRole('combobox', { name: 'Events' }).click();
      await page.getByRole('option', { name: 'deal.created' }).click();
      await page.keyboard.press('Escape');
      await form.getByRole('switch', { name: 'Only some records' }).click();
      await form.getByRole('combobox', { name: 'Object' }).click();
      await page.getByRole('option', { name: 'Deal', exact: true }).click();
      await form.getByRole('button', { name: 'Add condition' }).click();
      await form.getByRole('combobox', { name: 'Field', exact: true }).click();
      await page.getByRole('option', { name: 'Amount', exact: true }).click();
      await form.getByRole('combobox', { name: 'Operator', exact: true }).click();
      await page.getByRole('option', { name: 'greater than', exact: true }).click();
      await form.getByRole('spinbutton', { name: 'Value' }).fill('10000');
      await settled(page);
      await shot(page, 'webhook-filter');
      expect(await axeScan(page)).toEqual([]);
      await form.getByRole('button', { name: 'Create endpoint' }).click();
      await page.getByRole('dialog', { name: 'Signing secret' }).getByRole('button', { name: 'Done' }).click();
      await page.locator(`[data-webhook="${url}"]`).getByTestId('webhook-filter').getByText('Only Deal records that match').waitFor();

      // The filter as saved: amounts typed in major units, compared in minor ones.
      const saved = (await pageApi(page, 'GET', '/webhooks')).body.data.find((w: { url: string }) => w.url === url);
      expect(saved.filter).toEqual({ object: 'deal', conditions: { and: [{ field: 'amountMinor', op: 'gt', value: 1_000_000 }] } });
      const stageId = (await pageApi(page, 'GET', '/pipelines')).body.data[0].stages[0].id;
      for (const [name, amountMinor] of [
        ['Small deal', 500_000],
        ['Big deal', 2_000_000],
        ['Bigger deal', 9_000_000],
      ] as const) {
        expect((await pageApi(page, 'POST', '/deals', { name, amountMinor, stageId })).status).toBe(201);
      }
      const mine = () =>
        received.filter((r) => r.headers['webhook-id'] && r.body.includes('"deal.created"')).map((r) => JSON.parse(r.body).data.after.name);
      await expect.poll(() => mine().length, { timeout: 15_000 }).toBe(2);
      expect(mine().sort()).toEqual(['Big deal', 'Bigger deal']);
      expect(errors).toEqual([]);
    } finally {
      await browser.close();
    }
  });
});
