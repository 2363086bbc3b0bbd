// When a sequence's emails go (src/sequences/schedule.ts): calendar days in the inbox zone at
// the wall time of enrollment, whatever the offsets in between.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { anchorOf, emailDueAt } from '../src/sequences/schedule';
import { addDays, offsetMsAt } from '../src/time';

const ZONES = ['UTC', 'Europe/Berlin', 'America/New_York', 'Australia/Sydney', 'Asia/Kolkata', 'Pacific/Chatham', 'America/Sao_Paulo'];
const wallOf = (at: Date, zone: string) => new Date(at.getTime() + offsetMsAt(at.getTime(), zone)).toISOString().slice(0, 19);

describe('sequence schedule', () => {
  it('puts email k on the enrollment date plus the first k delays, at the enrollment wall time', () => {
    fc.assert(fc.property(
      fc.date({ min: new Date('2000-01-01T00:00:00Z'), max: new Date('2100-01-01T00:00:00Z'), noInvalidDate: true }),
      fc.constantFrom(...ZONES),
      fc.array(fc.integer({ min: 0, max: 365 }), { minLength: 1, maxLength: 10 }),
      (enrolled, zone, delays) => {
        const anchor = anchorOf(enrolled, zone);
        expect(anchor).toBe(wallOf(new Date(Math.floor(enrolled.getTime() / 1000) * 1000), zone));
        const emails = delays.map((delay_days) => ({ delay_days }));
        let days = 0;
        let previous = -Infinity;
        for (let k = 1; k <= emails.length; k++) {
          days += delays[k - 1]!;
          const due = emailDueAt(anchor, zone, emails, k);
          const wall = wallOf(due, zone);
          const expected = `${addDays(anchor.slice(0, 10), days)}T${anchor.slice(11)}`;
          // Exactly that wall time, unless a spring-forward gap swallowed it: then it moves
          // forward by the gap (never more than an hour or so), on the same day.
          if (wall !== expected) {
            const shift = Date.parse(`${wall}Z`) - Date.parse(`${expected}Z`);
            expect(shift).toBeGreaterThan(0);
            expect(shift).toBeLessThanOrEqual(2 * 3600_000);
          }
          expect(due.getTime()).toBeGreaterThanOrEqual(previous);
          previous = due.getTime();
        }
      },
    ), { numRuns: 300 });
  });

  it('reads DST as the contract does: a gap moves forward, a repeated hour is the earlier instant', () => {
    // Berlin: 2041-03-31 02:30 does not exist, 2041-10-27 02:30 happens twice.
    expect(emailDueAt('2041-03-30T02:30:00', 'Europe/Berlin', [{ delay_days: 1 }], 1).toISOString()).toBe('2041-03-31T01:30:00.000Z');
    expect(emailDueAt('2041-10-26T02:30:00', 'Europe/Berlin', [{ delay_days: 1 }], 1).toISOString()).toBe('2041-10-27T00:30:00.000Z');
    // Calendar days, not 24-hour days, across the change.
    expect(emailDueAt('2041-03-30T09:00:00', 'Europe/Berlin', [{ delay_days: 0 }, { delay_days: 2 }], 2).toISOString()).toBe('2041-04-01T07:00:00.000Z');
    expect(() => emailDueAt('2041-03-30T09:00:00', 'UTC', [{ delay_days: 1 }], 2)).toThrow(RangeError);
  });
});
