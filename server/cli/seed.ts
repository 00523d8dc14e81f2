import type { Config } from '../config.ts';

export async function seedCommand(_config: Config, _opts: { companies?: number }) {
  throw new Error('seed arrives with the demo data generator');
}
