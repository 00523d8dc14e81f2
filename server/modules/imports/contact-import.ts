import { uuidv7 } from 'uuidv7';
import { MAX_CONTACT_EMAILS, MAX_CONTACT_PHONES } from '../../../contract/contacts.ts';
import type { DedupeMode, ImportCounts, ImportRowError } from '../../../contract/imports.ts';
import { MAX_IMPORT_ERRORS } from '../../../contract/imports.ts';
import type { Conn } from '../../db/client.ts';
import type { Ctx } from '../../http/context.ts';
import { diff } from '../../records/changes.ts';
import { type CustomDef, validateCustom } from '../fields/custom-values.ts';
import { type ContactValues, contactsByEmail, insertContacts, loadContacts, transactionTime, updateContacts } from './imports.queries.ts';
import type { Mapping } from './mapping.ts';
import type { Candidate } from './rows.ts';

/** A contact this import has seen: one it creates, or an existing one it may update. */
interface State extends ContactValues {
  /** Created by this batch and not written yet: later rows merge into it before it is inserted. */
  pending: boolean;
  /** An existing contact as it was loaded, for the history of what this import changed. */
  before?: ContactValues;
}

export interface ImportOptions {
  dedupe: DedupeMode;
  ownerId: string;
  dryRun: boolean;
  defs: CustomDef[];
  mapping: Mapping;
  /** The workspace's country, in which national phone numbers in custom fields are read. */
  country: string | null;
}

const scalars = ['firstName', 'lastName', 'title', 'lifecycleStage', 'source'] as const;
const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
const copy = (c: ContactValues): ContactValues => ({
  ...c,
  emails: [...c.emails],
  phones: [...c.phones],
  custom: { ...c.custom },
});

/**
 * The deduplication and writing half of a contact import, fed one batch of checked rows at a time,
 * in file order. Whether a row is a duplicate is decided by its emails: against the contacts of the
 * workspace (looked up per batch, so contacts written by earlier batches count too) and against the
 * earlier rows of the same batch.
 */
export class ContactImport {
  readonly counts: ImportCounts;
  readonly errors: ImportRowError[];
  /** email → id of the contact holding it, for every email this import has met. */
  private known = new Map<string, string>();
  /** Contacts of the current batch (and, in a dry run, of every batch: nothing is written to find them by). */
  private states = new Map<string, State>();
  private firstColumn: (field: string) => string | null;

  constructor(
    private ctx: Ctx,
    private opts: ImportOptions,
    /** Where an import resumed after a stop left off: the counts and errors of the batches already committed. */
    resume?: { counts: ImportCounts; errors: ImportRowError[] },
  ) {
    this.counts = { ...(resume?.counts ?? { rows: 0, created: 0, updated: 0, duplicates: 0, rejected: 0 }) };
    this.errors = [...(resume?.errors ?? [])];
    const byField = new Map<string, string>();
    for (const c of opts.mapping.columns) if (!byField.has(c.field)) byField.set(c.field, c.header);
    this.firstColumn = (field) => byField.get(field) ?? null;
  }

  /**
   * One batch, written through `conn` (for a real import, the batch's own transaction): rows that
   * passed the checks of their own, and the errors of those that did not.
   */
  async add(conn: Conn, rows: Candidate[], rowErrors: ImportRowError[], rejected: number) {
    this.counts.rejected += rejected;
    const batchErrors = [...rowErrors];
    const { dedupe, dryRun } = this.opts;
    if (dedupe !== 'none') await this.lookUp(conn, rows);
    if (dedupe === 'update') await this.loadTargets(conn, rows);
    const creates: State[] = [];
    for (const row of rows) {
      const errorCount = batchErrors.length;
      const target = dedupe === 'none' ? undefined : this.targetOf(row);
      if (!target) {
        const created = this.create(row, batchErrors);
        if (created) creates.push(created);
      } else if (dedupe === 'skip') this.counts.duplicates++;
      else if (this.merge(target, row, batchErrors)) this.counts.updated++;
      else if (batchErrors.length === errorCount) this.counts.duplicates++;
      if (batchErrors.length > errorCount) this.counts.rejected++;
    }
    this.keepErrors(batchErrors);
    this.counts.rows = this.counts.created + this.counts.updated + this.counts.duplicates + this.counts.rejected;
    if (dryRun) return;
    if (creates.length) await insertContacts(conn, this.ctx, this.opts.ownerId, await transactionTime(conn), creates);
    const updates = [...this.states.values()]
      .filter((s) => s.before)
      .map((s) => ({ values: toValues(s), changes: diff(toValues(s.before as ContactValues), toValues(s), ['id']) }))
      .filter((u) => u.changes.length);
    await updateContacts(conn, this.ctx, updates);
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

  /** Loads (and, for a real import, locks) the existing contacts that rows of this batch may update. */
  private async loadTargets(conn: Conn, rows: Candidate[]) {
    const ids = new Set<string>();
    for (const r of rows) {
      for (const e of r.emails) {
        const id = this.known.get(e.value);
        if (id && !this.states.has(id)) ids.add(id);
      }
    }
    for (const c of await loadContacts(conn, this.ctx, [...ids], !this.opts.dryRun)) {
      this.states.set(c.id, { ...copy(c), pending: false, before: c });
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
    const { row: _row, ...values } = row;
    const state: State = { ...values, id: uuidv7(), pending: true };
    this.counts.created++;
    for (const e of row.emails) if (!this.known.has(e.value)) this.known.set(e.value, state.id);
    if (this.opts.dedupe === 'update') this.states.set(state.id, state);
    return state;
  }

  /**
   * Writes a row into the contact it duplicates: non-empty cells overwrite, new emails and phones
   * are added. Returns whether anything changed; on an error the contact is left as it was.
   */
  private merge(id: string, row: Candidate, errors: ImportRowError[]): boolean {
    const state = this.states.get(id);
    if (!state) return false; // in the trash since the lookup: nothing to update
    const next = copy(state);
    for (const f of scalars) if (row[f] !== null) next[f] = row[f];
    for (const e of row.emails) if (!next.emails.some((x) => x.value === e.value)) next.emails.push(e);
    for (const p of row.phones) if (!next.phones.some((x) => (x.e164 ?? x.value) === p.e164)) next.phones.push(p);
    const fail = (field: string, message: string) =>
      errors.push({ row: row.row, field, column: this.firstColumn(field), message: `${message} (with the contact it updates)` });
    if (next.emails.length > MAX_CONTACT_EMAILS) fail('email', `a contact has at most ${MAX_CONTACT_EMAILS} emails`);
    if (next.phones.length > MAX_CONTACT_PHONES) fail('phone', `a contact has at most ${MAX_CONTACT_PHONES} phone numbers`);
    const custom = validateCustom(this.opts.defs, row.custom, state.custom, false, 'custom', this.opts.country);
    for (const e of custom.errors) fail(e.field, e.message);
    if (custom.errors.length || next.emails.length > MAX_CONTACT_EMAILS || next.phones.length > MAX_CONTACT_PHONES) return false;
    next.custom = custom.value;
    if (same(toValues(next), toValues(state))) return false;
    Object.assign(state, next);
    for (const e of row.emails) if (!this.known.has(e.value)) this.known.set(e.value, id);
    return true;
  }

  /** Keeps the first errors of the file: batches come in row order, and so do their sorted errors. */
  private keepErrors(batch: ImportRowError[]) {
    if (this.errors.length >= MAX_IMPORT_ERRORS || !batch.length) return;
    batch.sort((a, b) => a.row - b.row);
    this.errors.push(...batch.slice(0, MAX_IMPORT_ERRORS - this.errors.length));
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
