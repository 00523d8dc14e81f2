import { uuidv7 } from 'uuidv7';
import type { ImportCounts, ImportRowError, ImportRowWarning } from '../../../contract/imports.ts';
import type { Conn } from '../../db/client.ts';
import type { Ctx } from '../../http/context.ts';
import { diff, type FieldChange } from '../../records/changes.ts';
import { validateCustom } from '../fields/custom-values.ts';
import { type CompanyValues, companiesByKey, insertCompanies, loadCompanies, updateCompanies } from './companies.queries.ts';
import type { CompanyCandidate } from './company-rows.ts';
import type { ImportOptions } from './contact-import.ts';
import { transactionTime } from './imports.queries.ts';
import { Results } from './results.ts';

interface State extends CompanyValues {
  before?: CompanyValues;
}

const nameKey = (name: string) => `n:${name.toLowerCase()}`;
const domainKey = (domain: string) => `d:${domain}`;
const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
const toValues = (s: CompanyValues): CompanyValues => ({
  id: s.id,
  name: s.name,
  domain: s.domain,
  industry: s.industry,
  size: s.size,
  phone: s.phone,
  phoneE164: s.phoneE164,
  address: s.address,
  custom: s.custom,
});

/**
 * The deduplication and writing half of a company import, a batch at a time in file order. A row
 * duplicates the company of this workspace (or the earlier row of the file) with its domain, else
 * with its name ignoring case.
 */
export class CompanyImport {
  readonly results: Results;
  /** `d:<domain>` / `n:<name>` → id of the company, for every company this import has met. */
  private known = new Map<string, string>();
  private states = new Map<string, State>();

  constructor(
    private ctx: Ctx,
    private opts: Omit<ImportOptions, 'mapping'>,
    resume?: { counts: ImportCounts; errors: ImportRowError[]; warnings: ImportRowWarning[] },
  ) {
    this.results = new Results(resume);
  }

  get counts() {
    return this.results.counts;
  }

  async add(conn: Conn, rows: CompanyCandidate[], rowErrors: ImportRowError[], rejected: number) {
    const batch = this.results.batch(rowErrors, rejected);
    const { dedupe, dryRun } = this.opts;
    if (dedupe !== 'none') await this.lookUp(conn, rows);
    if (dedupe === 'update') await this.loadTargets(conn, rows);
    const creates: State[] = [];
    for (const row of rows) {
      const target = dedupe === 'none' ? undefined : this.targetOf(row);
      if (!target) {
        const created = this.create(row, batch.errors);
        if (created) {
          creates.push(created);
          batch.created(row.warnings);
        } else batch.rejected();
      } else if (dedupe === 'skip') batch.duplicate();
      else if (this.merge(target, row)) batch.updated(row.warnings);
      else batch.duplicate();
    }
    batch.done();
    if (dryRun) return;
    if (creates.length) await insertCompanies(conn, this.ctx, this.opts.ownerId, await transactionTime(conn), creates.map(toValues));
    const updates: { values: CompanyValues; changes: FieldChange[] }[] = [];
    for (const s of this.states.values()) {
      if (!s.before) continue;
      const changes = diff(toValues(s.before), toValues(s), ['id']);
      if (changes.length) updates.push({ values: toValues(s), changes });
    }
    await updateCompanies(conn, this.ctx, updates);
    this.states.clear();
  }

  private async lookUp(conn: Conn, rows: CompanyCandidate[]) {
    const names = new Set<string>();
    const domains = new Set<string>();
    for (const r of rows) {
      if (r.domain && !this.known.has(domainKey(r.domain))) domains.add(r.domain);
      if (!this.known.has(nameKey(r.name))) names.add(r.name);
    }
    const found = await companiesByKey(conn, this.ctx, [...names], [...domains]);
    for (const [domain, c] of found.byDomain) this.known.set(domainKey(domain), c.id);
    for (const [name, c] of found.byName) if (!this.known.has(nameKey(name))) this.known.set(nameKey(name), c.id);
  }

  private async loadTargets(conn: Conn, rows: CompanyCandidate[]) {
    const ids = new Set<string>();
    for (const r of rows) {
      const id = this.targetOf(r);
      if (id && !this.states.has(id)) ids.add(id);
    }
    for (const c of await loadCompanies(conn, this.ctx, [...ids], !this.opts.dryRun)) {
      this.states.set(c.id, { ...c, address: c.address ? { ...c.address } : null, custom: { ...c.custom }, before: c });
    }
  }

  /** The company a row duplicates: by domain when it has one that a company holds, else by name. */
  private targetOf(row: CompanyCandidate): string | undefined {
    return (row.domain ? this.known.get(domainKey(row.domain)) : undefined) ?? this.known.get(nameKey(row.name));
  }

  private remember(row: CompanyCandidate, id: string) {
    if (row.domain && !this.known.has(domainKey(row.domain))) this.known.set(domainKey(row.domain), id);
    if (!this.known.has(nameKey(row.name))) this.known.set(nameKey(row.name), id);
  }

  private create(row: CompanyCandidate, errors: ImportRowError[]): State | null {
    const { errors: missing } = validateCustom(this.opts.defs, row.custom, null, true, 'custom', this.opts.country);
    if (missing.length) {
      for (const e of missing) errors.push({ row: row.row, field: e.field, column: null, message: e.message });
      return null;
    }
    const state: State = {
      id: uuidv7(),
      name: row.name,
      domain: row.domain,
      industry: row.industry,
      size: row.size,
      phone: row.phone,
      phoneE164: row.phoneE164,
      address: row.address,
      custom: row.custom,
    };
    this.remember(row, state.id);
    if (this.opts.dedupe === 'update') this.states.set(state.id, state);
    return state;
  }

  /** Writes a row's filled cells into the company it duplicates; returns whether anything changed. */
  private merge(id: string, row: CompanyCandidate): boolean {
    const state = this.states.get(id);
    if (!state) return false;
    const next: CompanyValues = toValues(state);
    if (!row.nameFromDomain) next.name = row.name;
    if (row.domain) next.domain = row.domain;
    if (row.industry) next.industry = row.industry;
    if (row.size) next.size = row.size;
    if (row.phone) {
      next.phone = row.phone;
      next.phoneE164 = row.phoneE164;
    }
    if (row.address) next.address = { ...state.address, ...row.address };
    next.custom = validateCustom(this.opts.defs, row.custom, state.custom, false, 'custom', this.opts.country).value;
    if (same(next, toValues(state))) return false;
    Object.assign(state, next);
    this.remember(row, id);
    return true;
  }
}
