// The real HTTP receiver (test/webhook-receiver.ts, started by the global setup) seen from a
// test: a hook URL per key, scripting its answers, and polling what it received.
import { inject } from 'vitest';
import type { RecordedRequest } from '../webhook-receiver';

export type { RecordedRequest };

/** The receiver's base URL. */
export const receiverUrl = (): string => inject('webhookReceiver');

/** A fresh key, so concurrent tests never see each other's requests. */
export const hookKey = (prefix: string): string => `${prefix}-${crypto.randomUUID()}`;

/** The URL an alert posts to for `key`. */
export const hookUrl = (key: string): string => `${receiverUrl()}/hook/${key}`;

/** How the hook for `key` answers its next requests, in order (then 200). */
export async function scriptHook(key: string, responses: Array<number | { status: number; delay_ms: number }>): Promise<void> {
  const r = await fetch(`${receiverUrl()}/__script`, { method: 'POST', body: JSON.stringify({ key, responses }) });
  if (!r.ok) throw new Error(`script: ${r.status}`);
}

/** The requests received for `key`, polled until there are at least `atLeast` or `timeoutMs` passes. */
export async function received(key: string, atLeast = 0, timeoutMs = 15_000): Promise<RecordedRequest[]> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const list = (await (await fetch(`${receiverUrl()}/__requests?key=${key}`)).json()) as RecordedRequest[];
    if (list.length >= atLeast || Date.now() > until) return list;
    await new Promise((r) => setTimeout(r, 200));
  }
}
