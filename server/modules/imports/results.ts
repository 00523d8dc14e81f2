import { type ImportCounts, type ImportRowError, type ImportRowWarning, MAX_IMPORT_ERRORS } from '../../../contract/imports.ts';

export const emptyCounts = (): ImportCounts => ({
  rows: 0,
  created: 0,
  updated: 0,
  duplicates: 0,
  rejected: 0,
  warned: 0,
  companiesCreated: 0,
});

/**
 * What an import has done so far: its counts, and the first errors and warnings of the file (batches
 * come in row order, and each batch's are sorted). Resumed from what the committed batches stored.
 */
export class Results {
  readonly counts: ImportCounts;
  readonly errors: ImportRowError[];
  readonly warnings: ImportRowWarning[];
  /** Every error and warning of the last batch tallied (not only the first the import keeps), for the errors CSV. */
  last: { errors: ImportRowError[]; warnings: ImportRowWarning[] } = { errors: [], warnings: [] };

  constructor(resume?: { counts: Partial<ImportCounts>; errors: ImportRowError[]; warnings?: ImportRowWarning[] }) {
    this.counts = { ...emptyCounts(), ...resume?.counts };
    this.errors = [...(resume?.errors ?? [])];
    this.warnings = [...(resume?.warnings ?? [])];
  }

  /** The tally of one batch: rows refused while reading (`rowErrors`, `rejected` rows), then each row's outcome. */
  batch(rowErrors: ImportRowError[], rejected: number) {
    const errors = [...rowErrors];
    const warnings: ImportRowWarning[] = [];
    const c = this.counts;
    c.rejected += rejected;
    const kept = (w: ImportRowWarning[]) => {
      if (!w.length) return;
      c.warned++;
      warnings.push(...w);
    };
    return {
      /** Errors of rows refused while writing go here. */
      errors,
      created: (w: ImportRowWarning[]) => {
        c.created++;
        kept(w);
      },
      updated: (w: ImportRowWarning[]) => {
        c.updated++;
        kept(w);
      },
      duplicate: () => {
        c.duplicates++;
      },
      rejected: () => {
        c.rejected++;
      },
      done: () => {
        c.rows = c.created + c.updated + c.duplicates + c.rejected;
        keep(this.errors, errors);
        keep(this.warnings, warnings);
        this.last = { errors, warnings };
      },
    };
  }
}

function keep<T extends { row: number }>(into: T[], batch: T[]) {
  if (into.length >= MAX_IMPORT_ERRORS || !batch.length) return;
  batch.sort((a, b) => a.row - b.row);
  into.push(...batch.slice(0, MAX_IMPORT_ERRORS - into.length));
}
