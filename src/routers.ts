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

/** Resource routers mounted by app.ts, one per folder. */
export const resourceRouters: OpenAPIHono<AppEnv>[] = [contactSharesRouter, contactsRouter, labelsRouter, calendarRouter, tasksRouter, agendaRouter, alertsRouter, mailRouter, sequencesRouter, workRoutesRouter];

/** Paths under /v1/ that need no token. */
export const publicPaths: string[] = [...alertsPublicPaths, ...workRoutesPublicPaths];
