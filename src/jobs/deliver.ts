import type { Env, AlertMessage } from '../env';

/** The queue consumer (the alerts issue fills it in). */
export async function deliverBatch(batch: MessageBatch<AlertMessage>, _env: Env, _ctx: ExecutionContext): Promise<void> {
  batch.ackAll();
}
