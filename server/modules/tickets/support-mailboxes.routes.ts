import Type from 'typebox';
import { IdParams } from '../../../contract/common.ts';
import { SupportMailbox, SupportMailboxPut } from '../../../contract/support.ts';
import type { App } from '../../http/typed-app.ts';
import { errorResponses } from '../../records/routes.ts';
import { listSupportMailboxes, putSupportMailbox, removeSupportMailbox } from './support-mailboxes.service.ts';

export async function supportMailboxRoutes(app: App) {
  app.get('/support-mailboxes', {
    config: { permission: 'read' },
    schema: {
      tags: ['Tickets'],
      summary: "The workspace's support addresses (email-to-ticket)",
      response: { 200: Type.Object({ data: Type.Array(SupportMailbox) }), ...errorResponses },
    },
    handler: async (req) => ({ data: await listSupportMailboxes(app.db, req.ctx) }),
  });

  app.put('/support-mailboxes/:id', {
    config: { permission: 'admin' },
    schema: {
      tags: ['Tickets'],
      summary: 'Make a shared mailbox a support address, or change its settings',
      description:
        'Every new thread that arrives in it becomes a ticket (channel email) in the team given; replies thread into their ticket by their headers, then by `[#N]` in the subject; agents’ public replies go out from it. `autoAcknowledge` answers each new ticket once with the acknowledgement template (never an automatic message, at most 3 an hour per sender). `:id` is the mailbox.',
      params: IdParams,
      body: SupportMailboxPut,
      response: { 200: SupportMailbox, ...errorResponses },
    },
    handler: async (req) => app.db.transaction((tx) => putSupportMailbox(tx, req.ctx, req.params.id, req.body)),
  });

  app.delete('/support-mailboxes/:id', {
    config: { permission: 'admin' },
    schema: {
      tags: ['Tickets'],
      summary: 'Stop a mailbox being a support address (its tickets stay)',
      params: IdParams,
      response: { 204: Type.Null(), ...errorResponses },
    },
    handler: async (req, reply) => {
      await app.db.transaction((tx) => removeSupportMailbox(tx, req.ctx, req.params.id));
      return reply.code(204).send(null);
    },
  });
}
