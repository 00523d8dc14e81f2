import Type from 'typebox';
import { loadConfig } from '../../config.ts';
import { systemCtx } from '../../http/context.ts';
import { defineJob } from '../../jobs/define.ts';
import { actingMember } from '../auth/members.service.ts';
import { getContact } from '../contacts/contacts.service.ts';
import { sendNotice } from '../email/notice.ts';
import { getTicket } from '../tickets/tickets.service.ts';
import { workspaceSlug } from '../workspaces/workspaces.service.ts';
import { csatToken } from './csat.service.ts';
import { portalSender } from './portal.service.ts';

/**
 * Emails the requester of a solved ticket "how did we do?" with one-click good / bad links. Needs the
 * help centre's address (the links open its pages) and a mailbox for portal mail; without either,
 * the survey is skipped and says why in the job's result.
 */
export const csatSurveyJob = defineJob({
  name: 'portal.csat_survey',
  input: Type.Object({ ticketId: Type.String({ format: 'uuid' }) }, { additionalProperties: false }),
  retry: { attempts: 5, baseMs: 5_000 },
  hidden: true,
  run: async ({ db, input, workspaceId }) => {
    if (!workspaceId) throw new Error('a survey belongs to a workspace');
    const owner = await actingMember(db, workspaceId);
    if (!owner) return { skipped: 'the workspace has no owner' };
    const ctx = systemCtx(workspaceId, owner.id);
    const ticket = await getTicket(db, ctx, input.ticketId).catch(() => null);
    // Reopened (or deleted) before the job ran: no survey for a ticket that is not solved.
    if (ticket?.status !== 'solved' || !ticket.requesterId) return { skipped: 'not solved or no requester' };
    const slug = await workspaceSlug(db, ctx);
    if (!slug) return { skipped: 'the help centre has no address' };
    const sender = await portalSender(db, ctx);
    if (!sender) return { skipped: 'no mailbox is chosen to send portal mail' };
    const contact = await getContact(db, ctx, ticket.requesterId).catch(() => null);
    const to = contact?.emails[0]?.value;
    if (!to) return { skipped: 'the requester has no email address' };
    const token = csatToken(workspaceId, ticket.id);
    const link = (rating: string) =>
      new URL(`/help/${encodeURIComponent(slug)}/rate/${encodeURIComponent(token)}?rating=${rating}`, loadConfig().baseUrl).toString();
    await sendNotice(db, ctx, sender, {
      to,
      subject: `[#${ticket.number}] How did we do? ${ticket.subject}`.replace(/[\r\n]+/g, ' ').slice(0, 200),
      text: [
        `Your request #${ticket.number} "${ticket.subject}" is solved.`,
        '',
        'How did we do? One click is enough:',
        '',
        `Good: ${link('good')}`,
        `Bad: ${link('bad')}`,
        '',
        'If something is still wrong, just reply in the portal and we will reopen it.',
      ].join('\n'),
      // One survey per solving, however often the job is retried.
      messageKey: `csat.${ticket.id}.${ticket.solvedAt ? Date.parse(ticket.solvedAt) : 0}`,
    });
    return { sent: true };
  },
});
