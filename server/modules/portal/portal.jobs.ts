import { randomUUID } from 'node:crypto';
import Type from 'typebox';
import { loadConfig } from '../../config.ts';
import { systemCtx } from '../../http/context.ts';
import { defineJob } from '../../jobs/define.ts';
import { actingMember } from '../auth/members.service.ts';
import { getContact } from '../contacts/contacts.service.ts';
import { sendNotice } from '../email/notice.ts';
import { newSignInToken, portalSender } from './portal.service.ts';

/**
 * Emails a customer a portal sign-in link. The token is made here, in the worker, and lives only in
 * the email and (hashed) in portal_links: the job's stored input names the contact, never a token.
 * A retry mails a new link; the old one expires unused.
 */
export const signInLinkJob = defineJob({
  name: 'portal.sign_in_link',
  input: Type.Object(
    { contactId: Type.String({ format: 'uuid' }), email: Type.String({ maxLength: 254 }), slug: Type.String({ maxLength: 100 }) },
    { additionalProperties: false },
  ),
  retry: { attempts: 3, baseMs: 5_000 },
  hidden: true,
  run: async ({ db, input, workspaceId }) => {
    if (!workspaceId) throw new Error('a portal link belongs to a workspace');
    const owner = await actingMember(db, workspaceId);
    if (!owner) return { skipped: 'the workspace has no owner' };
    const ctx = systemCtx(workspaceId, owner.id);
    const sender = await portalSender(db, ctx);
    if (!sender) return { skipped: 'no mailbox is chosen to send portal mail' };
    // The contact may have been erased since the request.
    await getContact(db, ctx, input.contactId);
    const token = await newSignInToken(db, workspaceId, input.contactId);
    const link = new URL(`/help/${encodeURIComponent(input.slug)}/portal/sign-in?token=${encodeURIComponent(token)}`, loadConfig().baseUrl);
    await sendNotice(db, ctx, sender, {
      to: input.email,
      subject: 'Your sign-in link',
      text: [
        'Open this link to see your requests and answer them:',
        '',
        link.toString(),
        '',
        'The link works once, for 15 minutes. If you did not ask for it, ignore this email.',
      ].join('\n'),
      messageKey: `portal-link.${randomUUID()}`,
    });
    return { sent: true };
  },
});
