/**
 * The content-line layer iCalendar (RFC 5545 §3.1, §3.3.11) and vCard (RFC 6350 §3.2–3.4) share:
 * folding to 75 octets, TEXT escaping and RFC 6868 parameter caret encoding. Pure: imports
 * nothing. Each format keeps its own property grammar on top of this.
 */

export const CRLF = '\r\n';

/** A content line's limit in octets, the continuation's leading space included. */
export const MAX_LINE_OCTETS = 75;

const utf8Length = (cp: number) => (cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4);

/**
 * Folds one content line: physical lines of at most 75 octets joined by CRLF + space (the space
 * counts), breaking between characters, never inside a UTF-8 sequence. No final CRLF.
 */
export function foldLine(line: string): string {
  let out = '';
  let octets = 0;
  for (const ch of line) {
    const n = utf8Length(ch.codePointAt(0)!);
    if (octets + n > MAX_LINE_OCTETS) {
      out += `${CRLF} `;
      octets = 1;
    }
    out += ch;
    octets += n;
  }
  return out;
}

/**
 * TEXT escaping: backslash, comma and any line break (as `\n`) always; the semicolon when
 * `semicolon` (iCalendar TEXT, and a component of a vCard compound value such as N — vCard 4.0
 * plain text has no `\;`, and readers that follow its grammar keep the backslash).
 */
export function escapeText(s: string, { semicolon }: { semicolon: boolean }): string {
  const special = semicolon ? /\r\n|[\\,;\n\r]/g : /\r\n|[\\,\n\r]/g;
  return s.replace(special, (ch) => (ch === '\\' ? '\\\\' : ch === ',' ? '\\,' : ch === ';' ? '\\;' : '\\n'));
}

/** The inverse of escapeText: `\n`/`\N` a newline, any other `\x` the character x (lax writers send `\:`); a lone final backslash stays. */
export function unescapeText(s: string): string {
  return s.replace(/\\([\s\S]?)/g, (_, c: string) => (c === 'n' || c === 'N' ? '\n' : c === '' ? '\\' : c));
}

/** RFC 6868 caret encoding of a parameter value (`^` `^^`, `"` `^'`, a line break `^n`). */
export const encodeCaret = (v: string) => v.replace(/\^/g, '^^').replace(/"/g, "^'").replace(/\r\n|\r|\n/g, '^n');

/** The inverse of encodeCaret; an unknown `^x` stays as written. */
export const decodeCaret = (v: string) => v.replace(/\^(['nN^])/g, (_, c: string) => (c === "'" ? '"' : c === '^' ? '^' : '\n'));
