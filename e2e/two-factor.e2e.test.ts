import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { totpCodeAt } from '../server/modules/auth/totp.ts';
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

// Two-factor sign-in (issue 15): a member sets up an authenticator app in their profile, signs out,
// and signs in again with a code, then with a recovery code; a workspace that requires two-factor
// sends a member without it through enrolment at sign-in.

const person = (tag: string) => ({
  name: `Tess ${tag}`,
  email: `tess.${tag}.${Date.now()}@example.test`,
  password: 'a long enough passphrase',
  workspace: `Two-factor ${tag}`,
});

async function signOut(page: Page) {
  await page.getByRole('button', { name: 'Account menu' }).click();
  await page.getByRole('menuitem', { name: 'Sign out' }).click();
  await page.getByRole('button', { name: 'Sign in' }).waitFor();
}

async function password(page: Page, who: { email: string; password: string }) {
  await page.getByLabel('Email').fill(who.email);
  await page.getByRole('textbox', { name: 'Password' }).fill(who.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

const secretOn = async (page: Page) => (await page.getByTestId('totp-secret').innerText()).replace(/\s/g, '');

describe.runIf(hasChromium)('two-factor sign-in in the browser', () => {
  let server: Server;
  beforeAll(async () => {
    server = await startServer();
  }, 120_000);
  afterAll(async () => {
    await server?.stop();
  });

  it('is set up in the profile, then sign-in asks for a code, and a recovery code works once', async () => {
    const browser = await launch();
    try {
      const page = browser.context.pages()[0] ?? (await browser.context.newPage());
      const errors = watchConsole(page);
      const who = person('profile');
      await signUpInBrowser(page, server.url, who);
      await page.goto(`${server.url}/settings?tab=profile`);
      await page.getByRole('button', { name: 'Set up two-factor sign-in' }).click();
      const secret = await secretOn(page);
      expect(secret).toMatch(/^[A-Z2-7]{32}$/);
      expect(await page.getByRole('link', { name: 'Open in authenticator app' }).getAttribute('href')).toContain(`secret=${secret}`);
      await page.getByLabel('Six-digit code from the app').fill(totpCodeAt(secret, Date.now()));
      await page.getByRole('button', { name: 'Turn on' }).click();
      const codes = (await page.getByTestId('recovery-codes').innerText()).split('\n').filter(Boolean);
      expect(codes).toHaveLength(10);
      await expect.poll(() => page.getByTestId('two-factor-state').innerText()).toMatch(/on/i);
      await page.screenshot({ path: '/tmp/rapport-2fa-profile.png', fullPage: true });

      await signOut(page);
      await password(page, who);
      await page.getByRole('heading', { name: 'Enter your code' }).waitFor();
      expect(await axeScan(page)).toEqual([]);
      const field = page.getByLabel('Code from your authenticator app');
      const good = totpCodeAt(secret, Date.now() + 30_000);
      await field.fill(good === '000000' ? '111111' : '000000');
      await page.getByRole('button', { name: 'Verify' }).click();
      await page.getByText('The code is wrong or was used already.').waitFor();
      await page.screenshot({ path: '/tmp/rapport-2fa-code.png' });
      await field.fill(good);
      await page.getByRole('button', { name: 'Verify' }).click();
      await page.getByRole('heading', { name: `Home · ${who.name}` }).waitFor();

      await signOut(page);
      await password(page, who);
      await page.getByLabel('Code from your authenticator app').fill(codes[0]);
      await page.getByRole('button', { name: 'Verify' }).click();
      await page.getByRole('heading', { name: `Home · ${who.name}` }).waitFor();
      await page.goto(`${server.url}/settings?tab=profile`);
      await page.getByText('9 recovery codes left.').waitFor();

      await signOut(page);
      await password(page, who);
      await page.getByLabel('Code from your authenticator app').fill(codes[0]);
      await page.getByRole('button', { name: 'Verify' }).click();
      await page.getByText('The code is wrong or was used already.').waitFor();
      expect(errors.filter((e) => !e.includes('401') && !e.includes('422'))).toEqual([]);
    } finally {
      await browser.close();
    }
  }, 180_000);

  it('when the workspace requires it, a member without it sets it up at sign-in', async () => {
    const browser = await launch();
    try {
      const page = browser.context.pages()[0] ?? (await browser.context.newPage());
      const who = person('required');
      await signUpInBrowser(page, server.url, who);
      await page.goto(`${server.url}/settings?tab=workspace`);
      const require = page.getByRole('checkbox', { name: 'Require two-factor sign-in' });
      await require.click();
      await page.getByText('Saved').first().waitFor();
      await expect.poll(() => require.isChecked()).toBe(true);
      await signOut(page);
      await password(page, who);
      await page.getByRole('heading', { name: 'Set up two-factor sign-in' }).waitFor();
      await page.getByRole('button', { name: 'Set up two-factor sign-in' }).click();
      const secret = await secretOn(page);
      await page.screenshot({ path: '/tmp/rapport-2fa-enrol.png' });
      expect(await axeScan(page)).toEqual([]);
      await page.getByLabel('Six-digit code from the app').fill(totpCodeAt(secret, Date.now()));
      await page.getByRole('button', { name: 'Turn on' }).click();
      expect((await page.getByTestId('recovery-codes').innerText()).split('\n').filter(Boolean)).toHaveLength(10);
      await page.getByRole('button', { name: /continue/ }).click();
      await page.getByRole('heading', { name: `Home · ${who.name}` }).waitFor();
      await page.goto(`${server.url}/settings?tab=profile`);
      await page.getByText('Your workspace requires two-factor sign-in, so it cannot be turned off.').waitFor();
    } finally {
      await browser.close();
    }
  }, 180_000);

  it("gives new recovery codes in the profile, and an admin resets a member's two-factor from the members page", async () => {
    const browser = await launch();
    try {
      const page = browser.context.pages()[0] ?? (await browser.context.newPage());
      const errors = watchConsole(page);
      const who = person('renew');
      await signUpInBrowser(page, server.url, who);
      await page.goto(`${server.url}/settings?tab=profile`);
      await page.getByRole('button', { name: 'Set up two-factor sign-in' }).click();
      const secret = await secretOn(page);
      await page.getByLabel('Six-digit code from the app').fill(totpCodeAt(secret, Date.now()));
      await page.getByRole('button', { name: 'Turn on' }).click();
      const first = await page.getByTestId('recovery-codes').innerText();
      await page.getByLabel('Six-digit code from the app').fill(totpCodeAt(secret, Date.now() + 30_000));
      await page.getByRole('button', { name: 'New recovery codes' }).click();
      await expect.poll(() => page.getByTestId('recovery-codes').innerText()).not.toBe(first);
      expect((await page.getByTestId('recovery-codes').innerText()).split('\n').filter(Boolean)).toHaveLength(10);

      // A member with two-factor on, who lost their phone.
      const invite = await pageApi(page, 'POST', '/invitations', { email: `mo.${Date.now()}@example.test`, role: 'member' });
      const accepted = await fetch(`${server.url}/api/v1/auth/accept-invitation`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ token: invite.body.token, name: 'Mo Member', password: 'another long passphrase' }),
      });
      const member = {
        cookie: (accepted.headers.get('set-cookie') ?? '').split(';')[0],
        'x-csrf-token': ((await accepted.json()) as { csrfToken: string }).csrfToken,
        'content-type': 'application/json',
      };
      const setup = (await (
        await fetch(`${server.url}/api/v1/me/two-factor/setup`, { method: 'POST', headers: member, body: '{}' })
      ).json()) as {
        secret: string;
      };
      const on = await fetch(`${server.url}/api/v1/me/two-factor/confirm`, {
        method: 'POST',
        headers: member,
        body: JSON.stringify({ code: totpCodeAt(setup.secret, Date.now()) }),
      });
      expect(on.status).toBe(200);

      await page.goto(`${server.url}/settings?tab=members`);
      await page.getByRole('button', { name: 'Reset two-factor: Mo Member', exact: true }).click();
      await page.getByText("Mo Member's two-factor sign-in is reset; they are signed out everywhere.").waitFor();
      await page.mouse.move(0, 0);
      expect(await axeScan(page)).toEqual([]);
      await page.screenshot({ path: join(screenshotDir, 'two-factor-reset.png') });
      // Their session ended with it.
      expect((await fetch(`${server.url}/api/v1/me/two-factor`, { headers: member })).status).toBe(401);
      expect(errors).toEqual([]);
    } finally {
      await browser.close();
    }
  }, 180_000);
});
