import { z } from '@hono/zod-openapi';
import { PagedInboxQuery } from '../http/fields';

const MAX_EMAILS = 10;
/** RFC 5322's line limit is the practical bound of a subject. */
const MAX_SUBJECT = 998;
const MAX_BODY = 100_000;

const oneLine = (s: string) => !/[\r\n]/.test(s);

export const SequenceEmailInput = z.object({
  delay_days: z.number().int('must be a whole number of days').min(0).max(365)
    .openapi({ description: 'Calendar days (inbox zone) after the previous email; the first email\'s delay counts from enrollment.', example: 2 }),
  subject: z.string().trim().min(1, 'must not be empty').max(MAX_SUBJECT).refine(oneLine, 'must be one line')
    .openapi({ description: 'Only the first email\'s subject is used as written: later emails reply in its thread as `Re: <first subject>`.', example: 'Following up on our call' }),
  body: z.string().min(1, 'must not be empty').max(MAX_BODY).openapi({ description: 'Plain text.', example: 'Hi, just checking in.' }),
});

const emails = z.array(SequenceEmailInput).min(1, 'at least one email').max(MAX_EMAILS, `at most ${MAX_EMAILS} emails`);
const name = z.string().trim().min(1, 'must not be empty').max(200);

export const CreateSequence = z.object({
  name,
  exit_on_reply: z.boolean().default(true).openapi({ description: 'A reply from the contact in the sequence\'s thread ends the enrollment (default true).' }),
  emails,
}).openapi({
  example: {
    name: 'Post-demo follow-up', exit_on_reply: true,
    emails: [
      { delay_days: 2, subject: 'Thanks for your time', body: 'Great talking to you on Monday.' },
      { delay_days: 3, subject: 'Thanks for your time', body: 'Any questions so far?' },
    ],
  },
});
export type CreateSequenceInput = z.infer<typeof CreateSequence>;

export const PatchSequence = z.object({
  name: name.optional(),
  exit_on_reply: z.boolean().optional(),
  emails: emails.optional().openapi({ description: 'Replaces the list. Enrollments already running keep the emails they began with.' }),
});
export type PatchSequenceInput = z.infer<typeof PatchSequence>;

export const SequenceEmail = z.object({ delay_days: z.number().int(), subject: z.string(), body: z.string() });

export const Sequence = z.object({
  sequence_id: z.string().openapi({ example: 'seq_01jd5x7k3m0000000000000000' }),
  name: z.string(),
  exit_on_reply: z.boolean(),
  emails: z.array(SequenceEmail),
  active_enrollments: z.number().int().openapi({ description: 'Enrollments of this sequence still running.' }),
  created_at: z.string(),
  updated_at: z.string(),
}).openapi('Sequence');

export const SequenceParams = z.object({ id: z.string().min(1).max(100) });

export const ENROLLMENT_STATUSES = ['active', 'completed', 'exited_on_reply', 'cancelled'] as const;

export const Enroll = z.object({
  sequence_id: z.string().min(1).max(100),
  contact_id: z.string().min(1).max(100),
}).openapi({ example: { sequence_id: 'seq_01jd5x7k3m0000000000000000', contact_id: 'ctc_01jd5x7k3m0000000000000000' } });
export type EnrollInput = z.infer<typeof Enroll>;

export const PatchEnrollment = z.object({
  // Optional only so that `{}` gets the PATCH rule's answer (send at least one field).
  action: z.enum(['cancel']).optional().openapi({ description: 'The one action: `cancel` (an enrollment that already ended stays as it is).' }),
});

export const Enrollment = z.object({
  enrollment_id: z.string().openapi({ example: 'enr_01jd5x7k3m0000000000000000' }),
  sequence_id: z.string(),
  sequence_name: z.string(),
  contact_id: z.string(),
  email: z.string().openapi({ description: 'Where the emails go: the contact\'s first address when enrolled.' }),
  current_email: z.number().int().openapi({ description: '1-based number of the next email to send; once ended, the last one sent (or 1).' }),
  total_emails: z.number().int(),
  next_email_at: z.string().nullable().openapi({ description: 'UTC; null once the enrollment ended.' }),
  status: z.enum(ENROLLMENT_STATUSES),
  thread_id: z.string().nullable().openapi({ description: 'The thread of the first email, once sent.' }),
  created_at: z.string(),
  updated_at: z.string(),
}).openapi('Enrollment');

export const EnrollmentParams = z.object({ id: z.string().min(1).max(100) });

export const ListEnrollmentsQuery = PagedInboxQuery.extend({
  sequence_id: z.string().min(1).max(100).optional(),
  contact_id: z.string().min(1).max(100).optional(),
  status: z.enum(ENROLLMENT_STATUSES).optional(),
});

