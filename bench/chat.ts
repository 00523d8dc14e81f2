import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { buildApp } from '../server/app.ts';
import { loadConfig } from '../server/config.ts';
import { openDatabase } from '../server/db/client.ts';
import { wireRecordEngine } from '../server/modules/registry.ts';

/**
 * Live chat, agent to visitor, on loopback (issue 14: p99 ≤ 100 ms): a visitor's stream open as the
 * widget opens it (fetch, the token header), the agent's replies posted through the API one after
 * another; each latency is from the moment the reply is sent to the moment its event arrives on the
 * visitor's stream. A fresh database: PGlite in memory, or the PostgreSQL server at `databaseUrl`.
 */
export async function benchChat(opts: { replies: number; databaseUrl?: string }) {
  wireRecordEngine();
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'rapport-bench-chat-'));
  const config = { ...loadConfig({ RAPPORT_DATA_DIR: dataDir }), scryptLogN: 10, logLevel: 'silent', jobConcurrency: 0 };
  const database = await openDatabase({ databaseUrl: opts.databaseUrl, dataDir: 'memory://', poolSize: 4 });
  await database.migrate();
  const app = await buildApp(config, database, { logger: false });
  const base = await app.listen({ port: 0, host: '127.0.0.1' });
  const abort = new AbortController();
  try {
    const email = `bench.chat.${Date.now()}@example.test`;
    const signUp = await app.inject({
      method: 'POST',
      url: '/api/v1/auth/signup',
      payload: { name: 'Bench Agent', email, password: 'a chat bench passphrase', workspaceName: 'Chat bench' },
    });
    const cookie = String(signUp.headers['set-cookie']).split(';')[0];
    const csrf = signUp.json().csrfToken as string;
    const agent = { cookie, 'x-csrf-token': csrf };
    const slug = `bench-${Date.now().toString(36)}`;
    await app.inject({ method: 'PUT', url: '/api/v1/knowledge/help-centre', headers: agent, payload: { slug } });
    const started = (await app.inject({ method: 'POST', url: `/chat/${slug}/conversations`, payload: { body: 'Hello' } })).json();

    const res = await fetch(`${base}/chat/${slug}/conversations/${started.id}/stream?after=1&seconds=300`, {
      headers: { 'x-chat-token': started.token },
      signal: abort.signal,
    });
    const reader = (res.body as ReadableStream<Uint8Array>).getReader();
    const decoder = new TextDecoder();
    const arrived = new Map<string, number>();
    let buf = '';
    const waiting: { wake: (() => void) | null } = { wake: null };
    void (async () => {
      try {
        for (;;) {
          const { value, done } = await reader.read();
          if (done) return;
          buf += decoder.decode(value, { stream: true });
          for (const m of buf.matchAll(/"body":"(reply \d+)"/g)) if (!arrived.has(m[1])) arrived.set(m[1], performance.now());
          buf = buf.slice(buf.lastIndexOf('\n\n') + 1);
          waiting.wake?.();
        }
      } catch {
        // aborted
      }
    })();
    const latencies: number[] = [];
    for (let i = 0; i < opts.replies; i++) {
      const body = `reply ${i}`;
      const sent = performance.now();
      await fetch(`${base}/api/v1/chat/conversations/${started.id}/messages`, {
        method: 'POST',
        headers: { ...agent, 'content-type': 'application/json' },
        body: JSON.stringify({ body }),
      });
      while (!arrived.has(body)) await new Promise<void>((r) => (waiting.wake = r));
      latencies.push((arrived.get(body) as number) - sent);
    }
    latencies.sort((a, b) => a - b);
    const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))];
    return {
      db: opts.databaseUrl ? 'postgres' : 'pglite',
      replies: opts.replies,
      p50: at(0.5),
      p99: at(0.99),
      max: latencies[latencies.length - 1],
    };
  } finally {
    abort.abort();
    await app.close();
    await database.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

export function chatSection(r: Awaited<ReturnType<typeof benchChat>>) {
  return [
    '## Live chat, agent to visitor (loopback)',
    '',
    `${r.db}: ${r.replies} agent replies, each from its POST to its event on the visitor's stream: p50 ${r.p50.toFixed(1)} ms, p99 ${r.p99.toFixed(1)} ms, max ${r.max.toFixed(1)} ms (goal: p99 ≤ 100 ms).`,
  ].join('\n');
}

// `node --import tsx bench/chat.ts [--replies N] [--db pglite|postgres]`: the chat figure alone, printed.
if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({ options: { replies: { type: 'string', default: '200' }, db: { type: 'string', default: 'pglite' } } });
  const databaseUrl = values.db === 'postgres' ? process.env.BENCH_DATABASE_URL : undefined;
  if (values.db === 'postgres' && !databaseUrl) throw new Error('BENCH_DATABASE_URL is required for --db postgres');
  console.log(chatSection(await benchChat({ replies: Number(values.replies), databaseUrl })));
  process.exit(0);
}
