import { newRouter } from '../http/router';

export const alertsRouter = newRouter();

/** Paths of the public event catalogue (no token). */
export const alertsPublicPaths: string[] = ['/v1/events/types/', '/v1/events/reference/'];
