/**
 * What a reply to a route's request says (docs/mail.md): read from the first line of the
 * replier's own text (quoted text of the request and signatures left out, src/mail/suggest.ts
 * `ownText`). An approval's line must start with one of a decision's phrases, case-insensitive,
 * as whole words ("Approved, thanks!" approves; "Not approved" decides nothing); changes and
 * rejections are read before approvals. Any reply acknowledges an acknowledgement and answers
 * a text response (its text is the answer). Pure.
 */
import type { RoutePhrases, RouteRequestType } from '../db/schema';
import { ownText } from '../mail/suggest';
import type { Decision } from './schemas';

export const DEFAULT_PHRASES: Required<RoutePhrases> = {
  approve: ['approved', 'approve', 'lgtm', 'looks good'],
  reject: ['rejected', 'reject', 'declined', 'decline'],
  request_changes: ['changes requested', 'request changes'],
};

/** The reply's answer: a decision and its text, or null when it says none. */
export interface ReadReply {
  decision: Decision;
  text: string;
}

const MAX_TEXT = 20_000;

const normalize = (s: string) => s.toLowerCase().normalize('NFKC').replace(/\s+/g, ' ').trim();

/** Does `line` start with `phrase` as whole words (what follows is the end or not a letter or digit)? */
function startsWithPhrase(line: string, phrase: string): boolean {
  const p = normalize(phrase);
  if (p === '' || !line.startsWith(p)) return false;
  const next = line.charAt(p.length);
  return next === '' || !/[\p{L}\p{N}]/u.test(next);
}

export function readReply(requestType: RouteRequestType, text: string, custom: RoutePhrases | null = null): ReadReply | null {
  const own = ownText(text).trim().slice(0, MAX_TEXT);
  if (requestType === 'acknowledgement') return { decision: 'acknowledge', text: own };
  if (requestType === 'text_response') return own === '' ? null : { decision: 'respond', text: own };
  const first = own.split('\n').map((l) => l.trim()).find((l) => l !== '');
  if (!first) return null;
  // Leading punctuation or markup ("**Approved**", "- LGTM") does not hide the word.
  const line = normalize(first).replace(/^[^\p{L}\p{N}]+/u, '');
  const phrases = { ...DEFAULT_PHRASES, ...Object.fromEntries(Object.entries(custom ?? {}).filter(([, v]) => v && v.length > 0)) };
  for (const [decision, list] of [['request_changes', phrases.request_changes], ['reject', phrases.reject], ['approve', phrases.approve]] as const) {
    if (list.some((p) => startsWithPhrase(line, p))) return { decision, text: own };
  }
  return null;
}
