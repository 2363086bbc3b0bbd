import { type InboxClient, unwrap } from '@agent-inbox/client';

/** Ada's day: a contact, found again, an event with her in it, the week's events, the agenda. */
export async function walkthrough(inbox: InboxClient) {
  // 1. Create a contact (201). An agent token is bound to its inbox, so no inbox_id is sent.
  const ada = unwrap(
    await inbox.POST('/v1/contacts/', {
      body: {
        full_name: 'Ada Lovelace',
        emails: [{ label: 'work', address: 'ada@example.com' }],
        anniversaries: [{ type: 'birthday', date: '1815-12-10' }],
      },
    }),
  );

  // 2. Search: `q` matches name words by prefix, emails by substring.
  const found = unwrap(await inbox.GET('/v1/contacts/', { params: { query: { q: 'lovel' } } }));

  // 3. Create an event in the default calendar, tomorrow at 10:00, with Ada as a participant
  //    (matched to her contact by email). `start` and `duration` take natural language too.
  const calendars = unwrap(await inbox.GET('/v1/calendar/collections/'));
  const personal = calendars.find((calendar) => calendar.isDefault);
  if (!personal) throw new Error('every inbox has a default calendar');
  const review = unwrap(
    await inbox.POST('/v1/calendar/events/', {
      body: {
        calendar_id: personal.id,
        title: 'Analytical Engine review',
        start: 'tomorrow 10am',
        duration: '90 min',
        participants: [{ name: ada.full_name, email: 'ada@example.com', role: 'required' }],
      },
    }),
  );

  // 4. List a window: the occurrences overlapping the next 7 days, series expanded.
  const week = unwrap(
    await inbox.GET('/v1/calendar/events/', { params: { query: { after: 'today', before: 'in 7 days' } } }),
  );

  // 5. Read the agenda: one list of what is due, typed by `type` (here: the events).
  const agenda = unwrap(await inbox.GET('/v1/agenda/', { params: { query: { days: 7 } } }));
  const events = agenda.items.flatMap((item) => (item.type === 'event' ? [`${item.start} ${item.title}`] : []));

  return { ada, found: found.results, review, week: week.results, agenda, events };
}
