import http from 'node:http';
import autocannon from 'autocannon';

export interface Stats {
  p50: number;
  p99: number;
  rps: number;
  /** Steps of a load search, for the report. */
  steps?: string[];
}

export type Auth = Record<string, string>;

const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });

export function request(
  url: string,
  headers: Record<string, string>,
  method = 'GET',
  body?: string,
  contentType = 'application/json',
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      url,
      {
        method,
        agent,
        headers: body !== undefined ? { ...headers, 'content-type': contentType, 'content-length': Buffer.byteLength(body) } : headers,
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c) => (text += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

export async function getJson(url: string, headers: Record<string, string> = {}) {
  const r = await request(url, headers);
  if (r.status !== 200) throw new Error(`${url} → ${r.status} ${r.body.slice(0, 300)}`);
  return JSON.parse(r.body);
}

/** POSTs a JSON (or CSV) body and checks the answer; throws with the body when it is not what was expected. */
export async function post(
  url: string,
  headers: Auth,
  body: unknown,
  ok: (b: Record<string, number>) => boolean,
  contentType = 'application/json',
) {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  const r = await request(url, headers, 'POST', text, contentType);
  const parsed = r.body ? JSON.parse(r.body) : {};
  if (r.status >= 300 || !ok(parsed)) throw new Error(`POST ${url.split('?')[0]} → ${r.status} ${r.body.slice(0, 300)}`);
  return parsed;
}

const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];

export const median = (xs: Stats[]): Stats => {
  const m = (f: (s: Stats) => number) => [...xs.map(f)].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  return { p50: m((s) => s.p50), p99: m((s) => s.p99), rps: m((s) => s.rps) };
};

/** One timed operation of `units` rows: p50 = p99 = its time, rps = rows per second. */
export async function timeOnce(units: number, fn: () => Promise<unknown>): Promise<Stats> {
  const t0 = performance.now();
  await fn();
  const ms = performance.now() - t0;
  return { p50: ms, p99: ms, rps: units / (ms / 1000) };
}

/** What is measured: a URL (each call may give another), its headers, and for a POST a fresh JSON body per call. */
export interface Target {
  url: () => string;
  headers: Record<string, string>;
  body?: () => string;
  /** With a body: POST unless told (an update is a PATCH). */
  method?: 'POST' | 'PATCH';
}

type Plan = { requests: number; seconds: number; connections: number };

const send = (t: Target) => (t.body ? request(t.url(), t.headers, t.method ?? 'POST', t.body()) : request(t.url(), t.headers));

/** Warm-up: JIT, plans, caches. */
async function warm(t: Target, opts: Plan) {
  const warmUntil = performance.now() + 2_000;
  for (let i = 0; i < Math.min(200, opts.requests / 4) && performance.now() < warmUntil; i++) await send(t);
}

/** Throughput: autocannon with `connections` at once for `seconds`. */
async function throughput(t: Target, opts: Plan) {
  const result = await autocannon({
    url: new URL(t.url()).origin,
    connections: opts.connections,
    duration: opts.seconds,
    headers: t.headers,
    requests: [
      {
        setupRequest: (req) => {
          const u = new URL(t.url());
          const post = t.body
            ? { method: t.method ?? ('POST' as const), body: t.body(), headers: { ...t.headers, 'content-type': 'application/json' } }
            : {};
          return { ...req, path: u.pathname + u.search, ...post };
        },
      },
    ],
  });
  if (result.non2xx > 0 || result.errors > 0) throw new Error(`throughput run had ${result.non2xx} non-2xx and ${result.errors} errors`);
  return result.requests.average;
}

/**
 * Latency of several targets, one request of each in turn over a kept-alive connection, timed with
 * hrtime (sub-millisecond precision, which autocannon's histogram lacks): taken in turn, a change in
 * the machine's load falls on all of them alike. At most `requests` rounds, and no longer than
 * `seconds` × 1.5 per target once 30 are in (a 300 ms report must not take minutes).
 */
async function latencies(targets: Target[], opts: Plan) {
  const times = targets.map(() => [] as number[]);
  const until = performance.now() + opts.seconds * 1500 * targets.length;
  for (let i = 0; i < opts.requests && (i < 30 || performance.now() < until); i++) {
    for (const [k, t] of targets.entries()) {
      const t0 = process.hrtime.bigint();
      const r = await send(t);
      times[k].push(Number(process.hrtime.bigint() - t0) / 1e6);
      if (r.status < 200 || r.status > 299) throw new Error(`status ${r.status}: ${r.body.slice(0, 200)}`);
    }
  }
  return times.map((xs) => xs.sort((a, b) => a - b));
}

/**
 * Latency (sequential requests, hrtime) then throughput (autocannon) of one target. With `body`,
 * every request is a POST of a fresh JSON body (a create: each one a new record).
 */
export async function measure(urls: () => string, headers: Record<string, string>, opts: Plan, body?: () => string): Promise<Stats> {
  const [stats] = await measureInTurn([{ url: urls, headers, body }], opts);
  return stats;
}

/**
 * Several targets whose difference is the point (a fraction of a millisecond): their latency
 * requests taken in turn, then each one's throughput.
 */
export async function measureInTurn(targets: Target[], opts: Plan): Promise<Stats[]> {
  for (const t of targets) await warm(t, opts);
  const times = await latencies(targets, opts);
  const out: Stats[] = [];
  for (const [k, t] of targets.entries()) out.push({ p50: pct(times[k], 50), p99: pct(times[k], 99), rps: await throughput(t, opts) });
  return out;
}

interface Req {
  method: 'GET' | 'POST';
  path: string;
  body?: string;
}

/**
 * Mixed load: `connections` users sending a mix of requests. First without a rate limit; if p99 is
 * then over 100 ms, a bisection on autocannon's overall rate finds the highest rate whose p99 stays
 * under it. Reports that rate's achieved req/s and its p50/p99 (autocannon's histogram, ms).
 */
export async function mixedLoad(
  base: string | string[],
  auth: Auth,
  next: (r: number) => Req,
  opts: { seconds: number; connections: number; steps: number },
  sample: () => void,
): Promise<Stats> {
  // Several servers (processes behind one balancer): the users and the rate are split evenly between
  // them, and the figures joined: requests add up, p99 is the worst server's (the load's p99 is at
  // most that), p50 the mean of theirs.
  const bases = Array.isArray(base) ? base : [base];
  const run = async (rate?: number) => {
    const parts = await Promise.all(bases.map((b) => runOn(b, rate === undefined ? undefined : rate / bases.length)));
    return {
      rps: parts.reduce((n, p) => n + p.rps, 0),
      p50: parts.reduce((n, p) => n + p.p50, 0) / parts.length,
      p99: Math.max(...parts.map((p) => p.p99)),
    };
  };
  const runOn = async (url: string, rate?: number) => {
    const timer = setInterval(sample, 250);
    try {
      const res = await autocannon({
        url,
        connections: Math.ceil(opts.connections / bases.length),
        duration: opts.seconds,
        ...(rate ? { overallRate: Math.max(1, Math.round(rate)) } : {}),
        headers: auth,
        requests: [
          {
            setupRequest: (req) => {
              const r = next(Math.random());
              return {
                ...req,
                method: r.method,
                path: r.path,
                body: r.body,
                headers: { ...auth, ...(r.body ? { 'content-type': 'application/json' } : {}) },
              };
            },
          },
        ],
      });
      if (res.errors > 0 || res.non2xx > 0) throw new Error(`mixed load had ${res.non2xx} non-2xx and ${res.errors} errors`);
      return { rps: res.requests.average, p50: res.latency.p50, p99: res.latency.p99 };
    } finally {
      clearInterval(timer);
    }
  };
  const steps: string[] = [];
  const top = await run();
  steps.push(`unlimited: ${Math.round(top.rps)} req/s, p99 ${top.p99} ms`);
  if (top.p99 < 100) return { ...top, steps };
  let lo = 0;
  let hi = top.rps;
  let best: { rps: number; p50: number; p99: number } | null = null;
  for (let i = 0; i < opts.steps; i++) {
    const rate = Math.max(10, Math.round((lo + hi) / 2));
    const r = await run(rate);
    steps.push(`${rate}/s: ${Math.round(r.rps)} req/s, p99 ${r.p99} ms`);
    if (r.p99 < 100) {
      best = r;
      lo = rate;
    } else hi = rate;
  }
  return { ...(best ?? { rps: 0, p50: top.p50, p99: top.p99 }), steps };
}

/**
 * The mixed load at a fixed rate, open loop (a request starts on schedule whether or not earlier ones
 * have answered), with each request's latency kept by its class: which kind of request is slow on its
 * own, which one overall p99 cannot tell. `next` names the class of each request it makes.
 */
export async function pacedByClass(
  base: string,
  auth: Auth,
  next: (r: number) => Req & { kind: string },
  opts: { rate: number; seconds: number },
): Promise<Stats & { byKind: Record<string, Stats & { n: number }> }> {
  const agentMany = new http.Agent({ keepAlive: true, maxSockets: 64 });
  const lat: Record<string, number[]> = {};
  const inflight: Promise<void>[] = [];
  const send = (r: Req & { kind: string }) =>
    new Promise<void>((resolve, reject) => {
      const started = performance.now();
      const req = http.request(
        `${base}${r.path}`,
        { method: r.method, agent: agentMany, headers: { ...auth, ...(r.body ? { 'content-type': 'application/json' } : {}) } },
        (res) => {
          res.resume();
          res.on('end', () => {
            if ((res.statusCode ?? 500) >= 300) return reject(new Error(`${r.method} ${r.path} → ${res.statusCode}`));
            lat[r.kind] ??= [];
            lat[r.kind].push(performance.now() - started);
            resolve();
          });
        },
      );
      req.on('error', reject);
      req.end(r.body);
    });
  const t0 = performance.now();
  let sent = 0;
  while (performance.now() - t0 < opts.seconds * 1000) {
    const due = Math.floor(((performance.now() - t0) / 1000) * opts.rate);
    for (; sent < due; sent++) inflight.push(send(next(Math.random())));
    await new Promise((r) => setTimeout(r, 2));
  }
  await Promise.all(inflight);
  agentMany.destroy();
  const stats = (xs: number[]) => {
    const s = [...xs].sort((a, b) => a - b);
    const at = (p: number) => s[Math.min(s.length - 1, Math.floor(s.length * p))];
    return { p50: at(0.5), p99: at(0.99), rps: xs.length / opts.seconds, n: xs.length };
  };
  const byKind = Object.fromEntries(Object.entries(lat).map(([k, xs]) => [k, stats(xs)]));
  return { ...stats(Object.values(lat).flat()), byKind };
}
