import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { axeScan, hasChromium, launch, type Server, signUpInBrowser, startServer, watchConsole } from './harness.ts';

// What a role may do shows in the app (issue 9, bug 9): a member does not meet admin-only settings
// tabs that only say "Your role does not allow this" after Save.

describe.runIf(hasChromium)('settings by role', () => {
  let server: Server;
  beforeAll(async () => {
    server = await startServer();
  }, 120_000);
  afterAll(async () => {
    await server?.stop();
  });

  it('shows a member their profile and mailboxes only, and an admin every tab', async () => {
    const owner = await launch();
    const guest = await launch();
    try {
      const ownerPage = owner.context.pages()[0] ?? (await owner.context.newPage());
      const page = guest.context.pages()[0] ?? (await guest.context.newPage());
      const errors = watchConsole(page);
      await signUpInBrowser(ownerPage, server.url, {
        name: 'Rosa Roles',
        email: `rosa.${Date.now()}@example.test`,
        password: 'a role playing passphrase',
        workspace: 'Roles KG',
      });
      const memberEmail = `mo.${Date.now()}@example.test`;
      const token = (await ownerPage.evaluate(`(async () => {
        const s = await (await fetch('/api/v1/auth/session')).json();
        const r = await fetch('/api/v1/invitations', { method: 'POST', headers: { 'content-type': 'application/json', 'x-csrf-token': s.csrfToken },
          body: JSON.stringify({ email: '${memberEmail}', role: 'member' }) });
        return (await r.json()).token;
      })()`)) as string;
      await page.goto(`${server.url}/invite?token=${encodeURIComponent(token)}`);
      await page.getByLabel('Your name').fill('Mo Member');
      await page.getByRole('textbox', { name: 'Password' }).fill('a members passphrase');
      await page.getByRole('button', { name: 'Join the workspace' }).click();
      await page.getByRole('heading', { name: 'Home · Mo Member' }).waitFor();

      await page.goto(`${server.url}/settings?tab=members`);
      await page.getByRole('tab', { name: 'My profile' }).waitFor();
      // A member connects their own mailbox and keeps their own templates, signatures and macros; everything else in settings is for admins.
      expect(await page.getByRole('tab').allTextContents()).toEqual(['Mailboxes', 'Templates and signatures', 'Macros', 'My profile']);
      await page.getByLabel('Current password').waitFor();
      expect(await axeScan(page)).toEqual([]);

      await ownerPage.goto(`${server.url}/settings?tab=members`);
      await ownerPage.getByRole('tab', { name: 'Members' }).waitFor();
      // Named rather than counted, so a new admin tab does not break the test while a missing one does.
      expect(await ownerPage.getByRole('tab').allTextContents()).toEqual(
        expect.arrayContaining([
          'Workspace',
          'Members',
          'Invitations',
          'Pipelines',
          'Objects',
          'Custom fields',
          'API keys',
          'Webhooks',
          'Background jobs',
          'Mailboxes',
          'Templates and signatures',
          'My profile',
        ]),
      );
      expect(errors).toEqual([]);
    } finally {
      await guest.close();
      await owner.close();
    }
  }, 90_000);
});
