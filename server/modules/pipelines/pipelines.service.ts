import { and, asc, eq, inArray, isNull, sql } from 'drizzle-orm';
import { uuidv7 } from 'uuidv7';
import type { PipelineBoard } from '../../../contract/deals.ts';
import type { Pipeline, PipelineCreate, PipelineUpdate } from '../../../contract/pipelines.ts';
import type { Conn } from '../../db/client.ts';
import type { Ctx } from '../../http/context.ts';
import { conflict, invalid } from '../../http/errors.ts';
import { diff } from '../../records/changes.ts';
import { checkVersion, findRow, metaToApi, restoreRecord, softDeleteRecord } from '../../records/crud.ts';
import type { ObjectDef } from '../../records/object-def.ts';
import { emitEvent, writeHistory } from '../history/history.service.ts';
import { pipelineStages, pipelines } from './pipelines.table.ts';

/**
 * The deals module, imported when called: it imports this one (a deal is placed on a stage), and a
 * static import back would make whether a module's declarations are ready depend on load order.
 */
const deals = () => import('../deals/deals.service.ts');

type Row = typeof pipelines.$inferSelect;
type StageRow = typeof pipelineStages.$inferSelect;
type StageInput = PipelineCreate['stages'][number];

export const pipelineDef: ObjectDef = {
  type: 'pipeline',
  label: 'Pipeline',
  table: pipelines,
  fields: {},
  hasCustom: false,
  defaultSort: 'position',
  apiFields: ['name', 'position', 'stages', 'createdAt', 'updatedAt', 'createdBy', 'deletedAt'],
};

const toPipeline = (r: Row, stages: StageRow[]): Pipeline => ({
  ...metaToApi(r),
  name: r.name,
  position: r.position,
  stages: stages
    .filter((s) => s.pipelineId === r.id)
    .sort((a, b) => a.position - b.position)
    .map((s) => ({ id: s.id, name: s.name, position: s.position, probability: s.probability, kind: s.kind })),
});

async function stagesOf(conn: Conn, ctx: Ctx, pipelineIds: string[]) {
  if (!pipelineIds.length) return [];
  return conn
    .select()
    .from(pipelineStages)
    .where(and(eq(pipelineStages.workspaceId, ctx.workspaceId), inArray(pipelineStages.pipelineId, pipelineIds)))
    .orderBy(asc(pipelineStages.position));
}

export async function listPipelines(conn: Conn, ctx: Ctx, deleted = false) {
  const rows = await conn
    .select()
    .from(pipelines)
    .where(and(eq(pipelines.workspaceId, ctx.workspaceId), deleted ? sql`${pipelines.deletedAt} is not null` : isNull(pipelines.deletedAt)))
    .orderBy(asc(pipelines.position), asc(pipelines.createdAt));
  const stages = await stagesOf(
    conn,
    ctx,
    rows.map((r) => r.id),
  );
  return rows.map((r) => toPipeline(r, stages));
}

export async function getPipeline(conn: Conn, ctx: Ctx, id: string) {
  const row = await findRow<Row>(conn, ctx, pipelineDef, id);
  return toPipeline(row, await stagesOf(conn, ctx, [id]));
}

/** A stage of the workspace with its pipeline; used by deals to place a card. */
export async function findStage(conn: Conn, ctx: Ctx, stageId: string) {
  const [s] = await conn
    .select()
    .from(pipelineStages)
    .where(and(eq(pipelineStages.workspaceId, ctx.workspaceId), eq(pipelineStages.id, stageId)));
  return s;
}

/**
 * Like findStage, but only a stage whose pipeline is not in the trash: a deal cannot be placed on a
 * deleted board. The pipeline stays locked (shared) until the caller's transaction ends. Every
 * change of a pipeline or its stages locks the pipeline exclusively first (lockPipeline), so a
 * deal placed on a stage and a change of that stage's kind, its removal or the pipeline's trashing
 * take turns, and whichever comes second sees what the first did: the stage is read again after
 * the lock, by a statement with a fresh snapshot.
 */
export async function findLiveStage(conn: Conn, ctx: Ctx, stageId: string): Promise<StageRow | undefined> {
  const first = await findStage(conn, ctx, stageId);
  if (!first) return undefined;
  const [live] = await conn
    .select({ id: pipelines.id })
    .from(pipelines)
    .where(and(eq(pipelines.workspaceId, ctx.workspaceId), eq(pipelines.id, first.pipelineId), isNull(pipelines.deletedAt)))
    .for('share');
  if (!live) return undefined;
  const stage = await findStage(conn, ctx, stageId);
  return stage?.pipelineId === first.pipelineId ? stage : undefined;
}

/**
 * Locks a pipeline before a change that checks which deals it holds (recasting a stage, removing
 * one, trashing the pipeline). A deal being placed on it holds a shared lock (findLiveStage) until
 * it commits; this waits for that, and the check that follows, a new statement, sees the deal.
 */
async function lockPipeline(conn: Conn, ctx: Ctx, pipelineId: string) {
  await conn
    .select({ id: pipelines.id })
    .from(pipelines)
    .where(and(eq(pipelines.workspaceId, ctx.workspaceId), eq(pipelines.id, pipelineId)))
    .for('update');
}

/** Whether a pipeline of this workspace exists and is not in the trash. */
export async function isLivePipeline(conn: Conn, ctx: Ctx, pipelineId: string) {
  const [p] = await conn
    .select({ id: pipelines.id })
    .from(pipelines)
    .where(and(eq(pipelines.workspaceId, ctx.workspaceId), eq(pipelines.id, pipelineId), isNull(pipelines.deletedAt)));
  return Boolean(p);
}

function checkStages(stages: StageInput[]) {
  if (!stages.some((s) => (s.kind ?? 'open') === 'open')) {
    throw invalid([{ field: 'body.stages', code: 'no_open_stage', message: 'a pipeline needs at least one open stage' }]);
  }
  const names = new Set<string>();
  const ids = new Set<string>();
  stages.forEach((s, i) => {
    const n = s.name.trim().toLowerCase();
    if (names.has(n)) throw invalid([{ field: `body.stages.${i}.name`, code: 'duplicate', message: `two stages are named "${s.name}"` }]);
    names.add(n);
    if (s.id && ids.has(s.id)) throw invalid([{ field: `body.stages.${i}.id`, code: 'duplicate', message: 'this stage is listed twice' }]);
    if (s.id) ids.add(s.id);
  });
}

/** Writes the stage list in order: keeps, renames and reorders known ids, adds new ones, removes the rest if unused. */
async function writeStages(conn: Conn, ctx: Ctx, pipelineId: string, stages: StageInput[]) {
  checkStages(stages);
  await lockPipeline(conn, ctx, pipelineId);
  const current = await stagesOf(conn, ctx, [pipelineId]);
  const known = new Set(current.map((s) => s.id));
  stages.forEach((s, i) => {
    if (s.id && !known.has(s.id)) {
      throw invalid([{ field: `body.stages.${i}.id`, code: 'unknown_stage', message: 'this stage id is not a stage of this pipeline' }]);
    }
  });
  const kept = new Set(stages.map((s) => s.id).filter(Boolean));
  const removed = current.filter((s) => !kept.has(s.id));
  // A deal's status is denormalised from its stage's kind; changing the kind under deals would
  // silently win or lose them without a history row on any deal, so that is refused like a removal.
  const recast = current.filter((c) => stages.some((s) => s.id === c.id && (s.kind ?? 'open') !== c.kind));
  const touched = [...removed, ...recast];
  if (touched.length) {
    // Deals in the trash count too: they keep their stage and can be restored onto it.
    const held = await (await deals()).dealsOnStages(
      conn,
      ctx,
      touched.map((s) => s.id),
    );
    const first = touched.find((s) => held.some((h) => h.stageId === s.id));
    if (first) {
      const n = held.find((h) => h.stageId === first.id)?.n;
      const what = removed.includes(first) ? 'removing it' : 'changing whether it is open, won or lost';
      throw conflict('stage_in_use', `Stage "${first.name}" still holds ${n} deal(s) (the trash included); move them before ${what}`);
    }
  }
  if (removed.length) {
    await conn.delete(pipelineStages).where(
      and(
        eq(pipelineStages.workspaceId, ctx.workspaceId),
        inArray(
          pipelineStages.id,
          removed.map((s) => s.id),
        ),
      ),
    );
  }
  for (const [position, s] of stages.entries()) {
    const values = { name: s.name, position, probability: s.probability, kind: s.kind ?? 'open' };
    if (s.id) {
      await conn
        .update(pipelineStages)
        .set(values)
        .where(and(eq(pipelineStages.workspaceId, ctx.workspaceId), eq(pipelineStages.id, s.id)));
    } else {
      await conn.insert(pipelineStages).values({ workspaceId: ctx.workspaceId, id: uuidv7(), pipelineId, ...values });
    }
  }
}

export async function createPipeline(conn: Conn, ctx: Ctx, input: PipelineCreate) {
  checkStages(input.stages);
  const id = uuidv7();
  await conn
    .insert(pipelines)
    .values({ workspaceId: ctx.workspaceId, id, name: input.name, position: input.position ?? 0, createdBy: ctx.memberId });
  await writeStages(conn, ctx, id, input.stages);
  const api = await getPipeline(conn, ctx, id);
  await writeHistory(conn, ctx, 'pipeline', id, 'create', [{ field: null, old: null, new: api }]);
  await emitEvent(conn, ctx, 'pipeline.created', 'pipeline', id, { after: api });
  return api;
}

/** Renames, reorders and edits stages as one versioned change; the stage list is one field in history. */
export async function updatePipeline(conn: Conn, ctx: Ctx, id: string, version: number, input: PipelineUpdate) {
  const row = await findRow<Row>(conn, ctx, pipelineDef, id, true);
  if (row.deletedAt) throw conflict('record_deleted', 'This pipeline is in the trash; restore it first');
  checkVersion(pipelineDef.label, row, version);
  const before = toPipeline(row, await stagesOf(conn, ctx, [id]));
  if (input.stages) await writeStages(conn, ctx, id, input.stages);
  await conn
    .update(pipelines)
    .set({
      name: input.name ?? row.name,
      position: input.position ?? row.position,
      version: sql`${pipelines.version} + 1`,
      updatedAt: sql`now()`,
    })
    .where(and(eq(pipelines.workspaceId, ctx.workspaceId), eq(pipelines.id, id)));
  const after = await getPipeline(conn, ctx, id);
  const changes = diff(before, after, ['deletedAt']);
  await writeHistory(conn, ctx, 'pipeline', id, 'update', changes);
  if (changes.length) await emitEvent(conn, ctx, 'pipeline.updated', 'pipeline', id, { changes, after });
  return after;
}

/** A pipeline with open deals cannot go to the trash: the deals would vanish from every board. */
export async function deletePipeline(conn: Conn, ctx: Ctx, id: string, version?: number) {
  await lockPipeline(conn, ctx, id);
  const open = await (await deals()).openDealsIn(conn, ctx, id);
  if (open > 0) throw conflict('pipeline_in_use', `This pipeline still has ${open} open deal(s); move or close them first`);
  await softDeleteRecord(conn, ctx, pipelineDef, id, version, (r: Row) => metaToApi(r));
  return getPipeline(conn, ctx, id);
}

export async function restorePipeline(conn: Conn, ctx: Ctx, id: string) {
  await restoreRecord(conn, ctx, pipelineDef, id, (r: Row) => metaToApi(r));
  return getPipeline(conn, ctx, id);
}

/**
 * The board's column headers: per stage, how many deals and what they are worth, per currency
 * (amounts in different currencies never add up). One grouped query over the pipeline's deals;
 * the weighted sum uses each deal's own probability, which may differ from its stage's.
 */
export async function pipelineBoard(conn: Conn, ctx: Ctx, id: string, ownerId?: string): Promise<PipelineBoard> {
  const pipeline = await getPipeline(conn, ctx, id);
  const groups = await (await deals()).stageTotals(conn, ctx, id, ownerId);
  return {
    pipelineId: pipeline.id,
    stages: pipeline.stages.map((s) => {
      const mine = groups.filter((g) => g.stageId === s.id);
      return {
        stageId: s.id,
        name: s.name,
        kind: s.kind,
        probability: s.probability,
        count: mine.reduce((n, g) => n + g.count, 0),
        totals: mine.map((g) => ({ currency: g.currency, amountMinor: Number(g.amount), weightedMinor: Number(g.weighted) })),
      };
    }),
  };
}

/** The first pipeline's names, in the languages the web app speaks; they are data the team renames at will. */
const defaultNames = {
  en: { pipeline: 'Sales', stages: ['Qualification', 'Discovery', 'Proposal', 'Negotiation', 'Won', 'Lost'] },
  de: { pipeline: 'Vertrieb', stages: ['Qualifizierung', 'Bedarfsanalyse', 'Angebot', 'Verhandlung', 'Gewonnen', 'Verloren'] },
};

/** A new workspace's sales pipeline, named in its founder's language. */
export function createDefaultPipeline(conn: Conn, ctx: Ctx, locale = 'en') {
  const names = locale.startsWith('de') ? defaultNames.de : defaultNames.en;
  const [qualification, discovery, proposal, negotiation, won, lost] = names.stages;
  return createPipeline(conn, ctx, {
    name: names.pipeline,
    stages: [
      { name: qualification, probability: 10 },
      { name: discovery, probability: 25 },
      { name: proposal, probability: 50 },
      { name: negotiation, probability: 75 },
      { name: won, probability: 100, kind: 'won' },
      { name: lost, probability: 0, kind: 'lost' },
    ],
  });
}
