/** Small shared pieces of the event verbs: loading with 404, transactions, preconditions. */
import type { Queryable } from '../db/sql';
import type { Inbox } from '../http/context';
import { ApiError } from '../http/errors';
import { loadEvent, type EventRecord, type OverrideSelection } from './event-store';
import type { EventView } from './schemas';

/** Runs against the current representation before a change (If-Match → 412). */
export type Precondition = (current: EventView) => Promise<void>;

/** An interactive transaction: the verbs below run the same on the database or inside one. */
export function inTx<T>(db: Queryable, fn: (tx: Queryable) => Promise<T>): Promise<T> {
  return db.transaction(fn);
}

/** The inbox's event, or 404 (unknown and foreign ids alike). */
export async function mustLoad(db: Queryable, inbox: Inbox, id: string, overrides: OverrideSelection, forUpdate = false): Promise<EventRecord> {
  const rec = await loadEvent(db, inbox, id, overrides, forUpdate);
  if (!rec) throw ApiError.notFound('Event');
  return rec;
}
