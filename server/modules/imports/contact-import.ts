import { uuidv7 } from 'uuidv7';
import type { ContactCompany } from '../../../contract/contacts.ts';
import { MAX_CONTACT_EMAILS, MAX_CONTACT_PHONES } from '../../../contract/contacts.ts';
import type { DedupeMode, ImportCounts, ImportRowError, ImportRowWarning } from '../../../contract/imports.ts';
import type { Conn } from '../../db/client.ts';
import type { Ctx } from '../../http/context.ts';
import { diff, type FieldChange } from '../../records/changes.ts';
import { saveContactPhotos } from '../contacts/photos.ts';
import { type CustomDef, validateCustom } from '../fields/custom-values.ts';
import { companyLinks, linkContacts } from './companies.queries.ts';
import { CompanyLinker, withCompany } from './company-links.ts';
import { type ContactValues, contactsByEmail, insertContacts, loadContacts, transactionTime, updateContacts } from './imports.queries.ts';
import type { Mapping } from './mapping.ts';
import { Results } from './results.ts';
import type { Candidate } from './rows.ts';

/** A contact this import has seen: one it creates, or an existing one it may update. */
interface State extends ContactValues {
  /** Created by this batch and not written yet: later rows merge into it before it is inserted. */
  pending: boolean;
  /** An existing contact as it was loaded, for the history of what this import changed. */
  before?: ContactValues;
  /** Its company links as they will read (for a new contact, those its rows named). */
  links: ContactCompany[];
  linksBefore?: ContactCompany[];
}

export interface ImportOptions {
  dedupe: DedupeMode;
  ownerId: string;
  dryRun: boolean;
  defs: CustomDef[];
  mapping: Mapping;
  /** The country in which national phone numbers in custom fields are read (the import's, or the workspace's). */
  country: string | null;
}

const scalars = ['firstName', 'lastName', 'title', 'lifecycleStage', 'source'] as const;
const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
const copy = (c: State): State => ({
  ...c,
  emails: [...c.emails],
  phones: [...c.phones],
  custom: { ...c.custom },
  links: [...c.links],
});

/**
 * The deduplication and writing half of a contact import, fed one batch of read rows at a time,
 * in file order. Whether a row is a duplicate is decided by its emails: against the contacts of the
 * workspace (looked up per batch, so contacts written by earlier batches count too) and against the
 * earlier rows of the same batch. A row's company is linked, found or created (CompanyLinker).
 */
export class ContactImport {
  readonly results: Results;
  /** email → id of the contact holding it, for every email this import has met. */
  private known = new Map<string, string>();
  /** Contacts of the current batch (and, in a dry run, of every batch: nothing is written to find them by). */
  private states = new Map<string, State>();
  private companies: CompanyLinker;
  private firstColumn: (field: string) => string | null;

  constructor(
    private ctx: Ctx,
    private opts: ImportOptions,
    /** Where an import resumed after a stop left off: the counts, errors and warnings of the batches already committed. */
    resume?: { counts: ImportCounts; errors: ImportRowError[]; warnings: ImportRowWarning[] },
  ) {
    this.results = new Results(resume);
    this.companies = new CompanyLinker(ctx, opts.ownerId, opts.dryRun);
    const byField = new Map<string, string>();
    for (const c of opts.mapping.columns) if (!byField.has(c.field)) byField.set(c.field, c.header);
    this.firstColumn = (field) => byField.get(field) ?? null;
  }

  get counts() {
    return this.results.counts;
  }

  /**
   * One batch, written through `conn` (for a real import, the batch's own transaction): the rows that
   * can become contacts, and the errors of those that cannot.
   */
  async add(conn: Conn, rows: Candidate[], rowErrors: ImportRowError[], rejected: number) {
    const batch = this.results.batch(rowErrors, rejected);
    const { dedupe, dryRun } = this.opts;
    if (dedupe !== 'none') await this.lookUp(conn, rows);
    if (dedupe === 'update') await this.loadTargets(conn, rows);
    await this.companies.lookUp(
      conn,
      rows.map((r) => r.company),
    );
    const creates: State[] = [];
    // Pictures go to the contact their row created or updated (the last row's wins).
    const photos = new Map<string, Buffer>();
    for (const row of rows) {
      const target = dedupe === 'none' ? undefined : this.targetOf(row);
      if (!target) {
        const created = this.create(row, batch.errors);
        if (created) {
          creates.push(created);
          if (row.photo) photos.set(created.id, row.photo);
          batch.created(row.warnings);
        } else batch.rejected();
      } else if (dedupe === 'skip') batch.duplicate();
      else if (this.merge(target, row)) {
        if (row.photo) photos.set(target, row.photo);
        batch.updated(row.warnings);
      } else if (row.photo && dedupe === 'update' && this.states.has(target)) {
        // Nothing else new in the row, but a picture.
        photos.set(target, row.photo);
        batch.updated(row.warnings);
      } else batch.duplicate();
    }
    batch.done();
    let now: Date | undefined;
    const time = async () => {
      now ??= await transactionTime(conn);
      return now;
    };
    // Companies first: the links of the contacts below point at them.
    this.results.counts.companiesCreated += await this.companies.flush(conn, time);
    if (dryRun) return;
    if (creates.length) {
      await insertContacts(
        conn,
        this.ctx,
        this.opts.ownerId,
        await time(),
        creates.map((s) => ({ ...toValues(s), companies: s.links })),
      );
      await linkContacts(
        conn,
        this.ctx,
        creates.flatMap((s) => s.links.map((l) => ({ contactId: s.id, companyId: l.companyId, isPrimary: l.isPrimary }))),
      );
    }
    const updates: { values: ContactValues; changes: FieldChange[] }[] = [];
    const newLinks: { contactId: string; companyId: string; isPrimary: boolean }[] = [];
    for (const s of this.states.values()) {
      if (!s.before) continue;
      const changes = diff(toValues(s.before), toValues(s), ['id']);
      const linksBefore = s.linksBefore ?? [];
      if (!same(linksBefore, s.links)) {
        changes.push({ field: 'companies', old: linksBefore, new: s.links });
        for (const l of s.links) {
          if (!linksBefore.some((b) => b.companyId === l.companyId))
            newLinks.push({ contactId: s.id, companyId: l.companyId, isPrimary: l.isPrimary });
        }
      }
      if (changes.length) updates.push({ values: toValues(s), changes });
    }
    // Links before the update: its event reads the contact as it then is, companies included.
    await linkContacts(conn, this.ctx, newLinks);
    await updateContacts(conn, this.ctx, updates);
    await saveContactPhotos(
      conn,
      this.ctx,
      [...photos].map(([contactId, bytes]) => ({ contactId, bytes })),
    );
    // Written: later batches find these contacts in the database.
    this.states.clear();
  }

  /** Adds the contacts of this workspace that hold the batch's emails to `known`. */
  private async lookUp(conn: Conn, rows: Candidate[]) {
    const unseen = new Set<string>();
    for (const r of rows) for (const e of r.emails) if (!this.known.has(e.value)) unseen.add(e.value);
    const found = await contactsByEmail(conn, this.ctx, [...unseen]);
    for (const [email, id] of found) this.known.set(email, id);
  }

  /** Loads (and, for a real import, locks) the existing contacts that rows of this batch may update, with their company links. */
  private async loadTargets(conn: Conn, rows: Candidate[]) {
    const ids = new Set<string>();
    for (const r of rows) {
      for (const e of r.emails) {
        const id = this.known.get(e.value);
        if (id && !this.states.has(id)) ids.add(id);
      }
    }
    const loaded = await loadContacts(conn, this.ctx, [...ids], !this.opts.dryRun);
    const links = rows.some((r) => r.company) ? await companyLinks(conn, this.ctx, [...ids]) : new Map<string, ContactCompany[]>();
    for (const c of loaded) {
      const l = links.get(c.id) ?? [];
      this.states.set(c.id, { ...c, pending: false, before: c, links: [...l], linksBefore: l });
    }
  }

  /** The contact a row duplicates: the one holding its first email that some contact holds. */
  private targetOf(row: Candidate): string | undefined {
    for (const e of row.emails) {
      const id = this.known.get(e.value);
      if (id) return id;
    }
    return undefined;
  }

  private create(row: Candidate, errors: ImportRowError[]): State | null {
    // Required custom fields apply to new contacts only; the values themselves were checked with the row.
    const { errors: missing } = validateCustom(this.opts.defs, row.custom, null, true, 'custom', this.opts.country);
    if (missing.length) {
      for (const e of missing) errors.push({ row: row.row, field: e.field, column: this.firstColumn(e.field), message: e.message });
      return null;
    }
    const state: State = {
      id: uuidv7(),
      firstName: row.firstName,
      lastName: row.lastName,
      emails: row.emails,
      phones: row.phones,
      title: row.title,
      lifecycleStage: row.lifecycleStage,
      source: row.source,
      custom: row.custom,
      pending: true,
      links: row.company ? withCompany([], this.companies.companyFor(row.company)) : [],
    };
    for (const e of row.emails) if (!this.known.has(e.value)) this.known.set(e.value, state.id);
    if (this.opts.dedupe === 'update') this.states.set(state.id, state);
    return state;
  }

  /**
   * Writes a row into the contact it duplicates: non-empty cells overwrite, new emails, phones and
   * the row's company are added (values over a contact's limits are left out, with a warning).
   * Returns whether anything changed.
   */
  private merge(id: string, row: Candidate): boolean {
    const state = this.states.get(id);
    if (!state) return false; // in the trash since the lookup: nothing to update
    const next = copy(state);
    for (const f of scalars) if (row[f] !== null) next[f] = row[f];
    const warn = (field: string, value: string, message: string) =>
      row.warnings.push({ row: row.row, field, column: this.firstColumn(field), value, message });
    for (const e of row.emails) {
      if (next.emails.some((x) => x.value === e.value)) continue;
      if (next.emails.length >= MAX_CONTACT_EMAILS)
        warn('email', e.value, `the contact it updates has ${MAX_CONTACT_EMAILS} emails already; left out`);
      else next.emails.push(e);
    }
    for (const p of row.phones) {
      if (next.phones.some((x) => (x.e164 ?? x.value) === (p.e164 ?? p.value))) continue;
      if (next.phones.length >= MAX_CONTACT_PHONES)
        warn('phone', p.value, `the contact it updates has ${MAX_CONTACT_PHONES} phone numbers already; left out`);
      else next.phones.push(p);
    }
    const custom = validateCustom(this.opts.defs, row.custom, state.custom, false, 'custom', this.opts.country);
    next.custom = custom.value;
    if (row.company) next.links = withCompany(next.links, this.companies.companyFor(row.company));
    if (same(toValues(next), toValues(state)) && same(next.links, state.links)) return false;
    Object.assign(state, next);
    for (const e of row.emails) if (!this.known.has(e.value)) this.known.set(e.value, id);
    return true;
  }
}

const toValues = (s: ContactValues): ContactValues => ({
  id: s.id,
  firstName: s.firstName,
  lastName: s.lastName,
  emails: s.emails,
  phones: s.phones,
  title: s.title,
  lifecycleStage: s.lifecycleStage,
  source: s.source,
  custom: s.custom,
});
