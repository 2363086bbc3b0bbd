/**
 * Who a token is, remembered by the isolate for a few seconds, so a call from far away pays one
 * database round trip (its own statement), not two. Keyed by the token's SHA-256, never the
 * token. What bounds it:
 *
 * - An entry lives at most PRINCIPAL_TTL_MS (real time, not the test clock). A token revoked, a
 *   session ended or refreshed, or an inbox's settings changed in another isolate take effect
 *   there within that time (documented: within 10 s everywhere).
 * - In the isolate that made the change it takes effect at once: the verbs that revoke or change
 *   what a principal carries call `forgetPrincipals` with the id they changed.
 * - A session's access expiry is kept with it and checked against the call's clock on every hit.
 * - At most MAX_ENTRIES entries per cache; the oldest goes first.
 *
 * A second cache, bound the same way, holds a session's inbox lookups (tenant + id or address →
 * inbox), which carry the inbox's settings just as an agent principal does.
 */
import type { Inbox, Principal } from './context';

export const PRINCIPAL_TTL_MS = 5_000;
const MAX_ENTRIES = 5_000;

/** Values remembered for PRINCIPAL_TTL_MS, each with the ids whose change drops it. */
class ShortLived<V> {
  private readonly entries = new Map<string, { value: V; storedAt: number; validUntil: number; ids: string[] }>();

  get(key: string, now: Date): V | undefined {
    const e = this.entries.get(key);
    if (!e) return undefined;
    if (Date.now() - e.storedAt >= PRINCIPAL_TTL_MS || now.getTime() >= e.validUntil) {
      this.entries.delete(key);
      return undefined;
    }
    return e.value;
  }

  set(key: string, value: V, ids: string[], validUntil = Number.POSITIVE_INFINITY): void {
    this.entries.delete(key);
    if (this.entries.size >= MAX_ENTRIES) this.entries.delete(this.entries.keys().next().value!);
    this.entries.set(key, { value, storedAt: Date.now(), validUntil, ids });
  }

  forget(ids: string[]): void {
    for (const [key, e] of this.entries) if (e.ids.some((id) => ids.includes(id))) this.entries.delete(key);
  }
}

/** The principal of a token, by the token's SHA-256. */
export const principals = new ShortLived<Principal>();
/** A session's inbox lookups, by `tenant id + id or address`. */
export const tenantInboxes = new ShortLived<Inbox>();

/** The ids a principal depends on: revoking or changing any of them drops it. */
export function idsOf(p: Principal): string[] {
  if (p.kind === 'agent') return [p.tokenId, p.inboxId];
  if (p.kind === 'session') return [p.sessionId];
  return [];
}

/** Drops every remembered principal or inbox that depends on one of these ids (token, session, inbox). */
export function forgetPrincipals(...ids: string[]): void {
  principals.forget(ids);
  tenantInboxes.forget(ids);
}
