import Type from 'typebox';
import { defineJob } from '../server/jobs/define.ts';

/** A job that does nothing: what the queue itself costs per job. Loaded by bench worker processes only. */
export const jobs = [defineJob({ name: 'bench.noop', input: Type.Object({ n: Type.Integer() }), run: async () => null })];
