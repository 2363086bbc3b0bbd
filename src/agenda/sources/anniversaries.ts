import { sql, type SQL } from 'drizzle-orm';
import { jsonRowsOf } from '../../db/sql';
import type { AgendaAnniversaryItem, AgendaContext, AgendaSource, Ranked } from '../types';
import { jsonRows } from '../window';
import { addDays } from '../../time/zones';
import { anniversaryOccurrencesBetween, anniversaryTitle } from '../../time/anniversaries';

type AnniversaryRow = {
  contact_id: string;
  full_name: string;
  position: number;
  type: string;
  date: string;
  year: number | null;
  month: number;
  day: number;
};

/** Days `from`…`to` of one month. */
export type MonthSpan = { month: number; from: number; to: number };

/**
 * The (month, day) spans the window's dates cover, one per month touched (a 30-day window
 * touches at most three; one across New Year is December then January). Feb 29 rows are pulled
 * in whenever the window touches Feb 28 or Mar 1, where the leap-day policy may observe them
 * in a common year; the policy itself is applied afterwards, per row.
 */
export function monthSpans(firstDate: string, lastDate: string): MonthSpan[] {
  const spans: MonthSpan[] = [];
  for (let d = firstDate; d <= lastDate; d = addDays(d, 1)) {
    const month = Number(d.slice(5, 7));
    const day = Number(d.slice(8, 10));
    const last = spans[spans.length - 1];
    if (last && last.month === month) last.to = day;
    else spans.push({ month, from: day, to: day });
  }
  const feb = spans.find((s) => s.month === 2);
  if (feb && feb.to === 28) feb.to = 29;
  if (!feb && spans.some((s) => s.month === 3 && s.from === 1)) spans.push({ month: 2, from: 29, to: 29 });
  return spans;
}

/**
 * Read through `contact_anniversaries_inbox_idx` (inbox, month, day): one index range per
 * month span, so the scan touches only the anniversaries in the window, never every contact.
 */
function inWindow({ window }: AgendaContext): SQL {
  const spans = monthSpans(window.startDate, window.lastDate)
    .map((s) => sql`(a.month = ${s.month}::int AND a.day BETWEEN ${s.from}::int AND ${s.to}::int)`);
  return sql.join(spans, sql` OR `);
}

export const anniversarySource: AgendaSource = {
  key: 'anniversaries',
  query: (ctx) => jsonRows(sql`
    SELECT a.contact_id, a.position, a.type, a.date, a.year, a.month, a.day,
           -- A key lookup per anniversary found: a join may hash every contact of the inbox.
           (SELECT c.full_name FROM contacts c WHERE c.id = a.contact_id) AS full_name
    FROM contact_anniversaries a
    WHERE a.inbox_id = ${ctx.inbox.id} AND (${inWindow(ctx)})`),
  items: (rows, { inbox, window }) => jsonRowsOf<AnniversaryRow>(rows).flatMap((a) =>
    // [startDate, endDate) is [startDate, lastDate] for whole dates.
    anniversaryOccurrencesBetween(a.month, a.day, window.startDate, window.lastDate, inbox.leapDayPolicy)
      // A dated anniversary is not observed in the years before it happened.
      .filter((date) => a.year === null || Number(date.slice(0, 4)) >= a.year)
      .map((date): Ranked<AgendaAnniversaryItem> => ({
        id: `${a.contact_id}:${a.position}:${date}`,
        item: {
          id: a.contact_id,
          type: 'anniversary',
          title: anniversaryTitle(a.full_name, a.type),
          date,
          contact_id: a.contact_id,
          contact_name: a.full_name,
          anniversary_type: a.type,
          anniversary_date: a.date,
          years: a.year === null ? null : Number(date.slice(0, 4)) - a.year,
        },
      }))),
};
