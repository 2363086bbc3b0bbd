/**
 * The mail rules that are only about text (docs/mail.md): subjects as threads compare them, the
 * reply subject, Message-ID lists, snippets. Pure, so they are property-tested on their own.
 */

/** Reply and forward prefixes, in the languages mail clients commonly write them. */
const PREFIX_RE = /^\s*(?:re|fwd?|aw|wg|sv|tr)\s*(?:\[\d+\])?\s*:\s*/i;

/** The subject without any run of `Re:`/`Fwd:`/`Fw:`/`Aw:` prefixes, trimmed. */
export function stripPrefixes(subject: string): string {
  let s = subject;
  for (let i = 0; i < 100; i++) {
    const next = s.replace(PREFIX_RE, '');
    if (next === s) break;
    s = next;
  }
  return s.trim();
}

/** What the thread fallback compares: no prefixes, lower case, runs of white space as one space. */
export function normalizeSubject(subject: string): string {
  return stripPrefixes(subject).toLowerCase().replace(/\s+/g, ' ').trim();
}

/** `Re: <subject>`, never `Re: Re:` (any earlier reply or forward prefix goes). */
export function replySubject(subject: string): string {
  const base = stripPrefixes(subject);
  return base ? `Re: ${base}` : 'Re:';
}

/** Message-IDs named in a header (`<a@b> <c@d>`), without angle brackets, in order, deduplicated. */
export function messageIdsOf(header: string | null | undefined): string[] {
  if (!header) return [];
  const ids = [...header.matchAll(/<([^<>\s]+)>/g)].map((m) => m[1]!);
  // A header without brackets (some clients) is one bare id.
  if (ids.length === 0 && /^\S+@\S+$/.test(header.trim())) ids.push(header.trim());
  return [...new Set(ids)];
}

/** `<id>` as headers carry it. */
export function bracketed(id: string): string {
  return `<${id}>`;
}

const SNIPPET_LENGTH = 200;

/** The first 200 characters of the text, white space collapsed. */
export function snippetOf(text: string | null | undefined): string {
  const flat = (text ?? '').replace(/\s+/g, ' ').trim();
  return flat.length <= SNIPPET_LENGTH ? flat : `${flat.slice(0, SNIPPET_LENGTH - 1)}…`;
}

/** A rough text rendering of HTML for snippets and suggestions when a message has no text part. */
export function htmlToText(html: string): string {
  return html
    .replace(/<(script|style)[\s\S]*?<\/\1>/gi, ' ')
    .replace(/<br\s*\/?>|<\/(p|div|li|tr|h\d)>/gi, '\n')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&nbsp;/g, ' ').replace(/&amp;/g, '&').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;/g, "'");
}
