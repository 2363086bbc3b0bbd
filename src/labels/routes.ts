import { newRouter } from '../http/router';

export const labelsRouter = newRouter();
