import { BlockList, isIP } from 'node:net';

/**
 * Which addresses an outbound request (a webhook, later a mail server) may reach. Everything that
 * is not the public internet is refused unless the operator allows it: the app must not become a
 * way into the network it runs in (SSRF), nor into a cloud's metadata service (169.254.169.254,
 * fd00:ec2::254, 100.100.100.200 — each inside a range below).
 */

/** IPv4 ranges that are not the public internet (IANA special-purpose registry), with the words a refusal uses. */
const v4Ranges: [string, number, string][] = [
  ['0.0.0.0', 8, 'an unspecified ("this network") address'],
  ['10.0.0.0', 8, 'a private address'],
  ['100.64.0.0', 10, 'a carrier-grade NAT address'],
  ['127.0.0.0', 8, 'a loopback address'],
  ['169.254.0.0', 16, 'a link-local address (cloud metadata lives here)'],
  ['172.16.0.0', 12, 'a private address'],
  ['192.0.0.0', 24, 'a protocol-assignment address'],
  ['192.0.2.0', 24, 'a documentation address'],
  ['192.88.99.0', 24, 'a 6to4 relay address'],
  ['192.168.0.0', 16, 'a private address'],
  ['198.18.0.0', 15, 'a benchmarking address'],
  ['198.51.100.0', 24, 'a documentation address'],
  ['203.0.113.0', 24, 'a documentation address'],
  ['224.0.0.0', 4, 'a multicast address'],
  ['240.0.0.0', 4, 'a reserved address'],
];

/** IPv6 ranges likewise. IPv4 inside IPv6 (mapped, NAT64, 6to4) is judged by its IPv4 address instead. */
const v6Ranges: [string, number, string][] = [
  ['::', 128, 'an unspecified address'],
  ['::1', 128, 'a loopback address'],
  ['::', 96, 'an IPv4-compatible address (deprecated)'],
  ['64:ff9b:1::', 48, 'a local NAT64 address'],
  ['100::', 64, 'a discard address'],
  ['2001::', 23, 'a protocol-assignment address (Teredo and others)'],
  ['2001:db8::', 32, 'a documentation address'],
  ['3fff::', 20, 'a documentation address'],
  ['fc00::', 7, 'a private (unique local) address'],
  ['fe80::', 10, 'a link-local address'],
  ['fec0::', 10, 'a site-local address'],
  ['ff00::', 8, 'a multicast address'],
];

/** The eight 16-bit groups of an IPv6 address (a trailing dotted IPv4 part included), or null. */
function v6Groups(address: string): number[] | null {
  if (isIP(address) !== 6) return null;
  let text = address.toLowerCase();
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (dotted) {
    const [a, b, c, d] = dotted[1].split('.').map(Number);
    text = `${text.slice(0, dotted.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head, tail] = text.includes('::') ? text.split('::') : [text, null];
  const h = head ? head.split(':') : [];
  const t = tail ? tail.split(':') : [];
  const groups = tail === null ? h : [...h, ...Array(8 - h.length - t.length).fill('0'), ...t];
  return groups.map((g) => Number.parseInt(g, 16));
}

const v4Of = (hi: number, lo: number) => `${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`;

/**
 * The IPv4 address an IPv6 address stands for, when it carries one: IPv4-mapped (`::ffff:a.b.c.d`),
 * IPv4-translated (`::ffff:0:a.b.c.d`), NAT64 (`64:ff9b::a.b.c.d`) or 6to4 (`2002:AABB:CCDD::`).
 * Connecting to those reaches the IPv4 host, so they are judged as it.
 */
export function embeddedV4(address: string): string | null {
  const g = v6Groups(address);
  if (!g) return null;
  const zeros = (from: number, to: number) => g.slice(from, to).every((x) => x === 0);
  if (zeros(0, 5) && g[5] === 0xffff) return v4Of(g[6], g[7]);
  if (zeros(0, 4) && g[4] === 0xffff && g[5] === 0) return v4Of(g[6], g[7]);
  if (g[0] === 0x64 && g[1] === 0xff9b && zeros(2, 6)) return v4Of(g[6], g[7]);
  if (g[0] === 0x2002) return v4Of(g[1], g[2]);
  return null;
}

export interface AddressPolicy {
  /** Addresses and ranges the operator allows although they are not public. */
  allowed: BlockList;
  /** Host names the operator allows, whatever they resolve to (lower case, no trailing dot). */
  allowedHosts: Set<string>;
  /** The allow list as given, for the startup log. */
  entries: string[];
}

/**
 * Reads an allow list such as `127.0.0.0/8,::1,mail.lan` (RAPPORT_OUTBOUND_ALLOW): addresses,
 * CIDR ranges and host names. A malformed entry stops the start: a typo must not silently leave a
 * mail server unreachable, nor a range wider than meant open.
 */
export function addressPolicy(allow: string | string[] = []): AddressPolicy {
  const entries = (Array.isArray(allow) ? allow : allow.split(',')).map((e) => e.trim()).filter(Boolean);
  const allowed = new BlockList();
  const allowedHosts = new Set<string>();
  for (const entry of entries) {
    const [addr, bits, extra] = entry.split('/');
    const family = isIP(addr.replace(/^\[|\]$/g, ''));
    if (family && extra === undefined) {
      const a = addr.replace(/^\[|\]$/g, '');
      const type = family === 4 ? 'ipv4' : 'ipv6';
      const prefix = bits === undefined ? (family === 4 ? 32 : 128) : Number(bits);
      if (!/^\d{1,3}$/.test(bits ?? '0') || prefix > (family === 4 ? 32 : 128)) {
        throw new Error(`RAPPORT_OUTBOUND_ALLOW: "${entry}" has a bad prefix length`);
      }
      allowed.addSubnet(a, prefix, type);
    } else if (
      bits === undefined &&
      /^(?=.{1,253}$)([a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9])?)(\.[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9])?)*\.?$/i.test(entry)
    ) {
      allowedHosts.add(entry.toLowerCase().replace(/\.$/, ''));
    } else {
      throw new Error(`RAPPORT_OUTBOUND_ALLOW: "${entry}" is neither an address, a CIDR range nor a host name`);
    }
  }
  return { allowed, allowedHosts, entries };
}

const blockedV4 = v4Ranges.map(([net, bits, words]) => {
  const b = new BlockList();
  b.addSubnet(net, bits, 'ipv4');
  return { b, words };
});
const blockedV6 = v6Ranges.map(([net, bits, words]) => {
  const b = new BlockList();
  b.addSubnet(net, bits, 'ipv6');
  return { b, words };
});

/**
 * Why `address` may not be reached, in words ("a loopback address"), or null when it may: a public
 * address, or one the operator allowed. `address` is an IP literal (no brackets).
 */
export function refusal(address: string, policy: AddressPolicy): string | null {
  const family = isIP(address);
  if (!family) return 'not an IP address';
  const v4 = family === 4 ? address : embeddedV4(address);
  if (policy.allowed.check(address, family === 4 ? 'ipv4' : 'ipv6')) return null;
  if (v4 && policy.allowed.check(v4, 'ipv4')) return null;
  if (v4) {
    if (v4 === '255.255.255.255') return 'a broadcast address';
    const hit = blockedV4.find((r) => r.b.check(v4, 'ipv4'));
    return hit ? hit.words : null;
  }
  const hit = blockedV6.find((r) => r.b.check(address, 'ipv6'));
  return hit ? hit.words : null;
}
