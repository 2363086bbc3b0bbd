import type { OpenAPIHono } from '@hono/zod-openapi';
import type { AppEnv } from './http/context';
import { contactsRouter } from './contacts/routes';
import { contactSharesRouter } from './contacts/share-routes';
import { contactsVcardRouter, contactsVcardRawBodies } from './contacts/vcard-routes';
import { labelsRouter } from './labels/routes';
import { calendarRouter } from './calendar/routes';
import { calendarPublicPaths, calendarRawBodies } from './calendar/ics-routes';
import { tasksRouter } from './tasks/routes';
import { agendaRouter } from './agenda/routes';
import { alertsRouter, alertsPublicPaths } from './alerts/routes';
import { mailRouter } from './mail/routes';
import { sequencesRouter } from './sequences/routes';
import { workRoutesRouter, workRoutesPublicPaths } from './work-routes/routes';
import { filesRouter, filesPublicPaths, filesRawBodies } from './files/routes';
import type { RawBodyRoute } from './http/middleware';
import type { PublicPath } from './http/router';

/** Resource routers mounted by app.ts, one per folder (a literal path before the `{id}` it would match). */
export const resourceRouters: OpenAPIHono<AppEnv>[] = [contactSharesRouter, contactsVcardRouter, contactsRouter, labelsRouter, calendarRouter, tasksRouter, agendaRouter, alertsRouter, mailRouter, sequencesRouter, workRoutesRouter, filesRouter];

/** Paths under /v1/ that need no token (one ending in `*`: every path under it; a pattern: the paths it matches). */
export const publicPaths: PublicPath[] = [...alertsPublicPaths, ...workRoutesPublicPaths, ...filesPublicPaths, ...calendarPublicPaths];

/** Routes whose body is bytes, streamed by the handler instead of parsed as JSON at the door. */
export const rawBodyRoutes: RawBodyRoute[] = [...filesRawBodies, ...contactsVcardRawBodies, ...calendarRawBodies];
