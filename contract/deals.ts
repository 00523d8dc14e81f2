import Type, { type Static } from 'typebox';
import { Currency, CustomValues, DateOnly, Nullable, RecordMeta, ShortText, Timestamp, Uuid } from './common.ts';
import { dealStatuses } from './enums.ts';
import { StageKind } from './pipelines.ts';

export { dealStatuses };

/** Money in minor units (cents): integers that JavaScript and JSON carry exactly. */
const AmountMinor = Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER, description: 'In minor units: 1250 is 12.50' });
const Probability = Type.Integer({ minimum: 0, maximum: 100 });

export const DealContact = Type.Object({ contactId: Uuid, role: Nullable(Type.String()) });
export type DealContact = Static<typeof DealContact>;

const DealContactInput = Type.Object({ contactId: Uuid, role: Type.Optional(Nullable(ShortText())) }, { additionalProperties: false });

export const Deal = Type.Object({
  ...RecordMeta,
  name: Type.String(),
  amountMinor: Nullable(Type.Integer()),
  currency: Type.String(),
  pipelineId: Uuid,
  stageId: Uuid,
  status: Type.Enum(dealStatuses, { description: 'Follows the kind of the stage; read-only' }),
  probability: Type.Integer(),
  expectedCloseDate: Nullable(DateOnly),
  closedAt: Nullable(Timestamp),
  closeReason: Nullable(Type.String()),
  ownerId: Nullable(Uuid),
  companyId: Nullable(Uuid),
  contacts: Type.Array(DealContact),
  lastActivityAt: Nullable(Timestamp),
  custom: Type.Record(Type.String(), Type.Unknown()),
});
export type Deal = Static<typeof Deal>;

const fields = {
  name: ShortText({ minLength: 1 }),
  amountMinor: Type.Optional(Nullable(AmountMinor)),
  // Defaults to the workspace currency.
  currency: Type.Optional(Currency),
  // The stage decides the pipeline; when both are sent they must agree.
  pipelineId: Type.Optional(Uuid),
  stageId: Uuid,
  // Defaults to the stage's probability, and follows the stage when a move sends none.
  probability: Type.Optional(Probability),
  expectedCloseDate: Type.Optional(Nullable(DateOnly)),
  closeReason: Type.Optional(Nullable(Type.String({ maxLength: 500 }))),
  ownerId: Type.Optional(Nullable(Uuid)),
  companyId: Type.Optional(Nullable(Uuid)),
  contacts: Type.Optional(
    Type.Array(DealContactInput, { maxItems: 100, description: 'Replaces the linked contacts; a contact appears at most once' }),
  ),
  custom: Type.Optional(CustomValues),
};

export const DealCreate = Type.Object(fields, { additionalProperties: false });
export type DealCreate = Static<typeof DealCreate>;

export const DealUpdate = Type.Object(
  {
    ...fields,
    name: Type.Optional(fields.name),
    stageId: Type.Optional(Uuid),
    version: Type.Optional(Type.Integer({ minimum: 1 })),
  },
  { additionalProperties: false },
);
export type DealUpdate = Static<typeof DealUpdate>;

export const BoardTotal = Type.Object({
  currency: Type.String(),
  amountMinor: Type.Integer(),
  weightedMinor: Type.Integer({ description: 'Sum of amount × probability / 100, each deal with its own probability' }),
});

export const BoardStage = Type.Object({
  stageId: Uuid,
  name: Type.String(),
  kind: StageKind,
  probability: Type.Integer(),
  count: Type.Integer(),
  totals: Type.Array(BoardTotal, { description: 'One entry per currency: amounts in different currencies never add up' }),
});

/** A pipeline's deals summed per stage, for the board's column headers and the forecast. */
export const PipelineBoard = Type.Object({ pipelineId: Uuid, stages: Type.Array(BoardStage) });
export type PipelineBoard = Static<typeof PipelineBoard>;

export const BoardQuery = Type.Object({ ownerId: Type.Optional(Uuid) }, { additionalProperties: false });
export type BoardQuery = Static<typeof BoardQuery>;
