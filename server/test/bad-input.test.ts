import { describe, expect, it } from 'vitest';
import { type Session, signUp, testApp, testDatabase } from './harness.ts';
import type { Samples } from './samples.ts';

// Generated from the route table and the OpenAPI document: every write route with a JSON body is
// sent a valid body (its sample) spoiled one way at a time. Each must answer 400 problem+json
// naming the spoiled field, and write nothing (no history row, no domain event).

const found = import.meta.glob('../modules/**/*.samples.ts', { eager: true }) as Record<string, { samples: Samples }>;
const samples: Samples = Object.assign({}, ...Object.values(found).map((m) => m.samples));
const app = await testApp();
const doc = app.swagger() as { paths: Record<string, Record<string, { requestBody?: { content: Record<string, { schema: Schema }> } }>> };

interface Schema {
  type?: string | string[];
  anyOf?: Schema[];
  enum?: unknown[];
  format?: string;
  maxLength?: number;
  maxItems?: number;
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
}

const writeRoutes = app.routeTable.filter((r) => ['POST', 'PATCH', 'PUT'].includes(r.method));
const bodySchema = (method: string, url: string) =>
  doc.paths[url.replace(/:(\w+)/g, '{$1}')]?.[method.toLowerCase()]?.requestBody?.content['application/json']?.schema;

const badFormat: Record<string, unknown> = {
  email: 'not-an-email',
  phone: '12',
  iso4217: 'EURO',
  date: '2026-02-30',
  'date-time': 'yesterday',
  uuid: 'not-a-uuid',
  uri: 'not a url',
};

function types(s: Schema): string[] {
  if (s.anyOf) return s.anyOf.flatMap(types);
  return Array.isArray(s.type) ? s.type : s.type ? [s.type] : [];
}

/** A value of the wrong type for this schema, or undefined if any type is allowed. */
function wrongType(s: Schema): unknown {
  const t = types(s).filter((x) => x !== 'null');
  if (t.includes('string')) return 12345;
  if (t.includes('integer') || t.includes('number')) return '12';
  if (t.includes('boolean')) return 'yes';
  if (t.includes('array')) return 'not-a-list';
  if (t.includes('object')) return 'not-an-object';
  if (s.enum || s.anyOf?.some((x) => x.enum)) return '__no_such_option__';
  return undefined;
}

const stringSchema = (s: Schema): Schema | undefined =>
  s.anyOf ? s.anyOf.find((x) => x.type === 'string') : s.type === 'string' ? s : undefined;

async function traces(workspaceId: string) {
  const db = await testDatabase();
  const [row] = await db.query<{ n: number }>(
    `select (select count(*) from record_history where workspace_id = $1) + (select count(*) from domain_events where workspace_id = $1) as n`,
    [workspaceId],
  );
  return Number(row.n);
}

describe.each(writeRoutes.map((r) => [`${r.method} ${r.url}`, r] as const))('%s', (key, route) => {
  const schema = bodySchema(route.method, route.url);
  const sample = samples[key];
  if (!schema?.properties || !sample?.body) {
    it('takes no JSON fields', () => expect(schema?.properties ? Object.keys(schema.properties) : []).toEqual([]));
    return;
  }
  const props = schema.properties;

  it('answers 400 naming the field for every spoiled body, and writes nothing', async () => {
    const owner: Session = await signUp();
    const params = sample.setup ? await sample.setup(owner) : {};
    let url = route.url;
    for (const [k, v] of Object.entries(params)) url = url.replace(`:${k}`, v);
    const valid = (await sample.body?.(owner, params)) as Record<string, unknown>;
    const cases: [string, Record<string, unknown>][] = [['body.zzUnknownField', { ...valid, zzUnknownField: 1 }]];
    for (const [name, p] of Object.entries(props)) {
      const wrong = wrongType(p);
      if (wrong !== undefined) cases.push([`body.${name}`, { ...valid, [name]: wrong }]);
      const str = stringSchema(p);
      if (str?.maxLength) cases.push([`body.${name}`, { ...valid, [name]: 'x'.repeat(str.maxLength + 1) }]);
      if (str) cases.push([`body.${name}`, { ...valid, [name]: 'nul\u0000inside' }]);
      if (str?.format && badFormat[str.format] !== undefined) cases.push([`body.${name}`, { ...valid, [name]: badFormat[str.format] }]);
      if (schema.required?.includes(name)) {
        const { [name]: _gone, ...rest } = valid;
        cases.push([`body.${name}`, rest]);
      }
    }
    expect(cases.length).toBeGreaterThan(2);
    const before = await traces(owner.workspaceId);
    for (const [field, body] of cases) {
      const res = await app.inject({ method: route.method as 'POST', url, headers: owner.headers, payload: body });
      expect(res.statusCode, `${field} ← ${JSON.stringify(body).slice(0, 200)}: ${res.body}`).toBe(400);
      expect(res.headers['content-type']).toContain('application/problem+json');
      expect(res.json().errors?.[0]?.field, JSON.stringify(body).slice(0, 200)).toBe(field);
    }
    expect(await traces(owner.workspaceId)).toBe(before);
  });
});
