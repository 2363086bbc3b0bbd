/**
 * iCalendar (RFC 5545) content lines: TEXT escaping, parameter values (RFC 6868), folding at 75
 * octets, unfolding (on the bytes, before UTF-8 decoding, so a writer that folded inside a
 * character is still read right; bare LF accepted), properties and the BEGIN/END component
 * tree. Pure; the calendar objects on top are ics.ts's.
 */

import { decodeCaret, encodeCaret, escapeText as escapeContentText } from '../formats/content-lines';

/** A problem in a calendar body: what, on which line, in which UID (when known). */
export class IcsError extends Error {
  constructor(message: string, readonly line: number | null = null, readonly uid: string | null = null) {
    super(message);
  }
}

// ---------------------------------------------------------------------------------------------
// Text

// RFC 5545 TEXT has no escape for control characters other than a line break; they are dropped.
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what it drops
const CONTROL = /[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]/g;

/** A TEXT value (§3.3.11): backslash, semicolon, comma escaped; any line break as `\n`; other controls dropped. */
export const escapeText = (s: string): string => escapeContentText(s.replace(CONTROL, ''), { semicolon: true });

/** A parameter value: RFC 6868 caret encoding, quoted when it holds `; : ,` or was encoded. */
export function paramValue(v: string): string {
  const encoded = encodeCaret(v.replace(CONTROL, ''));
  return /[;:,]/.test(encoded) || encoded !== v || encoded === '' ? `"${encoded}"` : encoded;
}

/** One logical line: the property as written, with the physical line it starts on. */
interface RawLine {
  text: string;
  line: number;
}

const UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * Splits bytes into logical lines: CRLF, LF or CR ends a line, and one followed by a space or
 * tab continues it (the break and that one character removed). Empty lines are skipped.
 */
export function unfoldLines(bytes: Uint8Array): RawLine[] {
  const out: RawLine[] = [];
  let i = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  let physical = 1;
  let parts: Uint8Array[] = [];
  let from = i;
  let startLine = 1;
  const finish = (end: number) => {
    parts.push(bytes.subarray(from, end));
    const length = parts.reduce((n, p) => n + p.length, 0);
    if (length > 0) {
      const joined = parts.length === 1 ? parts[0]! : new Uint8Array(length);
      if (parts.length > 1) {
        let at = 0;
        for (const p of parts) {
          joined.set(p, at);
          at += p.length;
        }
      }
      let text: string;
      try {
        text = UTF8.decode(joined);
      } catch {
        throw new IcsError('is not valid UTF-8', startLine);
      }
      out.push({ text, line: startLine });
    }
    parts = [];
  };
  while (i < bytes.length) {
    const b = bytes[i]!;
    if (b !== 0x0d && b !== 0x0a) {
      i++;
      continue;
    }
    const breakEnd = b === 0x0d && bytes[i + 1] === 0x0a ? i + 2 : i + 1;
    const next = bytes[breakEnd];
    physical++;
    if (next === 0x20 || next === 0x09) {
      parts.push(bytes.subarray(from, i));
      from = breakEnd + 1;
      i = breakEnd + 1;
      continue;
    }
    finish(i);
    from = breakEnd;
    i = breakEnd;
    startLine = physical;
  }
  finish(bytes.length);
  return out;
}

// ---------------------------------------------------------------------------------------------
// Content lines and components

interface Param {
  name: string;
  values: string[];
}

export interface Property {
  name: string;
  params: Param[];
  value: string;
  line: number;
}

/** The first value of a parameter, or null. */
export function param(p: Property, name: string): string | null {
  return p.params.find((x) => x.name === name)?.values[0] ?? null;
}

const NAME = /[A-Za-z0-9-]+/y;
const PARAM_TEXT = /[^";:,]*/y;

function parseProperty(raw: RawLine): Property {
  const s = raw.text;
  const fail = (why: string) => new IcsError(why, raw.line);
  NAME.lastIndex = 0;
  const name = NAME.exec(s)?.[0];
  if (!name) throw fail(`'${s.slice(0, 40)}' is not a content line (NAME[;PARAM=…]:VALUE)`);
  let i = name.length;
  const params: Param[] = [];
  while (s[i] === ';') {
    NAME.lastIndex = i + 1;
    const pname = NAME.exec(s)?.[0];
    if (!pname || s[i + 1 + pname.length] !== '=') throw fail(`${name.toUpperCase()} has a malformed parameter`);
    i += 2 + pname.length;
    const values: string[] = [];
    for (;;) {
      if (s[i] === '"') {
        const close = s.indexOf('"', i + 1);
        if (close < 0) throw fail(`${name.toUpperCase()} has an unterminated quoted parameter value`);
        values.push(decodeCaret(s.slice(i + 1, close)));
        i = close + 1;
      } else {
        PARAM_TEXT.lastIndex = i;
        const text = PARAM_TEXT.exec(s)![0];
        values.push(decodeCaret(text));
        i += text.length;
      }
      if (s[i] !== ',') break;
      i++;
    }
    params.push({ name: pname.toUpperCase(), values });
  }
  if (s[i] !== ':') throw fail(`${name.toUpperCase()} has no ':' before its value`);
  return { name: name.toUpperCase(), params, value: s.slice(i + 1), line: raw.line };
}

export interface Component {
  name: string;
  props: Property[];
  children: Component[];
  line: number;
}

const MAX_DEPTH = 8;

/** The top-level components of a text (BEGIN/END nesting checked). */
export function parseComponents(lines: RawLine[]): Component[] {
  const top: Component[] = [];
  const stack: Component[] = [];
  for (const raw of lines) {
    const p = parseProperty(raw);
    if (p.name === 'BEGIN' || p.name === 'END') {
      const which = p.value.trim().toUpperCase();
      if (!/^[A-Z0-9-]+$/.test(which)) throw new IcsError(`${p.name}:${p.value.slice(0, 40)} names no component`, p.line);
      if (p.name === 'BEGIN') {
        if (stack.length >= MAX_DEPTH) throw new IcsError(`components nest deeper than ${MAX_DEPTH} levels`, p.line);
        const c: Component = { name: which, props: [], children: [], line: p.line };
        (stack.at(-1)?.children ?? top).push(c);
        stack.push(c);
      } else {
        const open = stack.pop();
        if (!open) throw new IcsError(`END:${which} without a BEGIN`, p.line);
        if (open.name !== which) throw new IcsError(`END:${which} does not close BEGIN:${open.name} (line ${open.line})`, p.line);
      }
      continue;
    }
    const current = stack.at(-1);
    if (!current) throw new IcsError(`${p.name} is outside any component`, p.line);
    current.props.push(p);
  }
  const unclosed = stack.at(-1);
  if (unclosed) throw new IcsError(`BEGIN:${unclosed.name} is never closed`, unclosed.line);
  return top;
}

