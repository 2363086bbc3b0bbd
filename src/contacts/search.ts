/**
 * Contact search: the normalised columns the service writes, and how a `q` is turned into
 * index-friendly conditions over them.
 *
 * - Names: `search_name` is the full name lower-cased, accent-stripped, with every run of
 *   non-alphanumerics collapsed to one space. Postgres derives `name_tsv` from it, so both the
 *   stored words and the query words come out of the same normaliser, and a query word `w`
 *   becomes the prefix term `w:*` (GIN-indexed).
 * - Emails: `search_emails` is every address lower-cased, space-separated (trigram GIN).
 * - Phones: `search_phones` is every number's digits, space-separated (trigram GIN), so
 *   `+1 555 1234`, `(555) 12-34` and `5551234` all meet on `5551234`.
 */
import { sql, type SQL } from 'drizzle-orm';
import type { EmailEntry, PhoneEntry } from '../db/schema/contacts';

// Letters NFKD does not decompose into a base letter plus marks.
const FOLDS: Record<string, string> = {
  ß: 'ss', ẞ: 'ss', æ: 'ae', œ: 'oe', ø: 'o', ł: 'l', đ: 'd', ð: 'd', þ: 'th', ı: 'i', ħ: 'h', ŧ: 't',
};
const FOLD_RE = new RegExp(`[${Object.keys(FOLDS).join('')}]`, 'gu');

/** Lower-case, accents stripped, words separated by single spaces (`José-María` → `jose maria`). */
export function normaliseWords(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .replace(FOLD_RE, (ch) => FOLDS[ch] ?? ch)
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

export const searchNameOf = (fullName: string): string => normaliseWords(fullName);

export const searchEmailsOf = (emails: EmailEntry[]): string =>
  emails.map((e) => e.address.toLowerCase()).join(' ');

export const digitsOf = (s: string): string => s.replace(/\D+/g, '');

export const searchPhonesOf = (phones: PhoneEntry[]): string =>
  phones.map((p) => digitsOf(p.number)).filter(Boolean).join(' ');

/** `%`, `_` and `\` are LIKE wildcards / the escape character: match them literally. */
export function escapeLike(s: string): string {
  return s.replace(/[\\%_]/g, (ch) => `\\${ch}`);
}

// A query that looks like a phone number: digits plus the usual formatting characters only.
// (Requiring the shape keeps `bob1984@…` from matching every phone that contains 1984.)
const PHONE_SHAPED = /^[\d\s+\-()./]+$/;
const MIN_PHONE_DIGITS = 3;

export interface SearchTerms {
  /** `to_tsquery('simple', …)` input: every query word as a prefix term, ANDed. */
  nameQuery: string | null;
  /** ILIKE pattern over `search_emails` (wildcards in q escaped). */
  emailPattern: string | null;
  /** LIKE pattern over `search_phones`. */
  phonePattern: string | null;
}

export function searchTermsOf(q: string): SearchTerms {
  const trimmed = q.trim();
  const words = normaliseWords(trimmed).split(' ').filter(Boolean);
  const digits = digitsOf(trimmed);
  return {
    // Only letters and digits survive normalisation, so no tsquery operator can be injected.
    nameQuery: words.length ? words.map((w) => `${w}:*`).join(' & ') : null,
    // An address never contains whitespace: a q with a space cannot be an email fragment.
    emailPattern: trimmed && !/\s/.test(trimmed) ? `%${escapeLike(trimmed.toLowerCase())}%` : null,
    phonePattern: PHONE_SHAPED.test(trimmed) && digits.length >= MIN_PHONE_DIGITS ? `%${digits}%` : null,
  };
}

/**
 * The `q` condition over a `contacts` row aliased `c`: (name prefix) OR (email substring) OR
 * (phone digits). Each arm has its own GIN index, so the planner can BitmapOr them.
 */
export function searchCondition(q: string | undefined): SQL {
  if (q === undefined || q.trim() === '') return sql`true`;
  const t = searchTermsOf(q);
  const arms: SQL[] = [];
  if (t.nameQuery) arms.push(sql`c.name_tsv @@ to_tsquery('simple', ${t.nameQuery})`);
  if (t.emailPattern) arms.push(sql`c.search_emails ILIKE ${t.emailPattern}`);
  if (t.phonePattern) arms.push(sql`c.search_phones LIKE ${t.phonePattern}`);
  if (arms.length === 0) return sql`false`;
  return sql`(${sql.join(arms, sql` OR `)})`;
}
