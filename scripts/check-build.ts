// The checks CI runs besides the tests (npm run check:build): what is generated from the code must
// match the code. Each prints what differs and the command that fixes it.
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Validator } from '@seriousme/openapi-schema-validator';
import { buildApp } from '../server/app.ts';
import { loadConfig } from '../server/config.ts';
import { openDatabase } from '../server/db/client.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const problems: string[] = [];
const tmp = mkdtempSync(join(tmpdir(), 'rapport-check-'));

// 1. The migrations hold the schema: generating from the tables into a copy of them adds nothing.
// drizzle-kit takes the output folder relative to the project (it prefixes "./").
const migrations = join(root, 'server/db/migrations');
const copyRel = `.tmp/check-migrations-${process.pid}`;
const copy = join(root, copyRel);
rmSync(copy, { recursive: true, force: true });
cpSync(migrations, copy, { recursive: true });
const said = execFileSync(
  'npx',
  ['drizzle-kit', 'generate', '--dialect', 'postgresql', '--schema', './server/db/schema.ts', '--out', copyRel, '--name', 'unsaved'],
  { cwd: root, stdio: 'pipe' },
).toString();
const added = readdirSync(copy).filter((f) => f.endsWith('.sql') && !readdirSync(migrations).includes(f));
if (!added.length && !said.includes('No schema changes'))
  problems.push(`drizzle-kit generate did not say what it found:\n${said.slice(-2000)}`);
else if (added.length) {
  problems.push(
    `The tables differ from the migrations; run \`npm run db:generate\` and commit the migration. It would add:\n${readFileSync(join(copy, added[0]), 'utf8')}`,
  );
}

rmSync(copy, { recursive: true, force: true });

// 2. The web app's API types are the server's routes: regenerating them changes nothing.
const types = join(tmp, 'api-types.ts');
execFileSync('node', ['--import', 'tsx', 'web/scripts/gen-api.ts', types], { cwd: root, stdio: 'pipe' });
if (readFileSync(types, 'utf8') !== readFileSync(join(root, 'web/src/api-types.ts'), 'utf8')) {
  problems.push('web/src/api-types.ts is out of date with the server routes; run `npm run gen:api` and commit it.');
}

// 3. The OpenAPI document is valid OpenAPI 3.1 by the specification's own JSON schema.
const database = await openDatabase({ dataDir: 'memory://' });
const app = await buildApp({ ...loadConfig({}), logLevel: 'silent' }, database, { logger: false });
await app.ready();
const doc = app.swagger();
await app.close();
await database.close();
const validator = new Validator();
const result = await validator.validate(doc as unknown as Parameters<typeof validator.validate>[0]);
if (!result.valid)
  problems.push(`/api/openapi.json is not valid OpenAPI ${validator.version}:\n${JSON.stringify(result.errors, null, 2).slice(0, 4000)}`);

if (problems.length) {
  console.error(`check:build found ${problems.length} problem(s):\n\n${problems.join('\n\n')}`);
  process.exit(1);
}
console.log(
  `check:build: migrations match the tables, web/src/api-types.ts matches the routes, the OpenAPI ${validator.version} document is valid`,
);
