import type { FastifyRequest } from 'fastify';
import type { FieldRule } from '../../contract/access.ts';
import type { Ctx } from '../http/context.ts';
import { AppError, type FieldError } from '../http/errors.ts';
import type { App } from '../http/typed-app.ts';
import type { ObjectDef } from './object-def.ts';
import { ports } from './ports.ts';
import { rightsOn } from './visibility.ts';

// Field-level rules of a role: a field `hidden` from it is left out of every record the API answers
// with (one, a list, an export, a change's answer, its history) and refused on write; a `read_only`
// one is refused on write. Records are still chosen in SQL (visibility.ts); which of their fields a
// role may see is a question of the answer's shape, so it is settled on the way out, here, for
// every route under an object's path at once: a route added there later is covered without a line.

type Rec = Record<string, unknown>;

declare module 'fastify' {
  interface FastifyContextConfig {
    /**
     * Where the answer holds records of which object, for a route whose answer is not (only) the
     * records of the path it is under: a top-level key to the object type of the record or the array
     * of records there (`{ data: 'deal' }` for a contact's deals, `{ contact: 'contact', openDeals:
     * 'deal' }` for a contact's overview). Each is answered without the fields its object hides.
     */
    answers?: Record<string, string>;
  }
}

/** The API paths under which an object's records are answered (`contacts`, `objects/:objectKey/records`), to their object type. */
const recordPaths = new Map<string, string>();

/** Says that the routes under `/api/v1/<path>` answer with records of `type` (registerRecordRoutes and custom objects call it). */
export function registerRecordPath(path: string, type: string) {
  recordPaths.set(`/api/v1/${path}`, type);
}

/** The object type of the records a route answers with, by the longest registered path it is under. */
function typeOfRoute(url: string | undefined): string | undefined {
  if (!url) return undefined;
  let best: string | undefined;
  for (const path of recordPaths.keys()) {
    if ((url === path || url.startsWith(`${path}/`)) && (!best || path.length > best.length)) best = path;
  }
  return best ? recordPaths.get(best) : undefined;
}

/** The rules a request's role sets on an object's fields, or undefined when it sets none. */
export function fieldRules(ctx: Ctx, type: string): Record<string, FieldRule> | undefined {
  const def = ports().objectDef(type);
  const fields = def && rightsOn(ctx, def)?.fields;
  return fields && Object.keys(fields).length ? fields : undefined;
}

/** The fields of an object a request may not see. */
export function hiddenFields(ctx: Ctx, type: string): string[] {
  return Object.entries(fieldRules(ctx, type) ?? {})
    .filter(([, rule]) => rule === 'hidden')
    .map(([f]) => f);
}

/**
 * What of `def` search and look-alike lists must not show the request, from its role's hidden
 * fields: the kinds of term made of them (found by those, a record would give a hidden value away)
 * and whether the subtitle is.
 */
export function hiddenFromSearch(ctx: Ctx, def: ObjectDef) {
  const hidden = new Set(hiddenFields(ctx, def.type));
  const reads = def.search?.reads;
  if (!hidden.size || !reads) return { kinds: [] as string[], subtitle: false };
  return {
    kinds: Object.entries(reads.kinds)
      .filter(([, fields]) => fields.some((f) => hidden.has(f)))
      .map(([kind]) => kind),
    subtitle: reads.subtitle.some((f) => hidden.has(f)),
  };
}

/** A record without the fields hidden from the request (`custom.<key>` names a custom field). Changes and returns `r`. */
export function stripHidden(r: Rec, hidden: readonly string[]): Rec {
  for (const f of hidden) {
    if (f.startsWith('custom.')) {
      const custom = r.custom;
      if (custom && typeof custom === 'object') delete (custom as Rec)[f.slice(7)];
    } else delete r[f];
  }
  return r;
}

/**
 * An answer under an object's path without its hidden fields: a page's records (`data`), one
 * record, or a record's history (entries that name a hidden field are left out).
 */
function stripAnswer(body: unknown, hidden: readonly string[]): unknown {
  if (!body || typeof body !== 'object') return body;
  const b = body as Rec;
  if (Array.isArray(b.data)) {
    const isHistory = (e: unknown): e is Rec => !!e && typeof e === 'object' && 'field' in e && 'action' in e;
    b.data = (b.data as unknown[])
      .filter((e) => !(isHistory(e) && hidden.includes(String(e.field))))
      .map((e) => {
        if (!e || typeof e !== 'object') return e;
        // A history entry of the whole record (create, delete, restore) holds it as it was: without the field too.
        if (isHistory(e))
          for (const v of [e.oldValue, e.newValue]) if (v && typeof v === 'object' && !Array.isArray(v)) stripHidden(v as Rec, hidden);
        return stripHidden(e as Rec, hidden);
      });
  }
  return Array.isArray(body) ? body.map((e) => (e && typeof e === 'object' ? stripHidden(e as Rec, hidden) : e)) : stripHidden(b, hidden);
}

/** The fields a write names that the role may not write, as problem details (`body.amount`, `body.set.amount`, `body.custom.budget`). */
function refusedFields(body: unknown, rules: Record<string, FieldRule>, prefix = 'body'): FieldError[] {
  if (!body || typeof body !== 'object' || Array.isArray(body)) return [];
  const b = body as Rec;
  const out: FieldError[] = [];
  for (const [f, rule] of Object.entries(rules)) {
    const custom = f.startsWith('custom.');
    const named = custom ? !!b.custom && typeof b.custom === 'object' && Object.hasOwn(b.custom, f.slice(7)) : Object.hasOwn(b, f);
    if (!named) continue;
    out.push({
      field: `${prefix}.${f}`,
      code: rule === 'hidden' ? 'field_hidden' : 'field_read_only',
      message: rule === 'hidden' ? 'is hidden from your role' : 'is read-only for your role',
    });
  }
  // A bulk update names its fields under `set`.
  if (prefix === 'body' && b.set) out.push(...refusedFields(b.set, rules, 'body.set'));
  return out;
}

/** The names a list request may use for a hidden field: the field, and the columns that read it (a contact's `phone` reads `phones`). */
function namesOf(type: string, hidden: readonly string[]) {
  const derived = ports().objectDef(type)?.derivedColumns ?? {};
  return new Set([...hidden, ...Object.entries(derived).flatMap(([k, reads]) => (reads.some((f) => hidden.includes(f)) ? [k] : []))]);
}

/** The fields a filter (JSON), sort or fields list names, to refuse those that probe a hidden field. */
function queryFields(query: unknown): { param: string; names: string[] }[] {
  if (!query || typeof query !== 'object') return [];
  const q = query as Rec;
  const list = (v: unknown) => (typeof v === 'string' ? v.split(',').map((x) => x.trim().replace(/^-/, '')) : []);
  const inFilter: string[] = [];
  const walk = (n: unknown) => {
    if (Array.isArray(n)) n.forEach(walk);
    else if (n && typeof n === 'object') {
      for (const [k, v] of Object.entries(n)) {
        if (k === 'field' && typeof v === 'string') inFilter.push(v);
        else walk(v);
      }
    }
  };
  if (typeof q.filter === 'string') {
    try {
      walk(JSON.parse(q.filter));
    } catch {
      // Not JSON: the list's own parser answers it with a 400.
    }
  }
  return [
    { param: 'query.filter', names: inFilter },
    { param: 'query.sort', names: list(q.sort) },
    { param: 'query.fields', names: list(q.fields) },
  ];
}

const ctxOf = (req: FastifyRequest): Ctx | undefined => (req.ctx ? req.ctx : undefined);

/** Refuses writes of fields the role may not write, and leaves hidden fields out of answers, on every route under an object's path. */
export function registerFieldRules(app: App) {
  app.addHook('preHandler', async (req) => {
    const ctx = ctxOf(req);
    if (!ctx?.access) return;
    // A route that answers another object's records (a company's contacts) is probed through theirs.
    const answers = req.routeOptions.config?.answers;
    const type = req.method === 'GET' && answers ? answers.data : typeOfRoute(req.routeOptions.url);
    const rules = type && fieldRules(ctx, type);
    if (!rules) return;
    if (req.method === 'GET') {
      // Filtering or sorting by a hidden field would tell its values apart without showing them.
      const hidden = namesOf(type, hiddenFields(ctx, type));
      const probing = queryFields(req.query).flatMap(({ param, names }) =>
        names
          .filter((n) => hidden.has(n))
          .map((n) => ({ field: param, code: 'field_hidden', message: `names ${n}, hidden from your role` })),
      );
      if (probing.length)
        throw new AppError(403, 'field_forbidden', 'Your role does not let you filter, sort or ask for a hidden field', probing);
      return;
    }
    const refused = refusedFields(req.body, rules);
    // 403 as for other actions the role does not allow on a record the member may see.
    if (refused.length) throw new AppError(403, 'field_forbidden', 'Your role does not let you write some of these fields', refused);
  });
  app.addHook('onSend', async (req, reply, payload) => {
    const ctx = ctxOf(req);
    if (!ctx?.access || typeof payload !== 'string' || reply.statusCode >= 300) return payload;
    const answers = req.routeOptions.config?.answers;
    if (answers) return stripAnswers(ctx, answers, payload, String(reply.getHeader('content-type') ?? ''));
    const type = typeOfRoute(req.routeOptions.url);
    const hidden = type ? hiddenFields(ctx, type) : [];
    if (!hidden.length || !String(reply.getHeader('content-type') ?? '').startsWith('application/json')) return payload;
    return JSON.stringify(stripAnswer(JSON.parse(payload), hidden));
  });
}

/** An answer whose records sit under the keys `answers` names, without the fields each one's object hides. */
function stripAnswers(ctx: Ctx, answers: Record<string, string>, payload: string, contentType: string) {
  const hiddenAt = Object.entries(answers)
    .map(([key, type]) => [key, hiddenFields(ctx, type)] as const)
    .filter(([, hidden]) => hidden.length);
  if (!hiddenAt.length || !contentType.startsWith('application/json')) return payload;
  const body = JSON.parse(payload) as Rec;
  for (const [key, hidden] of hiddenAt) {
    const v = body[key];
    for (const r of Array.isArray(v) ? v : [v]) if (r && typeof r === 'object') stripHidden(r as Rec, hidden);
  }
  return JSON.stringify(body);
}
