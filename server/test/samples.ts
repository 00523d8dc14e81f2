import { api, type Session } from './harness.ts';

/**
 * How to call one route for real: what to create first (in the owner's workspace) and what to
 * send. The generated authorisation test calls every route in the route table with its sample;
 * a route without a sample fails the suite, so no route escapes the checks.
 */
export interface RouteSample {
  /** Creates what the route needs and returns its path params (`{ id }`). */
  setup?: (owner: Session) => Promise<Record<string, string>>;
  body?: (owner: Session, params: Record<string, string>) => unknown;
  query?: string;
  /** Content-Type of the body when it is not JSON (a CSV file: `text/csv`); the body is then sent as it is. */
  contentType?: string;
  /** Headers the call needs besides credentials (a signed webhook's signature), made from the body about to be sent. */
  headers?: (owner: Session, params: Record<string, string>, body: unknown) => Record<string, string>;
  /**
   * Path params that name a kind of thing (`type` = contact), not data of the workspace: answers to
   * anyone may say them (a 400 lists a param's allowed values), so the leak checks skip them.
   */
  publicParams?: string[];
  /** Status of a successful call by the owner (default: any 2xx). */
  ok?: number;
}

export type Samples = Record<string, RouteSample>;

export async function createOk(s: Session, path: string, body: unknown): Promise<{ id: string; version: number }> {
  const r = await api(s).post(path, body);
  if (r.statusCode !== 201) throw new Error(`POST ${path} → ${r.statusCode} ${r.body}`);
  return r.json();
}

/** Samples of the seven standard record routes of one object. */
export function recordSamples(path: string, create: (s: Session) => unknown | Promise<unknown>, update: unknown): Samples {
  const made = async (s: Session) => ({ id: (await createOk(s, `/${path}`, await create(s))).id });
  const base = `/api/v1/${path}`;
  return {
    [`GET ${base}`]: { setup: async (s) => ({ recordId: (await made(s)).id }) },
    [`GET ${base}/export`]: { setup: async (s) => ({ recordId: (await made(s)).id }) },
    [`POST ${base}`]: { body: (s) => create(s), ok: 201 },
    [`GET ${base}/:id`]: { setup: made },
    [`PATCH ${base}/:id`]: { setup: made, body: () => ({ ...(update as object), version: 1 }) },
    [`DELETE ${base}/:id`]: { setup: made },
    [`POST ${base}/:id/restore`]: { setup: made, body: () => ({}) },
    [`GET ${base}/:id/history`]: { setup: made },
  };
}

/** Sample of `POST /<path>/bulk-update`: one new record, set by id. */
export function bulkSample(path: string, create: (s: Session) => unknown | Promise<unknown>, set: unknown): Samples {
  return {
    [`POST /api/v1/${path}/bulk-update`]: {
      setup: async (s) => ({ recordId: (await createOk(s, `/${path}`, await create(s))).id }),
      body: (_s, p) => ({ ids: [p.recordId], set }),
    },
  };
}

/** What a response says, for the leak checks: its JSON, or its text (an event stream) as `{ text }`. */
export function answerOf(res: { body: string; headers: Record<string, unknown> }): Record<string, unknown> {
  if (!res.body) return {};
  return String(res.headers['content-type'] ?? '').includes('json') ? JSON.parse(res.body) : { text: res.body };
}
