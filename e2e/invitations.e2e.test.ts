import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { axeScan, hasChromium, launch, type Page, type Server, signUpInBrowser, startServer, watchConsole } from './harness.ts';

// Invitations and the first sign-in (issue 9): the invitation page says who invites to which
// workspace and as what; Settings → Invitations copies the new link; an unknown link is explained
// in words; and the sign-in page welcomes back only someone who has signed in on this browser.

const owner = { name: 'Ada Lovelace', email: `ada.${Date.now()}@example.test`, password: 'an analytical passphrase', workspace: 'Initech' };

describe.runIf(hasChromium)('invitations and the first sign-in', () => {
  let server: Server;
  let browser: Awaited<ReturnType<typeof launch>>;
  let page: Page;
  let errors: string[];

  beforeAll(async () => {
    server = await startServer();
    browser = await launch();
    page = browser.context.pages()[0] ?? (await browser.context.newPage());
    errors = watchConsole(page);
    await signUpInBrowser(page, server.url, owner);
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('copies a new invitation link, and the link names the workspace, the inviter and the role', async () => {
    await browser.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.url });
    await page.goto(`${server.url}/settings?tab=invitations`);
    const email = `grace.${Date.now()}@example.test`;
    await page.getByLabel('Email').fill(email);
    await page.getByRole('button', { name: 'Invite' }).click();
    const box = page.getByTestId('invite-link');
    const link = ((await box.locator('pre').textContent()) as string).trim();
    expect(link).toMatch(/\/invite\?token=/);
    await box.getByRole('button', { name: 'Copy link' }).click();
    await box.getByRole('button', { name: 'Copied' }).waitFor();
    expect(await page.evaluate('navigator.clipboard.readText()')).toBe(link);
    await page.screenshot({ path: '/tmp/rapport-invite-copy.png' });
    expect(await axeScan(page)).toEqual([]);
    // The list of invitations shows no link: the server keeps only the token's hash.
    const row = page.getByRole('row').filter({ hasText: email });
    await row.waitFor();
    expect(await row.getByRole('button', { name: /Copy/ }).count()).toBe(0);
    expect(await row.textContent()).not.toContain('token');

    // A fresh browser, as the invited person has it.
    const guest = await launch();
    try {
      const p = guest.context.pages()[0] ?? (await guest.context.newPage());
      const guestErrors = watchConsole(p);
      await p.goto(link);
      await p.getByText('Ada Lovelace invited you to join Initech as a member.').waitFor();
      await p.screenshot({ path: '/tmp/rapport-invite-accept.png' });
      expect(await axeScan(p)).toEqual([]);
      await p.getByLabel('Your name').fill('Grace Hopper');
      await p.getByRole('textbox', { name: 'Password' }).fill('a compiler passphrase');
      await p.getByRole('button', { name: 'Join the workspace' }).click();
      await p.getByRole('heading', { name: 'Home · Grace Hopper' }).waitFor();
      // Used, the same link is refused in words.
      await p.goto(link);
      await p.getByText('This invitation link is not valid, was already used or has expired.', { exact: false }).waitFor();
      expect(await p.getByRole('button', { name: 'Join the workspace' }).count()).toBe(0);
      expect(guestErrors.filter((e) => !/status of 404 .*\/auth\/invitation-details/.test(e))).toEqual([]);
    } finally {
      await guest.close();
    }
    expect(errors).toEqual([]);
  });

  it('explains an unknown link in words, in English and in German, naming nobody', async () => {
    for (const [locale, words] of [
      ['en-US', 'This invitation link is not valid, was already used or has expired.'],
      ['de-DE', 'Dieser Einladungslink ist ungültig, wurde schon verwendet oder ist abgelaufen.'],
    ]) {
      const guest = await launch(undefined, locale);
      try {
        const p = guest.context.pages()[0] ?? (await guest.context.newPage());
        await p.goto(`${server.url}/invite?token=${encodeURIComponent('00000000-0000-4000-8000-000000000000.madeup')}`);
        await p.getByRole('alert').filter({ hasText: words }).waitFor();
        const text = (await p.locator('main').textContent()) as string;
        expect(text).not.toMatch(/Initech|Ada|invitation_not_found|404/);
        expect(await p.getByRole('button', { name: /Join the workspace|Arbeitsbereich beitreten/ }).count()).toBe(0);
      } finally {
        await guest.close();
      }
    }
  });

  it('invites in German: the page says who invites, where, and as what, in German', async () => {
    const token = (await page.evaluate(`(async () => {
      const s = await (await fetch('/api/v1/auth/session')).json();
      const r = await fetch('/api/v1/invitations', { method: 'POST', headers: { 'content-type': 'application/json', 'x-csrf-token': s.csrfToken },
        body: JSON.stringify({ email: 'lesend.${Date.now()}@example.test', role: 'read-only' }) });
      return (await r.json()).token;
    })()`)) as string;
    const guest = await launch(undefined, 'de-DE');
    try {
      const p = guest.context.pages()[0] ?? (await guest.context.newPage());
      await p.goto(`${server.url}/invite?token=${encodeURIComponent(token)}`);
      await p.getByText('Ada Lovelace hat Sie eingeladen, Initech als Mitglied mit Lesezugriff beizutreten.').waitFor();
      await p.getByRole('heading', { name: 'Sie wurden eingeladen' }).waitFor();
    } finally {
      await guest.close();
    }
  });

  it('greets a first visit with "Sign in to Rapport", and welcomes back only after a sign-in', async () => {
    for (const [locale, first, back] of [
      ['en-US', 'Sign in to Rapport', 'Welcome back'],
      ['de-DE', 'Bei Rapport anmelden', 'Willkommen zurück'],
    ]) {
      const fresh = await launch(undefined, locale);
      try {
        const p = fresh.context.pages()[0] ?? (await fresh.context.newPage());
        await p.goto(`${server.url}/signin`);
        await p.getByRole('heading', { name: first }).waitFor();
        expect(await p.getByText(back).count()).toBe(0);
        await p.getByRole('textbox', { name: /Email|E-Mail/ }).fill(owner.email);
        await p.getByRole('textbox', { name: /Password|Passwort/ }).fill(owner.password);
        await p.getByRole('button', { name: /^(Sign in|Anmelden)$/ }).click();
        await p.getByRole('heading', { name: /Home|Start/ }).waitFor();
        // Signing out keeps the memory of this browser: the next sign-in page welcomes back (in the
        // member's language until a reload brings back the browser's).
        await p.getByRole('button', { name: /Account menu|Kontomenü/ }).click();
        await p.getByRole('menuitem', { name: /Sign out|Abmelden/ }).click();
        await p.getByRole('heading', { name: /^(Welcome back|Willkommen zurück)$/ }).waitFor();
        await p.reload();
        await p.getByRole('heading', { name: back }).waitFor();
        expect(await p.getByText(first).count()).toBe(0);
      } finally {
        await fresh.close();
      }
    }
  });
});
