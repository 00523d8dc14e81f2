// Writes the OpenAPI document from the server's own route schemas and turns it into
// web/src/api-types.ts (or the file given as the first argument, which the CI check compares).
// It builds the Fastify app in-process over an in-memory PGlite: no port, no data directory.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildApp } from '../../server/app.ts';
import { loadConfig } from '../../server/config.ts';
import { openDatabase } from '../../server/db/client.ts';

const out = join(mkdtempSync(join(tmpdir(), 'rapport-openapi-')), 'openapi.json');
const types = process.argv[2] ?? fileURLToPath(new URL('../src/api-types.ts', import.meta.url));

const database = await openDatabase({ dataDir: 'memory://' });
const app = await buildApp({ ...loadConfig({}), logLevel: 'silent' }, database, { logger: false });
await app.ready();
writeFileSync(out, `${JSON.stringify(app.swagger(), null, 2)}\n`);
await app.close();
await database.close();
execFileSync('npx', ['openapi-typescript', out, '-o', types], { stdio: 'inherit' });
console.log(`wrote ${out} and ${types}`);
