import type { Ranked } from './types';

/** Pending actions, overdue tasks, missed replies, then everything else (docs/calendar.md). */
const group = ({ item }: Ranked) => (item.type === 'task' && item.pending ? 0 : item.type === 'task' && item.overdue ? 1 : item.type === 'thread' ? 2 : 3);

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Dated items by date; an item with no date (`""`) after every dated one. */
function byDate(a: string, b: string): number {
  return (a === '' ? 1 : 0) - (b === '' ? 1 : 0) || cmp(a, b);
}

/**
 * Pending first (in the order they were queued), then overdue, then missed replies (oldest
 * first: their date and send time), then by date and time
 * ascending, items with no date last. On a date, all-day items (tasks, anniversaries) come
 * before timed ones, as a calendar shows them. Title, then id, break ties, so the order is
 * total and stable.
 */
export function compareAgenda(a: Ranked, b: Ranked): number {
  return group(a) - group(b)
    || byDate(a.item.date, b.item.date)
    || cmp(a.sortTime ?? '', b.sortTime ?? '')
    || cmp(a.item.title, b.item.title)
    || cmp(a.id, b.id);
}
