import type { Ranked } from './types';

const group = (r: Ranked) => (r.item.pending ? 0 : r.item.overdue ? 1 : 2);

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Pending first (in the order they were queued), then overdue, then by date and time
 * ascending. On a date, all-day items (tasks, anniversaries) come before timed ones, as a
 * calendar shows them. Title, then id, break ties, so the order is total and stable.
 */
export function compareAgenda(a: Ranked, b: Ranked): number {
  return group(a) - group(b)
    || cmp(a.item.date ?? '', b.item.date ?? '')
    || cmp(a.sortTime ?? a.item.start ?? '', b.sortTime ?? b.item.start ?? '')
    || cmp(a.item.title, b.item.title)
    || cmp(a.id, b.id);
}
