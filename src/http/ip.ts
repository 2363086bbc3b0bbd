/**
 * IP literals, parsed once for everyone who judges an address: the webhook target guard
 * (alerts/targets.ts) and the sign-in throttle's client key (accounts/throttle.ts).
 */

/** A dotted IPv4 literal as a 32-bit unsigned number, or null. */
export function parseIpv4(s: string): number | null {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(s);
  if (!m) return null;
  const parts = m.slice(1).map(Number);
  if (parts.some((p) => p > 255)) return null;
  return ((parts[0]! << 24) >>> 0) + (parts[1]! << 16) + (parts[2]! << 8) + parts[3]!;
}

/** `a.b.c.d` of a 32-bit number. */
export function formatIpv4(n: number): string {
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
}

/**
 * The eight 16-bit groups of an IPv6 literal (no brackets; a `%zone` suffix is ignored; a
 * trailing dotted IPv4 part as in `::ffff:192.0.2.1` is read as two groups), or null.
 */
export function parseIpv6(literal: string): number[] | null {
  let text = literal.split('%')[0]!;
  let tail: number[] = [];
  const lastColon = text.lastIndexOf(':');
  const dotted = text.slice(lastColon + 1);
  if (dotted.includes('.')) {
    const n = parseIpv4(dotted);
    if (n === null) return null;
    tail = [n >>> 16, n & 0xffff];
    text = `${text.slice(0, lastColon + 1)}0:0`; // two placeholder groups, replaced below
  }
  const halves = text.split('::');
  if (halves.length > 2) return null;
  const groups = (h: string) => (h === '' ? [] : h.split(':'));
  const head = groups(halves[0]!);
  const rest = halves.length === 2 ? groups(halves[1]!) : [];
  const missing = 8 - head.length - rest.length;
  // `::` stands for at least one group; without it there must be exactly eight.
  if (halves.length === 2 ? missing < 1 : missing !== 0) return null;
  const all = [...head, ...Array(halves.length === 2 ? missing : 0).fill('0'), ...rest];
  const nums = all.map((g) => (/^[0-9a-f]{1,4}$/i.test(g) ? parseInt(g, 16) : Number.NaN));
  if (nums.some(Number.isNaN) || nums.length !== 8) return null;
  if (tail.length) nums.splice(6, 2, ...tail);
  return nums;
}

/** The IPv4 address an IPv4-mapped IPv6 address (`::ffff:a.b.c.d`) carries, else null. */
export function mappedIpv4(groups: number[]): number | null {
  return groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff ? ((groups[6]! << 16) >>> 0) + groups[7]! : null;
}
