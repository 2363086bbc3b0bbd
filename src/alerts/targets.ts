/**
 * Where a webhook may point. A public https URL only: plain http, and hosts that name the
 * machine itself or a private network (loopback, RFC 1918, CGNAT, link-local, unique-local IPv6,
 * `localhost`, `.local`, `.internal`, …), would let an alert probe the deployment's own network.
 * Local development sets ALLOW_PRIVATE_WEBHOOKS=true to post to a receiver on 127.0.0.1.
 *
 * Only literal addresses can be judged here: a public name that resolves to a private address
 * is the platform's concern (Workers' fetch does not reach private networks).
 */

import { mappedIpv4, parseIpv4, parseIpv6 } from '../http/ip';

const PRIVATE_SUFFIXES = ['.localhost', '.local', '.internal', '.localdomain', '.home.arpa', '.lan', '.intranet', '.corp', '.private'];

/** IPv4 ranges that are not the public Internet: [base address, prefix length]. */
const PRIVATE_V4: Array<[string, number]> = [
  ['0.0.0.0', 8], ['10.0.0.0', 8], ['100.64.0.0', 10], ['127.0.0.0', 8], ['169.254.0.0', 16], ['172.16.0.0', 12],
  ['192.0.0.0', 24], ['192.0.2.0', 24], ['192.168.0.0', 16], ['198.18.0.0', 15], ['198.51.100.0', 24],
  ['203.0.113.0', 24], ['224.0.0.0', 4], ['240.0.0.0', 4],
];

function isPrivateV4(n: number): boolean {
  return PRIVATE_V4.some(([base, bits]) => {
    const mask = bits === 0 ? 0 : (~0 << (32 - bits)) >>> 0;
    return ((n & mask) >>> 0) === ((parseIpv4(base)! & mask) >>> 0);
  });
}

function isPrivateV6(g: number[]): boolean {
  const [a, b] = [g[0]!, g[1]!];
  const embeddedV4 = ((g[6]! << 16) >>> 0) + g[7]!;
  if (g.slice(0, 6).every((x) => x === 0)) return true; // ::, ::1, and deprecated IPv4-compatible
  const mapped = mappedIpv4(g);
  if (mapped !== null) return isPrivateV4(mapped); // IPv4-mapped
  if (a === 0x64 && b === 0xff9b && g.slice(2, 6).every((x) => x === 0)) return isPrivateV4(embeddedV4); // NAT64
  if (a === 0x2002) return isPrivateV4(((b << 16) >>> 0) + g[2]!); // 6to4 embeds an IPv4
  if ((a & 0xfe00) === 0xfc00) return true; // fc00::/7 unique local
  if ((a & 0xffc0) === 0xfe80 || (a & 0xffc0) === 0xfec0) return true; // link-local, site-local
  if ((a & 0xff00) === 0xff00) return true; // multicast
  if (a === 0x2001 && b === 0x0db8) return true; // documentation
  if (a === 0x0100 && g.slice(1, 4).every((x) => x === 0)) return true; // discard-only
  return false;
}

/** Whether a URL hostname (as `new URL()` normalises it) names a private or local host. */
export function isPrivateHost(hostname: string): boolean {
  const host = hostname.toLowerCase().replace(/\.$/, '');
  if (host.startsWith('[') && host.endsWith(']')) {
    const groups = parseIpv6(host.slice(1, -1));
    return groups === null || isPrivateV6(groups);
  }
  const v4 = parseIpv4(host);
  if (v4 !== null) return isPrivateV4(v4);
  if (host === 'localhost' || PRIVATE_SUFFIXES.some((s) => host.endsWith(s))) return true;
  // A single-label name resolves only inside some local network.
  return !host.includes('.');
}

/** Why `target` cannot be a webhook URL, or null when it can. */
export function webhookTargetProblem(target: string, allowPrivate: boolean): string | null {
  let url: URL;
  try {
    url = new URL(target);
  } catch {
    return 'must be an absolute https URL';
  }
  if (url.protocol !== 'https:' && !(allowPrivate && url.protocol === 'http:')) {
    return 'must be an https URL';
  }
  if (url.username || url.password) return 'must not carry credentials (user:password@)';
  if (!allowPrivate && isPrivateHost(url.hostname)) {
    return 'must point to a public host (private, loopback and link-local addresses are refused)';
  }
  return null;
}
