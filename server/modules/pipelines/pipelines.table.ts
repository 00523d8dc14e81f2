import { foreignKey, index, integer, pgTable, text, uuid } from 'drizzle-orm/pg-core';
import { stageKinds } from '../../../contract/enums.ts';
import { recordColumns, tenantKey } from '../../db/columns.ts';
import { tenantConstraints } from '../../db/constraints.ts';

export const pipelines = pgTable(
  'pipelines',
  {
    ...tenantKey(),
    name: text('name').notNull(),
    position: integer('position').notNull().default(0),
    ...recordColumns(),
  },
  (t) => [...tenantConstraints(t)],
);

export const pipelineStages = pgTable(
  'pipeline_stages',
  {
    ...tenantKey(),
    pipelineId: uuid('pipeline_id').notNull(),
    name: text('name').notNull(),
    position: integer('position').notNull(),
    probability: integer('probability').notNull(),
    kind: text('kind', { enum: stageKinds }).notNull().default('open'),
  },
  (t) => [
    ...tenantConstraints(t),
    foreignKey({
      columns: [t.workspaceId, t.pipelineId],
      foreignColumns: [pipelines.workspaceId, pipelines.id],
    }).onDelete('cascade'),
    index('pipeline_stages_pipeline_idx').on(t.workspaceId, t.pipelineId, t.position),
  ],
);
