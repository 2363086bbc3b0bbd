// The CSV of spreadsheet rows (src/files/csv.ts): whatever cells are written, they parse back.
import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { csvRecord, headerOf, parseCsv } from '../src/files/csv';

// Text that stresses quoting: separators, quotes, both line ends, edge spaces.
const tricky = fc.string({ unit: fc.constantFrom('a', 'Z', ' ', ',', '"', '\r', '\n', '\r\n', 'é', '😀', '\t') });
const cell = fc.oneof(tricky, fc.string(), fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.boolean(), fc.constant(null));
const row = fc.array(cell, { minLength: 1, maxLength: 8 });
const asText = (c: unknown) => (c === null ? '' : String(c));

describe('csv', () => {
  it('every written row parses back as its cells, as text', () => {
    fc.assert(fc.property(fc.array(row, { minLength: 1, maxLength: 20 }), (rows) => {
      const text = rows.map(csvRecord).join('');
      expect(parseCsv(text)).toEqual(rows.map((r) => r.map(asText)));
      expect(headerOf(text)).toEqual(rows[0]!.map(asText));
    }), { numRuns: 500 });
  });

  it('reads what other writers produce: LF line ends, no final line end, quotes inside unquoted fields', () => {
    expect(parseCsv('a,b\nc,d')).toEqual([['a', 'b'], ['c', 'd']]);
    expect(parseCsv('a,"b\nc",d\r\n')).toEqual([['a', 'b\nc', 'd']]);
    expect(parseCsv('5" tall,x')).toEqual([['5" tall', 'x']]);
    expect(parseCsv('')).toEqual([]);
    expect(headerOf('')).toBeNull();
    expect(headerOf('"name, full",email\r\nAda,ada@example.com\r\n')).toEqual(['name, full', 'email']);
  });

  it('quotes only what needs it', () => {
    expect(csvRecord(['plain', 1, true, null])).toBe('plain,1,true,\r\n');
    expect(csvRecord(['a,b', 'say "hi"', ' lead', 'line\nbreak'])).toBe('"a,b","say ""hi"""," lead","line\nbreak"\r\n');
  });
});
