import { newRouter } from '../http/router';

export const agendaRouter = newRouter();
