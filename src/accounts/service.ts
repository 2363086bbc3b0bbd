import { and, asc, eq, isNull, sql } from 'drizzle-orm';
import { agentTokens, calendars, inboxes, sessions, tenants, users, type AgentTokenRow, type InboxRow } from '../db/schema';
import { firstRowOf, sqlState, type Queryable } from '../db/sql';
import type { Inbox } from '../http/context';
import { ApiError } from '../http/errors';
import { forgetPrincipals } from '../http/principal-cache';
import { newId } from '../http/ids';
import { DUMMY_PASSWORD_HASH, hashPassword, newSecret, sha256Hex, verifyPassword } from '../http/crypto';
import { toIsoZ } from '../time/zones';
import type { Page } from '../http/pagination';
import { THROTTLE, countAttempt, normaliseEmail, successCtes } from './throttle';
import { unindexAllDay } from '../calendar/occurrence-index';

export const ACCESS_TTL_S = 60 * 60;
export const REFRESH_TTL_S = 30 * 24 * 60 * 60;

const isUniqueViolation = (e: unknown) => sqlState(e) === '23505';
export function inboxView(r: InboxRow | Inbox) {
  return { id: r.id, inbox_id: r.id, address: r.address, display_name: r.displayName, created_at: toIsoZ(r.createdAt) };
}

/** Every inbox starts with its default `Personal` calendar and the `Tasks` calendar. */
async function insertInbox(tx: Queryable, tenantId: string, address: string, displayName: string | null, now: Date): Promise<InboxRow> {
  const id = newId('inb', now.getTime());
  const [row] = await tx.insert(inboxes).values({ id, tenantId, address: address.toLowerCase(), displayName, createdAt: now }).returning();
  await tx.insert(calendars).values([
    { id: newId('cal', now.getTime()), inboxId: id, name: 'Personal', isDefault: true, kind: 'personal', createdAt: now },
    { id: newId('cal', now.getTime()), inboxId: id, name: 'Tasks', isDefault: false, kind: 'tasks', createdAt: now },
  ]);
  return row!;
}

export async function createTenant(db: Queryable, input: { name: string; owner_email: string; owner_password: string; inbox_address: string }, now: Date) {
  const passwordHash = await hashPassword(input.owner_password);
  try {
    return await db.transaction(async (tx) => {
      const tenantId = newId('ten', now.getTime());
      const userId = newId('usr', now.getTime());
      await tx.insert(tenants).values({ id: tenantId, name: input.name, createdAt: now });
      await tx.insert(users).values({ id: userId, tenantId, email: input.owner_email, passwordHash, createdAt: now });
      const inbox = await insertInbox(tx, tenantId, input.inbox_address, null, now);
      return { tenant_id: tenantId, user_id: userId, inbox_id: inbox.id };
    });
  } catch (e) {
    if (isUniqueViolation(e)) throw new ApiError(409, 'conflict', 'That owner email or inbox address is already taken.');
    throw e;
  }
}

/**
 * Signs in. The attempt is counted (per account and per client address) before anything else,
 * and refused with 429 once either is over its limit — even with the right password, and
 * without looking the user up, so an unknown email reads exactly like a known one.
 */
export async function login(db: Queryable, email: string, password: string, now: Date, address: string) {
  const { attempt, found: user } = await countAttempt<{ id: string; tenant_id: string; password_hash: string }>(db, [
    { kind: 'login:account', value: normaliseEmail(email), limit: THROTTLE.loginPerAccount },
    { kind: 'login:address', value: address, limit: THROTTLE.loginPerAddress },
  ], now, sql`SELECT id, tenant_id, password_hash FROM users WHERE email = ${email}`);
  // Verify against a dummy hash for unknown users, so both failures cost the same and read alike.
  const ok = await verifyPassword(password, user?.password_hash ?? DUMMY_PASSWORD_HASH);
  if (!user || !ok) throw new ApiError(401, 'unauthorized', 'Wrong email or password.');
  const access = newSecret('gses_');
  const refresh = newSecret('gref_');
  // The session and the throttle's bookkeeping of the success, in one statement.
  await db.execute(sql`
    WITH ${successCtes(attempt, { refund: ['login:address'], reset: ['login:account'] })}
    INSERT INTO sessions (id, tenant_id, user_id, access_hash, refresh_hash, access_expires_at, refresh_expires_at, created_at)
    VALUES (${newId('ses', now.getTime())}, ${user.tenant_id}, ${user.id}, ${await sha256Hex(access)}, ${await sha256Hex(refresh)},
      ${new Date(now.getTime() + ACCESS_TTL_S * 1000).toISOString()}::timestamptz,
      ${new Date(now.getTime() + REFRESH_TTL_S * 1000).toISOString()}::timestamptz, ${now.toISOString()}::timestamptz)`);
  return { access_token: access, refresh_token: refresh, expires_in: ACCESS_TTL_S, token_type: 'Bearer' as const };
}

/** A new access token for the session; the previous access token stops working. */
export async function refreshSession(db: Queryable, refreshToken: string, now: Date, address: string) {
  // Refresh tokens carry 256 bits, so guessing is hopeless; failures are throttled per address anyway.
  const { attempt } = await countAttempt(db, [{ kind: 'refresh:address', value: address, limit: THROTTLE.refreshPerAddress }], now);
  const access = newSecret('gses_');
  // The new access token, and (only if the session was found) the attempt given back: one statement.
  const refreshed = await firstRowOf<{ id: string }>(db, sql`
    WITH refreshed AS (
      UPDATE sessions SET access_hash = ${await sha256Hex(access)},
        access_expires_at = ${new Date(now.getTime() + ACCESS_TTL_S * 1000).toISOString()}::timestamptz
      WHERE refresh_hash = ${await sha256Hex(refreshToken)} AND revoked_at IS NULL AND refresh_expires_at > ${now.toISOString()}::timestamptz
      RETURNING id
    ),
    ${successCtes(attempt, { refund: ['refresh:address'], reset: [], onlyIf: sql`EXISTS (SELECT 1 FROM refreshed)` })}
    SELECT id FROM refreshed`);
  if (!refreshed) throw new ApiError(401, 'unauthorized', 'The refresh token is invalid, expired or revoked.');
  forgetPrincipals(refreshed.id);
  return { access_token: access, expires_in: ACCESS_TTL_S, token_type: 'Bearer' as const };
}

export async function logout(db: Queryable, sessionId: string, now: Date) {
  await db.update(sessions).set({ revokedAt: now }).where(eq(sessions.id, sessionId));
  forgetPrincipals(sessionId);
}

export async function listInboxes(db: Queryable, tenantId: string, page: Page) {
  const rows = await db.select().from(inboxes).where(eq(inboxes.tenantId, tenantId)).orderBy(asc(inboxes.id)).limit(page.limit).offset(page.offset);
  const total = await db.$count(inboxes, eq(inboxes.tenantId, tenantId));
  return { rows: rows.map(inboxView), total };
}

export async function createInbox(db: Queryable, tenantId: string, input: { address: string; display_name?: string | null }, now: Date) {
  try {
    return inboxView(await db.transaction((tx) => insertInbox(tx, tenantId, input.address, input.display_name ?? null, now)));
  } catch (e) {
    if (isUniqueViolation(e)) throw new ApiError(409, 'conflict', 'That inbox address is already taken.');
    throw e;
  }
}

export function settingsView(i: Inbox | InboxRow) {
  return {
    inbox_id: i.id, default_timezone: i.defaultTimezone, missed_reply_threshold_days: i.missedReplyThresholdDays,
    anniversary_alert_time: i.anniversaryAlertTime, leap_day_policy: i.leapDayPolicy,
  };
}

/**
 * The alert scan computes anniversary firing instants in Postgres, in the inbox zone: a zone the
 * runtime's ICU knows but the database's tz data does not would make every scan fail, so such a
 * zone is refused here, where it enters.
 */
async function assertDatabaseKnowsZone(db: Queryable, zone: string): Promise<void> {
  try {
    await db.execute(sql`SELECT now() AT TIME ZONE ${zone}`);
  } catch {
    throw ApiError.field('default_timezone', `the time zone ${zone} is not known to the database`);
  }
}

export async function updateSettings(db: Queryable, inbox: Inbox, patch: {
  default_timezone?: string | null; missed_reply_threshold_days?: number | null; anniversary_alert_time?: string; leap_day_policy?: Inbox['leapDayPolicy'];
}) {
  const set: Partial<typeof inboxes.$inferInsert> = {};
  if (patch.default_timezone) await assertDatabaseKnowsZone(db, patch.default_timezone);
  if (patch.default_timezone !== undefined) set.defaultTimezone = patch.default_timezone;
  if (patch.missed_reply_threshold_days !== undefined) set.missedReplyThresholdDays = patch.missed_reply_threshold_days;
  if (patch.anniversary_alert_time !== undefined) set.anniversaryAlertTime = patch.anniversary_alert_time;
  if (patch.leap_day_policy !== undefined) set.leapDayPolicy = patch.leap_day_policy;
  if (Object.keys(set).length === 0) return settingsView(inbox);
  const [row] = await db.update(inboxes).set(set).where(eq(inboxes.id, inbox.id)).returning();
  // All-day occurrences sit on the viewer's midnights: the index must place them again.
  if (row && row.defaultTimezone !== inbox.defaultTimezone) await unindexAllDay(db, inbox.id);
  // Principals carry their inbox's settings: this isolate sees the change at once.
  forgetPrincipals(inbox.id);
  return settingsView(row!);
}

function tokenView(t: AgentTokenRow) {
  return { token_id: t.id, label: t.label, scopes: t.scopes, requires_approval: t.requiresApproval, inbox_id: t.inboxId, created_at: toIsoZ(t.createdAt) };
}

export async function createToken(db: Queryable, inbox: Inbox, input: { label: string; scopes: string[]; requires_approval: string[] }, now: Date) {
  const token = newSecret('gent_');
  const [row] = await db.insert(agentTokens).values({
    id: newId('tok', now.getTime()), tenantId: inbox.tenantId, inboxId: inbox.id, label: input.label,
    tokenHash: await sha256Hex(token), scopes: [...new Set(input.scopes)],
    requiresApproval: [...new Set(input.requires_approval)], createdAt: now,
  }).returning();
  return { ...tokenView(row!), token };
}

export async function listTokens(db: Queryable, tenantId: string, inbox: Inbox | null) {
  const rows = await db.select().from(agentTokens)
    .where(and(eq(agentTokens.tenantId, tenantId), isNull(agentTokens.revokedAt), inbox ? eq(agentTokens.inboxId, inbox.id) : undefined))
    .orderBy(asc(agentTokens.id));
  return rows.map(tokenView);
}

export async function revokeToken(db: Queryable, tenantId: string, tokenId: string, now: Date) {
  const rows = await db.update(agentTokens).set({ revokedAt: now })
    .where(and(eq(agentTokens.id, tokenId), eq(agentTokens.tenantId, tenantId), isNull(agentTokens.revokedAt)))
    .returning({ id: agentTokens.id });
  if (rows.length === 0) throw ApiError.notFound('Token');
  forgetPrincipals(tokenId);
}
