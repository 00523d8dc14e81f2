import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hostileEmails } from '../server/modules/email/fixtures/hostile-html.ts';
import { type MailServers, type MailUser, rawMessage, startMailServers } from '../server/modules/email/mail-servers.fixture.ts';
import { hasChromium, launch, type Page, pageApi, type Server, screenshotDir, signUpInBrowser, startServer } from './harness.ts';

// Hostile HTML emails (server/modules/email/fixtures/hostile-html.ts), synced from a real Dovecot
// and opened one by one on a contact's timeline in Chromium: no script runs (no dialog, no console
// line, no message to the page, no navigation), and no request leaves for any host but the app's
// until the reader clicks "Show images" — after which images, and only images, load.

const user = {
  name: 'Xena Safe',
  email: `xena.${Date.now()}@example.test`,
  password: 'a hostile inbox passphrase',
  workspace: 'Safe Mail',
};
const sender = `sender.${Date.now()}@hostile.example.test`;
const png = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==', 'base64');

describe.runIf(hasChromium)('hostile HTML email in the browser', () => {
  let server: Server;
  let browser: Awaited<ReturnType<typeof launch>>;
  let page: Page;
  let mail: MailServers;
  let me: MailUser;
  /** Every request for a host that is not the app's, as the browser made it. */
  const remote: { url: string; type: string }[] = [];
  /** Anything a script would have done: dialogs, console lines, messages to the page. */
  const ran: string[] = [];

  beforeAll(async () => {
    mail = await startMailServers();
    me = await mail.addUser(`xena${Date.now()}`);
    for (const [i, e] of hostileEmails.entries())
      await mail.append(
        me,
        'INBOX',
        rawMessage({
          from: `Hostile Sender <${sender}>`,
          to: me.address,
          subject: `Hostile ${i}: ${e.name}`,
          messageId: `<hostile.${i}.${Date.now()}@hostile.example.test>`,
          text: `plain ${e.name}`,
          html: e.html,
        }),
      );
    server = await startServer({ env: { RAPPORT_OUTBOUND_ALLOW: '127.0.0.1' } });
    browser = await launch();
    page = browser.context.pages()[0] ?? (await browser.context.newPage());
    const origin = new URL(server.url).origin;
    // Nothing leaves for a remote host: each such request is noted, images answered with a pixel, the rest refused.
    await browser.context.route(
      (url) => url.origin !== origin,
      (route) => {
        const r = route.request();
        remote.push({ url: r.url(), type: r.resourceType() });
        return r.resourceType() === 'image' ? route.fulfill({ contentType: 'image/png', body: png }) : route.abort();
      },
    );
    browser.context.on('page', (p) => ran.push(`popup: ${p.url()}`));
    page.on('dialog', (d) => {
      ran.push(`dialog: ${d.message()}`);
      void d.dismiss();
    });
    page.on('console', (m) => {
      if (m.type() === 'error' && m.location().url.endsWith('/api/v1/auth/session') && m.text().includes('401')) return;
      ran.push(`console ${m.type()}: ${m.text()}`);
    });
    page.on('pageerror', (e) => ran.push(`pageerror: ${e.message}`));
    await page.addInitScript("window.addEventListener('message', (e) => console.log('message to the page: ' + String(e.data)))");
    await signUpInBrowser(page, server.url, user);
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    await mail?.stop();
  });

  it('runs nothing and loads nothing remote from any of them, and only images once allowed', async () => {
    const contact = await pageApi(page, 'POST', '/contacts', { firstName: 'Hostile', lastName: 'Sender', emails: [{ value: sender }] });
    expect(contact.status).toBe(201);
    const contactId = (contact.body as { id: string }).id;
    const created = await pageApi(page, 'POST', '/mailboxes', mail.mailboxBody(me, { name: 'Hostile inbox' }));
    expect(created.status).toBe(201);
    await page.goto(`${server.url}/settings?tab=mailboxes`);
    const row = page.getByTestId('mailbox-row');
    await row.getByText('Synced').waitFor({ timeout: 30_000 });
    expect(await row.getByTestId('mailbox-count').textContent()).toBe(String(hostileEmails.length));

    await page.goto(`${server.url}/contacts/${contactId}`);
    const appUrl = page.url();
    for (const [i, e] of hostileEmails.entries()) {
      const item = page.getByTestId('activity').filter({ hasText: `Hostile ${i}: ${e.name}` });
      await item.getByRole('button', { name: 'Show email' }).click();
      const frame = item.getByTestId('email-html');
      await frame.waitFor();
      expect(await frame.getAttribute('sandbox'), e.name).not.toContain('allow-scripts');
      const inner = page.frameLocator('[data-testid="email-html"]');
      await inner.locator('body').waitFor();
      // What an event handler waits for: the pointer over everything, a focus.
      for (const el of await inner.locator('body *').all()) await el.hover({ timeout: 1000, force: true }).catch(() => {});
      await page.waitForTimeout(300);
      // The markup that reached the browser has none of the dangerous parts.
      const dangerous = await inner
        .locator('body')
        .locator(
          'script, style, link, meta, base, iframe, frame, object, embed, form, input, button, svg, math, video, audio, source, [srcset], [background], [poster]',
        )
        .count();
      expect(dangerous, e.name).toBe(0);
      const handlers = await inner
        .locator('body *')
        .evaluateAll((els) =>
          els.flatMap((el) =>
            [...el.attributes]
              .filter((a) => /^on/i.test(a.name) || /javascript:|data:|url\(|expression/i.test(a.value))
              .map((a) => `${el.tagName} ${a.name}=${a.value}`),
          ),
        );
      expect(handlers, e.name).toEqual([]);
      expect(remote, e.name).toEqual([]);
      expect(ran, e.name).toEqual([]);
      expect(page.url(), e.name).toBe(appUrl);

      const show = item.getByRole('button', { name: 'Show images' });
      if (e.images) {
        // Blocked images say so, and the reader may allow them: then images (and only images) load, from their hosts.
        await item.getByText(/^Remote images are blocked/).waitFor();
        if (i === hostileEmails.length - 1) await page.screenshot({ path: join(screenshotDir, 'email-images-blocked.png') });
        await show.click();
        await inner.locator('img[alt="Company logo"]').waitFor();
        await expect
          .poll(() =>
            inner.locator('img[alt="Company logo"]').evaluate((img) => {
              const i = img as unknown as { complete: boolean; naturalWidth: number };
              return i.complete && i.naturalWidth;
            }),
          )
          .toBe(1);
        await page.waitForTimeout(300);
        expect(remote.length, e.name).toBeGreaterThan(0);
        for (const r of remote) {
          expect(r.type, r.url).toBe('image');
          expect(e.images, r.url).toContain(new URL(r.url).hostname);
        }
        expect(ran, e.name).toEqual([]);
        await item.getByRole('button', { name: 'Show images' }).waitFor({ state: 'detached' });
        await page.screenshot({ path: join(screenshotDir, 'email-images-shown.png') });
      } else {
        expect(await show.count(), e.name).toBe(0);
      }
      remote.length = 0;
      await item.getByRole('button', { name: 'Hide email' }).click();
      await frame.waitFor({ state: 'detached' });
    }
    expect(ran).toEqual([]);
  });
});
