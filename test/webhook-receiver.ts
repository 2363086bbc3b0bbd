// A real HTTP receiver for webhook tests. It runs in Node (started by a vitest globalSetup, which
// provides its base URL as `webhookReceiver`), outside workerd, so the Worker's webhook POSTs
// cross a real socket.
//
// Every request to /hook/<key> is recorded under <key> and answered by that key's script:
//   POST   /__script            { key, responses: [500, 500, 200] | [{ status, delay_ms }] }
//                                (answers in order; once used up, 200)
//   GET    /__requests?key=<k>  → [{ method, path, headers, body, received_at }]
//   DELETE /__requests?key=<k>  forgets them
// Tests use a fresh random key each, so concurrent test files never see each other's requests.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

declare module 'vitest' {
  export interface ProvidedContext {
    webhookReceiver: string;
  }
}

export interface RecordedRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: string;
  received_at: string;
}

interface Step {
  status: number;
  delay_ms?: number;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((ok, fail) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => ok(Buffer.concat(chunks).toString('utf8')));
    req.on('error', fail);
  });
}

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

export async function startWebhookReceiver(): Promise<{ url: string; stop(): Promise<void> }> {
  const requests = new Map<string, RecordedRequest[]>();
  const scripts = new Map<string, Step[]>();
  const pending = new Set<NodeJS.Timeout>();

  const server = createServer(async (req, res) => {
    try {
      const url = new URL(req.url ?? '/', 'http://receiver');
      const body = await readBody(req);
      if (url.pathname === '/__script' && req.method === 'POST') {
        const { key, responses } = JSON.parse(body) as { key: string; responses: Array<number | Step> };
        scripts.set(key, responses.map((r) => (typeof r === 'number' ? { status: r } : r)));
        return send(res, 200, { ok: true });
      }
      if (url.pathname === '/__requests') {
        const key = url.searchParams.get('key') ?? '';
        if (req.method === 'DELETE') {
          requests.delete(key);
          return send(res, 200, { ok: true });
        }
        return send(res, 200, requests.get(key) ?? []);
      }
      const m = /^\/hook\/([^/]+)/.exec(url.pathname);
      const key = m ? decodeURIComponent(m[1]!) : url.pathname;
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(req.headers)) headers[k] = Array.isArray(v) ? v.join(', ') : String(v ?? '');
      const list = requests.get(key) ?? [];
      list.push({ method: req.method ?? '', path: url.pathname, headers, body, received_at: new Date().toISOString() });
      requests.set(key, list);
      const step = scripts.get(key)?.shift() ?? { status: 200 };
      const answer = () => send(res, step.status, { received: true });
      if (step.delay_ms) {
        const t = setTimeout(() => {
          pending.delete(t);
          if (!res.destroyed) answer();
        }, step.delay_ms);
        pending.add(t);
      } else {
        answer();
      }
    } catch (err) {
      send(res, 500, { error: String(err) });
    }
  });

  await new Promise<void>((ok, fail) => {
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => ok());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    stop: () => new Promise<void>((ok) => {
      for (const t of pending) clearTimeout(t);
      server.closeAllConnections();
      server.close(() => ok());
    }),
  };
}
