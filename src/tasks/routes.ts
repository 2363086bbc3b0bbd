import { newRouter } from '../http/router';

export const tasksRouter = newRouter();
