import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  axeScan,
  hasChromium,
  launch,
  type Page,
  type Server,
  screenshotDir,
  signUpInBrowser,
  startServer,
  watchConsole,
} from './harness.ts';

// Sessions (issue 15): a person signed in from two browsers sees both under "Where you're signed
// in", ends the other from this one, and the other is sent to sign-in at its next request. An
// admin sees a member's sessions on the members page.

const who = {
  name: 'Sasha Sessions',
  email: `sasha.${Date.now()}@example.test`,
  password: 'a long enough passphrase',
  workspace: 'Sessions Co',
};

async function signIn(page: Page, url: string) {
  await page.goto(`${url}/signin`);
  await page.getByLabel('Email').fill(who.email);
  await page.getByRole('textbox', { name: 'Password' }).fill(who.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: `Home · ${who.name}` }).waitFor();
}

describe.runIf(hasChromium)('sessions in the browser', () => {
  let server: Server;
  beforeAll(async () => {
    server = await startServer();
  }, 120_000);
  afterAll(async () => {
    await server?.stop();
  });

  it('lists both browsers, and a session revoked from one sends the other to sign-in', async () => {
    const first = await launch();
    const second = await launch();
    try {
      const a = first.context.pages()[0] ?? (await first.context.newPage());
      const b = second.context.pages()[0] ?? (await second.context.newPage());
      const errors = watchConsole(a);
      await signUpInBrowser(a, server.url, who);
      await signIn(b, server.url);

      await a.goto(`${server.url}/settings?tab=profile`);
      await a.getByRole('heading', { name: "Where you're signed in" }).waitFor();
      const rows = a.getByTestId('session-row');
      await expect.poll(() => rows.count()).toBe(2);
      await expect.poll(() => a.locator('[data-testid="session-row"][data-current]').innerText()).toMatch(/this browser/i);
      expect(await rows.first().innerText()).toMatch(/Chrom(e|ium) on Linux/);
      await a
        .getByTestId('session-row')
        .filter({ hasNot: a.getByText('This browser') })
        .scrollIntoViewIfNeeded();
      expect(await axeScan(a)).toEqual([]);
      // The app scrolls inside its shell: a viewport shot of the list, not a full-page one (that tears the header).
      await a.screenshot({ path: join(screenshotDir, 'sessions.png') });

      await a
        .getByTestId('session-row')
        .filter({ hasNot: a.getByText('This browser') })
        .getByRole('button', { name: /^Sign out:/ })
        .click();
      await expect.poll(() => rows.count()).toBe(1);

      // The other browser's next request finds its session gone: it lands on sign-in.
      await b.goto(`${server.url}/contacts`);
      await b.getByRole('button', { name: 'Sign in' }).waitFor();
      // This one carries on.
      await a.reload();
      await a.getByRole('heading', { name: "Where you're signed in" }).waitFor();
      expect(errors).toEqual([]);
    } finally {
      await first.close();
      await second.close();
    }
  });

  it("shows an admin a member's sessions on the members page", async () => {
    const browser = await launch();
    try {
      const page = browser.context.pages()[0] ?? (await browser.context.newPage());
      await signIn(page, server.url);
      await page.goto(`${server.url}/settings?tab=members`);
      await page.getByRole('button', { name: `Sessions: ${who.name}`, exact: true }).click();
      const panel = page.getByTestId('member-sessions');
      await panel.getByRole('heading', { name: `Where ${who.name} is signed in` }).waitFor();
      await expect.poll(() => panel.getByTestId('session-row').count()).toBeGreaterThan(0);
      // The pointer rests off the buttons: axe judges them as they look, not as they look hovered.
      await page.mouse.move(0, 0);
      expect(await axeScan(page)).toEqual([]);
      await page.screenshot({ path: join(screenshotDir, 'member-sessions.png'), fullPage: true });
    } finally {
      await browser.close();
    }
  });
});
