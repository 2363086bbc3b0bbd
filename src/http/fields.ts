/**
 * The one home for field atoms: the rules a field follows wherever it appears (the inbox a call
 * names, email addresses, colours, time zones, the leap day policy), and the two body rules
 * every route shares (where `inbox_id` goes, and what an empty PATCH is).
 *
 * Resource schemas (`src/<resource>/schemas.ts`) import these instead of declaring their own,
 * and declare only the resource's fields: the services receive exactly those.
 */
import { z } from '@hono/zod-openapi';
import { isValidTimeZone } from '../time/zones';
import { LEAP_DAY_POLICIES } from '../time/anniversaries';
import { PageQuery } from './pagination';

// ── The inbox a call acts on ─────────────────────────────────────────────────────────────────
// `inbox_id` is read once, by auth (`requireScope`), from the raw query or body before any
// validation. The schemas only document it: it is declared once here, never passed on.

const INBOX_DESCRIPTION = 'Inbox id or address; session tokens must name it';

/** Query `inbox_id` of every route acting on an inbox (documentation: auth resolved it already). */
export const InboxQuery = z.object({
  inbox_id: z.string().optional().openapi({ description: INBOX_DESCRIPTION, example: 'inb_01jd5x7k3m0000000000000000' }),
});

/** A paged list acting on an inbox: `offset` / `position` / `limit` plus `inbox_id`. */
export const PagedInboxQuery = PageQuery.extend(InboxQuery.shape);

const inboxBodyField = z.string().optional().openapi({
  description: `${INBOX_DESCRIPTION} (in the body or the query). Read by authentication before validation; agent tokens may omit it (naming another inbox is a 403).`,
  example: 'inb_01jd5x7k3m0000000000000000',
});
const requiredInboxBodyField = z.string().min(1).openapi({
  description: 'The inbox (id or address).',
  example: 'agent@acme.test',
});

/** Drops the documented `inbox_id` so the handler (and the service) see only the resource's fields. */
function withoutInbox<T>(value: T & { inbox_id?: unknown }): T {
  const { inbox_id: _named, ...fields } = value;
  return fields as T;
}

/**
 * What counts as "no fields": every key of the parsed body is absent (unknown keys are already
 * stripped, and `inbox_id` is not a field of the resource). `null` is a value: it clears.
 */
function requireAField(names: string[]) {
  const message = `send at least one field to change (${names.join(', ')})`;
  return (value: Record<string, unknown>, ctx: z.RefinementCtx) => {
    if (!Object.entries(value).some(([k, v]) => k !== 'inbox_id' && v !== undefined)) {
      ctx.addIssue({ code: 'custom', message, path: [] });
    }
  };
}

export interface BodyOptions {
  /** `inbox_id` is required in this body (a session creating an agent token names its inbox). */
  required?: boolean;
}

/**
 * A request body of `fields` (the resource's own fields) that also documents `inbox_id`, as the
 * OpenAPI component `name`. Validation drops `inbox_id`: `c.req.valid('json')` is `fields`.
 */
export function withInbox<T extends z.ZodObject>(fields: T, name: string, opts: BodyOptions = {}) {
  return fields
    .extend({ inbox_id: opts.required ? requiredInboxBodyField : inboxBodyField })
    .openapi(name)
    .transform((v) => withoutInbox(v as z.output<T>));
}

export interface PatchOptions {
  /** The inbox is named in the path (`/v1/inboxes/{inbox_id}/settings/`): no body `inbox_id`. */
  inboxInPath?: boolean;
}

/**
 * The one rule for PATCH bodies: a body with no field of the resource (`{}`, or only
 * `inbox_id`) is a 400 `validation_failed` — checked at validation, so such a call is never
 * held for approval nor reaches a service. Validation drops `inbox_id`.
 */
export function patchBody<T extends z.ZodObject>(fields: T, name: string, opts: PatchOptions = {}) {
  const names = Object.keys(fields.shape);
  const declared = opts.inboxInPath ? fields.openapi(name) : fields.extend({ inbox_id: inboxBodyField }).openapi(name);
  return declared
    .superRefine(requireAField(names))
    .transform((v) => withoutInbox(v as z.output<T>));
}

// ── Email addresses ──────────────────────────────────────────────────────────────────────────
// RFC 5321 shape without its exotica (quoted local parts, IP literals): a dot-atom local part
// (`%`, `+`, `'`… allowed; no leading, trailing or double dots) and a dotted domain with a
// 2+ letter TLD (or an A-label `xn--…`). Unicode letters are accepted on both sides
// (internationalised addresses, RFC 6531). The rule needs the `u` (and `i`) flags, which a JSON
// Schema `pattern` cannot carry: it is checked as a refinement and documented as `idn-email`.

const ATOM = "[\\p{L}\\p{N}!#$%&'*+/=?^_`{|}~-]+";
const LABEL = '[\\p{L}\\p{N}](?:[\\p{L}\\p{N}-]{0,61}[\\p{L}\\p{N}])?';
const EMAIL_RE = new RegExp(`^${ATOM}(?:\\.${ATOM})*@(?:${LABEL}\\.)+(?:\\p{L}{2,63}|xn--[a-z0-9-]{1,59})$`, 'iu');
const MAX_EMAIL_LENGTH = 254;

/** The one email address rule (the length is checked apart, with its own message). */
const isEmailAddress = (s: string): boolean => EMAIL_RE.test(s);

const EMAIL_DOC = 'An email address (internationalised addresses accepted; no quoted local parts or IP literals).';

/** An email address, trimmed, case kept (contact addresses). */
export const EmailAddress = z.string().trim().max(MAX_EMAIL_LENGTH).refine(isEmailAddress, 'must be an email address')
  .openapi({ format: 'idn-email', description: EMAIL_DOC, example: 'alice@example.com' });

/** An email address, trimmed and lower-cased (sign-in identities, inbox addresses, participants). */
export const LowerCaseEmailAddress = z.string().trim().toLowerCase().max(MAX_EMAIL_LENGTH).refine(isEmailAddress, 'must be an email address')
  .openapi({ format: 'idn-email', description: `${EMAIL_DOC} Lower-cased on the way in.`, example: 'alice@example.com' });

// ── Colour, time zone, leap day policy ──────────────────────────────────────────────────────

/** A hex colour (`#1e90ff`, `#fff`) or a CSS colour name (`teal`); `null` clears. */
export const Color = z.string().trim()
  .regex(/^(#[0-9a-fA-F]{3}|#[0-9a-fA-F]{6}|[a-zA-Z]{1,32})$/, 'must be #rgb, #rrggbb or a colour name')
  .nullable()
  .openapi({ description: 'A hex colour (`#1e90ff`, `#fff`) or a CSS colour name (`teal`); `null` clears it.', example: '#1e90ff' });

/** An IANA time zone name the runtime knows. */
export const TimeZone = z.string().refine(isValidTimeZone, 'must be an IANA time zone name such as Europe/Berlin')
  .openapi({ description: 'An IANA time zone name.', example: 'Europe/Berlin' });

/** When a Feb 29 anniversary is observed in a common year (docs/auth.md). */
export const LeapDayPolicy = z.enum(LEAP_DAY_POLICIES)
  .openapi({ description: 'When a Feb 29 anniversary is observed in a common year: `feb28` (default), `mar1`, or `skip`.' });
