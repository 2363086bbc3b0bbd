import { app } from './app';
import type { Env, AlertMessage } from './env';
import { runScheduledScan } from './jobs/scan';
import { deliverBatch } from './jobs/deliver';
import { receiveEmail } from './mail/inbound';

/** Every documented path ends in `/`; serve the same path without it too (no redirect). */
function withTrailingSlash(request: Request): Request {
  const url = new URL(request.url);
  if ((url.pathname.startsWith('/v1/') || url.pathname.startsWith('/auth/')) && !url.pathname.endsWith('/')) {
    url.pathname += '/';
    return new Request(url, request);
  }
  return request;
}

export default {
  fetch(request, env, ctx) {
    return app.fetch(withTrailingSlash(request), env, ctx);
  },
  async scheduled(controller, env, ctx) {
    await runScheduledScan(env, new Date(controller.scheduledTime), ctx);
  },
  async queue(batch, env, _ctx) {
    await deliverBatch(batch, env, new Date());
  },
  async email(message, env, _ctx) {
    await receiveEmail(message, env, new Date());
  },
} satisfies ExportedHandler<Env, AlertMessage>;
