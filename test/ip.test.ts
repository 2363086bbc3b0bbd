import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { formatIpv4, mappedIpv4, parseIpv4, parseIpv6 } from '../src/http/ip';

const group = fc.integer({ min: 0, max: 0xffff });
const groups = fc.array(group, { minLength: 8, maxLength: 8 });

/** The longest run of zero groups written as `::` (RFC 5952), or the full form. */
function compress(g: number[]): string {
  const hex = g.map((x) => x.toString(16));
  let best = [-1, 0];
  for (let i = 0; i < 8; i++) {
    let j = i;
    while (j < 8 && g[j] === 0) j++;
    if (j - i > best[1]!) best = [i, j - i];
  }
  if (best[1]! < 2) return hex.join(':');
  return `${hex.slice(0, best[0]).join(':')}::${hex.slice(best[0]! + best[1]!).join(':')}`;
}

describe('IP literals', () => {
  it('IPv4: every address parses back from its dotted form; anything else is refused', () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: 0xffffffff }), (n) => {
      expect(parseIpv4(formatIpv4(n))).toBe(n);
    }), { seed: 7, numRuns: 500 });
    for (const bad of ['256.0.0.1', '1.2.3', '1.2.3.4.5', '1.2.3.-4', 'a.b.c.d', '', ' 1.2.3.4']) expect(parseIpv4(bad), bad).toBeNull();
  });

  it('IPv6: the full, compressed, upper-case and zone-suffixed forms all parse to the same groups', () => {
    fc.assert(fc.property(groups, (g) => {
      for (const text of [g.map((x) => x.toString(16)).join(':'), compress(g), compress(g).toUpperCase(), `${compress(g)}%eth0`]) {
        expect(parseIpv6(text), text).toEqual(g);
      }
    }), { seed: 11, numRuns: 500 });
    for (const bad of ['1::2::3', '1:2:3:4:5:6:7', '1:2:3:4:5:6:7:8:9', '12345::', 'g::', '::1.2.3.256', ':::']) expect(parseIpv6(bad), bad).toBeNull();
  });

  it('an IPv4-mapped address carries its IPv4 address; nothing else does', () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: 0xffffffff }), (n) => {
      expect(mappedIpv4(parseIpv6(`::ffff:${formatIpv4(n)}`)!)).toBe(n);
    }), { seed: 3, numRuns: 200 });
    expect(mappedIpv4(parseIpv6('::1')!)).toBeNull();
    expect(mappedIpv4(parseIpv6('2001:db8::ffff:1:2')!)).toBeNull();
  });
});
