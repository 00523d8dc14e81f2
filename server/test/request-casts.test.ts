import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// Route handlers get `req.body`, `req.query`, `req.params` and `req.headers` typed from the schemas
// their route declares (the TypeBox type provider, server/http/typed-app.ts). A cast there would
// hide a contract that drifted from the service it feeds, so server code has none, apart from the
// ones listed below with why; a new cast fails, and so does a listed one that is gone.

const server = fileURLToPath(new URL('..', import.meta.url));

const known = new Set([
  // registerRecordRoutes builds routes from schemas passed in as type parameters, whose Static types
  // Fastify cannot resolve; its bodies are read through this one helper.
  'records/routes.ts: const bodyOf = <S extends TSchema>(req: FastifyRequest, _schema: S) => req.body as Static<S>;',
]);

const cast = /\b(?:req|request)\.(?:body|query|params|headers)\)?\s+as\s/;

/** The lines of one file that cast a request part, as `path: line` with the path relative to server/. */
function casts(file: string, source: string): string[] {
  const from = relative(server, file);
  return source
    .split('\n')
    .filter((line) => cast.test(line))
    .map((line) => `${from}: ${line.trim()}`);
}

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sources(path);
    // Test code (tests, and fixtures such as a webhook receiver on node:http) is not a route handler.
    return name.endsWith('.ts') && !name.includes('.test.') && !name.endsWith('.fixture.ts') ? [path] : [];
  });
}

describe('request casts', () => {
  it('are nowhere in server code but where listed, and every listed one still exists', () => {
    const found = sources(server).flatMap((f) => casts(f, readFileSync(f, 'utf8')));
    expect(found.filter((c) => !known.has(c))).toEqual([]);
    expect([...known].filter((c) => !found.includes(c))).toEqual([]);
  });

  it('catches a cast of a body, a query, params or headers, and leaves typed reads alone', () => {
    const file = join(server, 'modules/tasks/tasks.routes.ts');
    const planted = [
      '      const q = req.query as TaskQuery;',
      '      return tasks.getTask(app.db, req.ctx, (req.params as { id: string }).id);',
      '      await create(tx, req.ctx, request.body as TaskCreate);',
      "      const key = (req.headers as Record<string, string>)['idempotency-key'];",
      '      return tasks.getTask(app.db, req.ctx, req.params.id, req.query);',
      '      const v = expectedVersion(req, req.body.version, true);',
    ].join('\n');
    expect(casts(file, planted)).toEqual([
      'modules/tasks/tasks.routes.ts: const q = req.query as TaskQuery;',
      'modules/tasks/tasks.routes.ts: return tasks.getTask(app.db, req.ctx, (req.params as { id: string }).id);',
      'modules/tasks/tasks.routes.ts: await create(tx, req.ctx, request.body as TaskCreate);',
      "modules/tasks/tasks.routes.ts: const key = (req.headers as Record<string, string>)['idempotency-key'];",
    ]);
  });
});
