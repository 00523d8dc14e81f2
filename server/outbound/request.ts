import { lookup as dnsLookup } from 'node:dns/promises';
import http, { type IncomingMessage } from 'node:http';
import https from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import { type AddressPolicy, addressPolicy, refusal } from './addresses.ts';

/**
 * The one way Rapport makes a request to a server it does not run (SECURITY §4): webhooks now,
 * mail servers later. Every request here
 * - is refused when its host is, or resolves to, an address that is not public (addresses.ts),
 *   unless the operator allowed it (RAPPORT_OUTBOUND_ALLOW);
 * - connects to the very address that was checked: the name is resolved once and the connection
 *   pinned to it, so a name that answers differently a second time (DNS rebinding) gains nothing;
 * - follows no redirect (a 3xx is handed back as it is: a public URL may redirect to a private one);
 * - has a connect and a total time-out, and reads at most `maxBytes` of the answer.
 */

export interface OutboundSettings {
  policy: AddressPolicy;
  /** The TCP (and TLS) connection must be made within this. */
  connectMs: number;
  /** The whole exchange, answer read included, must end within this. */
  totalMs: number;
  /** The answer's body is read up to this many bytes; the rest is dropped. */
  maxBytes: number;
  /** Resolves a name to its addresses (the system resolver; tests put a name of their own in). */
  resolve: (host: string) => Promise<{ address: string; family: number }[]>;
}

const systemResolve = (host: string) => dnsLookup(host, { all: true, verbatim: true });

const defaults = (): OutboundSettings => ({
  policy: addressPolicy(),
  connectMs: 5_000,
  totalMs: 15_000,
  maxBytes: 64 * 1024,
  resolve: systemResolve,
});

let current = defaults();

/**
 * Sets the process-wide settings, once at start (from RAPPORT_OUTBOUND_ALLOW) and in tests (a
 * receiver on loopback needs loopback allowed). Returns the settings now in force.
 */
export function configureOutbound(changes: Partial<OutboundSettings> & { allow?: string | string[] }) {
  const { allow, ...rest } = changes;
  current = { ...current, ...rest, ...(allow !== undefined ? { policy: addressPolicy(allow) } : {}) };
  return current;
}

export const outboundSettings = () => current;

/** Why an outbound request failed, in words a person reads in a delivery log; `code` for programs. */
export class OutboundError extends Error {
  constructor(
    readonly code: 'bad_url' | 'refused_address' | 'dns_failed' | 'connect_timeout' | 'timeout' | 'connection_failed' | 'aborted',
    message: string,
  ) {
    super(message);
  }
}

export interface OutboundResponse {
  status: number;
  headers: IncomingMessage['headers'];
  /** The body as text, at most `maxBytes` of it. */
  body: string;
  truncated: boolean;
  /** The address the request went to. */
  address: string;
  durationMs: number;
}

export interface OutboundRequest {
  method?: 'GET' | 'POST' | 'PUT';
  headers?: Record<string, string>;
  body?: string;
  /** Stops the request early (a job that loses its lease). */
  signal?: AbortSignal;
  /** Settings for this request only (tests); the process-wide ones otherwise. */
  settings?: Partial<OutboundSettings>;
}

/** The URL's host as an address or a name, and whether the operator allowed the name itself. */
function parseTarget(raw: string) {
  let url: URL;
  try {
    // The WHATWG parser reads every spelling of an IPv4 address (2130706433, 0x7f.1, 127.1,
    // 0177.0.0.1) as the dotted form, so that the check below sees what a connection would reach.
    url = new URL(raw);
  } catch {
    throw new OutboundError('bad_url', `"${raw.slice(0, 200)}" is not a URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new OutboundError('bad_url', 'Only http and https URLs can be called');
  if (url.username || url.password) {
    throw new OutboundError(
      'bad_url',
      'The URL may not carry a user name or password (it would be logged and shown); use a secret instead',
    );
  }
  const host = url.hostname.replace(/^\[|\]$/g, '');
  return { url, host };
}

/** The addresses a request to `raw` would go to, checked: the first is the one to connect to. Throws OutboundError. */
export async function resolveChecked(raw: string, policy: AddressPolicy = current.policy, resolve = current.resolve) {
  const { url, host } = parseTarget(raw);
  const literal = isIP(host);
  const hostAllowed = !literal && policy.allowedHosts.has(host.toLowerCase().replace(/\.$/, ''));
  let addresses: { address: string; family: number }[];
  if (literal) addresses = [{ address: host, family: literal }];
  else {
    try {
      addresses = await resolve(host);
    } catch (err) {
      const code = (err as { code?: string }).code;
      throw new OutboundError('dns_failed', `The name ${host} could not be resolved${code ? ` (${code})` : ''}`);
    }
    if (!addresses.length) throw new OutboundError('dns_failed', `The name ${host} has no address`);
  }
  if (!hostAllowed) {
    // Every address must pass, not just the first: which one a client picks is not ours to predict.
    for (const a of addresses) {
      const why = refusal(a.address, policy);
      if (why) {
        const what = literal ? a.address : `${host} resolves to ${a.address}, which`;
        throw new OutboundError(
          'refused_address',
          `${what} is ${why}: outbound requests may not reach it (an operator can allow it with RAPPORT_OUTBOUND_ALLOW)`,
        );
      }
    }
  }
  return { url, host, addresses };
}

const seconds = (ms: number) => `${Math.round(ms / 100) / 10} s`;

function words(err: NodeJS.ErrnoException) {
  const known: Record<string, string> = {
    ECONNREFUSED: 'the connection was refused',
    ECONNRESET: 'the connection was reset',
    EHOSTUNREACH: 'the host is unreachable',
    ENETUNREACH: 'the network is unreachable',
    EPIPE: 'the connection was closed while sending',
    CERT_HAS_EXPIRED: 'its TLS certificate has expired',
    DEPTH_ZERO_SELF_SIGNED_CERT: 'its TLS certificate is self-signed',
    SELF_SIGNED_CERT_IN_CHAIN: 'its TLS certificate chain is self-signed',
    UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'its TLS certificate cannot be verified',
    ERR_TLS_CERT_ALTNAME_INVALID: 'its TLS certificate is for another name',
    HPE_INVALID_CONSTANT: 'it did not answer in HTTP',
  };
  const code = err.code ?? '';
  return `${known[code] ?? err.message}${code ? ` (${code})` : ''}`;
}

/**
 * Sends one request and reads the answer (up to the byte cap). Throws OutboundError when no answer
 * came: refused address, name not found, time-out, connection failed. Any answer, 3xx to 5xx
 * included, is returned: what counts as success is the caller's call.
 */
export async function outboundRequest(target: string, req: OutboundRequest = {}): Promise<OutboundResponse> {
  const settings = { ...current, ...req.settings };
  const { url, host, addresses } = await resolveChecked(target, settings.policy, settings.resolve);
  const pinned = addresses[0];
  // The socket is opened to the checked address whatever name it is asked for; TLS still checks
  // the certificate against the name in the URL (SNI and verification use the host, not the IP).
  const lookup: LookupFunction = (_name, options, cb) => {
    if ((options as { all?: boolean }).all) (cb as (e: null, a: { address: string; family: number }[]) => void)(null, [pinned]);
    else cb(null, pinned.address, pinned.family);
  };
  const started = performance.now();
  const total = AbortSignal.timeout(settings.totalMs);
  const signal = req.signal ? AbortSignal.any([req.signal, total]) : total;
  const body = req.body === undefined ? undefined : Buffer.from(req.body);
  const client = url.protocol === 'https:' ? https : http;

  return new Promise<OutboundResponse>((resolve, reject) => {
    let connectTimer: NodeJS.Timeout | undefined;
    let settled = false;
    const fail = (err: OutboundError) => {
      if (settled) return;
      settled = true;
      clearTimeout(connectTimer);
      request.destroy();
      reject(err);
    };
    const request = client.request(
      {
        protocol: url.protocol,
        hostname: host,
        port: url.port || undefined,
        path: `${url.pathname}${url.search}`,
        method: req.method ?? (body ? 'POST' : 'GET'),
        headers: { ...req.headers, ...(body ? { 'content-length': String(body.length) } : {}) },
        lookup,
        // A fresh connection each time: a pooled one would skip the check and the pinning above.
        agent: false,
        signal,
      },
      (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        let truncated = false;
        const finish = () => {
          if (settled) return;
          settled = true;
          clearTimeout(connectTimer);
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks).toString('utf8'),
            truncated,
            address: pinned.address,
            durationMs: Math.round(performance.now() - started),
          });
        };
        res.on('data', (chunk: Buffer) => {
          if (truncated) return;
          const room = settings.maxBytes - size;
          if (chunk.length > room) {
            chunks.push(chunk.subarray(0, room));
            size = settings.maxBytes;
            truncated = true;
            // Enough read: the rest of a large (or endless) answer is not waited for.
            finish();
            res.destroy();
            return;
          }
          chunks.push(chunk);
          size += chunk.length;
        });
        res.on('end', finish);
        res.on('error', (err) => onError(err));
        // Closed without an end (the server hung up mid-answer, or the time-out cut it short).
        res.on('close', () => onError(Object.assign(new Error('the connection closed before the answer ended'), { code: 'ECONNRESET' })));
      },
    );
    const onError = (err: NodeJS.ErrnoException) => {
      if (total.aborted) fail(new OutboundError('timeout', `No complete answer within ${seconds(settings.totalMs)}`));
      else if (req.signal?.aborted) fail(new OutboundError('aborted', 'The request was stopped'));
      else fail(new OutboundError('connection_failed', `Could not reach ${host}: ${words(err)}`));
    };
    request.on('error', onError);
    connectTimer = setTimeout(
      () => fail(new OutboundError('connect_timeout', `No connection to ${host} within ${seconds(settings.connectMs)}`)),
      settings.connectMs,
    );
    request.on('socket', (socket) => {
      socket.once(url.protocol === 'https:' ? 'secureConnect' : 'connect', () => clearTimeout(connectTimer));
    });
    request.end(body);
  });
}
