import { uuidv7 } from 'uuidv7';
import type { ContactCompany } from '../../../contract/contacts.ts';
import type { Conn } from '../../db/client.ts';
import type { Ctx } from '../../http/context.ts';
import { type CompanyValues, companiesByKey, type FoundCompany, insertCompanies } from './companies.queries.ts';
import type { CompanyRef } from './rows.ts';

const nameKey = (name: string) => `n:${name.toLowerCase()}`;
const domainKey = (domain: string) => `d:${domain}`;

/**
 * The companies a contact import links its contacts to. A row's company is found in the workspace
 * by its domain, else by its name (ignoring case), else created; once met, a company is known for
 * the rest of the file by both, so that "Acme" and "acme.com" on later rows find the same one.
 * Companies are created only for rows that create or update a contact, after the batch's rows
 * were read (`flush`), in the batch's transaction.
 */
export class CompanyLinker {
  private known = new Map<string, FoundCompany>();
  private pending: CompanyValues[] = [];

  constructor(
    private ctx: Ctx,
    private ownerId: string,
    private dryRun: boolean,
  ) {}

  /** Looks up the companies a batch's rows name that this import has not met yet. */
  async lookUp(conn: Conn, refs: (CompanyRef | null)[]) {
    const names = new Set<string>();
    const domains = new Set<string>();
    for (const ref of refs) {
      if (!ref) continue;
      if (ref.domain && !this.known.has(domainKey(ref.domain))) domains.add(ref.domain);
      if (ref.name && !this.known.has(nameKey(ref.name))) names.add(ref.name);
    }
    if (!names.size && !domains.size) return;
    const found = await companiesByKey(conn, this.ctx, [...names], [...domains]);
    for (const [domain, c] of found.byDomain) this.known.set(domainKey(domain), c);
    for (const [name, c] of found.byName) if (!this.known.has(nameKey(name))) this.known.set(nameKey(name), c);
  }

  /** The company of a row (looked up before): found, or made now and written by the next flush. */
  companyFor(ref: CompanyRef): FoundCompany {
    let company = (ref.domain && this.known.get(domainKey(ref.domain))) || (ref.name && this.known.get(nameKey(ref.name))) || null;
    if (!company) {
      const values: CompanyValues = {
        id: uuidv7(),
        name: ref.name ?? (ref.domain as string),
        domain: ref.domain,
        industry: null,
        size: null,
        phone: null,
        phoneE164: null,
        address: null,
        custom: {},
      };
      this.pending.push(values);
      company = { id: values.id, name: values.name };
    }
    if (ref.domain && !this.known.has(domainKey(ref.domain))) this.known.set(domainKey(ref.domain), company);
    if (ref.name && !this.known.has(nameKey(ref.name))) this.known.set(nameKey(ref.name), company);
    return company;
  }

  /** Writes the companies made since the last flush (a dry run only counts them); returns how many. */
  async flush(conn: Conn, now: () => Promise<Date>) {
    const made = this.pending.length;
    if (!this.dryRun && made) await insertCompanies(conn, this.ctx, this.ownerId, await now(), this.pending);
    this.pending = [];
    return made;
  }
}

/** A contact's links with one more company: it becomes primary when the contact had none. In the order a contact reads them. */
export function withCompany(links: ContactCompany[], company: FoundCompany): ContactCompany[] {
  if (links.some((l) => l.companyId === company.id)) return links;
  return sortLinks([...links, { companyId: company.id, name: company.name, role: null, isPrimary: !links.some((l) => l.isPrimary) }]);
}

/** As the contacts module orders a contact's links: primary first, then by name, then by id. */
const sortLinks = (links: ContactCompany[]) =>
  links.sort(
    (a, b) =>
      Number(b.isPrimary) - Number(a.isPrimary) ||
      (a.name < b.name ? -1 : a.name > b.name ? 1 : 0) ||
      (a.companyId < b.companyId ? -1 : a.companyId > b.companyId ? 1 : 0),
  );
