import { newRouter } from '../http/router';
import { registerCollectionRoutes } from './collection-routes';
import { registerEventRoutes } from './event-routes';

/** The Calendar resource: calendars (collections), events, occurrences and event labels. */
export const calendarRouter = newRouter();
registerCollectionRoutes(calendarRouter);
registerEventRoutes(calendarRouter);
