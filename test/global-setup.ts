// Runs in Node before the workerd test workers start: brings up the database (embedded unless
// DATABASE_URL is set) in a throwaway database, migrates it, and starts the local stand-in for Neon's endpoint and
// the webhook receiver.
import type { TestProject } from 'vitest/node';
import { startWebhookReceiver } from './webhook-receiver';
// @ts-expect-error plain ESM script shared with `npm run dev`
import { createScratchDatabase, freePort, migrate, startEmbeddedPostgres, startDbEndpoint } from '../scripts/lib/stack.mjs';

declare module 'vitest' {
  export interface ProvidedContext {
    databaseUrl: string;
    localEndpoint: string;
  }
}

export default async function setup(project: TestProject) {
  const stops: Array<() => Promise<void>> = [];
  let serverUrl = process.env.DATABASE_URL;
  if (!serverUrl) {
    const port = await freePort();
    const pg = await startEmbeddedPostgres({ dataDir: `.data/test-pg-${process.pid}`, port, persistent: false });
    stops.push(pg.stop);
    serverUrl = pg.url;
  }
  const scratch = await createScratchDatabase(serverUrl, `inbox_test_${process.pid}_${Date.now().toString(36)}`);
  stops.push(scratch.drop);
  await migrate(scratch.url);
  const proxy = await startDbEndpoint({ target: scratch.url, port: await freePort() });
  stops.push(proxy.stop);
  // A real HTTP receiver for webhook deliveries (the Worker POSTs to it across a socket).
  const receiver = await startWebhookReceiver();
  stops.push(receiver.stop);
  project.provide('webhookReceiver', receiver.url);
  project.provide('databaseUrl', scratch.url);
  project.provide('localEndpoint', proxy.url);
  return async () => {
    for (const stop of stops.reverse()) await stop().catch((e: unknown) => console.error('teardown:', e));
  };
}
