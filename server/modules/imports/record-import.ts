import type { ImportCounts, ImportRowError, ImportRowWarning } from '../../../contract/imports.ts';
import type { Conn } from '../../db/client.ts';
import type { Ctx } from '../../http/context.ts';
import { AppError } from '../../http/errors.ts';
import type { Importable } from './importables.ts';
import { Relations } from './record-links.ts';
import type { RecordCandidate } from './record-rows.ts';
import { Results } from './results.ts';

/**
 * The writing half of an import of leads, deals, tasks, activities or a custom object's records, a
 * batch at a time in file order: the batch's relation cells are looked up at once, then each row is
 * created through its object's module (`Importable.create`), in a savepoint, so the object's own
 * rules hold and a row its module refuses (a lead without a name or an email) is reported with the
 * module's reason while the batch's other rows are written. These objects have no natural key to
 * deduplicate on, so every row that can become a record is created.
 */
export class RecordImport {
  readonly results: Results;
  private relations: Relations;
  private required: string[];

  constructor(
    private ctx: Ctx,
    private object: Importable,
    private opts: { ownerId: string; dryRun: boolean },
    resume?: { counts: ImportCounts; errors: ImportRowError[]; warnings: ImportRowWarning[] },
  ) {
    this.results = new Results(resume);
    this.relations = new Relations(ctx, object.fields);
    this.required = [...new Set(object.fields.filter((f) => f.required && f.type.kind === 'relation').map((f) => f.property))];
  }

  async add(conn: Conn, rows: RecordCandidate[], rowErrors: ImportRowError[], rejected: number) {
    const batch = this.results.batch(rowErrors, rejected);
    await this.relations.resolve(conn, rows, (r, cell, why) =>
      r.warnings.push({ row: r.row, field: cell.field.name, column: cell.column, value: cell.value.slice(0, 200), message: why }),
    );
    const members = this.object.fields.filter((f) => f.type.kind === 'relation' && f.type.relation === 'member');
    for (const r of rows) {
      const body: Record<string, unknown> = { ...r.values };
      // The import's owner owns (or is assigned) what a row names no one for.
      for (const m of members) body[m.property] ??= this.opts.ownerId;
      if (Object.keys(r.custom).length) body.custom = r.custom;
      const missing = this.required.find((p) => body[p] === undefined);
      if (missing) {
        const what = this.object.fields
          .filter((f) => f.property === missing)
          .map((f) => f.name.replace(/^links\./, ''))
          .join(', ');
        batch.errors.push({
          row: r.row,
          field: missing,
          column: null,
          message: `a ${this.object.label} needs a ${what} it belongs to, found by email or name`,
        });
        batch.rejected();
        continue;
      }
      if (this.opts.dryRun) {
        batch.created(r.warnings);
        continue;
      }
      try {
        await conn.transaction((sp) => this.object.create(sp, this.ctx, body));
        batch.created(r.warnings);
      } catch (e) {
        if (!(e instanceof AppError) || e.status >= 500) throw e;
        const first = e.errors[0];
        batch.errors.push({
          row: r.row,
          field: first?.field.replace(/^body\./, '') ?? 'row',
          column: null,
          message: first ? `${first.field.replace(/^body\./, '')} ${first.message}` : e.message,
        });
        batch.rejected();
      }
    }
    batch.done();
  }
}
