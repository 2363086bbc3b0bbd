/**
 * Work routes (docs/mail.md): a request routed to recipients — all at once (parallel) or one at a
 * time (ordered) — answered by reply mail (src/work-routes/replies.ts) or through the API.
 *
 * A route is visible to its creator's inbox and to every inbox it names as a recipient (same
 * tenant); a recipient inbox may answer only for itself. Every change of state is a conditional
 * UPDATE (`active` routes, `waiting` recipients), so two answers racing never both count, and
 * the request mail of a recipient is sent by whichever call moved it to `waiting`.
 */
import { eq, sql, type SQL } from 'drizzle-orm';
import { inboxes } from '../db/schema';
import { firstRowOf, isoZ, pageOfRows, rowsOf, textArray, type Queryable } from '../db/sql';
import type { RoutePhrases, RouteRecipientKind, RouteRecipientStatus, RouteRequestType, RouteStatus, RoutingMode } from '../db/schema';
import type { Inbox } from '../http/context';
import { ApiError } from '../http/errors';
import { newId } from '../http/ids';
import type { Page } from '../http/pagination';
import { recordWorkRouteCompleted } from '../alerts/emit';
import { sendMessage, type SendContext } from '../mail/send';
import { toIsoZ } from '../time/zones';
import { DECISIONS_BY_TYPE, type CreateRouteInput, type Decision, type RespondInput } from './schemas';

type RecipientRecord = {
  recipient_id: string; kind: RouteRecipientKind; email: string; contact_id: string | null; inbox_id: string | null;
  status: RouteRecipientStatus; responded_at: string | null; response_text: string | null; request_message_id: string | null;
};

type RouteRecord = {
  route_id: string; inbox_id: string; title: string; description: string | null; request_type: RouteRequestType;
  routing_mode: RoutingMode; status: RouteStatus; due_at: string | null; phrases: RoutePhrases | null;
  source_message_id: string | null; created_at: string; updated_at: string; recipients: RecipientRecord[];
};

const ANSWERED: readonly RouteRecipientStatus[] = ['approved', 'rejected', 'changes_requested', 'acknowledged', 'responded'];

const STATUS_OF: Record<Decision, RouteRecipientStatus> = {
  approve: 'approved', reject: 'rejected', request_changes: 'changes_requested', acknowledge: 'acknowledged', respond: 'responded',
};

const routeColumns = (w: SQL) => sql`${w}.id AS route_id, ${w}.inbox_id, ${w}.title, ${w}.description, ${w}.request_type, ${w}.routing_mode,
  ${w}.status, CASE WHEN ${w}.due_at IS NULL THEN NULL ELSE ${isoZ(sql`${w}.due_at`)} END AS due_at, ${w}.phrases, ${w}.source_message_id,
  ${isoZ(sql`${w}.created_at`)} AS created_at, ${isoZ(sql`${w}.updated_at`)} AS updated_at,
  (SELECT coalesce(json_agg(json_build_object(
     'recipient_id', r.id, 'kind', r.kind, 'email', r.email, 'contact_id', r.contact_id, 'inbox_id', r.recipient_inbox_id,
     'status', r.status, 'responded_at', CASE WHEN r.responded_at IS NULL THEN NULL ELSE ${isoZ(sql`r.responded_at`)} END,
     'response_text', r.response_text, 'request_message_id', r.request_message_id) ORDER BY r.position), '[]'::json)
   FROM route_recipients r WHERE r.route_id = ${w}.id) AS recipients`;

/** The route is this inbox's, or names it as a recipient. */
const visibleTo = (inbox: Inbox, w: SQL) => sql`(${w}.inbox_id = ${inbox.id} OR EXISTS (
  SELECT 1 FROM route_recipients rv WHERE rv.route_id = ${w}.id AND rv.recipient_inbox_id = ${inbox.id}))`;

export function routeCounts(recipients: readonly { status: RouteRecipientStatus }[]) {
  return {
    waiting_on: recipients.filter((r) => r.status === 'waiting').length,
    completed_recipients: recipients.filter((r) => ANSWERED.includes(r.status)).length,
    total_recipients: recipients.length,
  };
}

function routeView(r: RouteRecord) {
  return {
    route_id: r.route_id, title: r.title, description: r.description, request_type: r.request_type, routing_mode: r.routing_mode,
    status: r.status, due_at: r.due_at,
    recipients: r.recipients.map(({ request_message_id: _, ...x }) => x),
    ...routeCounts(r.recipients),
    source: r.source_message_id ? { type: 'email' as const, message_id: r.source_message_id } : null,
    created_at: r.created_at, updated_at: r.updated_at,
  };
}
export type RouteView = ReturnType<typeof routeView>;

async function readRoute(db: Queryable, inbox: Inbox, id: string): Promise<RouteRecord> {
  const row = await firstRowOf<RouteRecord>(db, sql`SELECT ${routeColumns(sql`w`)} FROM work_routes w WHERE w.id = ${id} AND ${visibleTo(inbox, sql`w`)}`);
  if (!row) throw ApiError.notFound('Work route');
  return row;
}

export async function getRoute(db: Queryable, inbox: Inbox, id: string): Promise<RouteView> {
  return routeView(await readRoute(db, inbox, id));
}

export interface RouteFilter {
  status?: RouteStatus;
  role?: 'creator' | 'recipient';
}

/** Oldest first (ids are time-sortable). */
export async function listRoutes(db: Queryable, inbox: Inbox, f: RouteFilter, page: Page) {
  // Each role is one index range (a route's inbox, a recipient's inbox), never a scan of all routes.
  const mine = sql`SELECT id FROM work_routes WHERE inbox_id = ${inbox.id}`;
  const addressed = sql`SELECT route_id FROM route_recipients WHERE recipient_inbox_id = ${inbox.id}`;
  const ids = f.role === 'creator' ? mine : f.role === 'recipient' ? addressed : sql`${mine} UNION ${addressed}`;
  const role = sql`w.id IN (${ids})`;
  const where = f.status ? sql`${role} AND w.status = ${f.status}` : role;
  const { total, results } = await pageOfRows<RouteRecord>(db, {
    total: sql`SELECT count(*)::int FROM work_routes w WHERE ${where}`,
    rows: sql`SELECT ${routeColumns(sql`w`)} FROM work_routes w WHERE ${where} ORDER BY w.id`,
    page,
  });
  return { total, results: results.map(routeView) };
}

// ── Creating and starting ─────────────────────────────────────────────────────────────────────

type ResolvedRecipient = { kind: RouteRecipientKind; email: string; contact_id: string | null; inbox_id: string | null };

/** The recipients' addresses, read in one statement: contacts of this inbox, inboxes of its tenant. */
async function resolveRecipients(db: Queryable, inbox: Inbox, input: CreateRouteInput): Promise<ResolvedRecipient[]> {
  const contactIds = input.recipients.flatMap((r) => (r.kind === 'contact' ? [r.contact_id] : []));
  const inboxIds = input.recipients.flatMap((r) => (r.kind === 'inbox' ? [r.inbox_id] : []));
  const found = await firstRowOf<{ contacts: Record<string, string | null> | null; inboxes: Record<string, string> | null; source: boolean }>(db, sql`
    SELECT (SELECT json_object_agg(c.id, lower(c.emails -> 0 ->> 'address')) FROM contacts c
            WHERE c.inbox_id = ${inbox.id} AND c.id = ANY(${textArray(contactIds)})) AS contacts,
           (SELECT json_object_agg(i.id, i.address) FROM inboxes i
            WHERE i.tenant_id = ${inbox.tenantId} AND i.id = ANY(${textArray(inboxIds)})) AS inboxes,
           ${input.source ? sql`EXISTS (SELECT 1 FROM messages m WHERE m.id = ${input.source.message_id} AND m.inbox_id = ${inbox.id})` : sql`true`} AS source`);
  if (!found?.source) throw ApiError.notFound('Message');
  return input.recipients.map((r, i): ResolvedRecipient => {
    if (r.kind === 'email') return { kind: 'email', email: r.email, contact_id: null, inbox_id: null };
    if (r.kind === 'contact') {
      if (!found.contacts || !(r.contact_id in found.contacts)) throw ApiError.notFound('Contact');
      const email = found.contacts[r.contact_id];
      if (!email) throw ApiError.field(`recipients.${i}.contact_id`, 'the contact has no email address to send the request to');
      return { kind: 'contact', email, contact_id: r.contact_id, inbox_id: null };
    }
    const address = found.inboxes?.[r.inbox_id];
    if (!address) throw ApiError.notFound('Inbox');
    return { kind: 'inbox', email: address, contact_id: null, inbox_id: r.inbox_id };
  });
}

/** Whom a route reaches first when it starts: everyone (parallel) or the first (ordered). */
const firstWave = (mode: RoutingMode, position: number) => mode === 'parallel' || position === 0;

export async function createRoute(ctx: SendContext, input: CreateRouteInput, dueAt: Date | null): Promise<RouteView> {
  const { db, inbox, now } = ctx;
  const recipients = await resolveRecipients(db, inbox, input);
  const id = newId('rte', now.getTime());
  const at = now.toISOString();
  const rows = recipients.map((r, position) => ({
    id: newId('rcp', now.getTime()), position, ...r,
    status: input.start && firstWave(input.routing_mode, position) ? 'waiting' : 'queued',
  }));
  const phrases = input.response_detection?.phrases ?? null;
  await db.execute(sql`
    WITH w AS (
      INSERT INTO work_routes (id, inbox_id, title, description, request_type, routing_mode, status, due_at, phrases, source_message_id, created_at, updated_at)
      VALUES (${id}, ${inbox.id}, ${input.title}, ${input.description ?? null}, ${input.request_type}, ${input.routing_mode},
              ${input.start ? 'active' : 'draft'}, ${dueAt?.toISOString() ?? null}::timestamptz, ${phrases ? JSON.stringify(phrases) : null}::jsonb,
              ${input.source?.message_id ?? null}, ${at}::timestamptz, ${at}::timestamptz)
      RETURNING id
    )
    INSERT INTO route_recipients (id, route_id, inbox_id, position, kind, email, contact_id, recipient_inbox_id, status, created_at)
    SELECT r.id, w.id, ${inbox.id}, r.position, r.kind::route_recipient_kind, r.email, r.contact_id, r.inbox_id,
           r.status::route_recipient_status, ${at}::timestamptz
    FROM w, jsonb_to_recordset(${JSON.stringify(rows)}::jsonb)
      AS r(id text, position int, kind text, email text, contact_id text, inbox_id text, status text)`);
  // The route as the insert wrote it (timestamps rendered as the statements render them), so
  // the answer costs no read back.
  const route: RouteRecord = {
    route_id: id, inbox_id: inbox.id, title: input.title, description: input.description ?? null,
    request_type: input.request_type, routing_mode: input.routing_mode, status: input.start ? 'active' : 'draft',
    due_at: dueAt ? toIsoZ(dueAt) : null, phrases, source_message_id: input.source?.message_id ?? null,
    created_at: toIsoZ(now), updated_at: toIsoZ(now),
    recipients: rows.map((r) => ({
      recipient_id: r.id, kind: r.kind, email: r.email, contact_id: r.contact_id, inbox_id: r.inbox_id,
      status: r.status as RouteRecipientStatus, responded_at: null, response_text: null, request_message_id: null,
    })),
  };
  await sendRequests(ctx, route, route.recipients.filter((r) => r.status === 'waiting'));
  return routeView(route);
}

/** A draft begins: its first recipients wait, and their request mails go out. */
export async function startRoute(ctx: SendContext, id: string): Promise<RouteView> {
  const { db, inbox, now } = ctx;
  const at = now.toISOString();
  const started = await rowsOf<{ id: string }>(db, sql`
    WITH w AS (
      UPDATE work_routes SET status = 'active', updated_at = ${at}::timestamptz
      WHERE id = ${id} AND inbox_id = ${inbox.id} AND status = 'draft'
      RETURNING id, routing_mode
    )
    UPDATE route_recipients r SET status = 'waiting'
    FROM w WHERE r.route_id = w.id AND (w.routing_mode = 'parallel' OR r.position = 0)
    RETURNING r.id`);
  const route = await readRoute(db, inbox, id);
  if (route.inbox_id !== inbox.id) throw ApiError.notFound('Work route');
  if (started.length === 0) throw new ApiError(409, 'conflict', `Only a draft can be started; this route is ${route.status}.`);
  await sendRequests(ctx, route, route.recipients.filter((r) => started.some((s) => s.id === r.recipient_id)));
  return getRoute(db, inbox, id);
}

const REQUEST_WORDS: Record<RouteRequestType, { subject: string; ask: string }> = {
  approval: { subject: 'Approval requested', ask: 'Reply with "Approved", "Rejected" or "Changes requested" on the first line (anything after it is kept as your comment).' },
  acknowledgement: { subject: 'Please acknowledge', ask: 'Reply to this message to acknowledge it.' },
  text_response: { subject: 'Response requested', ask: 'Reply to this message with your answer.' },
};

/** The request mail of a route, as its recipients read it. */
export function requestMail(route: Pick<RouteRecord, 'title' | 'description' | 'request_type' | 'due_at'>, zone: string) {
  const words = REQUEST_WORDS[route.request_type];
  const due = route.due_at
    ? `\n\nPlease answer by ${new Date(route.due_at).toLocaleString('en-US', { timeZone: zone, dateStyle: 'full', timeStyle: 'short' })} (${zone}).`
    : '';
  return {
    subject: `${words.subject}: ${route.title}`,
    text: `${route.description ? `${route.description}\n\n` : ''}${words.ask}${due}`,
  };
}

/**
 * Mails each recipient its request from the creator's inbox and records which message it is (its
 * replies name it). A refused send still records the failed copy: the recipient waits, and the
 * creator sees the failure in the thread.
 */
async function sendRequests(ctx: SendContext, route: RouteRecord, recipients: RecipientRecord[]): Promise<void> {
  if (recipients.length === 0) return;
  const mail = requestMail(route, ctx.inbox.defaultTimezone ?? 'UTC');
  const sent: { id: string; message_id: string }[] = [];
  for (const r of recipients) {
    try {
      const m = await sendMessage(ctx, { to: [{ email: r.email, name: null }], subject: mail.subject, text_body: mail.text });
      sent.push({ id: r.recipient_id, message_id: m.message_id });
    } catch (err) {
      if (!(err instanceof ApiError && err.code === 'send_failed')) throw err;
      sent.push({ id: r.recipient_id, message_id: (err.extra as { message_id: string }).message_id });
    }
  }
  await ctx.db.execute(sql`
    UPDATE route_recipients r SET request_message_id = s.message_id
    FROM jsonb_to_recordset(${JSON.stringify(sent)}::jsonb) AS s(id text, message_id text)
    WHERE r.id = s.id AND r.route_id = ${route.route_id}`);
}

// ── Answers ─────────────────────────────────────────────────────────────────────────────────

/**
 * Records a waiting recipient's decision, then moves the route on: a rejection or a request for
 * changes ends an approval `rejected`; every recipient answered ends it `completed` (and fires
 * `work_route.completed`); an ordered route's next recipient starts waiting and gets its mail.
 * Returns false when the recipient was not waiting on an active route (nothing changed).
 */
export async function recordAnswer(ctx: SendContext, routeId: string, recipientId: string, decision: Decision, text: string | null): Promise<boolean> {
  const at = ctx.now.toISOString();
  const applied = await rowsOf<{ id: string }>(ctx.db, sql`
    UPDATE route_recipients r SET status = ${STATUS_OF[decision]}, responded_at = ${at}::timestamptz, response_text = ${text}
    WHERE r.id = ${recipientId} AND r.route_id = ${routeId} AND r.status = 'waiting'
      AND EXISTS (SELECT 1 FROM work_routes w WHERE w.id = r.route_id AND w.status = 'active')
    RETURNING r.id`);
  if (applied.length === 0) return false;
  // A separate statement, so it sees this answer and every other one already recorded: of two
  // answers racing, the later one's statement sees both.
  const moved = await firstRowOf<{ ended: RouteStatus | null; next: string | null }>(ctx.db, sql`
    WITH counts AS (
      SELECT count(*) AS total,
             count(*) FILTER (WHERE status IN ('approved', 'rejected', 'changes_requested', 'acknowledged', 'responded')) AS answered,
             count(*) FILTER (WHERE status IN ('rejected', 'changes_requested')) AS refused,
             count(*) FILTER (WHERE status = 'waiting') AS waiting
      FROM route_recipients WHERE route_id = ${routeId}
    ),
    ended AS (
      UPDATE work_routes w SET status = (CASE WHEN c.refused > 0 THEN 'rejected' ELSE 'completed' END)::route_status, updated_at = ${at}::timestamptz
      FROM counts c WHERE w.id = ${routeId} AND w.status = 'active' AND (c.refused > 0 OR c.answered = c.total)
      RETURNING w.status
    ),
    next AS (
      UPDATE route_recipients r SET status = 'waiting'
      WHERE r.id = (SELECT q.id FROM route_recipients q WHERE q.route_id = ${routeId} AND q.status = 'queued' ORDER BY q.position LIMIT 1)
        AND NOT EXISTS (SELECT 1 FROM ended) AND (SELECT waiting FROM counts) = 0
        AND EXISTS (SELECT 1 FROM work_routes w WHERE w.id = ${routeId} AND w.status = 'active' AND w.routing_mode = 'ordered')
      RETURNING r.id
    ),
    -- A route that goes on changed in its recipients only: its updated_at moves all the same.
    touched AS (
      UPDATE work_routes SET updated_at = ${at}::timestamptz WHERE id = ${routeId} AND NOT EXISTS (SELECT 1 FROM ended)
    )
    SELECT (SELECT status FROM ended) AS ended, (SELECT id FROM next) AS next`);
  if (moved?.ended !== 'completed' && !moved?.next) return true;
  const route = await readRoute(ctx.db, ctx.inbox, routeId);
  if (moved.next) await sendRequests(ctx, route, route.recipients.filter((r) => r.recipient_id === moved.next));
  if (moved.ended === 'completed') {
    await recordWorkRouteCompleted(ctx, {
      route_id: route.route_id, title: route.title, status: route.status, request_type: route.request_type,
      completed_recipients: routeCounts(route.recipients).completed_recipients, total_recipients: route.recipients.length,
    });
  }
  return true;
}

/** `POST …/responses/`: the creator answers for any recipient; a recipient inbox only for itself. */
export async function respond(ctx: SendContext, id: string, input: RespondInput): Promise<RouteView> {
  const route = await readRoute(ctx.db, ctx.inbox, id);
  const recipient = route.recipients.find((r) => r.recipient_id === input.recipient_id);
  if (!recipient || (route.inbox_id !== ctx.inbox.id && recipient.inbox_id !== ctx.inbox.id)) throw ApiError.notFound('Recipient');
  const allowed = DECISIONS_BY_TYPE[route.request_type];
  if (!allowed.includes(input.decision)) {
    throw ApiError.field('decision', `a ${route.request_type} route takes ${allowed.map((d) => `"${d}"`).join(', ')}`);
  }
  if (route.status !== 'active') throw new ApiError(409, 'conflict', `The route is ${route.status}; it takes no more answers.`);
  // The route owner's context sends the mails and fires the alert, whoever answers.
  const owner = route.inbox_id === ctx.inbox.id ? ctx : { ...ctx, inbox: await ownerInbox(ctx.db, route.inbox_id) };
  if (!(await recordAnswer(owner, id, recipient.recipient_id, input.decision, input.text ?? null))) {
    throw new ApiError(409, 'conflict', recipient.status === 'queued'
      ? 'This recipient\'s turn has not come yet (an ordered route asks one recipient at a time).'
      : `This recipient answered already (${recipient.status}).`);
  }
  return getRoute(ctx.db, ctx.inbox, id);
}

async function ownerInbox(db: Queryable, id: string): Promise<Inbox> {
  const [inbox] = await db.select().from(inboxes).where(eq(inboxes.id, id));
  if (!inbox) throw ApiError.notFound('Work route');
  return inbox;
}

/** Cancels a draft or active route (no more mail); a cancelled one is answered as it is; an ended one is a 409. */
export async function cancelRoute(ctx: SendContext, id: string): Promise<RouteView> {
  const route = await readRoute(ctx.db, ctx.inbox, id);
  if (route.inbox_id !== ctx.inbox.id) throw ApiError.notFound('Work route');
  if (route.status === 'completed' || route.status === 'rejected') throw new ApiError(409, 'conflict', `The route is ${route.status} already.`);
  await ctx.db.execute(sql`
    UPDATE work_routes SET status = 'cancelled', updated_at = ${ctx.now.toISOString()}::timestamptz
    WHERE id = ${id} AND inbox_id = ${ctx.inbox.id} AND status IN ('draft', 'active')`);
  return getRoute(ctx.db, ctx.inbox, id);
}
