import { newRouter } from '../http/router';

export const calendarRouter = newRouter();
