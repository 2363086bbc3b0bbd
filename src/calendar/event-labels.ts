/**
 * Labels on events, through the labels resource's association verbs (one implementation of the
 * type rules). Labels belong to a series: an occurrence id names its series.
 */
import type { Queryable } from '../db/sql';
import type { Inbox } from '../http/context';
import { ApiError } from '../http/errors';
import { associateEntity, dissociateEntity } from '../labels/service';
import { parseEventId } from '../time/occurrences';
import { getEvent } from './events';

/** The series id behind an event or occurrence id; 404 when the occurrence does not exist. */
async function seriesIdOf(db: Queryable, inbox: Inbox, eventId: string): Promise<string> {
  const ref = parseEventId(eventId);
  if (!ref) throw ApiError.notFound('Event');
  if (ref.originalStart) await getEvent(db, inbox, eventId);
  return ref.seriesId;
}

export async function addEventLabel(db: Queryable, inbox: Inbox, eventId: string, labelId: string, now: Date): Promise<void> {
  const id = await seriesIdOf(db, inbox, eventId);
  try {
    await associateEntity(db, inbox, labelId, 'event', id, now);
  } catch (e) {
    // The labels verb names `entity_type`; here the caller chose the label, so name `label_id`.
    if (e instanceof ApiError && e.status === 400 && e.extra.errors?.[0]?.path === 'entity_type') {
      throw ApiError.field('label_id', e.extra.errors[0].message);
    }
    throw e;
  }
}

export async function removeEventLabel(db: Queryable, inbox: Inbox, eventId: string, labelId: string): Promise<void> {
  await dissociateEntity(db, inbox, labelId, 'event', await seriesIdOf(db, inbox, eventId));
}
