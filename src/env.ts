/**
 * The Worker's bindings and vars, as `npm run types` (wrangler types) generates them from
 * wrangler.toml into worker-configuration.d.ts. Only the queue's message type is added here;
 * the values are validated by src/config.ts, not read from here.
 */
export type Env = Omit<Cloudflare.Env, 'ALERTS'> & { ALERTS: Queue<AlertMessage> };

/**
 * What goes on the ALERTS queue: a ledger row's id, nothing else — an alert firing's delivery
 * (`deliveries`) or a mail the service sends on its own (`outbox`, src/sequences/steps.ts).
 */
export type AlertMessage = { delivery_id: string } | { outbox_id: string };
