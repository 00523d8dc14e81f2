import { and, eq } from 'drizzle-orm';
import Type from 'typebox';
import { Uuid } from '../../../contract/common.ts';
import { AppError } from '../../http/errors.ts';
import { isEmailAddress } from '../../http/validation.ts';
import { closed, scopeOf } from '../automation/action-values.ts';
import { checkTemplates, problem } from '../automation/checks.ts';
import { render } from '../automation/templates.ts';
import { type ActionContext, defineAction } from '../automation/types.ts';
import { findMailbox } from './email.service.ts';
import { emailMessages } from './email.table.ts';
import { sendEmail } from './send.ts';

// "Send an email" as a step of a workflow rule, through a connected mailbox: the same sending as a
// person's (SMTP, a copy in Sent, the email on the record's timeline). The step's run and path make
// the Message-ID, so a step tried again after its worker died finds the email already stored and
// does not send it twice (a worker that dies between the send and the store is the one gap left).

const SendInput = Type.Object(
  {
    mailboxId: Uuid,
    /** Addresses, each a text with placeholders: `{{record.emails.0.value}}`, `sales@example.com`. */
    to: Type.Array(Type.String({ minLength: 1, maxLength: 300 }), { minItems: 1, maxItems: 20 }),
    cc: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 300 }), { maxItems: 20 })),
    subject: Type.String({ minLength: 1, maxLength: 998 }),
    body: Type.String({ minLength: 1, maxLength: 100_000 }),
  },
  closed,
);

function addresses(ac: ActionContext, list: string[] | undefined, at: string) {
  const scope = scopeOf(ac);
  return (list ?? []).map((t, i) => {
    const v = render(t, scope);
    const address = typeof v === 'string' ? v.trim() : '';
    if (!isEmailAddress(address)) {
      throw new AppError(422, 'no_address', `${at}.${i} (${t}) came out as ${address ? `"${address}", not an email address` : 'nothing'}`);
    }
    return address;
  });
}

const messageKey = (ac: ActionContext) => `run.${ac.runId}.${ac.path.replace(/[^A-Za-z0-9]/g, '-')}`;

export const sendEmailAction = defineAction({
  name: 'send_email',
  label: 'Send an email',
  description:
    "Sends an email from a connected mailbox (a shared one, or the rule author's own) to addresses written or taken from the record; subject and body are templates. It appears on the timelines of the contacts it is sent to.",
  input: SendInput,
  needsRecord: false,
  check: async (input, env, at, obj) => {
    const fields = obj ? await env.fields(obj) : null;
    const errors = checkTemplates({ to: input.to, cc: input.cc, subject: input.subject, body: input.body }, at, obj, fields, true);
    const mb = await findMailbox(env.conn, env.ctx, input.mailboxId).catch(() => null);
    if (!mb) errors.push(problem(`${at}.mailboxId`, 'unknown_mailbox', 'is not a mailbox of this workspace'));
    else if (!mb.shared && mb.ownerId !== env.ctx.memberId) {
      errors.push(problem(`${at}.mailboxId`, 'not_your_mailbox', "is another member's personal mailbox: use a shared one or your own"));
    }
    // An address written out (no placeholder) is checked now rather than at the first run.
    for (const [key, list] of [
      ['to', input.to],
      ['cc', input.cc ?? []],
    ] as const) {
      list.forEach((a, i) => {
        if (!a.includes('{{') && !isEmailAddress(a.trim())) errors.push(problem(`${at}.${key}.${i}`, 'format', 'is not an email address'));
      });
    }
    return errors;
  },
  writes: () => [],
  run: async (ac, input) => {
    const key = messageKey(ac);
    const mb = await findMailbox(ac.conn, ac.ctx, input.mailboxId);
    const domain = mb.address.split('@')[1] ?? 'rapport.invalid';
    const [already] = await ac.conn
      .select({ id: emailMessages.id })
      .from(emailMessages)
      .where(and(eq(emailMessages.workspaceId, ac.ctx.workspaceId), eq(emailMessages.messageId, `${key}@${domain}`)));
    if (already) return { detail: 'Already sent by an earlier try of this step', output: { emailId: already.id } };
    const to = addresses(ac, input.to, 'to');
    const cc = addresses(ac, input.cc, 'cc');
    const scope = scopeOf(ac);
    const sent = await sendEmail(
      ac.conn,
      ac.ctx,
      { mailboxId: input.mailboxId, to, cc, subject: String(render(input.subject, scope)), text: String(render(input.body, scope)) },
      { messageKey: key },
    );
    return {
      detail: `Sent "${sent.subject}" to ${to.join(', ')} from ${mb.address}${sent.note ? ` (${sent.note})` : ''}`,
      output: { emailId: sent.id },
    };
  },
  describe: async (ac, input) => {
    const scope = scopeOf(ac);
    const to = input.to.map((t) => String(render(t, scope) ?? '')).join(', ');
    return `Would send "${String(render(input.subject, scope))}" to ${to || 'nobody'} from mailbox ${input.mailboxId}`;
  },
});
