import Type from 'typebox';
import { defineJob } from '../../jobs/define.ts';
import { now } from '../automation/clock.ts';
import { recomputeSla } from './sla-recompute.ts';
import { scanSla } from './sla-scan.ts';

/** Marks open tickets breaching soon (30 min) or breached as time passes, with an event each (sla-scan.ts). */
export const ticketSlaJob = defineJob({
  name: 'tickets.sla',
  input: Type.Object({}, { additionalProperties: false }),
  retry: { attempts: 2 },
  schedule: { cron: '*/30 * * * * *', input: {} },
  run: async ({ db }) => scanSla(db, now()),
});

const Ids = Type.Array(Type.String({ format: 'uuid' }), { maxItems: 1000 });

/**
 * Recomputes the open tickets' due times after the SLA policy changed (sla-recompute.ts), or, with
 * `companyIds` / `contactIds`, those of customers whose tier changed.
 */
export const slaRecomputeJob = defineJob({
  name: 'tickets.sla_recompute',
  input: Type.Object(
    { workspaceId: Type.String({ format: 'uuid' }), companyIds: Type.Optional(Ids), contactIds: Type.Optional(Ids) },
    { additionalProperties: false },
  ),
  retry: { attempts: 3 },
  run: async ({ db, input }) =>
    recomputeSla(
      db,
      input.workspaceId,
      now(),
      input.companyIds || input.contactIds ? { companyIds: input.companyIds ?? [], contactIds: input.contactIds ?? [] } : undefined,
    ),
});
