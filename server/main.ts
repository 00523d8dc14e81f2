import closeWithGrace from 'close-with-grace';
import pino from 'pino';
import { buildApp } from './app.ts';
import { type Config, databaseOptions } from './config.ts';
import { openDatabase } from './db/client.ts';
import { startHealthServer } from './http/health.ts';
import { startWorker } from './jobs/start.ts';
import { configureOutbound } from './outbound/request.ts';
import { configureKeyring, ephemeralKeyring, loadKeyring } from './security/keyring.ts';

/** Reads the outbound allow list (a malformed one stops the start) and says what it opens, for the operator. */
function applyOutbound(config: Config, log: { info(obj: object, msg: string): void }) {
  const { policy } = configureOutbound({ allow: config.outboundAllow });
  if (policy.entries.length)
    log.info({ allow: policy.entries }, 'outbound requests may reach these non-public addresses (RAPPORT_OUTBOUND_ALLOW)');
}

/**
 * Loads the keys that encrypt secrets at rest (mail server passwords): from RAPPORT_SECRET_KEYS or
 * the data directory's key file, made on first start. A key file others can read stops the start.
 */
function applyKeyring(config: Config, log: { info(obj: object, msg: string): void }) {
  // An in-memory database keeps nothing past the process; its secrets need no key that does.
  const ring = configureKeyring(
    config.dataDir === 'memory://' && !config.secretKeys
      ? ephemeralKeyring()
      : loadKeyring({ env: config.secretKeys, dataDir: config.dataDir }),
  );
  log.info({ source: ring.source, activeKey: ring.activeId, keys: ring.keys.size }, 'secrets at rest: keyring loaded');
}

/** Opens the database, migrates, listens; on SIGTERM/SIGINT stops taking requests, drains, closes the pool. */
export async function serve(config: Config) {
  const database = await openDatabase(databaseOptions(config));
  await database.migrate();
  const app = await buildApp(config, database);
  applyOutbound(config, app.log);
  applyKeyring(config, app.log);
  // The same process runs jobs too (imports, house-keeping), unless RAPPORT_JOB_CONCURRENCY=0 leaves
  // them to `rapport worker` processes.
  const worker = config.jobConcurrency > 0 ? await startWorker(database, config, app.log) : null;
  closeWithGrace({ delay: 10_000 }, async ({ err, signal }) => {
    if (err) app.log.error({ err }, 'shutting down after an error');
    else app.log.info({ signal }, 'shutting down');
    // Requests and jobs wind down side by side; the database closes when both are done.
    await Promise.all([app.close(), worker?.stop(8_000)]);
    await database.close();
  });
  await app.listen({ host: config.host, port: config.port });
  const where = database.kind === 'pglite' ? `embedded database in ${config.dataDir}` : 'PostgreSQL server';
  app.log.info(`Rapport is ready at ${config.baseUrl} (${where}); API docs at ${config.baseUrl}/api/docs`);
  // The log above is JSON for machines; a person starting the app reads this.
  if (process.stdout.isTTY || process.env.npm_lifecycle_event === 'start') {
    console.log(
      `\n  Rapport is running at ${config.baseUrl}  (${where})\n` +
        '  Open it and sign up to create your workspace, or stop it and run `npx rapport seed`\n' +
        '  for a demo workspace (demo@rapport.local / rapport-demo-2026). API docs: /api/docs\n',
    );
  }
  return app;
}

/** `rapport worker`: runs jobs only, no HTTP; any number may run beside `rapport serve` processes on one PostgreSQL. */
export async function work(config: Config) {
  const database = await openDatabase(databaseOptions(config));
  await database.migrate();
  const log = pino({ level: config.logLevel });
  applyOutbound(config, log);
  applyKeyring(config, log);
  const worker = await startWorker(database, config, log, Math.max(1, config.jobConcurrency));
  const health = config.healthPort !== null ? await startHealthServer(database, config.healthPort, config.host) : null;
  log.info({ worker: worker.id, healthPort: health?.port }, 'worker started');
  closeWithGrace({ delay: 10_000 }, async ({ err, signal }) => {
    if (err) log.error({ err }, 'worker shutting down after an error');
    else log.info({ signal }, 'worker shutting down');
    await health?.close();
    await worker.stop(8_000);
    await database.close();
  });
  return worker;
}
