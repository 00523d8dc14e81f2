import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { axeScan, hasChromium, launch, type Page, type Server, screenshotDir, startServer, watchConsole } from './harness.ts';

// One salesperson's day, end to end, against the real server on a fresh database.

const user = {
  name: 'Erin Example',
  email: `erin.${Date.now()}@example.test`,
  password: 'correct horse battery staple',
  workspace: 'Example GmbH',
};

describe.runIf(hasChromium)('the web app', () => {
  let server: Server;
  beforeAll(async () => {
    server = await startServer();
  }, 120_000);
  afterAll(async () => {
    await server?.stop();
  });

  async function expectAccessible(page: Page, name: string) {
    const violations = await axeScan(page);
    expect(violations, `axe on ${name}`).toEqual([]);
  }
  const shot = (page: Page, name: string) => page.screenshot({ path: join(screenshotDir, `${name}.png`) });

  it('signs up, works a deal through, and signs in again', async () => {
    const browser = await launch();
    const page = browser.context.pages()[0] ?? (await browser.context.newPage());
    const errors = watchConsole(page);
    try {
      await page.goto(`${server.url}/`);
      await page.getByRole('link', { name: 'Create a workspace' }).click();
      await page.getByLabel('Your name').fill(user.name);
      await page.getByLabel('Email').fill(user.email);
      await page.getByRole('textbox', { name: 'Password' }).fill(user.password);
      await page.getByLabel('Workspace name').fill(user.workspace);
      await page.getByRole('button', { name: 'Create your workspace' }).click();
      await page.getByRole('heading', { name: `Home · ${user.name}` }).waitFor();

      // A company, a contact at it and a deal.
      await page.goto(`${server.url}/companies?new=1`);
      await page.getByLabel('Name').fill('Globex');
      await page.getByLabel('Domain').fill('globex.example');
      await page.getByRole('button', { name: 'Create' }).click();
      await page.getByRole('heading', { name: 'Globex' }).waitFor();

      await page.goto(`${server.url}/contacts?new=1`);
      await page.getByLabel('First name').fill('Ada');
      await page.getByLabel('Last name').fill('Lovelace');
      await page.getByLabel('Email').fill('ada@globex.example');
      await page.getByRole('button', { name: 'Create' }).click();
      await page.getByRole('heading', { name: 'Ada Lovelace' }).waitFor();
      const contactUrl = page.url();

      await page.goto(`${server.url}/deals?new=1`);
      await page.getByLabel('Name').fill('Globex rollout');
      await page.getByLabel(/Amount/).fill('12500');
      await page.getByRole('button', { name: 'Create' }).click();
      await page.getByRole('heading', { name: 'Globex rollout' }).waitFor();

      // Drag the deal to the next stage on the board.
      await page.goto(`${server.url}/deals/board`);
      const columns = page.getByTestId('board-column');
      const card = page.getByTestId('deal-card').filter({ hasText: 'Globex rollout' });
      await card.waitFor();
      const firstStage = await columns.nth(0).getAttribute('data-stage');
      const nextStage = (await columns.nth(1).getAttribute('data-stage')) as string;
      expect(await columns.nth(0).getByText('Globex rollout').count()).toBe(1);
      const from = (await card.boundingBox())!;
      const to = (await columns.nth(1).boundingBox())!;
      await page.mouse.move(from.x + from.width / 2, from.y + from.height / 2);
      await page.mouse.down();
      for (let i = 1; i <= 10; i++) await page.mouse.move(from.x + ((to.x + to.width / 2 - from.x) * i) / 10, from.y + 40 + i * 2);
      await page.mouse.up();
      await columns.nth(1).getByText('Globex rollout').waitFor();
      await page.getByText(`Moved to ${nextStage}`).waitFor();
      expect(firstStage).not.toBe(nextStage);
      await page.reload();
      await columns.nth(1).getByText('Globex rollout').waitFor();
      await shot(page, 'deals-board');
      await expectAccessible(page, 'deals board');

      // The keyboard moves a card a whole stage per arrow press, and a screen reader hears names, not ids.
      const thirdStage = (await columns.nth(2).getAttribute('data-stage')) as string;
      await page.getByRole('button', { name: 'Move: Globex rollout' }).focus();
      await page.keyboard.press('Space');
      // The live region is visually hidden: present in the page, read out, not seen.
      const said = (text: string) => page.getByRole('status').filter({ hasText: text }).waitFor({ state: 'attached' });
      await said(`Globex rollout is over ${nextStage}.`);
      await page.keyboard.press('ArrowRight');
      await said(`Globex rollout is over ${thirdStage}.`);
      await page.keyboard.press('Space');
      await columns.nth(2).getByText('Globex rollout').waitFor();
      await page.getByText(`Moved to ${thirdStage}`).waitFor();

      // Log a call on the contact.
      await page.goto(contactUrl);
      await page
        .locator('label')
        .filter({ hasText: /^Call$/ })
        .click();
      await page.getByLabel('Subject').fill('Intro call');
      await page.getByLabel('What happened?').fill('Wants a pilot in Q1.');
      await page.getByRole('button', { name: 'Log Call' }).click();
      await page.getByTestId('timeline').getByText('Intro call').waitFor();

      // Find the contact with Ctrl+K.
      await page.goto(`${server.url}/`);
      await page.getByRole('heading', { name: `Home · ${user.name}` }).waitFor();
      await page.keyboard.press('Control+k');
      await page.getByPlaceholder('Search contacts, companies, deals…').fill('ada lovel');
      await page.getByRole('dialog').getByText('Ada Lovelace').click();
      await page.getByRole('heading', { name: 'Ada Lovelace' }).waitFor();
      expect(page.url()).toBe(contactUrl);
      // And with a slip in the name (words of four letters or more are read for slips).
      await page.keyboard.press('Control+k');
      await page.getByPlaceholder('Search contacts, companies, deals…').fill('ada lovelcae');
      await page.getByRole('dialog').getByText('Ada Lovelace').waitFor();
      // Hits come grouped by object, then the actions.
      const firstGroup = await page.locator('[style*="--spotlight-label"]').first().getAttribute('style');
      expect(firstGroup).toContain("--spotlight-label: 'Contacts'");
      await shot(page, 'search-close-spelling');
      await page.keyboard.press('Escape');
      await page.getByRole('dialog').waitFor({ state: 'detached' });
      // Ctrl+K works from inside a form field too (it once did nothing there, nor in the search's own
      // input while it closed after a pick).
      await page.getByLabel('What happened?').fill('Half-written note');
      await page.getByLabel('What happened?').press('Control+k');
      await page.getByPlaceholder('Search contacts, companies, deals…').fill('ada');
      await page.getByRole('dialog').getByText('Ada Lovelace').waitFor();
      await page.keyboard.press('Escape');
      await page.getByRole('dialog').waitFor({ state: 'detached' });
      expect(await page.getByLabel('What happened?').inputValue()).toBe('Half-written note');
      await page.getByLabel('What happened?').fill('');

      // Add a custom field and fill it; the change shows in the history.
      await page.goto(`${server.url}/settings?tab=fields`);
      await page.getByLabel('Label').fill('Tier');
      await page.getByRole('button', { name: 'Add field' }).click();
      await page.getByRole('cell', { name: 'custom.tier' }).waitFor();
      await shot(page, 'settings');
      await expectAccessible(page, 'settings');

      await page.goto(contactUrl);
      await page.getByRole('button', { name: /^Tier: —/ }).click();
      await page.getByRole('textbox', { name: 'Tier' }).fill('Gold');
      await page.getByRole('textbox', { name: 'Tier' }).press('Enter');
      await page.getByRole('button', { name: /^Tier: Gold/ }).waitFor();
      await page.getByRole('tab', { name: 'History' }).click();
      await page.getByTestId('history').getByText('Gold').waitFor();
      await page.getByRole('tab', { name: 'Timeline' }).click();
      await page.getByTestId('timeline').getByText('Intro call').waitFor();
      await shot(page, 'contact');
      await expectAccessible(page, 'contact page');

      // The lists and the home page.
      await page.goto(`${server.url}/contacts`);
      await page.getByRole('link', { name: 'Ada Lovelace' }).waitFor();
      await shot(page, 'contacts');
      await expectAccessible(page, 'contact list');

      await page.goto(`${server.url}/`);
      await page.getByText('Globex rollout').waitFor();
      await page.getByText('Intro call').waitFor();
      await shot(page, 'home');
      await expectAccessible(page, 'home');

      // Sign out and in again.
      await page.getByRole('button', { name: 'Account menu' }).click();
      await page.getByRole('menuitem', { name: 'Sign out' }).click();
      await page.getByRole('button', { name: 'Sign in' }).waitFor();
      await expectAccessible(page, 'sign in');
      await page.getByLabel('Email').fill(user.email);
      await page.getByRole('textbox', { name: 'Password' }).fill(user.password);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByRole('heading', { name: `Home · ${user.name}` }).waitFor();

      expect(errors).toEqual([]);
    } finally {
      await browser.close();
    }
  }, 120_000);

  it('works at a phone viewport: lists become cards, the board scrolls sideways', async () => {
    const browser = await launch({ width: 375, height: 812 });
    const page = browser.context.pages()[0] ?? (await browser.context.newPage());
    const errors = watchConsole(page);
    try {
      await page.goto(`${server.url}/signin`);
      await page.getByLabel('Email').fill(user.email);
      await page.getByRole('textbox', { name: 'Password' }).fill(user.password);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByRole('heading', { name: `Home · ${user.name}` }).waitFor();

      await page.getByRole('button', { name: 'Open navigation' }).click();
      await page.getByRole('link', { name: 'Contacts' }).click();
      await page.getByTestId('record-cards').getByRole('link', { name: 'Ada Lovelace' }).waitFor();
      await shot(page, 'phone-contacts');
      await expectAccessible(page, 'phone contact list');

      await page.goto(`${server.url}/deals/board`);
      await page.getByText('Globex rollout').waitFor();
      const scrolls = await page.getByTestId('board').evaluate((el) => el.scrollWidth > el.clientWidth + 1);
      expect(scrolls).toBe(true);
      const pageScrolls = await page.evaluate('document.documentElement.scrollWidth > window.innerWidth + 1');
      expect(pageScrolls).toBe(false);
      expect(errors).toEqual([]);
    } finally {
      await browser.close();
    }
  }, 90_000);

  it('resets a forgotten password with a link an admin creates', async () => {
    const member = {
      name: 'Mia Member',
      email: `mia.${Date.now()}@example.test`,
      password: 'first long passphrase',
      next: 'second long passphrase',
    };
    const owner = await launch();
    const guest = await launch();
    const ownerPage = owner.context.pages()[0] ?? (await owner.context.newPage());
    const page = guest.context.pages()[0] ?? (await guest.context.newPage());
    const ownerErrors = watchConsole(ownerPage);
    const errors = watchConsole(page);
    try {
      // The owner invites a member, who joins and signs out.
      await ownerPage.goto(`${server.url}/signin`);
      await ownerPage.getByLabel('Email').fill(user.email);
      await ownerPage.getByRole('textbox', { name: 'Password' }).fill(user.password);
      await ownerPage.getByRole('button', { name: 'Sign in' }).click();
      await ownerPage.getByRole('heading', { name: `Home · ${user.name}` }).waitFor();
      await ownerPage.goto(`${server.url}/settings?tab=invitations`);
      await ownerPage.getByLabel('Email').fill(member.email);
      await ownerPage.getByRole('button', { name: 'Invite' }).click();
      const invite = (await ownerPage.locator('pre').filter({ hasText: '/invite?token=' }).textContent())?.trim() as string;

      await page.goto(invite);
      await page.getByLabel('Your name').fill(member.name);
      await page.getByRole('textbox', { name: 'Password' }).fill(member.password);
      await page.getByRole('button', { name: 'Join the workspace' }).click();
      await page.getByRole('heading', { name: `Home · ${member.name}` }).waitFor();
      await page.getByRole('button', { name: 'Account menu' }).click();
      await page.getByRole('menuitem', { name: 'Sign out' }).click();

      // Signed out, the member asks for a reset; the answer is the same for any email.
      await page.getByRole('link', { name: 'Forgot password?' }).click();
      await page.getByLabel('Email').fill(member.email);
      await page.getByRole('button', { name: 'Request a reset' }).click();
      await page.getByText('If this email has a login, an admin of your workspace can now create a reset link for you.').waitFor();
      await expectAccessible(page, 'forgot password');

      // The owner sees the request and creates the link, shown once.
      await ownerPage.goto(`${server.url}/settings?tab=members`);
      const requests = ownerPage.getByTestId('reset-requests');
      await requests.getByText(member.email).waitFor();
      await requests.getByRole('button', { name: `Create reset link: ${member.name}` }).click();
      const linkBox = ownerPage.getByTestId('reset-link');
      await linkBox.getByText('shown only once').waitFor();
      const link = (await linkBox.locator('pre').textContent())?.trim() as string;
      expect(link.startsWith(`${server.url}/reset-password?token=`)).toBe(true);
      // The live link is listed, with who made it, until it is used or revoked.
      await requests.locator('[data-kind="link"]').getByText(member.email).waitFor();
      await requests.locator('[data-kind="link"]').getByText(`Reset link made by ${user.name}`).waitFor();
      await ownerPage.screenshot({ path: '/tmp/rapport-members-reset.png' });
      await expectAccessible(ownerPage, 'members settings with a reset link');

      // Signed out, the member sets a new password: a mismatch and a common password are caught first.
      await page.goto(link);
      await page.getByRole('textbox', { name: /^New password/ }).fill(member.next);
      await page.getByRole('textbox', { name: /^Repeat the new password/ }).fill('something else entirely');
      await page.getByRole('button', { name: 'Set the new password' }).click();
      await page.getByText('The two passwords do not match').waitFor();
      await page.getByRole('textbox', { name: /^New password/ }).fill('password1');
      await page.getByRole('textbox', { name: /^Repeat the new password/ }).fill('password1');
      await page.getByRole('button', { name: 'Set the new password' }).click();
      await page.getByText(/most common passwords/).waitFor();
      await page.screenshot({ path: '/tmp/rapport-reset-password.png' });
      await expectAccessible(page, 'reset password');
      await page.getByRole('textbox', { name: /^New password/ }).fill(member.next);
      await page.getByRole('textbox', { name: /^Repeat the new password/ }).fill(member.next);
      await page.getByRole('button', { name: 'Set the new password' }).click();
      await page.getByText('Your password has been changed. Sign in with the new one.').waitFor();

      // The old password no longer works; the new one does.
      await page.getByLabel('Email').fill(member.email);
      await page.getByRole('textbox', { name: 'Password' }).fill(member.password);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByText('Email or password is wrong').waitFor();
      await page.getByRole('textbox', { name: 'Password' }).fill(member.next);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByRole('heading', { name: `Home · ${member.name}` }).waitFor();

      // Used, the link is gone from the owner's list.
      await ownerPage.reload();
      await ownerPage.getByTestId('reset-requests').getByText('No open requests.').waitFor();

      // Signed in, the member changes the password again in the profile: the current one is asked for.
      await page.goto(`${server.url}/settings?tab=profile`);
      await page.getByLabel('Current password').fill('not the current one');
      await page.getByLabel('New password').fill('third long passphrase');
      await page.getByRole('button', { name: 'Change password' }).click();
      await page.getByText('is not your current password').waitFor();
      await page.getByLabel('Current password').fill(member.next);
      await page.getByRole('button', { name: 'Change password' }).click();
      await page.getByText('Password changed; your other sessions have been signed out.').waitFor();
      await expectAccessible(page, 'profile with the password form');
      await page.screenshot({ path: '/tmp/rapport-change-password.png' });

      // The browser logs the refusals asked for above (a common password, the old password, a wrong current one); nothing else.
      const expected = (e: string) => /status of 422 .*\/(auth\/reset-password|me\/password)|status of 401 .*\/auth\/login/.test(e);
      expect(errors.filter((e) => !expected(e))).toEqual([]);
      expect(ownerErrors).toEqual([]);
    } finally {
      await guest.close();
      await owner.close();
    }
  }, 90_000);

  it('shows the workspace’s background jobs: an import that ran', async () => {
    const browser = await launch();
    const page = browser.context.pages()[0] ?? (await browser.context.newPage());
    const errors = watchConsole(page);
    try {
      await page.goto(`${server.url}/signin`);
      await page.getByLabel('Email').fill(user.email);
      await page.getByRole('textbox', { name: 'Password' }).fill(user.password);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByRole('heading', { name: `Home · ${user.name}` }).waitFor();
      // The import goes in through the API, with the page's own session (there is no import page yet).
      const status = await page.evaluate(`(async () => {
        const s = await (await fetch('/api/v1/auth/session')).json();
        const r = await fetch('/api/v1/imports/contacts?fileName=team.csv', {
          method: 'POST', headers: { 'content-type': 'text/csv', 'x-csrf-token': s.csrfToken },
          body: 'First name,Last name,Email\\nGrace,Hopper,grace@navy.example\\n',
        });
        return r.status;
      })()`);
      expect(status).toBe(201);
      await page.goto(`${server.url}/settings?tab=jobs`);
      const row = page.getByTestId('jobs').locator('tr[data-status="completed"]').filter({ hasText: 'Contact import' });
      await row.waitFor();
      expect(await row.getByText('1 / 3').count()).toBe(1);
      await page.screenshot({ path: '/tmp/rapport-jobs.png' });
      await expectAccessible(page, 'background jobs');
      expect(errors).toEqual([]);
    } finally {
      await browser.close();
    }
  }, 60_000);
});
