// The text rules of mail (src/mail/headers.ts): subjects as threads compare them, reply
// subjects, Message-ID lists, snippets. Property-based where the input space is open.
import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { messageIdsOf, normalizeSubject, replySubject, snippetOf, stripPrefixes } from '../src/mail/headers';

const prefix = fc.constantFrom('Re:', 'RE:', 're: ', 'Fwd:', 'FW:', 'Fw: ', 'AW:', 'Aw:', 'Re[2]:', 'WG:', 'SV:');

describe('subjects', () => {
  it('a reply is `Re: ` once, whatever prefixes the subject had', () => {
    fc.assert(fc.property(fc.array(prefix, { maxLength: 5 }), fc.string({ minLength: 1, maxLength: 60 }), (prefixes, base) => {
      const subject = `${prefixes.join(' ')} ${base}`;
      const reply = replySubject(subject);
      expect(reply.startsWith('Re:')).toBe(true);
      expect(replySubject(reply)).toBe(reply);
      expect(/^Re: (re|fwd?|aw)\s*:/i.test(reply)).toBe(false);
    }));
  });

  it('normalising ignores prefixes, case and runs of white space, and is idempotent', () => {
    fc.assert(fc.property(fc.array(prefix, { maxLength: 4 }), fc.string({ maxLength: 60 }), (prefixes, base) => {
      const n = normalizeSubject(`${prefixes.join('')}  ${base}`);
      expect(normalizeSubject(n)).toBe(n);
      expect(n).toBe(normalizeSubject(base));
      expect(n).not.toMatch(/\s{2}|^\s|\s$/);
    }));
    expect(normalizeSubject('RE: Fwd:  Budget   2027 ')).toBe('budget 2027');
    expect(stripPrefixes('Re: Re: Fwd: Dinner')).toBe('Dinner');
    expect(stripPrefixes('Regarding dinner')).toBe('Regarding dinner');
    expect(replySubject('')).toBe('Re:');
  });
});

describe('Message-ID lists', () => {
  it('reads every bracketed id once, in order', () => {
    fc.assert(fc.property(fc.array(fc.stringMatching(/^[a-z0-9.$-]{1,20}@[a-z0-9.-]{1,20}$/), { maxLength: 8 }), fc.constantFrom(' ', '\r\n ', '\t', ''), (ids, sep) => {
      const header = ids.map((i) => `<${i}>`).join(sep);
      expect(messageIdsOf(header)).toEqual([...new Set(ids)]);
    }));
    expect(messageIdsOf('bare@example.com')).toEqual(['bare@example.com']);
    expect(messageIdsOf('')).toEqual([]);
    expect(messageIdsOf(null)).toEqual([]);
  });
});

describe('snippets', () => {
  it('are at most 200 characters, white space collapsed', () => {
    fc.assert(fc.property(fc.string({ maxLength: 1000 }), (text) => {
      const s = snippetOf(text);
      expect(s.length).toBeLessThanOrEqual(200);
      expect(s).not.toMatch(/\s{2}/);
    }));
  });
});
