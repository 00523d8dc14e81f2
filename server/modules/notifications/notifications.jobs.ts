import Type from 'typebox';
import { defineJob } from '../../jobs/define.ts';
import { now } from '../automation/clock.ts';
import { sendDigests } from './digest.ts';

/** The daily digests (digest.ts): looked for every five minutes, sent once per member and local day from 08:00. */
export const digestJob = defineJob({
  name: 'notifications.digest',
  input: Type.Object({}, { additionalProperties: false }),
  retry: { attempts: 3 },
  schedule: { cron: '0 */5 * * * *', input: {} },
  run: async ({ db }) => sendDigests(db, now()),
});
