import type { OpenAPIHono } from '@hono/zod-openapi';
import type { AppEnv } from './http/context';
import { contactsRouter } from './contacts/routes';
import { contactSharesRouter } from './contacts/share-routes';
import { labelsRouter } from './labels/routes';
import { calendarRouter } from './calendar/routes';
import { tasksRouter } from './tasks/routes';
import { agendaRouter } from './agenda/routes';
import { alertsRouter, alertsPublicPaths } from './alerts/routes';
import { mailRouter } from './mail/routes';
import { sequencesRouter } from './sequences/routes';
import { workRoutesRouter, workRoutesPublicPaths } from './work-routes/routes';
import { filesRouter, filesPublicPaths, filesRawBodies } from './files/routes';
import type { RawBodyRoute } from './http/middleware';

/** Resource routers mounted by app.ts, one per folder. */
export const resourceRouters: OpenAPIHono<AppEnv>[] = [contactSharesRouter, contactsRouter, labelsRouter, calendarRouter, tasksRouter, agendaRouter, alertsRouter, mailRouter, sequencesRouter, workRoutesRouter, filesRouter];

/** Paths under /v1/ that need no token (one ending in `*`: every path under it). */
export const publicPaths: string[] = [...alertsPublicPaths, ...workRoutesPublicPaths, ...filesPublicPaths];

/** Routes whose body is bytes, streamed by the handler instead of parsed as JSON at the door. */
export const rawBodyRoutes: RawBodyRoute[] = [...filesRawBodies];
