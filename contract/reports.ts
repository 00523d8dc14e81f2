import Type, { type Static } from 'typebox';
import { Nullable, Uuid, UuidParam } from './common.ts';
import { StageKind } from './pipelines.ts';

/** Money per currency: amounts in different currencies never add up. */
export const StageAmount = Type.Object({
  currency: Type.String(),
  amountMinor: Type.Integer(),
  weightedMinor: Type.Integer({ description: 'Sum of amount × probability / 100 (each deal with its own probability), rounded' }),
});

export const PipelineReportQuery = Type.Object(
  {
    pipelineId: Type.Optional(UuidParam("Default: the workspace's first pipeline")),
    ownerId: Type.Optional(UuidParam('Only the deals this member owns')),
  },
  { additionalProperties: false },
);
export type PipelineReportQuery = Static<typeof PipelineReportQuery>;

export const PipelineReport = Type.Object({
  pipelineId: Nullable(Uuid),
  byStage: Type.Array(
    Type.Object({
      stageId: Uuid,
      name: Type.String(),
      position: Type.Integer(),
      kind: StageKind,
      count: Type.Integer(),
      amounts: Type.Array(StageAmount),
    }),
    { description: 'Every stage of the pipeline in board order, empty ones included' },
  ),
  byOwner: Type.Array(
    Type.Object({
      ownerId: Nullable(Uuid),
      name: Nullable(Type.String()),
      count: Type.Integer(),
      amounts: Type.Array(StageAmount),
    }),
    { description: 'Owners with open deals, most deals first; ownerId null gathers the deals nobody owns' },
  ),
});
export type PipelineReport = Static<typeof PipelineReport>;

export const WinRateQuery = Type.Object(
  {
    pipelineId: Type.Optional(UuidParam("Default: the workspace's first pipeline")),
    ownerId: Type.Optional(UuidParam('Only the deals this member owns')),
    months: Type.Optional(
      Type.Integer({ minimum: 1, maximum: 36, default: 12, description: 'Calendar months (UTC), the current one included' }),
    ),
  },
  { additionalProperties: false },
);
export type WinRateQuery = Static<typeof WinRateQuery>;

export const WinRate = Type.Object({
  pipelineId: Nullable(Uuid),
  months: Type.Array(
    Type.Object({
      month: Type.String({ description: 'YYYY-MM (UTC)' }),
      won: Type.Integer(),
      lost: Type.Integer(),
      winRate: Nullable(Type.Number({ description: 'won / (won + lost); null in a month without closed deals' })),
      wonAmounts: Type.Array(Type.Object({ currency: Type.String(), amountMinor: Type.Integer() })),
    }),
    { description: 'Oldest month first, every month present' },
  ),
});
export type WinRate = Static<typeof WinRate>;
