/** Small shared pieces of the event verbs: loading with 404, transactions, preconditions. */
import type { Db } from '../db/client';
import type { Inbox } from '../http/context';
import { ApiError } from '../http/errors';
import { loadEvent, type EventRecord, type OverrideSelection } from './event-store';
import type { EventView } from './schemas';

/** Runs against the current representation before a change (If-Match → 412). */
export type Precondition = (current: EventView) => Promise<void>;

export function inTx<T>(db: Db, fn: (tx: Db) => Promise<T>): Promise<T> {
  return db.transaction((tx) => fn(tx as unknown as Db));
}

/** The inbox's event, or 404 (unknown and foreign ids alike). */
export async function mustLoad(db: Db, inbox: Inbox, id: string, overrides: OverrideSelection, forUpdate = false): Promise<EventRecord> {
  const rec = await loadEvent(db, inbox, id, overrides, forUpdate);
  if (!rec) throw ApiError.notFound('Event');
  return rec;
}
