import Type, { type Static } from 'typebox';
import { Nullable, Timestamp, Uuid, UuidParam } from './common.ts';

/** queued → running → completed; a job that fails is queued again until its tries run out, then dead; an admin may discard one. */
export const jobStatuses = ['queued', 'running', 'completed', 'dead', 'discarded'] as const;
export type JobStatus = (typeof jobStatuses)[number];

export const Job = Type.Object({
  id: Uuid,
  name: Type.String({ description: 'What the job does: `imports.contacts` …' }),
  status: Type.Enum(jobStatuses),
  attempts: Type.Integer(),
  maxAttempts: Type.Integer(),
  runAt: Timestamp,
  lastError: Nullable(Type.String()),
  progress: Type.Unknown({ description: 'What a long job reported last' }),
  createdAt: Timestamp,
  startedAt: Nullable(Timestamp),
  finishedAt: Nullable(Timestamp),
});
export type Job = Static<typeof Job>;

export const JobListQuery = Type.Object(
  {
    status: Type.Optional(Type.Enum(jobStatuses)),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
    cursor: Type.Optional(UuidParam('nextCursor of the previous page')),
  },
  { additionalProperties: false },
);
export type JobListQuery = Static<typeof JobListQuery>;
