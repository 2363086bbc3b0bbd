import { DAY_MS, SECOND_MS, formatWallMs, offsetMsAt } from '../time/zones';

/**
 * `instantToWall` for many instants in one zone. Asking Intl for the offset costs ~20 µs, and a
 * 30-day agenda can show thousands of occurrences; offsets change at most once in two days, so
 * one lookup at each end of a UTC day tells whether the whole day has one offset. Only a day
 * with a transition in it falls back to an exact lookup per instant.
 */
export function wallClock(zone: string): (instant: Date) => string {
  const dayOffset = new Map<number, number | null>();
  return (instant) => {
    const ms = instant.getTime();
    const seconds = ms - (((ms % SECOND_MS) + SECOND_MS) % SECOND_MS);
    const day = Math.floor(seconds / DAY_MS);
    let offset = dayOffset.get(day);
    if (offset === undefined) {
      const first = offsetMsAt(day * DAY_MS, zone);
      offset = first === offsetMsAt((day + 1) * DAY_MS - SECOND_MS, zone) ? first : null;
      dayOffset.set(day, offset);
    }
    return formatWallMs(seconds + (offset ?? offsetMsAt(seconds, zone)));
  };
}
