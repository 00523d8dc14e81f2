import Type from 'typebox';
import { Uuid } from '../../../contract/common.ts';
import { defineJob } from '../../jobs/define.ts';
import { failImport, runImport } from './imports.service.ts';
import { failUndo, runUndo } from './undo.ts';

/**
 * An import job of one object. Both run runImport, which reads the object from the import; they are
 * two jobs so that the workspace's list of jobs says which kind of import each was.
 */
const importJob = (name: string) =>
  defineJob({
    name,
    input: Type.Object({ workspaceId: Uuid, importId: Uuid }, { additionalProperties: false }),
    retry: { attempts: 3, baseMs: 1_000 },
    run: (job) => runImport(job.database, job.input.workspaceId, job.input.importId, job.signal, job.progress),
    onDead: async (job, error) => {
      const why = error instanceof Error ? error.message : String(error);
      await failImport(job.db, job.input.workspaceId, job.input.importId, `The import stopped on our side and was not finished: ${why}`);
    },
  });

/** Runs an import a batch at a time (see runImport); a retry carries on after the last committed batch. */
export const importContactsJob = importJob('imports.contacts');
export const importCompaniesJob = importJob('imports.companies');
/** Leads, deals, tasks, activities and custom objects' records: the generic importer (record-import.ts). */
export const importRecordsJob = importJob('imports.records');

/** Undoes an import (undo.ts): a retry after a stop carries on where the last committed batch left it. */
export const undoImportJob = defineJob({
  name: 'imports.undo',
  input: Type.Object({ workspaceId: Uuid, importId: Uuid }, { additionalProperties: false }),
  retry: { attempts: 3, baseMs: 1_000 },
  run: (job) => runUndo(job.database, job.input.workspaceId, job.input.importId, job.signal),
  onDead: async (job, error) => {
    const why = error instanceof Error ? error.message : String(error);
    await failUndo(job.db, job.input.workspaceId, job.input.importId, `The undo stopped on our side and was not finished: ${why}`);
  },
});
