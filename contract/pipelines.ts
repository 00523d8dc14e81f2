import Type, { type Static } from 'typebox';
import { RecordMeta, ShortText, Uuid } from './common.ts';
import { stageKinds } from './enums.ts';

export const StageKind = Type.Enum(stageKinds);

export const Stage = Type.Object({
  id: Uuid,
  name: Type.String(),
  position: Type.Integer(),
  probability: Type.Integer(),
  kind: StageKind,
});
export type Stage = Static<typeof Stage>;

export const StageInput = Type.Object(
  {
    id: Type.Optional(Uuid),
    name: ShortText({ minLength: 1 }),
    probability: Type.Integer({ minimum: 0, maximum: 100 }),
    kind: Type.Optional(StageKind),
  },
  { additionalProperties: false },
);

export const Pipeline = Type.Object({
  ...RecordMeta,
  name: Type.String(),
  position: Type.Integer(),
  stages: Type.Array(Stage),
});
export type Pipeline = Static<typeof Pipeline>;

const Stages = Type.Array(StageInput, { minItems: 1, maxItems: 50, description: 'In board order; stages left out are removed' });

export const PipelineCreate = Type.Object(
  { name: ShortText({ minLength: 1 }), position: Type.Optional(Type.Integer({ minimum: 0, maximum: 1000 })), stages: Stages },
  { additionalProperties: false },
);
export type PipelineCreate = Static<typeof PipelineCreate>;

export const PipelineUpdate = Type.Object(
  {
    name: Type.Optional(ShortText({ minLength: 1 })),
    position: Type.Optional(Type.Integer({ minimum: 0, maximum: 1000 })),
    stages: Type.Optional(Stages),
    version: Type.Optional(Type.Integer({ minimum: 1 })),
  },
  { additionalProperties: false },
);
export type PipelineUpdate = Static<typeof PipelineUpdate>;
