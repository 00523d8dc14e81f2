import http from 'node:http';
import autocannon from 'autocannon';

export interface Stats {
  p50: number;
  p99: number;
  rps: number;
}

const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });

function get(url: string, headers: Record<string, string>): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { agent, headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
  });
}

export async function getJson(url: string, headers: Record<string, string> = {}) {
  const r = await get(url, headers);
  if (r.status !== 200) throw new Error(`${url} → ${r.status} ${r.body.slice(0, 300)}`);
  return JSON.parse(r.body);
}

const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];

/**
 * Latency: one request at a time over a kept-alive connection, timed with hrtime (sub-millisecond
 * precision, which autocannon's histogram lacks). Throughput: autocannon with `connections` at once.
 */
export async function measure(
  urls: () => string,
  headers: Record<string, string>,
  opts: { requests: number; seconds: number; connections: number },
): Promise<Stats> {
  for (let i = 0; i < Math.min(200, opts.requests / 4); i++) await get(urls(), headers); // warm up: JIT, plans, caches
  const times: number[] = [];
  for (let i = 0; i < opts.requests; i++) {
    const t0 = process.hrtime.bigint();
    const r = await get(urls(), headers);
    times.push(Number(process.hrtime.bigint() - t0) / 1e6);
    if (r.status !== 200) throw new Error(`status ${r.status}: ${r.body.slice(0, 200)}`);
  }
  times.sort((a, b) => a - b);
  const first = new URL(urls());
  const result = await autocannon({
    url: first.origin,
    connections: opts.connections,
    duration: opts.seconds,
    headers,
    requests: [{ setupRequest: (req) => ({ ...req, path: new URL(urls()).pathname + new URL(urls()).search }) }],
  });
  if (result.non2xx > 0 || result.errors > 0) throw new Error(`throughput run had ${result.non2xx} non-2xx and ${result.errors} errors`);
  return { p50: pct(times, 50), p99: pct(times, 99), rps: result.requests.average };
}
