/**
 * When a sequence's emails go (docs/mail.md): delays are calendar days in the inbox zone at the
 * wall time of enrollment, counted from the previous email's day — so email k goes on the
 * enrollment's local date plus the first k delays, at the enrollment's local time (under the
 * contract's DST policy: a time a spring-forward gap swallows moves forward, a repeated one is
 * the earlier instant). A late scan or a slow send never shifts the later emails.
 */
import type { SequenceEmail } from '../db/schema';
import { DAY_MS, formatWallMs, offsetMsAt, parseWall, wallMsToInstantMs, wallPartsToMs } from '../time';

/** The enrollment's anchor: its wall time in `zone`, to the second. */
export function anchorOf(at: Date, zone: string): string {
  const ms = Math.floor(at.getTime() / 1000) * 1000;
  return formatWallMs(ms + offsetMsAt(ms, zone));
}

/** The instant email `step` (1-based) of `emails` is due, for an enrollment anchored at `anchorLocal` in `zone`. */
export function emailDueAt(anchorLocal: string, zone: string, emails: Pick<SequenceEmail, 'delay_days'>[], step: number): Date {
  const wall = parseWall(anchorLocal);
  if (!wall || step < 1 || step > emails.length) throw new RangeError(`no email ${step} for anchor '${anchorLocal}'`);
  const days = emails.slice(0, step).reduce((sum, e) => sum + e.delay_days, 0);
  return new Date(wallMsToInstantMs(wallPartsToMs(wall) + days * DAY_MS, zone).ms);
}
