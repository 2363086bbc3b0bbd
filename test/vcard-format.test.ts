// The vCard writer and reader (src/contacts/vcard.ts): whatever contact is written, it reads
// back as itself; lines are folded at 75 octets on character boundaries; text escaping holds;
// and the cards other writers produce (3.0 and 4.0, Apple, Google) read as expected.
import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import {
  escapeText, parseCardDate, parseVCards, unfold, writeCard, writeCards,
  type CardOut,
} from '../src/contacts/vcard';
import { foldLine, MAX_LINE_OCTETS, unescapeText } from '../src/formats/content-lines';

const encoder = new TextEncoder();
const octets = (s: string) => encoder.encode(s).length;

// Characters that stress escaping, quoting and folding: the escaped ones, parameter syntax,
// RFC 6868's caret, multi-byte UTF-8 (2, 3 and 4 octets), tabs.
const trickyUnit = fc.constantFrom('a', 'Z', ' ', ',', ';', '\\', '\n', ':', '"', '^', '=', 'é', '中', '😀', '\t', 'n');
// Any text a contact can hold, except CR (vCard has none; tested apart) and NUL (Postgres).
const anyText = fc.oneof(
  // `size` lets lengths reach the maximum often enough for lines to fold.
  fc.string({ unit: trickyUnit, maxLength: 120, size: 'medium' }),
  fc.string({ unit: 'binary', maxLength: 120, size: 'medium' }),
).map((s) => s.replace(/[\r\0]/g, ''));
const trimmed = anyText.map((s) => s.trim()).filter((s) => s.length > 0);
const label = fc.option(trimmed, { nil: null });
const realDate = fc.record({ y: fc.integer({ min: 1, max: 9999 }), m: fc.integer({ min: 1, max: 12 }), d: fc.integer({ min: 1, max: 31 }) })
  .filter(({ y, m, d }) => new Date(Date.UTC(2000, m - 1, d)).getUTCDate() === d && (m !== 2 || d !== 29 || (y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0))))
  .map(({ y, m, d }) => `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`);
const yearless = fc.record({ m: fc.integer({ min: 1, max: 12 }), d: fc.integer({ min: 1, max: 31 }) })
  .filter(({ m, d }) => new Date(Date.UTC(2000, m - 1, d)).getUTCDate() === d)
  .map(({ m, d }) => `--${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`);
const annType = fc.oneof(
  fc.constantFrom('birthday', 'wedding', 'anniversary', 'nameday', 'pref', 'voice', 'x400', 'internet'),
  fc.stringMatching(/^[a-z0-9_-]{1,40}$/),
);
const uid = fc.oneof(
  fc.uuid().map((u) => `urn:uuid:${u}`),
  fc.string({ unit: fc.constantFrom('a', '1', ',', ';', '\\', ':', 'é', '😀', ' ', '"'), minLength: 1, maxLength: 60 }),
  fc.string({ unit: 'binary', minLength: 1, maxLength: 60 }),
  // biome-ignore lint/suspicious/noControlCharactersInRegex: a UID holds none (the reader refuses them)
).map((s) => s.replace(/[\u0000-\u001f\u007f]/g, '').trim()).filter((s) => s.length > 0 && s.length <= 255);

const contact: fc.Arbitrary<CardOut> = fc.record({
  uid,
  full_name: trimmed,
  emails: fc.array(fc.record({ label, address: trimmed }), { maxLength: 4 }),
  phones: fc.array(fc.record({ label, number: trimmed }), { maxLength: 4 }),
  notes: fc.option(anyText, { nil: null }),
  anniversaries: fc.array(fc.record({ type: annType, date: fc.oneof(realDate, yearless) }), { maxLength: 6 }),
});

const readBack = (text: string) => {
  const { cards, faults } = parseVCards(text);
  expect(faults).toEqual([]);
  return cards.map((c) => ({ uid: c.uid, ...c.fields }));
};

describe('vcard: round trips (contact → card → contact)', () => {
  it('every contact reads back as itself: labels, year-less dates, anniversary order, escapes', () => {
    fc.assert(fc.property(contact, (c) => {
      expect(readBack(writeCard(c))).toEqual([c]);
    }), { numRuns: 1000 });
  });

  it('many cards in one body read back in order', () => {
    fc.assert(fc.property(fc.array(contact, { minLength: 1, maxLength: 6 }), (list) => {
      expect(readBack(writeCards(list))).toEqual(list);
    }), { numRuns: 200 });
  });

  it('every physical line is CRLF-terminated and at most 75 octets; unfolding restores the content line', () => {
    fc.assert(fc.property(contact, (c) => {
      const text = writeCard(c);
      expect(text.endsWith('\r\n')).toBe(true);
      const physical = text.slice(0, -2).split('\r\n');
      for (const line of physical) {
        expect(line).not.toMatch(/[\r\n]/);
        expect(octets(line)).toBeLessThanOrEqual(MAX_LINE_OCTETS);
      }
      expect(unfold(text).map((l) => l.text)).toEqual(text.slice(0, -2).replace(/\r\n[ ]/g, '').split('\r\n'));
    }), { numRuns: 300 });
  });

  it('folding splits only between characters (no UTF-8 sequence or surrogate pair is cut)', () => {
    const line = fc.string({ unit: fc.constantFrom('a', 'é', '中', '😀', '𝄞'), minLength: 0, maxLength: 300, size: 'max' }).map((s) => `NOTE:${s}`);
    fc.assert(fc.property(line, (l) => {
      const parts = foldLine(l).split('\r\n');
      parts.forEach((p, i) => {
        expect(octets(p)).toBeLessThanOrEqual(MAX_LINE_OCTETS);
        if (i > 0) expect(p.startsWith(' ')).toBe(true);
        // A lone surrogate would not survive UTF-8 encoding unchanged.
        expect(new TextDecoder().decode(encoder.encode(p))).toBe(p);
      });
      // Full lines are used: a break happens only when the next character would not fit.
      parts.slice(0, -1).forEach((p, i) => {
        const next = [...parts[i + 1]!.slice(1)][0];
        if (next !== undefined) expect(octets(p) + octets(next)).toBeGreaterThan(MAX_LINE_OCTETS);
      });
      expect(parts.map((p, i) => (i === 0 ? p : p.slice(1))).join('')).toBe(l);
    }), { numRuns: 500 });
  });

  it('text escaping: backslash, comma and newline always, semicolon in compound components; all unescape back', () => {
    fc.assert(fc.property(anyText, (s) => {
      const plain = escapeText(s);
      const compound = escapeText(s, true);
      expect(plain).not.toMatch(/\n/);
      expect(compound).not.toMatch(/\n/);
      // Once every escape pair is removed, no backslash, comma (or, in a component, semicolon) is left.
      expect(plain.replace(/\\[\\,n]/g, '')).not.toMatch(/[\\,]/);
      expect(compound.replace(/\\[\\,;n]/g, '')).not.toMatch(/[\\,;]/);
      expect(unescapeText(plain)).toBe(s);
      expect(unescapeText(compound)).toBe(s);
    }), { numRuns: 1000 });
    expect(escapeText('a\\b,c;d\ne')).toBe('a\\\\b\\,c;d\\ne');
    expect(escapeText('a\\b,c;d\ne', true)).toBe('a\\\\b\\,c\\;d\\ne');
    // 3.0 escapes semicolons in plain text too: read either way.
    expect(unescapeText('a\\;b')).toBe('a;b');
  });

  it('a carriage return becomes a newline (vCard has no CR)', () => {
    const [card] = readBack(writeCard({ uid: 'u1', full_name: 'A', emails: [], phones: [], notes: 'one\r\ntwo\rthree', anniversaries: [] }));
    expect(card!.notes).toBe('one\ntwo\nthree');
  });
});

describe('vcard: what is written', () => {
  const alice: CardOut = {
    uid: 'ctc_1',
    full_name: 'Alice B. Smith',
    emails: [{ label: 'work', address: 'alice@example.com' }, { label: null, address: 'a@home.test' }, { label: 'Home Office', address: 'x@y.test' }],
    phones: [{ label: 'mobile', number: '+1 555 1234' }],
    notes: 'Met at the conference; said hi, twice.\nSecond line.',
    anniversaries: [
      { type: 'nameday', date: '--12-06' }, { type: 'birthday', date: '1990-07-14' }, { type: 'wedding', date: '2015-06-20' },
      { type: 'birthday', date: '--01-02' }, { type: 'anniversary', date: '--03-04' },
    ],
  };

  it('writes the documented properties, in order, with basic-format and --MMDD dates', () => {
    expect(writeCard(alice).split('\r\n')).toEqual([
      'BEGIN:VCARD',
      'VERSION:4.0',
      'UID:ctc_1',
      'FN:Alice B. Smith',
      'N:Smith;Alice B.;;;',
      'EMAIL;TYPE=work:alice@example.com',
      'EMAIL:a@home.test',
      'EMAIL;TYPE="Home Office":x@y.test',
      'TEL;VALUE=text;TYPE=mobile:+1 555 1234',
      'X-ANNIVERSARY;TYPE=nameday:--1206',
      'BDAY:19900714',
      'ANNIVERSARY;TYPE=wedding:20150620',
      'X-ANNIVERSARY;TYPE=birthday:--0102',
      'X-ANNIVERSARY;TYPE=anniversary:--0304',
      'NOTE:Met at the conference; said hi\\, twice.\\nSecond line.',
      'END:VCARD',
      '',
    ]);
  });

  it('a UID that needs escaping is written as text; a label with a quote uses RFC 6868', () => {
    const text = writeCard({ ...alice, uid: 'a,b;c', emails: [{ label: 'say "hi"^', address: 'q@x.test' }], phones: [], anniversaries: [], notes: null });
    expect(text).toContain('UID;VALUE=text:a\\,b;c\r\n');
    expect(text).toContain(`EMAIL;TYPE="say ^'hi^'^^":q@x.test\r\n`);
    expect(text).not.toContain('NOTE');
  });

  it('folds a long line at 75 octets', () => {
    const text = writeCard({ ...alice, notes: 'é'.repeat(100) });
    const note = text.split('\r\n').filter((l) => l.startsWith('NOTE') || l.startsWith(' ') );
    expect(note.length).toBeGreaterThan(2);
    expect(octets(note[0]!)).toBe(75); // "NOTE:" and 35 × é (2 octets each)
  });
});

describe('vcard: reading what other writers produce', () => {
  it('an Apple Contacts 3.0 card: grouped labels, type lists, X-ABDATE, omitted year, folded photo', () => {
    const text = [
      'BEGIN:VCARD',
      'VERSION:3.0',
      'PRODID:-//Apple Inc.//macOS 14.0//EN',
      'N:Appleseed;Johnny;;;',
      'FN:Johnny Appleseed',
      'ORG:Apple Inc.;',
      'item1.EMAIL;type=INTERNET;type=WORK;type=pref:johnny@apple.example',
      'EMAIL;type=INTERNET;type=HOME:j@home.example',
      'TEL;type=CELL;type=VOICE;type=pref:+1 (555) 010-0000',
      'item2.TEL:555 0101',
      'item2.X-ABLabel:_$!<Mobile>!$_',
      'item3.TEL:555 0102',
      'item3.X-ABLabel:Gym',
      'BDAY;X-APPLE-OMIT-YEAR=1604:1604-01-31',
      'item4.X-ABDATE;type=pref:2010-06-15',
      'item4.X-ABLabel:_$!<Anniversary>!$_',
      'item5.X-ABDATE:2001-09-01',
      'item5.X-ABLabel:First Day at Work',
      'NOTE:Likes apples\\, pears.',
      'PHOTO;ENCODING=b;TYPE=JPEG:/9j/4AAQSkZJRgABAQAAAQABAAD/2wBDAAMCAgMCAgMDAwMEAwMEBQgFBQQEBQoHBwYIDAoMDAsKCwsNDhIQ',
      ' DQ4RDgsLEBYQERMUFRUVDA8XGBYUGBIUFRT/',
      'X-SOCIALPROFILE;type=twitter:https://twitter.example/johnny',
      'UID:4E9F2C1A-1111-2222-3333-444455556666',
      'END:VCARD',
      '',
    ].join('\r\n');
    const [card] = readBack(text);
    expect(card).toEqual({
      uid: '4E9F2C1A-1111-2222-3333-444455556666',
      full_name: 'Johnny Appleseed',
      emails: [{ label: 'work', address: 'johnny@apple.example' }, { label: 'home', address: 'j@home.example' }],
      phones: [{ label: 'cell', number: '+1 (555) 010-0000' }, { label: 'mobile', number: '555 0101' }, { label: 'Gym', number: '555 0102' }],
      notes: 'Likes apples, pears.',
      anniversaries: [{ type: 'birthday', date: '--01-31' }, { type: 'anniversary', date: '2010-06-15' }, { type: 'first_day_at_work', date: '2001-09-01' }],
    });
  });

  it('a Google Contacts 3.0 export: LF line ends, TYPE lists with commas, extended dates', () => {
    const text = 'BEGIN:VCARD\nVERSION:3.0\nFN:Grace Hopper\nN:Hopper;Grace;;;\nEMAIL;TYPE=INTERNET,HOME:grace@example.org\nTEL;TYPE=work,voice:+1 202 555 0199\nBDAY:1906-12-09\nNOTE:Rear admiral\nEND:VCARD\n';
    const [card] = readBack(text);
    expect(card).toEqual({
      uid: null,
      full_name: 'Grace Hopper',
      emails: [{ label: 'home', address: 'grace@example.org' }],
      phones: [{ label: 'work', number: '+1 202 555 0199' }],
      notes: 'Rear admiral',
      anniversaries: [{ type: 'birthday', date: '1906-12-09' }],
    });
  });

  it('a 4.0 card: tel: URIs, quoted TYPE lists, PREF, date-times, ANNIVERSARY without type', () => {
    const text = [
      'BEGIN:VCARD', 'VERSION:4.0', 'UID:urn:uuid:4fbe8971-0bc3-424c-9c26-36c3e1eff6b1', 'FN;PID=1.1:J. Doe', 'N:Doe;J.;;;',
      'TEL;VALUE=uri;PREF=1;TYPE="voice,home":tel:+1-555-555-5555;ext=5555', 'TEL;TYPE=cell:+33 1 23 45 67 89',
      'EMAIL;TYPE=work;TYPE=home:jdoe@example.com', 'BDAY:19531015T231000Z', 'ANNIVERSARY:--0915',
      'X-ANNIVERSARY:20200101', 'END:VCARD', '',
    ].join('\r\n');
    const [card] = readBack(text);
    expect(card).toEqual({
      uid: 'urn:uuid:4fbe8971-0bc3-424c-9c26-36c3e1eff6b1',
      full_name: 'J. Doe',
      emails: [{ label: 'work,home', address: 'jdoe@example.com' }],
      phones: [{ label: 'home', number: '+1-555-555-5555;ext=5555' }, { label: 'cell', number: '+33 1 23 45 67 89' }],
      notes: null,
      anniversaries: [{ type: 'birthday', date: '1953-10-15' }, { type: 'anniversary', date: '--09-15' }, { type: 'anniversary', date: '2020-01-01' }],
    });
  });

  it('quoted-printable values with soft line breaks and a CHARSET; tab continuations; no FN falls back to N, then ORG', () => {
    const text = [
      'BEGIN:VCARD', 'VERSION:3.0', 'N:M=C3=BCller;J=C3=B6rg;;;'.replace('N:', 'N;ENCODING=QUOTED-PRINTABLE;CHARSET=UTF-8:'),
      'NOTE;ENCODING=QUOTED-PRINTABLE:Erste Zeile=0AZweite =',
      'Zeile',
      'EMAIL:jo@exam',
      '\tple.de',
      'END:VCARD',
      'BEGIN:VCARD', 'VERSION:3.0', 'ORG:ACME Corp;Sales', 'NOTE;ENCODING=QUOTED-PRINTABLE;CHARSET=ISO-8859-1:Caf=E9', 'END:VCARD', '',
    ].join('\r\n');
    const cards = readBack(text);
    expect(cards[0]).toMatchObject({ full_name: 'Jörg Müller', notes: 'Erste Zeile\nZweite Zeile', emails: [{ label: null, address: 'jo@example.de' }] });
    expect(cards[1]).toMatchObject({ full_name: 'ACME Corp', notes: 'Café' });
  });

  it('reads 3.0 BDAY forms: 1990-01-31, 19900131, --0131, --01-31, a date-time, year 0000', () => {
    expect(parseCardDate('1990-01-31')).toBe('1990-01-31');
    expect(parseCardDate('19900131')).toBe('1990-01-31');
    expect(parseCardDate('--0131')).toBe('--01-31');
    expect(parseCardDate('--01-31')).toBe('--01-31');
    expect(parseCardDate('--0229')).toBe('--02-29');
    expect(parseCardDate('1990-01-31T00:00:00Z')).toBe('1990-01-31');
    expect(parseCardDate('0000-01-31')).toBe('--01-31');
    expect(parseCardDate('1604-01-31', '1604')).toBe('--01-31');
    for (const bad of ['1990-13-01', '19900230', '1990-0131', '1990', '--13', 'T102200', 'soon', '2001-02-29']) expect(parseCardDate(bad)).toBeNull();
  });

  it('a group card is read as a group; KIND:individual is a contact', () => {
    const { cards } = parseVCards('BEGIN:VCARD\r\nVERSION:4.0\r\nKIND:group\r\nFN:Team\r\nMEMBER:urn:uuid:1\r\nEND:VCARD\r\nBEGIN:VCARD\r\nVERSION:3.0\r\nX-ADDRESSBOOKSERVER-KIND:group\r\nFN:Team\r\nEND:VCARD\r\n');
    expect(cards.map((c) => c.kind)).toEqual(['group', 'group']);
  });
});

describe('vcard: what is refused, with the card and the field named', () => {
  const faultsOf = (text: string) => parseVCards(text).faults;

  it('a bad date names the card, its UID and the field', () => {
    expect(faultsOf('BEGIN:VCARD\r\nVERSION:3.0\r\nUID:u-1\r\nFN:A\r\nBDAY:1990-02-30\r\nEND:VCARD\r\n')).toEqual([
      { card: 0, uid: 'u-1', path: 'anniversaries.0.date', message: expect.stringContaining("BDAY (line 5): '1990-02-30' must be a real date") },
    ]);
  });

  it('structure: no VERSION, version 2.1, no END, a line outside a card, a line that is not a content line, no card at all, NUL', () => {
    expect(faultsOf('BEGIN:VCARD\r\nFN:A\r\nEND:VCARD\r\n')[0]).toMatchObject({ card: 0, path: 'version', message: expect.stringContaining('no VERSION') });
    expect(faultsOf('BEGIN:VCARD\r\nVERSION:2.1\r\nFN:A\r\nEND:VCARD\r\n')[0]).toMatchObject({ card: 0, path: 'version', message: expect.stringContaining('2.1 is not supported') });
    expect(faultsOf('BEGIN:VCARD\r\nVERSION:4.0\r\nFN:A\r\n')[0]).toMatchObject({ card: 0, message: expect.stringContaining('no END:VCARD') });
    expect(faultsOf('FN:A\r\n')[0]).toMatchObject({ card: null, message: expect.stringContaining('outside a card') });
    expect(faultsOf('BEGIN:VCARD\r\nVERSION:4.0\r\nFN:A\r\nthis is not a line\r\nEND:VCARD\r\n')[0]).toMatchObject({ card: 0, message: expect.stringContaining('line 4 is not a content line') });
    expect(faultsOf('{"full_name": "A"}')[0]).toMatchObject({ card: null });
    expect(faultsOf('')[0]).toMatchObject({ card: null, message: expect.stringContaining('no vCard') });
    expect(faultsOf('BEGIN:VCARD\r\nVERSION:4.0\r\nFN:A\0\r\nEND:VCARD\r\n')[0]).toMatchObject({ message: expect.stringContaining('NUL') });
    expect(faultsOf('BEGIN:VCARD\r\nVERSION:4.0\r\nFN:A\r\nBEGIN:VCARD\r\nEND:VCARD\r\n')[0]).toMatchObject({ message: expect.stringContaining('nested') });
  });

  it('no name at all, and an unknown CHARSET, are faults of their card', () => {
    expect(faultsOf('BEGIN:VCARD\r\nVERSION:4.0\r\nEMAIL:a@b.c\r\nEND:VCARD\r\n')).toEqual([
      { card: 0, uid: null, path: 'full_name', message: expect.stringContaining('no name (FN, N or ORG)') },
    ]);
    expect(faultsOf('BEGIN:VCARD\r\nVERSION:3.0\r\nFN;ENCODING=QUOTED-PRINTABLE;CHARSET=x-nope:A\r\nEND:VCARD\r\n')[0]).toMatchObject({ card: 0, message: expect.stringContaining('CHARSET x-nope') });
  });
});
