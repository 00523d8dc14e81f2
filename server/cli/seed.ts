import { type Config, databaseOptions } from '../config.ts';
import { openDatabase } from '../db/client.ts';
import { DEMO_PASSWORD, seedDemo } from './demo-data.ts';

export async function seedCommand(config: Config, opts: { companies?: number }) {
  const db = await openDatabase(databaseOptions(config));
  try {
    await db.migrate();
    const t0 = Date.now();
    const out = await seedDemo(db.db, config, { companies: opts.companies });
    if (!out.created) {
      console.log(`The demo workspace exists already: sign in as ${out.email} / ${DEMO_PASSWORD}`);
      return;
    }
    const c = out.counts;
    console.log(
      `Demo workspace ready in ${((Date.now() - t0) / 1000).toFixed(1)} s: ${c.companies} companies, ${c.contacts} contacts, ${c.deals} deals, ${c.leads} leads, ${c.activities} activities, ${c.tasks} tasks.`,
    );
    console.log(`Sign in at ${config.baseUrl} as ${out.email} / ${DEMO_PASSWORD}`);
  } finally {
    await db.close();
  }
}
