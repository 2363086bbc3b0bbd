// Reading a reply to a work route's request (src/work-routes/decide.ts): the first line of the
// replier's own words, quoted text and signatures left out.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { DEFAULT_PHRASES, readReply } from '../src/work-routes/decide';

const QUOTE = '\n\nOn Tue, 2 Jun 2026 at 10:00, Agent <agent@acme.test> wrote:\n> Reply with "Approved", "Rejected" or "Changes requested".\n> Approve the Q3 budget';

describe('reading a reply', () => {
  it.each([
    ['Approved', 'approve'],
    ['approved, thanks!', 'approve'],
    ['APPROVE', 'approve'],
    ['LGTM 👍', 'approve'],
    ['Looks good to me', 'approve'],
    ['**Approved**', 'approve'],
    ['- lgtm', 'approve'],
    ['\n\n  Approved.\nBut fix the typo.', 'approve'],
    ['Rejected', 'reject'],
    ['reject: too expensive', 'reject'],
    ['Declined.', 'reject'],
    ['I decline', null],
    ['Changes requested: see page 3', 'request_changes'],
    ['Request changes', 'request_changes'],
    ['Not approved', null],
    ['Approvedish', null],
    ['Thanks, will look tomorrow', null],
    ['', null],
    ['> Approved\n> quoted only', null],
    [`Sounds fine${QUOTE}`, null],
    [`Approved${QUOTE}`, 'approve'],
    ['Rejected\n-- \nSent from my phone, approved by nobody', 'reject'],
  ])('%j → %s', (text, expected) => {
    expect(readReply('approval', text.includes('wrote:') ? text : `${text}${QUOTE}`)?.decision ?? null).toBe(expected);
  });

  it('custom phrases replace a category\'s defaults and keep the others', () => {
    const custom = { approve: ['ship it'] };
    expect(readReply('approval', 'Ship it!', custom)?.decision).toBe('approve');
    expect(readReply('approval', 'Approved', custom)).toBeNull();
    expect(readReply('approval', 'Rejected', custom)?.decision).toBe('reject');
    expect(readReply('approval', 'Approved', { approve: [] })?.decision).toBe('approve');
  });

  it('any reply acknowledges; a text response is the replier\'s own words', () => {
    expect(readReply('acknowledgement', '')).toEqual({ decision: 'acknowledge', text: '' });
    expect(readReply('text_response', `Project Lighthouse.${QUOTE}`)).toEqual({ decision: 'respond', text: 'Project Lighthouse.' });
    expect(readReply('text_response', QUOTE)).toBeNull();
  });

  it('a default phrase decides whatever case, spacing and words follow it; a letter glued to it never does', () => {
    const all = Object.entries(DEFAULT_PHRASES).flatMap(([d, list]) => list.map((p) => [d, p] as const));
    fc.assert(fc.property(
      fc.constantFrom(...all), fc.boolean(), fc.constantFrom('', '.', '!', ', thanks', ' — see notes', ' 👍'), fc.constantFrom('', '  ', '\n', '*'),
      ([decision, phrase], upper, tail, lead) => {
        const written = (upper ? phrase.toUpperCase() : phrase).replace(/ /g, '  ');
        const read = readReply('approval', `${lead}${written}${tail}`);
        // "approve" is a prefix of nothing else; "reject"/"decline" likewise; so the decision is the phrase's own.
        expect(read?.decision).toBe(decision);
        expect(readReply('approval', `${written}x`)).toBeNull();
      },
    ), { numRuns: 300 });
  });
});
