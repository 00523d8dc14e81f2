import Type from 'typebox';
import { defineJob } from '../../jobs/define.ts';
import { ticketFromEmail } from './ticket-mail.ts';
import { sendTicketMail } from './ticket-mail-out.ts';

/** Reads one email that arrived in a support mailbox into a ticket (ticket-mail.ts). */
export const ticketMailInJob = defineJob({
  name: 'tickets.mailIn',
  input: Type.Object(
    { workspaceId: Type.String({ format: 'uuid' }), mailboxId: Type.String({ format: 'uuid' }), emailId: Type.String({ format: 'uuid' }) },
    { additionalProperties: false },
  ),
  retry: { attempts: 5 },
  run: async ({ db, input, log }) => {
    const outcome = await db.transaction((tx) => ticketFromEmail(tx, input.workspaceId, input.mailboxId, input.emailId, log));
    log.info({ ...input, outcome }, 'email-to-ticket');
    return outcome;
  },
});

/** Sends an agent's reply or a new ticket's acknowledgement to the customer (ticket-mail-out.ts). */
export const ticketMailOutJob = defineJob({
  name: 'tickets.mailOut',
  input: Type.Object(
    {
      workspaceId: Type.String({ format: 'uuid' }),
      ticketId: Type.String({ format: 'uuid' }),
      kind: Type.Union([Type.Literal('ack'), Type.Literal('reply')]),
      ticketMessageId: Type.Union([Type.String({ format: 'uuid' }), Type.Null()]),
    },
    { additionalProperties: false },
  ),
  retry: { attempts: 8, baseMs: 30_000, maxMs: 30 * 60_000 },
  run: async ({ db, input }) => sendTicketMail(db, input),
});
