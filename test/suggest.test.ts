// Suggested events (docs/mail.md): what a message proposes, read from its own words. Every row is a
// message as people write them, seen from Monday 2026-06-01 09:00 in Berlin.
import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { ownText, suggestMeeting } from '../src/mail/suggest';

const SENT = new Date('2026-06-01T07:00:00Z'); // Monday 09:00 Europe/Berlin
const ZONE = 'Europe/Berlin';

type Row = [text: string, start: string | null, duration?: string, location?: string];

const QUOTE = 'On Mon, Jun 1, 2026 at 8:00 AM Bob Jones <bob@example.com> wrote:';
const TABLE: Row[] = [
  ['Can we meet Tuesday at 3pm?', '2026-06-02T15:00:00'],
  ['call on June 2 at 10:00 for 45 minutes', '2026-06-02T10:00:00', 'PT45M'],
  ['next Friday 9am works', '2026-06-05T09:00:00'],
  ['How about Monday at 10am?', '2026-06-08T10:00:00'],
  ["Let's talk tomorrow at 2pm", '2026-06-02T14:00:00'],
  ['Are you free at 4pm today?', '2026-06-01T16:00:00'],
  ['See you at 5:30pm', '2026-06-01T17:30:00'],
  ['Tue 10am?', '2026-06-02T10:00:00'],
  ['Could we do 10am on Wednesday?', '2026-06-03T10:00:00'],
  ['The review is at 11:00 tomorrow', '2026-06-02T11:00:00'],
  ['Tuesday 3pm or Wednesday 4pm, whichever suits', '2026-06-02T15:00:00'],
  ['Can we reschedule to 2026-06-03T15:00?', '2026-06-03T15:00:00'],
  ['Meeting on June 10 at 14:00', '2026-06-10T14:00:00'],
  ['Lunch on Thursday at noon at Café Luna', '2026-06-04T12:00:00', 'PT30M', 'Café Luna'],
  ['Wednesday 10:30 in Room B for an hour', '2026-06-03T10:30:00', 'PT1H', 'Room B'],
  ['Friday from 2pm to 3:30pm?', '2026-06-05T14:00:00', 'PT1H30M'],
  ['Shall we say June 4 at 9am, for 90 minutes?', '2026-06-04T09:00:00', 'PT1H30M'],
  ['Thursday at 11am for half an hour', '2026-06-04T11:00:00', 'PT30M'],
  ['June 15, 2026 at 16:00 for 2 hours at the Town Hall', '2026-06-15T16:00:00', 'PT2H', 'Town Hall'],
  ["Dinner Saturday 7pm at Luigi's?", '2026-06-06T19:00:00', 'PT30M', "Luigi's"],
  ['Happy to meet in person on Friday at 1pm', '2026-06-05T13:00:00', 'PT30M', ''],
  ['Can we do a quick sync at 3 pm on Tuesday?', '2026-06-02T15:00:00'],
  ['Can we meet at 3pm EST on Tuesday?', '2026-06-02T22:00:00'],
  ['Let\'s do 8am', null],
  // Dates without a time, and no date at all: nothing to put in a calendar.
  ['Can we do June 3rd?', null],
  ["Let's meet next week", null],
  ["Let's meet sometime in June", null],
  ['See you tomorrow!', null],
  ['Happy birthday!', null],
  ['', null],
  // Times already past when the mail arrived.
  ['Today at 8am was great, thanks', null],
  ['We met on May 20 at 10am, remember?', null],
  // Quoted text is the other person's words, not a proposal of this message.
  [`Sounds good, see you then.\n\n${QUOTE}\n> Can we meet Tuesday at 3pm?`, null],
  ['> Tuesday at 3pm?\nNo thanks, I am away.', null],
  [`Tuesday doesn't work. Wednesday at 11am?\n\n${QUOTE}\n> Can we meet Tuesday at 3pm?`, '2026-06-03T11:00:00'],
  [`Fine by me.\n\nOn Mon, Jun 1, 2026 at 8:00 AM Bob Jones <bob@example.com>\nwrote:\n> Thursday at 9am?`, null],
  ['Thanks!\n-- \nAda Lovelace\nOffice hours: Tuesday at 3pm', null],
  // Forwarded mail: the forwarded message's own Date line is past; its proposal counts.
  ['FYI, see below.\n\n---------- Forwarded message ---------\nFrom: Carol <carol@example.com>\nDate: Sun, May 31, 2026 at 6:00 PM\nSubject: Demo\n\nDemo on Thursday at 2pm?', '2026-06-04T14:00:00'],
  // Other languages: chrono reads English only.
  ['Können wir uns am Dienstag um 15 Uhr treffen?', null],
  ['¿Nos vemos el martes a las tres?', null],
  ['火曜日の15時にお会いできますか？', null],
  ['Ci vediamo martedì alle quindici?', null],
];

describe('suggestMeeting', () => {
  it(`reads ${TABLE.length} real phrasings as a person would`, () => {
    expect(TABLE.length).toBeGreaterThanOrEqual(40);
    const wrong: string[] = [];
    for (const [text, start, duration = 'PT30M', location = ''] of TABLE) {
      const s = suggestMeeting({ subject: 'Re: Fwd: Roadmap', text, sentAt: SENT, arrivedAt: SENT, zone: ZONE });
      const got = s && { start: s.startLocal, duration: s.duration, location: s.location };
      const want = start && { start, duration, location };
      if (JSON.stringify(got) !== JSON.stringify(want)) wrong.push(`${JSON.stringify(text)}: got ${JSON.stringify(got)}, want ${JSON.stringify(want)}`);
    }
    expect(wrong).toEqual([]);
  });

  it('titles it by the subject without Re:/Fwd:, and says the zone and instant', () => {
    const s = suggestMeeting({ subject: 'RE: Fwd: Roadmap review', text: 'Tuesday at 3pm?', sentAt: SENT, arrivedAt: SENT, zone: ZONE })!;
    expect(s).toMatchObject({ title: 'Roadmap review', timeZone: ZONE, startLocal: '2026-06-02T15:00:00' });
    expect(s.startAt.toISOString()).toBe('2026-06-02T13:00:00.000Z');
    expect(suggestMeeting({ subject: '', text: 'Tuesday at 3pm?', sentAt: SENT, arrivedAt: SENT, zone: ZONE })!.title).toBe('Meeting');
  });

  it('anchors weekdays at the mail\'s sent date, and the future at its arrival', () => {
    // Sent Sunday evening, arrived Monday morning: "Monday at 10am" is that Monday.
    const sent = new Date('2026-05-31T18:00:00Z');
    const s = suggestMeeting({ subject: 'x', text: 'Monday at 10am?', sentAt: sent, arrivedAt: SENT, zone: ZONE });
    expect(s?.startLocal).toBe('2026-06-01T10:00:00');
    // Arrived after that time had passed: nothing.
    expect(suggestMeeting({ subject: 'x', text: 'Monday at 10am?', sentAt: sent, arrivedAt: new Date('2026-06-01T09:00:00Z'), zone: ZONE })).toBeNull();
  });

  it('moves a time in a spring-forward gap forward, like every wall time', () => {
    const sent = new Date('2026-03-27T10:00:00Z'); // Friday
    const s = suggestMeeting({ subject: 'x', text: 'Sunday at 2:30am?', sentAt: sent, arrivedAt: sent, zone: ZONE });
    expect(s?.startLocal).toBe('2026-03-29T03:30:00');
    expect(s?.startAt.toISOString()).toBe('2026-03-29T01:30:00.000Z');
  });

  it('never throws and proposes only future times, whatever the text', () => {
    fc.assert(fc.property(fc.string({ maxLength: 300 }), fc.integer({ min: 0, max: 3 * 365 }), (text, days) => {
      const sent = new Date(SENT.getTime() + days * 86_400_000);
      const s = suggestMeeting({ subject: 'x', text, sentAt: sent, arrivedAt: sent, zone: ZONE });
      if (s) expect(s.startAt.getTime()).toBeGreaterThan(sent.getTime());
    }), { numRuns: 300 });
  });
});

describe('ownText', () => {
  it('drops quoted lines and everything after an attribution line', () => {
    expect(ownText(`Mine\n> theirs\nmore mine\n${QUOTE}\n> old`)).toBe('Mine\nmore mine');
    expect(ownText('Line one\r\nLine two')).toBe('Line one\nLine two');
  });
});
