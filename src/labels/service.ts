/**
 * Context labels and their associations. The association verbs are shared: the calendar
 * routes call `associateEntity` / `dissociateEntity` / `labelIdsOf` for events.
 */
import { and, asc, eq, inArray, sql, type SQL } from 'drizzle-orm';
import { firstRowOf, isoZ, type Queryable } from '../db/sql';
import { labelEntities, labels, labelTypeEnum, type LabelRow } from '../db/schema/labels';
import { events } from '../db/schema/calendar';
import { toIsoZ } from '../time/zones';
import { isOccurrence, parseEventId } from '../time/occurrences';
import type { Inbox } from '../http/context';
import { ApiError } from '../http/errors';
import { newId } from '../http/ids';
import type { Page } from '../http/pagination';
import type { CreateLabelInput, EntityType, LabelType, PatchLabelInput } from './schemas';

/** Which entities a label of each type may hold. */
export const ACCEPTS: Record<LabelType, readonly EntityType[]> = {
  contact: ['contact'],
  calendar: ['event'],
  message: [],
  any: ['contact', 'event'],
};

export type LabelView = {
  label_id: string;
  name: string;
  label_type: LabelType;
  color: string | null;
  created_at: string;
};

/** A label row aliased `l`, in the shape of `LabelView`. */
const labelColumns = sql`l.id AS label_id, l.name, l.label_type, l.color, ${isoZ(sql`l.created_at`)} AS created_at`;

// Key order is fixed here, so the representation (and its ETag) does not depend on the query.
function viewOf(r: LabelView): LabelView {
  return { label_id: r.label_id, name: r.name, label_type: r.label_type, color: r.color ?? null, created_at: r.created_at };
}

const viewOfRow = (r: LabelRow): LabelView =>
  viewOf({ label_id: r.id, name: r.name, label_type: r.labelType, color: r.color, created_at: toIsoZ(r.createdAt) });

type EntityView = { entity_type: EntityType; entity_id: string; title: string };

/**
 * The entity a label holds for an id, or null when the id names nothing. An event occurrence id
 * (`<series id>_<UTC basic start>`, src/time/occurrences.ts) names its series: labels belong to
 * the event. `occurrence` is then its original start, still to be checked against the series.
 */
function entityRef(entityType: EntityType, entityId: string): { id: string; occurrence: Date | null } | null {
  if (entityType !== 'event') return { id: entityId, occurrence: null };
  const ref = parseEventId(entityId);
  return ref && { id: ref.seriesId, occurrence: ref.originalStart };
}

/**
 * Whether the id names an entity that may exist: false for a made-up occurrence id (a time the
 * series does not generate, as GET /v1/calendar/events/{id}/ answers 404 for), true otherwise;
 * the statement then checks the entity itself. Reads the series only for an occurrence id.
 */
async function mayExist(db: Queryable, inbox: Inbox, ref: { id: string; occurrence: Date | null } | null): Promise<boolean> {
  if (!ref) return false;
  if (!ref.occurrence) return true;
  const [series] = await db.select({
    startLocal: events.startLocal, timeZone: events.timeZone, durationSeconds: events.durationSeconds,
    recurrenceRules: events.recurrenceRules, isRecurring: events.isRecurring,
  }).from(events).where(and(eq(events.id, ref.id), eq(events.inboxId, inbox.id)));
  return series !== undefined && isOccurrence(series, ref.occurrence);
}

const bool = (v: boolean): SQL => (v ? sql`true` : sql`false`);

/** `SELECT 1` from the inbox's contact or event with this id. */
function entityExists(inbox: Inbox, entityType: EntityType, entityId: string): SQL {
  return entityType === 'contact'
    ? sql`EXISTS (SELECT 1 FROM contacts WHERE id = ${entityId} AND inbox_id = ${inbox.id})`
    : sql`EXISTS (SELECT 1 FROM events WHERE id = ${entityId} AND inbox_id = ${inbox.id})`;
}

function typeMismatch(labelType: LabelType, entityType: EntityType): ApiError {
  const fits = labelTypeEnum.enumValues.filter((t) => ACCEPTS[t].includes(entityType)).map((t) => `\`${t}\``).join(' or ');
  return ApiError.field('entity_type', `a ${labelType} label cannot hold a ${entityType}; it needs a label_type of ${fits}`);
}

// ---------------------------------------------------------------------------------------------

export async function listLabels(db: Queryable, inbox: Inbox, input: { labelType?: LabelType; page: Page }) {
  const { offset, limit } = input.page;
  const r = await firstRowOf<{ total: number; results: LabelView[] }>(db, sql`
    WITH matched AS (
      SELECT * FROM labels l
      WHERE l.inbox_id = ${inbox.id} ${input.labelType ? sql`AND l.label_type = ${input.labelType}` : sql``}
    ), page AS (
      SELECT ${labelColumns} FROM matched l ORDER BY l.name, l.id LIMIT ${limit} OFFSET ${offset}
    )
    SELECT (SELECT count(*) FROM matched)::int AS total,
           coalesce((SELECT json_agg(p ORDER BY p.name, p.label_id) FROM page p), '[]'::json) AS results`);
  return { results: (r?.results ?? []).map(viewOf), total: Number(r?.total ?? 0) };
}

export async function createLabel(db: Queryable, inbox: Inbox, input: CreateLabelInput, now: Date): Promise<LabelView> {
  const [row] = await db.insert(labels).values({
    id: newId('lbl', now.getTime()), inboxId: inbox.id, name: input.name, labelType: input.label_type, color: input.color ?? null, createdAt: now,
  }).returning();
  return viewOfRow(row!);
}

/** The label with one page of its entities (contacts and events that still exist). */
export async function getLabel(db: Queryable, inbox: Inbox, labelId: string, page: Page) {
  const r = await firstRowOf<LabelView & { total: number; entities: EntityView[] }>(db, sql`
    WITH l AS (
      SELECT * FROM labels WHERE id = ${labelId} AND inbox_id = ${inbox.id}
    ), ents AS (
      SELECT le.entity_type, le.entity_id, coalesce(c.full_name, e.title) AS title, le.created_at
      FROM label_entities le
      LEFT JOIN contacts c ON le.entity_type = 'contact' AND c.id = le.entity_id AND c.inbox_id = le.inbox_id
      LEFT JOIN events e ON le.entity_type = 'event' AND e.id = le.entity_id AND e.inbox_id = le.inbox_id
      WHERE le.label_id IN (SELECT id FROM l) AND le.inbox_id = ${inbox.id}
        AND (c.id IS NOT NULL OR e.id IS NOT NULL)
    ), page AS (
      SELECT * FROM ents ORDER BY created_at, entity_type, entity_id LIMIT ${page.limit} OFFSET ${page.offset}
    )
    SELECT ${labelColumns},
      (SELECT count(*) FROM ents)::int AS total,
      coalesce((SELECT json_agg(json_build_object('entity_type', p.entity_type, 'entity_id', p.entity_id, 'title', p.title)
                ORDER BY p.created_at, p.entity_type, p.entity_id) FROM page p), '[]'::json) AS entities
    FROM l`);
  if (!r) throw ApiError.notFound('Label');
  return {
    ...viewOf(r),
    entities: {
      results: r.entities,
      total: Number(r.total), position: page.offset, limit: page.limit,
    },
  };
}

/** A `label_type` change may not strand associated entities of a kind the new type refuses. */
export async function updateLabel(db: Queryable, inbox: Inbox, labelId: string, patch: PatchLabelInput): Promise<LabelView> {
  const set: SQL[] = [];
  if (patch.name !== undefined) set.push(sql`name = ${patch.name}`);
  if (patch.label_type !== undefined) set.push(sql`label_type = ${patch.label_type}`);
  if (patch.color !== undefined) set.push(sql`color = ${patch.color}`);
  const accepted = patch.label_type ? ACCEPTS[patch.label_type] : null;
  const strands = accepted === null
    ? sql`false`
    : sql`EXISTS (SELECT 1 FROM label_entities le WHERE le.label_id = l.id
        ${accepted.length ? sql`AND le.entity_type NOT IN (${sql.join(accepted.map((t) => sql`${t}`), sql`, `)})` : sql``})`;
  const r = await firstRowOf<LabelView & { blocked: boolean }>(db, sql`
    WITH l AS (
      SELECT * FROM labels WHERE id = ${labelId} AND inbox_id = ${inbox.id} FOR UPDATE
    ), blocked AS (
      SELECT ${strands} AS v FROM l
    ), changed AS (
      UPDATE labels SET ${set.length ? sql.join(set, sql`, `) : sql`name = labels.name`}
      WHERE id IN (SELECT id FROM l) AND NOT (SELECT v FROM blocked)
      RETURNING *
    )
    SELECT (SELECT v FROM blocked) AS blocked, ${labelColumns}
    FROM changed l`);
  if (r) return viewOf(r);
  // Nothing updated: tell an unknown label from a refused type change.
  const { rows: why } = await db.execute(sql`
    SELECT ${strands} AS blocked FROM labels l WHERE l.id = ${labelId} AND l.inbox_id = ${inbox.id}`);
  if (why.length === 0) throw ApiError.notFound('Label');
  throw new ApiError(409, 'conflict', `The label holds entities a ${patch.label_type} label cannot hold; remove them first.`);
}

export async function deleteLabel(db: Queryable, inbox: Inbox, labelId: string): Promise<void> {
  // Associations go with it (ON DELETE CASCADE).
  const gone = await db.delete(labels).where(and(eq(labels.id, labelId), eq(labels.inboxId, inbox.id))).returning({ id: labels.id });
  if (gone.length === 0) throw ApiError.notFound('Label');
}

/**
 * Associates a contact or event with a label. 404 for an unknown label or entity (another
 * inbox's included), 400 when the label's type refuses the entity; associating twice adds nothing.
 */
export async function associateEntity(
  db: Queryable, inbox: Inbox, labelId: string, entityType: EntityType, entityId: string, now: Date,
): Promise<void> {
  const ref = entityRef(entityType, entityId);
  const named = await mayExist(db, inbox, ref);
  const id = ref?.id ?? entityId;
  const accepting = labelTypesAccepting(entityType);
  const r = await firstRowOf<{ label_type: LabelType | null; entity_found: boolean }>(db, sql`
    WITH l AS (
      SELECT id, label_type FROM labels WHERE id = ${labelId} AND inbox_id = ${inbox.id}
    ), found AS (
      SELECT ${bool(named)} AND ${entityExists(inbox, entityType, id)} AS v
    ), linked AS (
      INSERT INTO label_entities (label_id, inbox_id, entity_type, entity_id, created_at)
      SELECT l.id, ${inbox.id}, ${entityType}, ${id}, ${now.toISOString()}
      FROM l WHERE l.label_type IN (${accepting}) AND (SELECT v FROM found)
      ON CONFLICT (label_id, entity_type, entity_id) DO NOTHING
    )
    SELECT (SELECT label_type FROM l) AS label_type, (SELECT v FROM found) AS entity_found`);
  if (!r?.label_type) throw ApiError.notFound('Label');
  if (!ACCEPTS[r.label_type].includes(entityType)) throw typeMismatch(r.label_type, entityType);
  if (!r.entity_found) throw ApiError.notFound(entityType === 'contact' ? 'Contact' : 'Event');
}

function labelTypesAccepting(entityType: EntityType): SQL {
  const types = labelTypeEnum.enumValues.filter((t) => ACCEPTS[t].includes(entityType));
  return sql.join(types.map((t) => sql`${t}`), sql`, `);
}

/**
 * Removes an association. 404 for an unknown label or entity; an entity that was not
 * associated is already in the wanted state (204).
 */
export async function dissociateEntity(db: Queryable, inbox: Inbox, labelId: string, entityType: EntityType, entityId: string): Promise<void> {
  const ref = entityRef(entityType, entityId);
  const named = await mayExist(db, inbox, ref);
  const id = ref?.id ?? entityId;
  const r = await firstRowOf<{ label_found: boolean; entity_found: boolean }>(db, sql`
    WITH l AS (
      SELECT id FROM labels WHERE id = ${labelId} AND inbox_id = ${inbox.id}
    ), unlinked AS (
      DELETE FROM label_entities
      WHERE label_id IN (SELECT id FROM l) AND ${bool(named)} AND inbox_id = ${inbox.id} AND entity_type = ${entityType} AND entity_id = ${id}
      RETURNING 1
    )
    SELECT EXISTS (SELECT 1 FROM l) AS label_found,
           ${bool(named)} AND (EXISTS (SELECT 1 FROM unlinked) OR ${entityExists(inbox, entityType, id)}) AS entity_found`);
  if (!r?.label_found) throw ApiError.notFound('Label');
  if (!r.entity_found) throw ApiError.notFound(entityType === 'contact' ? 'Contact' : 'Event');
}

/** Label ids of each entity, oldest association first (entities without labels are absent). */
export async function labelIdsOf(db: Queryable, inbox: Inbox, entityType: EntityType, entityIds: string[]): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>();
  if (entityIds.length === 0) return out;
  const rows = await db.select({ entityId: labelEntities.entityId, labelId: labelEntities.labelId })
    .from(labelEntities)
    .where(and(eq(labelEntities.inboxId, inbox.id), eq(labelEntities.entityType, entityType), inArray(labelEntities.entityId, [...new Set(entityIds)])))
    .orderBy(asc(labelEntities.createdAt), asc(labelEntities.labelId));
  for (const r of rows) {
    const list = out.get(r.entityId);
    if (list) list.push(r.labelId);
    else out.set(r.entityId, [r.labelId]);
  }
  return out;
}
