import type { Conn } from '../../db/client.ts';
import type { Ctx } from '../../http/context.ts';
import type { FieldError } from '../../http/errors.ts';
import { isEmailAddress, isStorableText } from '../../http/validation.ts';
import { createContact } from '../contacts/contacts.service.ts';
import type { HelpSite } from '../knowledge/help-centre.service.ts';
import { createTicket } from '../tickets/tickets.service.ts';
import { contactByEmail } from './portal.service.ts';
import { sign, verify } from './signed.ts';

// The public contact form: anyone may open a ticket, so the form guards against scripts without a
// third-party captcha — a field people never see (a bot fills it in), a signed token with the time
// the form was served (a form posted faster than a person types, or long after, is refused), and
// rate limits per address and per email (in the routes).

/** Faster than this, nobody has read and typed the form. */
export const MIN_FILL_MS = 3_000;
/** A form older than this is served again rather than trusted. */
export const MAX_FORM_AGE_MS = 24 * 3_600_000;
/** The field a person never sees (hidden from eyes and screen readers), named to tempt a bot. */
export const HONEYPOT = 'website';

export interface ContactFormValues {
  name: string;
  email: string;
  subject: string;
  message: string;
}

export const formToken = (site: HelpSite, at = Date.now()) => sign('contact-form', [site.workspaceId, String(at)]);

/** Why a form token is not accepted, or null when it is. */
export function formTokenProblem(site: HelpSite, token: string | undefined, at = Date.now()): string | null {
  const parts = verify('contact-form', token);
  if (parts?.length !== 2 || parts[0] !== site.workspaceId) return 'The form has expired; please send it again.';
  const age = at - Number(parts[1]);
  if (!Number.isFinite(age) || age > MAX_FORM_AGE_MS) return 'The form has expired; please send it again.';
  if (age < MIN_FILL_MS) return 'That was quicker than a person can type; please check your message and send it again.';
  return null;
}

const text = (v: unknown) => (typeof v === 'string' ? v.trim() : '');

/** The values a posted form holds (anything else ignored), trimmed. */
export const formValues = (body: Record<string, unknown>): ContactFormValues => ({
  name: text(body.name),
  email: text(body.email),
  subject: text(body.subject),
  message: text(body.message),
});

/** The form's mistakes, each naming its field (the page shows them beside it). */
export function checkForm(v: ContactFormValues): FieldError[] {
  const errors: FieldError[] = [];
  const add = (field: keyof ContactFormValues, code: string, message: string) => errors.push({ field, code, message });
  if (v.name.length > 200) add('name', 'too_long', 'Please use at most 200 characters.');
  if (!v.email) add('email', 'required', 'Please enter your email address.');
  else if (v.email.length > 254 || !isEmailAddress(v.email)) add('email', 'invalid', 'Please enter a valid email address.');
  if (!v.subject) add('subject', 'required', 'Please enter a subject.');
  else if (v.subject.length > 200) add('subject', 'too_long', 'Please use at most 200 characters.');
  if (!v.message) add('message', 'required', 'Please describe what you need.');
  else if (v.message.length > 20_000) add('message', 'too_long', 'Please use at most 20,000 characters.');
  for (const f of ['name', 'email', 'subject', 'message'] as const)
    if (!isStorableText(v[f]) && !errors.some((e) => e.field === f))
      add(f, 'invalid_text', 'This text holds characters that cannot be stored.');
  return errors;
}

/** Opens the ticket a valid form asks for: requester found by email in this workspace, or a new contact. */
export async function submitContactForm(conn: Conn, ctx: Ctx, site: HelpSite, v: ContactFormValues) {
  let requesterId = await contactByEmail(conn, site, v.email);
  if (!requesterId) {
    const at = v.name.lastIndexOf(' ');
    const [firstName, lastName] = at > 0 ? [v.name.slice(0, at), v.name.slice(at + 1)] : [v.name || null, null];
    const contact = await createContact(conn, ctx, {
      firstName,
      lastName,
      emails: [{ label: 'work', value: v.email.normalize('NFC').toLowerCase() }],
      source: 'web_form',
    });
    requesterId = contact.id;
  }
  return createTicket(conn, ctx, { subject: v.subject, description: v.message, requesterId, channel: 'web_form' });
}
