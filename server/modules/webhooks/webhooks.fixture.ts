import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';

/** What a test receiver answers to the next request: a status, a redirect, or nothing at all (it hangs). */
export type Answer = { status: number; body?: string } | { redirect: string } | 'hang';

export interface Received {
  headers: Record<string, string>;
  body: string;
  at: number;
}

/**
 * A webhook receiver on loopback for the tests: it records every request and answers from a script
 * per workspace (`script(workspaceId, …answers)`, one per request whose body names the workspace,
 * then 200), so that a late retry of one test cannot take the answer meant for another.
 * Signatures are checked by the tests with the reference `standardwebhooks` package, not with
 * Rapport's own code.
 */
export async function startReceiver() {
  const received: Received[] = [];
  const scripts = new Map<string, Answer[]>();
  const server = http.createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (c) => {
      body += c;
    });
    req.on('end', () => {
      received.push({ headers: req.headers as Record<string, string>, body, at: Date.now() });
      const key = [...scripts.keys()].find((k) => body.includes(k));
      const answer = (key && scripts.get(key)?.shift()) || { status: 200, body: 'thanks' };
      if (answer === 'hang') return;
      if ('redirect' in answer) res.writeHead(302, { location: answer.redirect }).end();
      else res.writeHead(answer.status, { 'content-type': 'text/plain' }).end(answer.body ?? '');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/hooks`,
    port,
    received,
    script: (workspaceId: string, ...answers: Answer[]) => scripts.set(workspaceId, answers),
    close: () => {
      server.closeAllConnections();
      return new Promise((r) => server.close(r));
    },
  };
}

/** The payload if the request verifies against `secret` with the reference library; throws otherwise. */
export const verify = (secret: string, r: Received) => new Webhook(secret).verify(r.body, r.headers) as Record<string, unknown>;

/** Waits until `probe` returns something truthy (polling), or fails after `ms`. */
export async function until<T>(probe: () => Promise<T | null | undefined | false>, what: string, ms = 15_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
