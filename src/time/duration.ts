/**
 * Duration Utils (docs/time.md): ISO 8601 or natural language in, normalised ISO + seconds out.
 *
 * Only fixed-length units are accepted (weeks, days, hours, minutes, seconds; a day is 86,400 s):
 * months and years have no fixed length, so `P1M` / `P1Y` are refused rather than guessed.
 */

export interface ParsedDuration {
  input: string;
  iso: string;
  seconds: number;
  human: string;
}

/**
 * Longest accepted duration. Stored durations feed window queries and reminder arithmetic; a
 * multi-year "duration" is almost always a unit mistake, so anything above 366 days is refused.
 */
export const MAX_DURATION_SECONDS = 366 * 86_400;

const UNIT_SECONDS = { w: 604_800, d: 86_400, h: 3_600, m: 60, s: 1 } as const;
type Unit = keyof typeof UNIT_SECONDS;

const NUM = '(\\d+(?:[.,]\\d+)?)';
const ISO_RE = new RegExp(`^P(?:${NUM}W)?(?:${NUM}D)?(?:T(?:${NUM}H)?(?:${NUM}M)?(?:${NUM}S)?)?$`, 'i');

const UNIT_WORDS: Record<string, Unit> = {
  w: 'w', wk: 'w', wks: 'w', week: 'w', weeks: 'w',
  d: 'd', day: 'd', days: 'd',
  h: 'h', hr: 'h', hrs: 'h', hour: 'h', hours: 'h',
  m: 'm', min: 'm', mins: 'm', minute: 'm', minutes: 'm',
  s: 's', sec: 's', secs: 's', second: 's', seconds: 's',
};

const WORD_NUMBERS: Record<string, number> = {
  a: 1, an: 1, one: 1, two: 2, three: 3, four: 4, five: 5, six: 6, seven: 7, eight: 8, nine: 9,
  ten: 10, eleven: 11, twelve: 12, fifteen: 15, twenty: 20, thirty: 30, forty: 40, 'forty-five': 45,
  fifty: 50, sixty: 60, ninety: 90, half: 0.5,
};

const TERM_RE = /^(\d+(?:[.,]\d+)?|[a-z-]+)\s*([a-z]+)$/;

function num(s: string | undefined): number {
  return s ? Number(s.replace(',', '.')) : 0;
}

function parseIso(text: string): number | null {
  const m = ISO_RE.exec(text);
  // 'P' or 'PT' alone, or a dangling 'T', carry no amount.
  if (!m?.slice(1).some((g) => g !== undefined) || /T$/i.test(text)) return null;
  return num(m[1]) * UNIT_SECONDS.w + num(m[2]) * UNIT_SECONDS.d + num(m[3]) * UNIT_SECONDS.h +
    num(m[4]) * UNIT_SECONDS.m + num(m[5]);
}

/** '1 hour 30 minutes', '90 min', '1h30m', '2 days, 3 hours', 'an hour and a half', '1:30'. */
function parseNatural(text: string): number | null {
  const lower = text.toLowerCase().trim();
  const clock = /^(\d{1,3}):([0-5]\d)(?::([0-5]\d))?$/.exec(lower);
  if (clock) return num(clock[1]) * 3600 + num(clock[2]) * 60 + num(clock[3]);

  // Split glued forms ('1h30m', '45s') into 'amount unit' terms.
  const spaced = lower
    .replace(/(\d)([a-z])/g, '$1 $2')
    .replace(/([a-z])(\d)/g, '$1 $2')
    .replace(/,/g, ' ')
    .replace(/\band a half\b/g, 'and 0.5 half')
    .split(/\s+/)
    .filter((w) => w && w !== 'and');
  if (spaced.length === 0 || spaced.length % 2 !== 0) return null;

  let total = 0;
  let lastUnit: Unit | null = null;
  const seen = new Set<Unit>();
  for (let i = 0; i < spaced.length; i += 2) {
    const term = TERM_RE.exec(`${spaced[i]} ${spaced[i + 1]}`);
    if (!term) return null;
    const [, amountText, unitText] = term as unknown as [string, string, string];
    // 'and a half' refers to the unit before it.
    if (unitText === 'half' && amountText === '0.5') {
      if (!lastUnit) return null;
      total += 0.5 * UNIT_SECONDS[lastUnit];
      continue;
    }
    const amount = /^\d/.test(amountText) ? num(amountText) : WORD_NUMBERS[amountText];
    const unit = UNIT_WORDS[unitText];
    if (amount === undefined || !unit || seen.has(unit)) return null;
    seen.add(unit);
    lastUnit = unit;
    total += amount * UNIT_SECONDS[unit];
  }
  return total;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** Normalised ISO form and English rendering of a positive whole number of seconds. */
export function formatDuration(seconds: number): { iso: string; human: string } {
  if (seconds % UNIT_SECONDS.w === 0) {
    const w = seconds / UNIT_SECONDS.w;
    return { iso: `P${w}W`, human: plural(w, 'week') };
  }
  const d = Math.floor(seconds / UNIT_SECONDS.d);
  let rest = seconds % UNIT_SECONDS.d;
  const h = Math.floor(rest / 3600);
  rest %= 3600;
  const m = Math.floor(rest / 60);
  const s = rest % 60;
  const time = `${h ? `${h}H` : ''}${m ? `${m}M` : ''}${s ? `${s}S` : ''}`;
  const iso = `P${d ? `${d}D` : ''}${time ? `T${time}` : ''}`;
  const human = [
    d ? plural(d, 'day') : '', h ? plural(h, 'hour') : '', m ? plural(m, 'minute') : '', s ? plural(s, 'second') : '',
  ].filter(Boolean).join(' ');
  return { iso, human };
}

/** Null when unparseable, zero, negative, fractional below a second, or above the cap. */
export function parseDuration(input: string): ParsedDuration | null {
  if (typeof input !== 'string') return null;
  const text = input.trim();
  if (!text || text.length > 100) return null;
  const raw = /^P/i.test(text) ? parseIso(text) : parseNatural(text);
  if (raw === null || !Number.isFinite(raw)) return null;
  const seconds = Math.round(raw);
  if (seconds <= 0 || seconds > MAX_DURATION_SECONDS) return null;
  return { input, seconds, ...formatDuration(seconds) };
}
