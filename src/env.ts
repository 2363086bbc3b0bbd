/**
 * The Worker's bindings and vars, as `npm run types` (wrangler types) generates them from
 * wrangler.toml into worker-configuration.d.ts. Only the queue's message type is added here;
 * the values are validated by src/config.ts, not read from here.
 */
export type Env = Omit<Cloudflare.Env, 'ALERTS'> & { ALERTS: Queue<AlertMessage> };

/** What the scan puts on the ALERTS queue: the firing's ledger row id, nothing else. */
export interface AlertMessage {
  delivery_id: string;
}
