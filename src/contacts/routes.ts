import { newRouter } from '../http/router';

export const contactsRouter = newRouter();
