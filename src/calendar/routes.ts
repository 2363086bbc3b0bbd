import { newRouter } from '../http/router';
import { registerCollectionRoutes } from './collection-routes';
import { registerEventRoutes } from './event-routes';
import { registerIcsRoutes } from './ics-routes';

/** The Calendar resource: calendars (collections), events, occurrences, event labels, iCalendar. */
export const calendarRouter = newRouter();
registerCollectionRoutes(calendarRouter);
// Before the event routes: `/v1/calendar/events/import/` is a path, not an event id.
registerIcsRoutes(calendarRouter);
registerEventRoutes(calendarRouter);
