import type { RecordLink } from '../../../contract/activities.ts';
import type { Conn } from '../../db/client.ts';
import type { Ctx } from '../../http/context.ts';
import { companiesByDomain } from '../companies/companies.service.ts';
import { createContact } from '../contacts/contacts.service.ts';
import { openDealsOfContacts } from '../deals/deals.service.ts';
import { contactsByEmail } from '../imports/imports.queries.ts';
import { createLead, leadsByEmail } from '../leads/leads.service.ts';
import type { MailboxRow } from './email.service.ts';
import type { ParsedEmail } from './parse.ts';

/** Senders that are machines, not people: no contact or lead is made of them. */
const machine = /^(no-?reply|do-?not-?reply|noreply-[^@]*|mailer-daemon|postmaster|bounces?|notifications?|auto-?confirm)([+._-][^@]*)?@/i;

const domainOf = (address: string) => address.slice(address.lastIndexOf('@') + 1);

/**
 * Whether mail from this address is internal or automatic for this mailbox: its own domain, the
 * mailbox's ignore list (an address, or a domain as `example.com` / `@example.com`, which covers
 * its subdomains), and no-reply style senders.
 */
export function ignoredSender(mb: Pick<MailboxRow, 'address' | 'ignoreSenders'>, address: string) {
  const a = address.toLowerCase();
  const domain = domainOf(a);
  if (machine.test(a) || domain === domainOf(mb.address)) return true;
  return mb.ignoreSenders.some((entry) => {
    const e = entry.trim().toLowerCase();
    if (!e) return false;
    if (e.includes('@') && !e.startsWith('@')) return e === a;
    const d = e.replace(/^@/, '');
    return domain === d || domain.endsWith(`.${d}`);
  });
}

/** `Carla Customer` → first and last name; without a display name the address's local part is the first name. */
function names(m: { name: string; address: string }) {
  const name = m.name.replace(/["']/g, '').trim();
  if (!name || name.includes('@')) return { firstName: m.address.split('@')[0].slice(0, 100), lastName: null };
  const parts = name.split(/\s+/);
  if (parts.length === 1) return { firstName: parts[0].slice(0, 100), lastName: null };
  return { firstName: parts.slice(0, -1).join(' ').slice(0, 100), lastName: parts[parts.length - 1].slice(0, 100) };
}

export interface Matched {
  links: RecordLink[];
  contactIds: string[];
  created: { type: 'contact' | 'lead'; id: string } | null;
}

/**
 * The records an email concerns:
 * - contacts holding any address of From, To and Cc (but the mailbox's own), and leads (not yet
 *   converted) holding the addresses no contact holds;
 * - companies whose domain is a participant's (not internal or ignored ones), besides the
 *   companies of the contacts (the activity links those itself);
 * - the open deals of those contacts, unless the mailbox turned that off;
 * - for a received email whose sender nobody holds: a new contact or lead, as the mailbox says,
 *   unless the sender is ignored.
 */
export async function matchEmail(conn: Conn, ctx: Ctx, mb: MailboxRow, m: ParsedEmail, direction: 'sent' | 'received'): Promise<Matched> {
  const own = mb.address.toLowerCase();
  const addresses = [
    ...new Set(
      [m.from, ...m.to, ...m.cc]
        .filter((a): a is { address: string; name: string } => Boolean(a))
        .map((a) => a.address.toLowerCase())
        .filter((a) => a !== own),
    ),
  ].slice(0, 100);
  const contacts = await contactsByEmail(conn, ctx, addresses);
  const leads = await leadsByEmail(
    conn,
    ctx,
    addresses.filter((a) => !contacts.has(a)),
  );
  let created: Matched['created'] = null;
  const sender = m.from?.address.toLowerCase();
  if (
    direction === 'received' &&
    m.from &&
    sender &&
    sender !== own &&
    mb.newSenders !== 'ignore' &&
    !contacts.has(sender) &&
    !leads.has(sender) &&
    !ignoredSender(mb, sender)
  ) {
    const who = names(m.from);
    if (mb.newSenders === 'contact') {
      const c = await createContact(conn, ctx, { ...who, emails: [{ value: sender, label: 'work' }], source: 'email' });
      contacts.set(sender, c.id);
      created = { type: 'contact', id: c.id };
    } else {
      const l = await createLead(conn, ctx, { ...who, email: sender, source: 'email' });
      leads.set(sender, l.id);
      created = { type: 'lead', id: l.id };
    }
  }
  const contactIds = [...new Set(contacts.values())];
  // The domains of the participants, but the internal and ignored ones (a no-reply sender of a
  // customer's domain still says the email concerns that company).
  const domains = [...new Set(addresses.map(domainOf))].filter((d) => !ignoredSender(mb, `person@${d}`));
  const companyIds = await companiesByDomain(conn, ctx, domains);
  const dealIds = mb.matchDeals ? await openDealsOfContacts(conn, ctx, contactIds) : [];
  const links: RecordLink[] = [
    ...contactIds.slice(0, 30).map((recordId) => ({ recordType: 'contact' as const, recordId })),
    ...[...new Set(leads.values())].slice(0, 5).map((recordId) => ({ recordType: 'lead' as const, recordId })),
    ...companyIds.slice(0, 5).map((recordId) => ({ recordType: 'company' as const, recordId })),
    ...dealIds.slice(0, 10).map((recordId) => ({ recordType: 'deal' as const, recordId })),
  ];
  return { links, contactIds, created };
}
