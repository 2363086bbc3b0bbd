/** Bindings and vars of the Worker (see wrangler.toml). */
export interface Env {
  DATABASE_URL: string;
  /** `host:port` of a local WebSocket→TCP proxy; unset in production (Neon's own endpoint). */
  PG_WS_PROXY?: string;
  ADMIN_TOKEN?: string;
  ALLOW_PRIVATE_WEBHOOKS?: string;
  RATE_LIMIT_PER_MINUTE?: string;
  /** Only tests set this: lets `X-Test-Now` move the service's clock. Never in production. */
  ALLOW_TEST_CLOCK?: string;
  ALERTS: Queue<AlertMessage>;
}

/** What the scan puts on the ALERTS queue: the firing's ledger row id, nothing else. */
export interface AlertMessage {
  delivery_id: string;
}
