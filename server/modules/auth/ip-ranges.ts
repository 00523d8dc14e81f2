import ipaddr from 'ipaddr.js';

type Range = [ipaddr.IPv4 | ipaddr.IPv6, number];

/**
 * Reads an address or CIDR range as a key's allow-list holds it; null when it is neither. A bare
 * address is its own range (/32, /128). Parsing goes through ipaddr.js, which refuses the odd
 * forms (`010.1`, `2130706433`) that hand-written checks let through.
 */
function parseRange(text: string): Range | null {
  const value = text.trim();
  try {
    const v6 = value.includes(':');
    if (value.includes('/')) {
      const ok = v6 ? ipaddr.IPv6.isValidCIDR(value) : ipaddr.IPv4.isValidCIDRFourPartDecimal(value);
      return ok ? ipaddr.parseCIDR(value) : null;
    }
    if (!(v6 ? ipaddr.IPv6.isValid(value) : ipaddr.IPv4.isValidFourPartDecimal(value))) return null;
    const ip = ipaddr.parse(value);
    return [ip, ip.kind() === 'ipv4' ? 32 : 128];
  } catch {
    return null;
  }
}

/** The canonical text of a range (`10.0.0.0/8`), or null when it is not one. */
export function normaliseRange(text: string) {
  const range = parseRange(text);
  if (!range) return null;
  const [ip, bits] = range;
  // The network address, so that `10.1.2.3/8` is shown and stored as what it means.
  const network =
    ip.kind() === 'ipv4' ? ipaddr.IPv4.networkAddressFromCIDR(`${ip}/${bits}`) : ipaddr.IPv6.networkAddressFromCIDR(`${ip}/${bits}`);
  return `${network.toString()}/${bits}`;
}

/** Whether an address (as Fastify's req.ip gives it) lies in any of the ranges; an IPv4-mapped IPv6 address counts as IPv4. */
export function ipAllowed(address: string, ranges: readonly string[]) {
  if (!ranges.length) return true;
  let ip: ipaddr.IPv4 | ipaddr.IPv6;
  try {
    ip = ipaddr.process(address);
  } catch {
    return false;
  }
  return ranges.some((text) => {
    const range = parseRange(text);
    return range !== null && range[0].kind() === ip.kind() && ip.match(range);
  });
}
