import { and, eq, inArray, sql } from 'drizzle-orm';
import { defineConsumer } from '../../jobs/consumers.ts';
import { enqueue } from '../../jobs/queue.ts';
import type { FieldChange } from '../../records/changes.ts';
import { ticketMailInJob, ticketMailOutJob } from './ticket-mail.jobs.ts';
import { supportMailboxes, ticketEmails } from './ticket-mail.table.ts';
import { slaRecomputeJob } from './tickets.jobs.ts';

/**
 * Email-to-ticket, driven by the outbox: an email received in a support mailbox is read into a
 * ticket, and an agent's public reply on a ticket that came by email goes out as an email — each as
 * a job, so that a mail server down or a slow parse never holds up the events behind them.
 */
export const ticketMailConsumer = defineConsumer({
  name: 'ticket-mail',
  batch: 200,
  needed: sql`exists (select 1 from support_mailboxes)`,
  async handle(tx, events) {
    const received = events.filter((e) => e.type === 'email.received');
    const byWorkspace = new Map<string, { mailboxId: string; emailId: string }[]>();
    for (const e of received) {
      const p = e.payload as { mailboxId?: string; emailId?: string };
      if (!p.mailboxId || !p.emailId) continue;
      byWorkspace.set(e.workspaceId, [...(byWorkspace.get(e.workspaceId) ?? []), { mailboxId: p.mailboxId, emailId: p.emailId }]);
    }
    for (const [workspaceId, mails] of byWorkspace) {
      const support = await tx
        .select({ mailboxId: supportMailboxes.mailboxId })
        .from(supportMailboxes)
        .where(
          and(
            eq(supportMailboxes.workspaceId, workspaceId),
            inArray(
              supportMailboxes.mailboxId,
              mails.map((m) => m.mailboxId),
            ),
          ),
        );
      const ids = new Set(support.map((s) => s.mailboxId));
      for (const m of mails.filter((x) => ids.has(x.mailboxId))) {
        await enqueue(tx, ticketMailInJob, { workspaceId, ...m }, { workspaceId, singletonKey: `ticket-mail-in:${m.emailId}` });
      }
    }

    for (const e of events) {
      if (e.type !== 'ticket.replied') continue;
      const message = (e.payload as { message?: { id: string; kind: string; authorMemberId: string | null } }).message;
      if (message?.kind !== 'reply' || !message.authorMemberId) continue;
      const [thread] = await tx
        .select({ id: ticketEmails.id })
        .from(ticketEmails)
        .where(and(eq(ticketEmails.workspaceId, e.workspaceId), eq(ticketEmails.ticketId, e.recordId)))
        .limit(1);
      if (!thread) continue;
      await enqueue(
        tx,
        ticketMailOutJob,
        { workspaceId: e.workspaceId, ticketId: e.recordId, kind: 'reply', ticketMessageId: message.id },
        { workspaceId: e.workspaceId, singletonKey: `ticket-mail-out:${message.id}` },
      );
    }
  },
});

/**
 * A customer whose tier changes (the `tier` custom field of a company or contact) may fall under
 * another SLA override: their open tickets are recomputed, by a job per workspace and batch of
 * events, over those tickets alone (sla-recompute.ts; nothing when no override names a tier).
 */
export const slaTierConsumer = defineConsumer({
  name: 'sla-tier',
  batch: 200,
  needed: sql`exists (select 1 from sla_policies)`,
  async handle(tx, events) {
    const byWorkspace = new Map<string, { companyIds: string[]; contactIds: string[] }>();
    for (const e of events) {
      if (e.type !== 'company.updated' && e.type !== 'contact.updated') continue;
      const changes = (e.payload.changes ?? []) as FieldChange[];
      if (!changes.some((c) => c.field === 'custom.tier')) continue;
      const ids = byWorkspace.get(e.workspaceId) ?? { companyIds: [], contactIds: [] };
      (e.type === 'company.updated' ? ids.companyIds : ids.contactIds).push(e.recordId);
      byWorkspace.set(e.workspaceId, ids);
    }
    for (const [workspaceId, ids] of byWorkspace) await enqueue(tx, slaRecomputeJob, { workspaceId, ...ids }, { workspaceId });
  },
});
