/**
 * vCard, pure: the writer (4.0, RFC 6350) and the reader (3.0, RFC 2426, and 4.0) of the contact
 * interchange (docs/interchange.md). No database, no HTTP: src/contacts/interchange.ts validates what is
 * read with the contact schemas and writes it through the contact service's paths.
 *
 * The mapping, both ways:
 * - `FN` is `full_name` (read: `FN`, else `N`, else `ORG`); `N` is written for clients that
 *   need it (last word the family name), never read when there is an `FN`.
 * - `EMAIL` / `TEL` carry their `label` as `TYPE`. A label is split at commas into TYPE values;
 *   a value that is a plain lower-case token is written bare, any other (upper case, spaces, the
 *   noise words below) in quotes, RFC 6868-encoded. Reading, a bare value is case-insensitive
 *   (lower-cased) and the noise words (`internet`, `pref`, `voice`, `x400`) are dropped, while a
 *   quoted value is kept verbatim — so every label survives a round trip exactly, and Apple's
 *   `type=WORK;type=pref` still reads as `work`. Apple's grouped `itemN.X-ABLabel` wins over TYPE.
 * - Anniversaries, in the contact's order: the first `birthday` is `BDAY`, the first `anniversary`
 *   or `wedding` is `ANNIVERSARY` (a wedding with `TYPE=wedding`), every other one
 *   `X-ANNIVERSARY;TYPE=<type>`. Dates are written in the basic format (`19900714`), year-less
 *   ones as `--MMDD`. Read: `YYYYMMDD`, `YYYY-MM-DD`, `--MMDD`, `--MM-DD`, a date-time's date,
 *   Apple's `X-APPLE-OMIT-YEAR` and year `0000` as year-less; `X-ABDATE` (its label as the type)
 *   and `X-EVOLUTION-ANNIVERSARY` too. A `VALUE=text` date is free text and is ignored.
 * - `NOTE` is `notes` (several are joined by a newline). vCard has no carriage return: CR LF and
 *   CR in text are written as a newline.
 * - `UID` is written as a URI (the 4.0 default) unless it needs escaping (`VALUE=text`); read as
 *   text in 3.0 and with `VALUE=text`, verbatim otherwise.
 * Text is escaped as RFC 6350's grammar has it (see `escapeText`).
 * Lines are CRLF, folded at 75 octets on UTF-8 character boundaries. Unfolding accepts CRLF, LF
 * or CR, continuation lines starting with a space or a tab, and quoted-printable soft line
 * breaks (`ENCODING=QUOTED-PRINTABLE`, seen in 3.0 files from older exporters; `CHARSET` honoured).
 * Unknown properties and parameters are ignored. A card with `KIND:group` (or Apple's
 * `X-ADDRESSBOOKSERVER-KIND:group`) is read as a group, which the import skips.
 */
import { parseAnniversaryDate } from '../time/anniversaries';
import { hexEscapedBytes } from '../formats/hex-escapes';
import { CRLF, decodeCaret, encodeCaret, escapeText as escapeContentText, foldLine, unescapeText } from '../formats/content-lines';

export type CardEmail = { label: string | null; address: string };
export type CardPhone = { label: string | null; number: string };
export type CardAnniversary = { type: string; date: string };

/** The contact fields a card carries (the contact's own shape, as stored). */
export interface CardFields {
  full_name: string;
  emails: CardEmail[];
  phones: CardPhone[];
  notes: string | null;
  anniversaries: CardAnniversary[];
}

export interface CardOut extends CardFields {
  uid: string;
}

/** TYPE values that say nothing a label should keep (dropped when bare). */
const NOISE_TYPES = new Set(['internet', 'pref', 'voice', 'x400']);
const BARE_TYPE = /^[a-z0-9_-]+$/;

// ── Writing ──────────────────────────────────────────────────────────────────────────────────

/**
 * TEXT value escaping (RFC 6350 §3.4): backslash, comma and line breaks always; a semicolon only
 * in a component of a compound value (`N`) — RFC 6350's grammar has no `\;` in a plain text
 * value, and readers that follow it (ical.js) would keep the backslash. Our reader unescapes
 * `\;` anywhere (3.0 requires it everywhere).
 */
export const escapeText = (s: string, compound = false): string => escapeContentText(s, { semicolon: compound });

/** A parameter value: bare when it is a plain token, else quoted with RFC 6868 caret encoding. */
function paramValue(v: string): string {
  if (BARE_TYPE.test(v) && !NOISE_TYPES.has(v)) return v;
  return `"${encodeCaret(v)}"`;
}

const typeParam = (label: string | null) => (label === null ? '' : `;TYPE=${label.split(',').map(paramValue).join(',')}`);

/** `YYYY-MM-DD` → `YYYYMMDD`, `--MM-DD` → `--MMDD` (the forms RFC 6350 §4.3.1 shows). */
function cardDate(date: string): string {
  return date.startsWith('--') ? `--${date.slice(2).replace('-', '')}` : date.replace(/-/g, '');
}

/** `N` from a full name: the last word is the family name, the rest the given names. */
function nameParts(fullName: string): string[] {
  const words = fullName.trim().split(/\s+/);
  const family = words.length > 1 ? words.pop()! : '';
  return [family, words.join(' '), '', '', ''];
}

const needsTextEscape = (s: string) => /[\\,\r\n]/.test(s);

/** One vCard 4.0, CRLF line breaks, folded. */
export function writeCard(card: CardOut): string {
  const lines = ['BEGIN:VCARD', 'VERSION:4.0'];
  lines.push(needsTextEscape(card.uid) ? `UID;VALUE=text:${escapeText(card.uid)}` : `UID:${card.uid}`);
  lines.push(`FN:${escapeText(card.full_name)}`);
  lines.push(`N:${nameParts(card.full_name).map((part) => escapeText(part, true)).join(';')}`);
  for (const e of card.emails) lines.push(`EMAIL${typeParam(e.label)}:${escapeText(e.address)}`);
  // TEL's default value type is text in RFC 6350 but a URI in some readers: say it.
  for (const p of card.phones) lines.push(`TEL;VALUE=text${typeParam(p.label)}:${escapeText(p.number)}`);
  let birthday = false;
  let anniversary = false;
  for (const a of card.anniversaries) {
    const value = cardDate(a.date);
    if (a.type === 'birthday' && !birthday) {
      birthday = true;
      lines.push(`BDAY:${value}`);
    } else if ((a.type === 'anniversary' || a.type === 'wedding') && !anniversary) {
      anniversary = true;
      lines.push(`ANNIVERSARY${a.type === 'wedding' ? ';TYPE=wedding' : ''}:${value}`);
    } else {
      lines.push(`X-ANNIVERSARY;TYPE=${paramValue(a.type)}:${value}`);
    }
  }
  if (card.notes !== null) lines.push(`NOTE:${escapeText(card.notes)}`);
  lines.push('END:VCARD');
  return lines.map(foldLine).join(CRLF) + CRLF;
}

export function writeCards(cards: Iterable<CardOut>): string {
  let out = '';
  for (const c of cards) out += writeCard(c);
  return out;
}

// ── Reading ──────────────────────────────────────────────────────────────────────────────────

export interface ParsedCard {
  /** Zero-based position in the body. */
  index: number;
  /** The line of its BEGIN:VCARD. */
  line: number;
  version: '3.0' | '4.0';
  uid: string | null;
  kind: 'individual' | 'group';
  fields: CardFields;
  /** Where each field came from, for error messages: `full_name`, `emails.0`, … → `EMAIL (line 12)`. */
  sources: Record<string, string>;
}

/** Something wrong with the body or a card: `path` is relative to the card (`emails.0.address`), '' for the card itself. */
export interface CardFault {
  /** The card's index; null for the body as a whole. */
  card: number | null;
  uid: string | null;
  path: string;
  message: string;
}

export interface ParseResult {
  cards: ParsedCard[];
  faults: CardFault[];
}

interface ParamValue {
  text: string;
  quoted: boolean;
}
interface Param {
  name: string;
  values: ParamValue[];
}
interface Property {
  group: string | null;
  /** Upper-cased. */
  name: string;
  params: Param[];
  value: string;
  line: number;
}
interface LogicalLine {
  text: string;
  line: number;
}

const isQuotedPrintable = (text: string) => {
  const colon = headEnd(text);
  return colon > 0 && /QUOTED-PRINTABLE/i.test(text.slice(0, colon));
};

/** Where the name-and-parameters part of a content line ends (its first `:` outside quotes), or -1. */
function headEnd(text: string): number {
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === '"') quoted = !quoted;
    else if (ch === ':' && !quoted) return i;
  }
  return -1;
}

/**
 * Physical lines to logical ones: a line starting with a space or a tab continues the one
 * before (RFC 6350 §3.2); a quoted-printable value ending in `=` continues on the next line.
 */
export function unfold(text: string): LogicalLine[] {
  const physical = text.replace(/^\ufeff/, '').split(/\r\n|\n|\r/);
  const out: LogicalLine[] = [];
  let current: LogicalLine | null = null;
  for (let i = 0; i < physical.length; i++) {
    const line = physical[i]!;
    if (current && (line.startsWith(' ') || line.startsWith('\t'))) {
      current.text += line.slice(1);
      continue;
    }
    if (current?.text.endsWith('=') && isQuotedPrintable(current.text)) {
      current.text = current.text.slice(0, -1) + line;
      continue;
    }
    if (current) out.push(current);
    current = line === '' ? null : { text: line, line: i + 1 };
  }
  if (current) out.push(current);
  return out;
}

/** RFC 6868: `^^` → `^`, `^n` → newline, `^'` → `"`. */

const NAME_RE = /^(?:([A-Za-z0-9-]+)\.)?([A-Za-z0-9-]+)$/;

/** One content line: `[group.]name *(;param[=value *(,value)]) : value`. Null when it is not one. */
function parseContentLine(l: LogicalLine): Property | null {
  const text = l.text;
  const colon = headEnd(text);
  if (colon < 0) return null;
  const head = text.slice(0, colon);
  const value = text.slice(colon + 1);
  const firstSemi = head.indexOf(';');
  const nameText = firstSemi < 0 ? head : head.slice(0, firstSemi);
  const m = NAME_RE.exec(nameText);
  if (!m) return null;
  const params: Param[] = [];
  let i = firstSemi < 0 ? head.length : firstSemi;
  while (i < head.length) {
    // at a ';'
    i++;
    let name = '';
    while (i < head.length && head[i] !== '=' && head[i] !== ';') name += head[i++];
    if (!/^[A-Za-z0-9-]+$/.test(name)) return null;
    const upper = name.toUpperCase();
    if (head[i] !== '=') {
      // A bare parameter (2.1 style, still written by some 3.0 exporters): `;WORK`, `;QUOTED-PRINTABLE`.
      const isEncoding = ['QUOTED-PRINTABLE', 'BASE64', 'B', '8BIT'].includes(upper);
      params.push({ name: isEncoding ? 'ENCODING' : 'TYPE', values: [{ text: name, quoted: false }] });
      continue;
    }
    i++; // '='
    const values: ParamValue[] = [];
    for (;;) {
      if (head[i] === '"') {
        const close = head.indexOf('"', i + 1);
        if (close < 0) return null;
        values.push({ text: decodeCaret(head.slice(i + 1, close)), quoted: true });
        i = close + 1;
      } else {
        let v = '';
        while (i < head.length && head[i] !== ',' && head[i] !== ';') v += head[i++];
        if (v.includes('"')) return null;
        values.push({ text: decodeCaret(v), quoted: false });
      }
      if (head[i] === ',') {
        i++;
        continue;
      }
      break;
    }
    if (i < head.length && head[i] !== ';') return null;
    params.push({ name: upper, values });
  }
  return { group: m[1] ? m[1].toLowerCase() : null, name: m[2]!.toUpperCase(), params, value, line: l.line };
}

const paramTexts = (p: Property, name: string): string[] =>
  p.params.filter((x) => x.name === name).flatMap((x) => x.values.map((v) => v.text));

const paramFirst = (p: Property, name: string): string | undefined => paramTexts(p, name)[0];

/**
 * The label a property's TYPE parameters say: quoted values verbatim, bare ones lower-cased
 * without the noise words (a quoted value holding commas is a list, as in RFC 6350's
 * `TYPE="voice,home"`). Null when nothing is left.
 */
function typeSegments(p: Property): string[] {
  const out: string[] = [];
  for (const param of p.params) {
    if (param.name !== 'TYPE') continue;
    for (const v of param.values) {
      if (v.quoted && !v.text.includes(',')) {
        out.push(v.text);
        continue;
      }
      for (const piece of v.text.split(',')) {
        const t = piece.trim().toLowerCase();
        if (t && !NOISE_TYPES.has(t)) out.push(t);
      }
    }
  }
  return out;
}

/** Splits at every `sep` not escaped by a backslash; the parts stay escaped. */
function splitEscaped(s: string, sep: string): string[] {
  const parts: string[] = [];
  let cur = '';
  for (let i = 0; i < s.length; i++) {
    const ch = s[i]!;
    if (ch === '\\' && i + 1 < s.length) {
      cur += ch + s[i + 1];
      i++;
    } else if (ch === sep) {
      parts.push(cur);
      cur = '';
    } else {
      cur += ch;
    }
  }
  parts.push(cur);
  return parts;
}

class FieldFault extends Error {}

function decodeBytes(bytes: Uint8Array, charset: string | undefined): string {
  try {
    return new TextDecoder(charset ?? 'utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch (e) {
    throw new FieldFault(e instanceof RangeError ? `CHARSET ${charset} is not supported` : `the value is not valid ${charset ?? 'UTF-8'}`);
  }
}

const quotedPrintable = (s: string): Uint8Array => hexEscapedBytes(s, '=');

/** The value with its ENCODING undone (still escaped as TEXT). */
function rawValue(p: Property): string {
  const decoded = decodedValue(p);
  // The body was checked for NUL; a decoded value may still hold one (`=00`).
  if (decoded.includes('\0')) throw new FieldFault('must not contain NUL characters');
  return decoded;
}

function decodedValue(p: Property): string {
  const encoding = paramFirst(p, 'ENCODING')?.toUpperCase();
  const charset = paramFirst(p, 'CHARSET');
  if (encoding === 'QUOTED-PRINTABLE') return decodeBytes(quotedPrintable(p.value), charset);
  if (encoding === 'B' || encoding === 'BASE64') {
    let bin: string;
    try {
      bin = atob(p.value.replace(/\s+/g, ''));
    } catch {
      throw new FieldFault('the value is not valid base64');
    }
    return decodeBytes(Uint8Array.from(bin, (c) => c.charCodeAt(0)), charset);
  }
  if (encoding !== undefined && encoding !== '8BIT') throw new FieldFault(`ENCODING ${encoding} is not supported`);
  return p.value;
}

const textValue = (p: Property) => unescapeText(rawValue(p));

/** Apple's label of a grouped property: `_$!<Mobile>!$_` is the built-in `mobile`, anything else verbatim. */
function appleLabel(raw: string): string {
  const builtIn = /^_\$!<(.*)>!\$_$/.exec(raw.trim());
  return builtIn ? builtIn[1]!.toLowerCase() : raw.trim();
}

/** A free-form label as an anniversary type (`Graduation Day` → `graduation_day`), or null. */
export function anniversaryTypeOf(label: string): string | null {
  const lower = label.trim().toLowerCase();
  if (/^[a-z0-9_-]{1,40}$/.test(lower)) return lower;
  const slug = label.normalize('NFKD').replace(/\p{M}+/gu, '').toLowerCase()
    .replace(/[^a-z0-9_-]+/g, '_').replace(/^_+|_+$/g, '').slice(0, 40).replace(/_+$/, '');
  return slug === '' ? null : slug;
}

const DATE_FORMS = 'YYYYMMDD, YYYY-MM-DD, --MMDD or --MM-DD';

/**
 * A vCard date (3.0 or 4.0) as the contact stores it: `YYYY-MM-DD`, or `--MM-DD` without a
 * year. A date-time keeps its date. Year `0000`, or the year Apple names in
 * `X-APPLE-OMIT-YEAR`, means the year is unknown. Null when it is not a real date.
 */
export function parseCardDate(raw: string, omitYear?: string): string | null {
  const v = raw.trim().split('T')[0]!;
  let out: string | null = null;
  const full = /^(\d{4})(-?)(\d{2})\2(\d{2})$/.exec(v);
  const noYear = /^--(\d{2})-?(\d{2})$/.exec(v);
  if (full) {
    const [, y, , m, d] = full;
    out = y === '0000' || y === omitYear ? `--${m}-${d}` : `${y}-${m}-${d}`;
  } else if (noYear) {
    out = `--${noYear[1]}-${noYear[2]}`;
  }
  return out !== null && parseAnniversaryDate(out) !== null ? out : null;
}

/** The date properties read, with the type each stands for (X-ABDATE: its label's). */
const DATE_PROPS = new Map<string, string>([
  ['BDAY', 'birthday'],
  ['ANNIVERSARY', 'anniversary'],
  ['X-ANNIVERSARY', 'anniversary'],
  ['X-EVOLUTION-ANNIVERSARY', 'anniversary'],
  ['X-ABDATE', 'anniversary'],
]);

const MAX_UID_LENGTH = 255;

/** Reads one card's properties (between BEGIN and END). */
function readCard(index: number, beginLine: number, props: Property[], faults: CardFault[]): ParsedCard | null {
  const local: { path: string; message: string }[] = [];
  const at = (p: Property) => `${p.name} (line ${p.line})`;
  const versionProp = props.find((p) => p.name === 'VERSION');
  const version = versionProp?.value.trim();
  let uid: string | null = null;
  const uidProp = props.find((p) => p.name === 'UID');
  const flush = () => {
    for (const f of local) faults.push({ card: index, uid, ...f });
  };
  if (uidProp) {
    try {
      // 4.0's UID is a URI unless VALUE=text says otherwise; 3.0's is text.
      const isText = version !== '4.0' || paramFirst(uidProp, 'VALUE')?.toLowerCase() === 'text';
      const value = (isText ? textValue(uidProp) : rawValue(uidProp)).trim();
      // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what it refuses
      if (value.length === 0 || value.length > MAX_UID_LENGTH || /[\u0000-\u001f\u007f]/.test(value)) {
        local.push({ path: 'uid', message: `${at(uidProp)}: must be 1–${MAX_UID_LENGTH} characters without control characters` });
      } else {
        uid = value;
      }
    } catch (e) {
      if (!(e instanceof FieldFault)) throw e;
      local.push({ path: 'uid', message: `${at(uidProp)}: ${e.message}` });
    }
  }
  if (version !== '3.0' && version !== '4.0') {
    local.push({
      path: 'version',
      message: version === undefined
        ? `the card (line ${beginLine}) has no VERSION (3.0 or 4.0)`
        : `${at(versionProp!)}: version ${version} is not supported (send 3.0 or 4.0)`,
    });
    flush();
    return null;
  }

  const groupLabels = new Map<string, string>();
  for (const p of props) {
    if (p.name === 'X-ABLABEL' && p.group) {
      try {
        groupLabels.set(p.group, appleLabel(textValue(p)));
      } catch {
        /* a label that does not decode is no label */
      }
    }
  }
  const labelOf = (p: Property): string | null => {
    const apple = p.group ? groupLabels.get(p.group) : undefined;
    if (apple) return apple;
    const segments = typeSegments(p);
    return segments.length ? segments.join(',') : null;
  };

  const fields: CardFields = { full_name: '', emails: [], phones: [], notes: null, anniversaries: [] };
  const sources: Record<string, string> = {};
  let fn: { value: string; source: string } | null = null;
  let fromN: { value: string; source: string } | null = null;
  let fromOrg: { value: string; source: string } | null = null;
  const notes: string[] = [];
  let kind: ParsedCard['kind'] = 'individual';

  for (const p of props) {
    try {
      switch (p.name) {
        case 'FN':
          if (!fn) fn = { value: textValue(p), source: at(p) };
          break;
        case 'N':
          if (!fromN) {
            const [family = '', given = '', additional = '', prefix = '', suffix = ''] = splitEscaped(rawValue(p), ';')
              .map((part) => splitEscaped(part, ',').map(unescapeText).join(' ').trim());
            const value = [prefix, given, additional, family, suffix].filter(Boolean).join(' ');
            if (value) fromN = { value, source: at(p) };
          }
          break;
        case 'ORG':
          if (!fromOrg) {
            const value = unescapeText(splitEscaped(rawValue(p), ';')[0] ?? '').trim();
            if (value) fromOrg = { value, source: at(p) };
          }
          break;
        case 'EMAIL': {
          const address = textValue(p).trim();
          if (address === '') break; // an empty EMAIL carries nothing
          sources[`emails.${fields.emails.length}`] = at(p);
          fields.emails.push({ label: labelOf(p), address });
          break;
        }
        case 'TEL': {
          // A `tel:` URI (4.0's SHOULD) loses its scheme; VALUE=text says it is text whatever it starts with.
          const valueType = paramFirst(p, 'VALUE')?.toLowerCase();
          const isUri = valueType === 'uri' || (valueType === undefined && /^tel:/i.test(p.value.trim()));
          const number = (isUri ? rawValue(p).trim().replace(/^tel:/i, '') : textValue(p)).trim();
          if (number === '') break;
          sources[`phones.${fields.phones.length}`] = at(p);
          fields.phones.push({ label: labelOf(p), number });
          break;
        }
        case 'NOTE':
          notes.push(textValue(p));
          break;
        case 'KIND':
        case 'X-ADDRESSBOOKSERVER-KIND':
          if (textValue(p).trim().toLowerCase() === 'group') kind = 'group';
          break;
        default: {
          const standsFor = DATE_PROPS.get(p.name);
          if (standsFor === undefined) break;
          if (paramFirst(p, 'VALUE')?.toLowerCase() === 'text') break; // free text, not a date
          const raw = textValue(p).trim();
          if (raw === '') break;
          let type: string;
          if (p.name === 'BDAY') {
            type = 'birthday';
          } else if (p.name === 'X-ABDATE') {
            const label = p.group ? groupLabels.get(p.group) : undefined;
            type = (label && anniversaryTypeOf(label)) || standsFor;
          } else {
            const segment = typeSegments(p)[0];
            type = (segment && anniversaryTypeOf(segment)) || standsFor;
          }
          const position = fields.anniversaries.length;
          const date = parseCardDate(raw, paramFirst(p, 'X-APPLE-OMIT-YEAR'));
          sources[`anniversaries.${position}`] = at(p);
          if (date === null) {
            local.push({ path: `anniversaries.${position}.date`, message: `${at(p)}: '${raw}' must be a real date (${DATE_FORMS})` });
          }
          fields.anniversaries.push({ type, date: date ?? raw });
        }
      }
    } catch (e) {
      if (!(e instanceof FieldFault)) throw e;
      local.push({ path: '', message: `${at(p)}: ${e.message}` });
    }
  }

  const name = fn ?? fromN ?? fromOrg;
  if (name) {
    fields.full_name = name.value;
    sources.full_name = name.source;
  } else {
    local.push({ path: 'full_name', message: `the card (line ${beginLine}) has no name (FN, N or ORG)` });
  }
  if (notes.length) {
    fields.notes = notes.join('\n');
    sources.notes = at(props.find((p) => p.name === 'NOTE')!);
  }
  flush();
  return { index, line: beginLine, version, uid, kind, fields, sources };
}

/**
 * Every card of a body (3.0 or 4.0, any number), with every fault found: a body with faults
 * must not be imported at all, so reading goes on to find them all.
 */
export function parseVCards(text: string): ParseResult {
  const cards: ParsedCard[] = [];
  const faults: CardFault[] = [];
  // Postgres text cannot hold NUL: refuse it once, for the whole body.
  if (text.includes('\0')) return { cards, faults: [{ card: null, uid: null, path: '', message: 'the body must not contain NUL characters' }] };
  let open: { line: number; props: Property[] } | null = null;
  let count = 0;
  for (const l of unfold(text)) {
    if (l.text.trim() === '') continue;
    const p = parseContentLine(l);
    if (!p) {
      faults.push({ card: open ? count : null, uid: null, path: '', message: `line ${l.line} is not a content line (NAME;PARAM=…:value)` });
      continue;
    }
    const marker = p.value.trim().toUpperCase();
    if (p.name === 'BEGIN' && marker === 'VCARD') {
      if (open) {
        faults.push({ card: count, uid: null, path: '', message: `line ${l.line}: BEGIN:VCARD inside the card begun on line ${open.line} (nested cards are not supported)` });
        continue;
      }
      open = { line: l.line, props: [] };
    } else if (p.name === 'END' && marker === 'VCARD') {
      if (!open) {
        faults.push({ card: null, uid: null, path: '', message: `line ${l.line}: END:VCARD without BEGIN:VCARD` });
        continue;
      }
      const card = readCard(count, open.line, open.props, faults);
      if (card) cards.push(card);
      count++;
      open = null;
    } else if (open) {
      open.props.push(p);
    } else {
      faults.push({ card: null, uid: null, path: '', message: `line ${l.line}: ${p.name} outside a card (BEGIN:VCARD … END:VCARD)` });
    }
  }
  if (open) faults.push({ card: count, uid: null, path: '', message: `the card begun on line ${open.line} has no END:VCARD` });
  if (count === 0 && faults.length === 0) faults.push({ card: null, uid: null, path: '', message: 'no vCard in the body (BEGIN:VCARD … END:VCARD)' });
  return { cards, faults };
}
