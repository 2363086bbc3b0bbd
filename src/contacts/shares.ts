/**
 * Contact shares (docs/contacts.md): an inbox offers a contact to, or asks one of, another inbox of
 * its tenant; only the receiving inbox (`to_inbox_id`) decides. Accepting copies the card into
 * the inbox that wants it (the receiver of an offer, the sender of a request), merged into a
 * contact that already has the address: its name and notes stay, emails, phones and
 * anniversaries are unioned. A decision is a conditional UPDATE (`pending` only), so a share is
 * decided once; a pending share expires after 30 days (`expireShares`, by the minute scan).
 */
import { and, eq, sql } from 'drizzle-orm';
import { contactShares, inboxes, type ContactShareRow, type SharedCard, type ShareStatus, type ShareType } from '../db/schema';
import { firstRowOf, isoZ, rowsOf, type Queryable } from '../db/sql';
import type { Inbox, ServiceContext } from '../http/context';
import { ApiError } from '../http/errors';
import { newId } from '../http/ids';
import { recordFirings, sendOrLeaveForScan } from '../alerts/ledger';
import { shareData } from '../alerts/payload';
import { MAX_ANNIVERSARIES, MAX_EMAILS, MAX_PHONES, type CreateShareInput } from './schemas';
import { createContact, getContact, updateContact } from './service';

const SHARE_DAYS = 30;
/** Decided shares stay listed this long. */
const LISTED_DECIDED_DAYS = 7;
const DAY_MS = 86_400_000;

type ShareRecord = {
  share_id: string; type: ShareType; status: ShareStatus; from_inbox_id: string; to_inbox_id: string;
  contact_address: string; note: string | null; created_at: string; expires_at: string; resolved_at: string | null;
};

const shareColumns = sql`s.id AS share_id, s.type, s.status, s.from_inbox_id, s.to_inbox_id, s.contact_address, s.note,
  ${isoZ(sql`s.created_at`)} AS created_at, ${isoZ(sql`s.expires_at`)} AS expires_at,
  CASE WHEN s.resolved_at IS NULL THEN NULL ELSE ${isoZ(sql`s.resolved_at`)} END AS resolved_at`;

/** The inbox's sent and received shares: pending, or decided in the last 7 days; newest first. */
export async function listShares(db: Queryable, inbox: Inbox, now: Date): Promise<ShareRecord[]> {
  const since = new Date(now.getTime() - LISTED_DECIDED_DAYS * DAY_MS).toISOString();
  return rowsOf<ShareRecord>(db, sql`
    SELECT ${shareColumns} FROM contact_shares s
    WHERE (s.from_inbox_id = ${inbox.id} OR s.to_inbox_id = ${inbox.id})
      AND (s.status = 'pending' OR s.resolved_at >= ${since}::timestamptz)
    ORDER BY s.created_at DESC, s.id DESC`);
}

/** The card a contact of `inbox` would be shared as. */
const cardOf = (c: Awaited<ReturnType<typeof getContact>>): SharedCard => ({
  full_name: c.full_name, emails: c.emails, phones: c.phones, notes: c.notes,
  anniversaries: c.anniversaries.map((a) => ({ type: a.type, date: a.date })),
});

export async function createShare(ctx: ServiceContext, input: CreateShareInput): Promise<ShareRecord> {
  const { db, inbox, now } = ctx;
  const target = await firstRowOf<{ id: string }>(db, sql`
    SELECT id FROM inboxes WHERE id = ${input.to_inbox_id} AND tenant_id = ${inbox.tenantId}`);
  if (!target) throw ApiError.notFound('Inbox');
  if (target.id === inbox.id) throw ApiError.field('to_inbox_id', 'must be another inbox of the tenant, not this one');
  let address: string;
  let card: SharedCard | null = null;
  if (input.type === 'offer') {
    const contact = await getContact(db, inbox, input.contact_id!);
    const first = contact.emails[0]?.address;
    if (!first) throw ApiError.field('contact_id', 'the contact has no email address to share it by');
    address = first.toLowerCase();
    card = cardOf(contact);
  } else {
    address = input.contact_address!;
  }
  const row = await firstRowOf<ShareRecord>(db, sql`
    WITH s AS (
      INSERT INTO contact_shares (id, from_inbox_id, to_inbox_id, type, status, contact_address, note, card, created_at, expires_at)
      VALUES (${newId('shr', now.getTime())}, ${inbox.id}, ${target.id}, ${input.type}, 'pending', ${address},
              ${input.type === 'request' ? input.note ?? null : null}, ${card ? JSON.stringify(card) : null}::jsonb,
              ${now.toISOString()}::timestamptz, ${new Date(now.getTime() + SHARE_DAYS * DAY_MS).toISOString()}::timestamptz)
      RETURNING *
    )
    SELECT ${shareColumns} FROM s`);
  await fireShareReceived(ctx, row!);
  return row!;
}

/** `contact.share_received` in the inbox that must decide (source key: the share). */
async function fireShareReceived({ db, now, alerts }: ServiceContext, share: ShareRecord): Promise<void> {
  const subscribed = await rowsOf<{ id: string }>(db, sql`
    SELECT id FROM alerts WHERE inbox_id = ${share.to_inbox_id} AND enabled AND 'contact.share_received' = ANY(events)`);
  if (subscribed.length === 0) return;
  const data = shareData({ share_id: share.share_id, type: share.type, from_inbox_id: share.from_inbox_id, contact_address: share.contact_address });
  const recorded = await recordFirings(db, subscribed.map((a) => ({
    inboxId: share.to_inbox_id, alertId: a.id, sourceKey: `share:${share.share_id}`, type: 'contact.share_received', scheduledFor: now, payload: data,
  })), now);
  await sendOrLeaveForScan(db, alerts, recorded.map((f) => f.id), now);
}

/** The share as the deciding inbox reads it (anyone else: 404), with its offer's card. */
async function decidable(db: Queryable, inbox: Inbox, id: string): Promise<ContactShareRow> {
  const [row] = await db.select().from(contactShares).where(and(eq(contactShares.id, id), eq(contactShares.toInboxId, inbox.id)));
  if (!row) throw ApiError.notFound('Share');
  return row;
}

/** Moves a pending share to `status`; a share decided (or expired) already is a 409. */
async function decide(db: Queryable, inbox: Inbox, id: string, status: ShareStatus, now: Date): Promise<ShareRecord> {
  const row = await firstRowOf<ShareRecord>(db, sql`
    WITH s AS (
      UPDATE contact_shares SET status = ${status}, resolved_at = ${now.toISOString()}::timestamptz
      WHERE id = ${id} AND to_inbox_id = ${inbox.id} AND status = 'pending' AND expires_at > ${now.toISOString()}::timestamptz
      RETURNING *
    )
    SELECT ${shareColumns} FROM s`);
  if (!row) throw new ApiError(409, 'conflict', 'The share was decided already, or has expired.');
  return row;
}

/**
 * Accepts: an offer's card goes into this inbox; a request's card — this inbox's contact with
 * the asked address (409 if it has none) — goes to the inbox that asked. The share is claimed
 * first, so two accepts copy once; a copy that fails gives the claim back.
 */
export async function acceptShare(ctx: ServiceContext, id: string): Promise<ShareRecord> {
  const { db, inbox, now } = ctx;
  const share = await decidable(db, inbox, id);
  if (share.status !== 'pending') throw new ApiError(409, 'conflict', `The share is ${share.status} already.`);
  let card = share.card;
  let into: Inbox = inbox;
  if (share.type === 'request') {
    const holder = await contactByAddress(db, inbox, share.contactAddress);
    if (!holder) throw new ApiError(409, 'conflict', `This inbox has no contact with the address ${share.contactAddress} to share.`);
    card = cardOf(holder);
    into = await inboxById(db, share.fromInboxId);
  }
  const decided = await decide(db, inbox, id, 'accepted', now);
  try {
    await mergeCard(db, into, card!, share.contactAddress, now);
  } catch (err) {
    await db.execute(sql`UPDATE contact_shares SET status = 'pending', resolved_at = NULL WHERE id = ${id} AND status = 'accepted'`);
    throw err;
  }
  return decided;
}

export function declineShare(ctx: ServiceContext, id: string): Promise<ShareRecord> {
  return decidable(ctx.db, ctx.inbox, id).then(() => decide(ctx.db, ctx.inbox, id, 'declined', ctx.now));
}

async function inboxById(db: Queryable, id: string): Promise<Inbox> {
  const [inbox] = await db.select().from(inboxes).where(eq(inboxes.id, id));
  if (!inbox) throw ApiError.notFound('Inbox');
  return inbox;
}

async function contactByAddress(db: Queryable, inbox: Inbox, address: string) {
  const [row] = await rowsOf<{ id: string }>(db, sql`
    SELECT id FROM contacts WHERE inbox_id = ${inbox.id} AND string_to_array(search_emails, ' ') @> ARRAY[${address.toLowerCase()}]::text[]
    ORDER BY created_at, id LIMIT 1`);
  return row ? getContact(db, inbox, row.id) : null;
}

/** The first of each `key`, in order. */
function uniqueBy<T>(list: T[], key: (x: T) => string): T[] {
  const seen = new Set<string>();
  return list.filter((x) => {
    const k = key(x);
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

/** Into `inbox`: a new contact, or the one with `address` with the card's lists unioned into it. */
async function mergeCard(db: Queryable, inbox: Inbox, card: SharedCard, address: string, now: Date): Promise<void> {
  const existing = await contactByAddress(db, inbox, address);
  if (!existing) {
    await createContact(db, inbox, {
      full_name: card.full_name, emails: card.emails, phones: card.phones, notes: card.notes, anniversaries: card.anniversaries,
    }, now);
    return;
  }
  await updateContact(db, inbox, existing.id, {
    emails: uniqueBy([...existing.emails, ...card.emails], (e) => e.address.toLowerCase()).slice(0, MAX_EMAILS),
    phones: uniqueBy([...existing.phones, ...card.phones], (p) => p.number.replace(/\D/g, '')).slice(0, MAX_PHONES),
    anniversaries: uniqueBy([...existing.anniversaries, ...card.anniversaries], (a) => `${a.type} ${a.date}`).slice(0, MAX_ANNIVERSARIES),
  }, now);
}

/** Pending shares past their 30 days become `expired` (one range UPDATE, by the minute scan). */
export async function expireShares(db: Queryable, now: Date): Promise<number> {
  const rows = await rowsOf<{ id: string }>(db, sql`
    UPDATE contact_shares SET status = 'expired', resolved_at = expires_at
    WHERE status = 'pending' AND expires_at <= ${now.toISOString()}::timestamptz
    RETURNING id`);
  return rows.length;
}
