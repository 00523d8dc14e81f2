import Type from 'typebox';
import { defineJob } from '../../jobs/define.ts';
import { now } from '../automation/clock.ts';
import { scanSla } from './sla-scan.ts';

/** Marks open tickets breaching soon (30 min) or breached as time passes, with an event each (sla-scan.ts). */
export const ticketSlaJob = defineJob({
  name: 'tickets.sla',
  input: Type.Object({}, { additionalProperties: false }),
  retry: { attempts: 2 },
  schedule: { cron: '*/30 * * * * *', input: {} },
  run: async ({ db }) => scanSla(db, now()),
});
