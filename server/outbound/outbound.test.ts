import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createServer as createTcpServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addressPolicy, embeddedV4, refusal } from './addresses.ts';
import { OutboundError, type OutboundRequest, outboundRequest } from './request.ts';

// Each refused request names a port where a real server listens: if the guard let one through,
// the server would see it, and the test fails on that as well as on the missing error.

let hits: string[] = [];
let port = 0;
let port6 = 0;
const servers: http.Server[] = [];

function listen(handler: http.RequestListener, host = '127.0.0.1') {
  const server = http.createServer(handler);
  servers.push(server);
  return new Promise<number>((resolve) => server.listen(0, host, () => resolve((server.address() as AddressInfo).port)));
}

beforeAll(async () => {
  const receiver: http.RequestListener = (req, res) => {
    hits.push(`${req.method} ${req.headers.host}${req.url}`);
    res.end('hello');
  };
  port = await listen(receiver);
  port6 = await listen(receiver, '::1');
});

afterAll(() => {
  for (const s of servers) s.closeAllConnections();
  return Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
});

const strict = { policy: addressPolicy() };
const loopback = { policy: addressPolicy('127.0.0.0/8,::1') };

async function refused(url: string, settings: OutboundRequest['settings'] = strict) {
  hits = [];
  const err = await outboundRequest(url, { settings }).catch((e: unknown) => e);
  expect(err, url).toBeInstanceOf(OutboundError);
  expect(hits, `${url} reached the server`).toEqual([]);
  return err as OutboundError;
}

describe('the outbound guard', () => {
  it.each([
    ['[::1]', () => `http://[::1]:${port6}/`],
    ['::ffff:127.0.0.1', () => `http://[::ffff:127.0.0.1]:${port}/`],
    ['2130706433 (127.0.0.1 as one number)', () => `http://2130706433:${port}/`],
    ['0x7f.1', () => `http://0x7f.1:${port}/`],
    ['127.1', () => `http://127.1:${port}/`],
    ['0177.0.0.1 (octal)', () => `http://0177.0.0.1:${port}/`],
    ['127.0.0.1', () => `http://127.0.0.1:${port}/`],
    ['localhost, a name resolving to 127.0.0.1', () => `http://localhost:${port}/`],
    ['::ffff:0:7f00:1 (IPv4-translated)', () => `http://[::ffff:0:7f00:1]:${port}/`],
    ['64:ff9b::7f00:1 (NAT64 of 127.0.0.1)', () => `http://[64:ff9b::7f00:1]:${port}/`],
    ['2002:7f00:1:: (6to4 of 127.0.0.1)', () => `http://[2002:7f00:1::]:${port}/`],
  ])('refuses loopback: %s', async (_what, url) => {
    const err = await refused(url());
    expect(err.code).toBe('refused_address');
    expect(err.message).toMatch(/loopback/);
  });

  it.each([
    ['10.1.2.3', /private/],
    ['172.16.5.4', /private/],
    ['192.168.1.1', /private/],
    ['169.254.169.254', /link-local.*metadata/],
    ['100.64.0.1', /carrier-grade NAT/],
    ['100.100.100.200', /carrier-grade NAT/],
    ['0.0.0.0', /unspecified/],
    ['224.0.0.1', /multicast/],
    ['255.255.255.255', /broadcast/],
    ['[::]', /unspecified/],
    ['[fe80::1]', /link-local/],
    ['[fc00::1]', /private/],
    ['[fd00:ec2::254]', /private/],
    ['[ff02::1]', /multicast/],
    ['[::ffff:169.254.169.254]', /link-local/],
    ['[::ffff:10.0.0.1]', /private/],
  ])('refuses %s', async (host, words) => {
    const err = await refused(`http://${host}/`);
    expect(err.code).toBe('refused_address');
    expect(err.message).toMatch(words);
    expect(err.message).toContain('RAPPORT_OUTBOUND_ALLOW');
  });

  it('refuses a name when any of its addresses is not public, naming both', async () => {
    const settings = {
      ...strict,
      resolve: async () => [
        { address: '93.184.215.14', family: 4 },
        { address: '10.0.0.7', family: 4 },
      ],
    };
    const err = await refused('http://mixed.example.test/', settings);
    expect(err.message).toMatch(/mixed\.example\.test resolves to 10\.0\.0\.7, which is a private address/);
  });

  it('refuses what is not http(s), and URLs that carry a password', async () => {
    expect((await refused('ftp://example.com/')).code).toBe('bad_url');
    expect((await refused('file:///etc/passwd')).code).toBe('bad_url');
    expect((await refused('https://user:pw@example.com/')).message).toMatch(/user name or password/);
    expect((await refused('not a url')).code).toBe('bad_url');
  });

  it('reaches loopback when the operator allows it, by range and by name', async () => {
    hits = [];
    const res = await outboundRequest(`http://127.1:${port}/ping?x=1`, { settings: loopback });
    expect(res).toMatchObject({ status: 200, body: 'hello', truncated: false, address: '127.0.0.1' });
    const v6 = await outboundRequest(`http://[::1]:${port6}/six`, { settings: loopback });
    expect(v6.status).toBe(200);
    const byName = await outboundRequest(`http://localhost:${port}/named`, { settings: { policy: addressPolicy('localhost') } });
    expect(byName.status).toBe(200);
    expect(hits).toEqual([`GET 127.0.0.1:${port}/ping?x=1`, `GET [::1]:${port6}/six`, `GET localhost:${port}/named`]);
    // Allowing 127.0.0.0/8 does not allow ::1, nor another private range.
    await refused(`http://[::1]:${port6}/`, { policy: addressPolicy('127.0.0.0/8') });
    await refused('http://10.0.0.1/', loopback);
  });

  it('resolves a name once and connects to the address it checked (no second lookup to rebind)', async () => {
    hits = [];
    let lookups = 0;
    const res = await outboundRequest(`http://rebind.example.test:${port}/`, {
      settings: {
        ...loopback,
        resolve: async () => {
          lookups++;
          // A rebinding server would answer differently the next time; there is no next time.
          return lookups === 1 ? [{ address: '127.0.0.1', family: 4 }] : [{ address: '10.9.9.9', family: 4 }];
        },
      },
    });
    expect(res.status).toBe(200);
    expect(lookups).toBe(1);
    // The name does not exist in real DNS: reaching the server proves the socket went to the pinned address.
    expect(hits).toEqual([`GET rebind.example.test:${port}/`]);
  });

  it('does not follow a redirect, not even to an allowed address', async () => {
    const targetHits: string[] = [];
    const target = await listen((_req, res) => {
      targetHits.push('hit');
      res.end('secret');
    });
    const redirector = await listen((_req, res) => {
      res.writeHead(302, { location: `http://localhost:${target}/admin` });
      res.end();
    });
    const res = await outboundRequest(`http://127.0.0.1:${redirector}/`, { settings: loopback });
    expect(res.status).toBe(302);
    expect(res.headers.location).toBe(`http://localhost:${target}/admin`);
    expect(res.body).toBe('');
    expect(targetHits).toEqual([]);
  });

  it('gives up on a server that does not answer within the total time-out', async () => {
    const silent = await listen(() => {});
    const started = Date.now();
    const err = await outboundRequest(`http://127.0.0.1:${silent}/`, { settings: { ...loopback, totalMs: 300 } }).catch((e) => e);
    expect(err).toBeInstanceOf(OutboundError);
    expect(err.code).toBe('timeout');
    expect(err.message).toBe('No complete answer within 0.3 s');
    expect(Date.now() - started).toBeLessThan(3_000);
  });

  it('gives up on a connection whose TLS handshake does not finish within the connect time-out', async () => {
    const tcp = createTcpServer(() => {}); // accepts, never speaks TLS
    await new Promise<void>((r) => tcp.listen(0, '127.0.0.1', r));
    const tcpPort = (tcp.address() as AddressInfo).port;
    const err = await outboundRequest(`https://127.0.0.1:${tcpPort}/`, { settings: { ...loopback, connectMs: 200 } }).catch((e) => e);
    tcp.close();
    expect(err).toBeInstanceOf(OutboundError);
    expect(err.code).toBe('connect_timeout');
    expect(err.message).toBe('No connection to 127.0.0.1 within 0.2 s');
  });

  it('says in words why a connection failed', async () => {
    const closed = await listen(() => {});
    const s = servers.pop() as http.Server;
    await new Promise((r) => s.close(r));
    const err = await outboundRequest(`http://127.0.0.1:${closed}/`, { settings: loopback }).catch((e) => e);
    expect(err.code).toBe('connection_failed');
    expect(err.message).toBe('Could not reach 127.0.0.1: the connection was refused (ECONNREFUSED)');
  });

  it('reads at most the byte cap of an answer', async () => {
    const big = await listen((_req, res) => {
      res.write('a'.repeat(50_000));
      res.write('b'.repeat(50_000));
      // Never ends: the reader must stop by itself.
    });
    const res = await outboundRequest(`http://127.0.0.1:${big}/`, { settings: { ...loopback, maxBytes: 60_000, totalMs: 5_000 } });
    expect(res.truncated).toBe(true);
    expect(res.body.length).toBe(60_000);
    expect(res.body.endsWith('b'.repeat(10_000))).toBe(true);
  });

  it('sends a body with its length', async () => {
    let got = '';
    const echo = await listen((req, res) => {
      req.setEncoding('utf8');
      req.on('data', (c) => {
        got += c;
      });
      req.on('end', () => res.writeHead(204).end());
    });
    const res = await outboundRequest(`http://127.0.0.1:${echo}/in`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"ü":1}',
      settings: loopback,
    });
    expect(res.status).toBe(204);
    expect(got).toBe('{"ü":1}');
  });
});

describe('the address policy', () => {
  it('reads addresses, ranges and names, and refuses a malformed entry', () => {
    const p = addressPolicy(' 10.0.0.0/8 , ::1, [fd00::]/8, mail.lan ');
    expect(p.entries).toEqual(['10.0.0.0/8', '::1', '[fd00::]/8', 'mail.lan']);
    expect(refusal('10.20.30.40', p)).toBeNull();
    expect(refusal('::1', p)).toBeNull();
    expect(refusal('fd12::1', p)).toBeNull();
    expect(refusal('127.0.0.1', p)).toBe('a loopback address');
    expect([...p.allowedHosts]).toEqual(['mail.lan']);
    expect(() => addressPolicy('10.0.0.0/33')).toThrow(/bad prefix/);
    expect(() => addressPolicy('http://x')).toThrow(/neither an address/);
  });

  it('finds the IPv4 address inside IPv4-mapped, translated, NAT64 and 6to4 addresses', () => {
    expect(embeddedV4('::ffff:7f00:1')).toBe('127.0.0.1');
    expect(embeddedV4('::ffff:10.1.2.3')).toBe('10.1.2.3');
    expect(embeddedV4('::ffff:0:a9fe:a9fe')).toBe('169.254.169.254');
    expect(embeddedV4('64:ff9b::c0a8:101')).toBe('192.168.1.1');
    expect(embeddedV4('2002:c0a8:101::1')).toBe('192.168.1.1');
    expect(embeddedV4('2606:4700::1111')).toBeNull();
  });

  it('lets public addresses through', () => {
    const p = addressPolicy();
    for (const a of ['93.184.215.14', '8.8.8.8', '2606:4700:4700::1111', '::ffff:8.8.8.8', '2002:808:808::1'])
      expect(refusal(a, p), a).toBeNull();
  });
});
