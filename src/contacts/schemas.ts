import { z } from '@hono/zod-openapi';
import { CursorParam } from '../http/cursor';
import { EmailAddress, LowerCaseEmailAddress, PagedInboxQuery } from '../http/fields';
import { ANNIVERSARY_TYPE_RE } from '../alerts/catalogue';
import { parseAnniversaryDate } from '../time/anniversaries';

export const MAX_EMAILS = 20;
export const MAX_PHONES = 20;
export const MAX_ANNIVERSARIES = 20;

const label = z.string().trim().max(100).nullish()
  .openapi({ description: 'Free-form (`work`, `home`…); optional, null when absent.', example: 'work' });

export const EmailIn = z.object({
  label,
  address: EmailAddress,
});

export const PhoneIn = z.object({
  label,
  number: z.string().trim().min(1).max(50).regex(/\d/, 'must contain digits').openapi({ example: '+1 555 1234' }),
});

export const AnniversaryIn = z.object({
  // Free-form but tame: it becomes part of an alert event type (`contact.birthday`).
  type: z.string().trim().toLowerCase()
    .regex(ANNIVERSARY_TYPE_RE, 'must be 1–40 characters of a-z, 0-9, _ and - (e.g. birthday)')
    // `contact.share_received` is an event type of its own (a shared card), not an anniversary.
    .refine((t) => t !== 'share_received', 'share_received is reserved (the contact.share_received event)')
    .openapi({ example: 'birthday', description: 'Lower-cased on the way in: `Birthday` is stored as `birthday`. `share_received` is reserved.' }),
  date: z.string()
    .refine((s) => parseAnniversaryDate(s) !== null, 'must be YYYY-MM-DD (a real date) or --MM-DD (year unknown)')
    .openapi({ example: '1990-07-14', description: '`YYYY-MM-DD` (a real date) or `--MM-DD` when the year is unknown (`--02-29` allowed).' }),
});

const fullName = z.string().trim().min(1, 'must be 1–200 characters').max(200, 'must be 1–200 characters')
  .openapi({ example: 'Alice Smith' });
const notes = z.string().max(10_000, 'at most 10,000 characters').nullable();
const emails = z.array(EmailIn).max(MAX_EMAILS, `at most ${MAX_EMAILS} emails`);
const phones = z.array(PhoneIn).max(MAX_PHONES, `at most ${MAX_PHONES} phones`);
const anniversaries = z.array(AnniversaryIn).max(MAX_ANNIVERSARIES, `at most ${MAX_ANNIVERSARIES} anniversaries`);

/** Body of POST /v1/contacts/ (the route adds the documented `inbox_id`: http/fields withInbox). */
export const CreateContact = z.object({
  full_name: fullName,
  emails: emails.default([]),
  phones: phones.default([]),
  notes: notes.optional(),
  anniversaries: anniversaries.default([]),
}).openapi({
  example: {
    full_name: 'Alice Smith',
    emails: [{ label: 'work', address: 'alice@example.com' }],
    phones: [{ label: 'mobile', number: '+1 555 1234' }],
    notes: 'Met at the conference.',
    anniversaries: [{ type: 'birthday', date: '1990-07-14' }, { type: 'nameday', date: '--12-06' }],
  },
});
export type CreateContactInput = z.infer<typeof CreateContact>;

/** Body of PATCH /v1/contacts/{id}/ (the route applies the PATCH rule: http/fields patchBody). */
export const PatchContact = z.object({
  full_name: fullName.optional(),
  emails: emails.optional(),
  phones: phones.optional(),
  notes: notes.optional().openapi({ description: '`null` clears the notes.' }),
  anniversaries: anniversaries.optional(),
}).openapi({
  description: 'Every field optional, at least one required; arrays replace the stored ones; `notes: null` clears.',
  example: { phones: [{ label: 'home', number: '(555) 12-34' }], notes: null },
});
export type PatchContactInput = z.infer<typeof PatchContact>;

export const Contact = z.object({
  id: z.string().openapi({ example: 'ctc_01j2x4…' }),
  full_name: z.string(),
  emails: z.array(z.object({ label: z.string().nullable(), address: z.string() })),
  phones: z.array(z.object({ label: z.string().nullable(), number: z.string() })),
  notes: z.string().nullable(),
  anniversaries: z.array(z.object({ type: z.string(), date: z.string() })),
  created_at: z.string().openapi({ example: '2024-06-01T14:00:00Z' }),
  updated_at: z.string().openapi({ example: '2024-06-01T14:00:00Z' }),
}).openapi('Contact');

export const ContactDetail = Contact.extend({
  active_sequences: z.array(z.object({
    enrollment_id: z.string(),
    sequence_id: z.string(),
    sequence_name: z.string(),
    status: z.literal('active'),
    current_email: z.number().int().openapi({ description: '1-based number of the next email to send.' }),
    total_emails: z.number().int(),
    next_email_at: z.string().openapi({ description: 'UTC, when the next email goes.' }),
  })).openapi({ description: 'The contact\'s running sequence enrollments, oldest first.' }),
}).openapi('ContactDetail');

export const ContactListQuery = PagedInboxQuery.extend({
  q: z.string().max(200).optional().openapi({
    description: 'Case- and accent-insensitive: name words by prefix (`ali` → Alice Smith), emails by substring, phones by digits ignoring formatting (`5551234` → `+1 555 1234`; needs 3+ digits).',
    example: 'ali',
  }),
  cursor: CursorParam,
});

export const ContactParams = z.object({
  id: z.string().min(1).openapi({ param: { name: 'id', in: 'path' }, example: 'ctc_01j2x4…' }),
});

// ── Shares (pending collaboration between inboxes of a tenant) ─────────────────────────────────

export const CreateShare = z.object({
  type: z.enum(['offer', 'request']).openapi({ description: '`offer`: give a contact of this inbox; `request`: ask for one by its address.' }),
  to_inbox_id: z.string().min(1).max(100).openapi({ description: 'Another inbox of the tenant: the one that decides.' }),
  contact_id: z.string().min(1).max(100).optional().openapi({ description: 'Offers: the contact of this inbox to offer (it needs an email address).' }),
  contact_address: LowerCaseEmailAddress.optional().openapi({ description: 'Requests: the address of the contact asked for.' }),
  note: z.string().max(2000).optional().openapi({ description: 'Requests: a word for the other inbox.' }),
}).superRefine((v, ctx) => {
  if (v.type === 'offer' && v.contact_id === undefined) ctx.addIssue({ code: 'custom', path: ['contact_id'], message: 'an offer names the contact_id to offer' });
  if (v.type === 'request' && v.contact_address === undefined) ctx.addIssue({ code: 'custom', path: ['contact_address'], message: 'a request names the contact_address asked for' });
}).openapi({ example: { type: 'offer', to_inbox_id: 'inb_01jd5x7k3m0000000000000000', contact_id: 'ctc_01jd5x7k3m0000000000000000' } });
export type CreateShareInput = z.infer<typeof CreateShare>;

export const Share = z.object({
  share_id: z.string().openapi({ example: 'shr_01jd5x7k3m0000000000000000' }),
  type: z.enum(['offer', 'request']),
  status: z.enum(['pending', 'accepted', 'declined', 'expired']),
  from_inbox_id: z.string(),
  to_inbox_id: z.string(),
  contact_address: z.string(),
  note: z.string().nullable(),
  created_at: z.string(),
  expires_at: z.string().openapi({ description: 'A pending share expires then (30 days after it was made).' }),
  resolved_at: z.string().nullable(),
}).openapi('ContactShare');

export const ShareParams = z.object({ share_id: z.string().min(1).max(100) });
