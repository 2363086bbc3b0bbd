// The ALERTS queue from both ends: a recording stand-in for the binding (what a producer sends),
// and handing messages to the Worker's real `queue` handler (as the Queues runtime would).
import { createExecutionContext, createMessageBatch, getQueueResult } from 'cloudflare:test';
import worker from '../../src/index';
import type { AlertMessage } from '../../src/env';
import { testEnv } from './env';

/** The ledger row a message names: an alert's delivery or an outbox row (`obx_…`). */
const rowIdOf = (m: AlertMessage): string => ('delivery_id' in m ? m.delivery_id : m.outbox_id);
const messageFor = (id: string): AlertMessage => (id.startsWith('obx_') ? { outbox_id: id } : { delivery_id: id });

export interface Recorder {
  /** The ledger ids sent (deliveries and outbox rows), in order. */
  sent: string[];
  sendBatch(messages: Iterable<MessageSendRequest<AlertMessage>>): Promise<void>;
  send(message: AlertMessage): Promise<void>;
}

/** Stands in for the ALERTS binding: records what is sent (or refuses it, when `failing`). */
export function recorder(failing = false): Recorder {
  const r: Recorder = {
    sent: [],
    async sendBatch(messages) {
      if (failing) throw new Error('queue unavailable');
      const list = [...messages];
      if (list.length > 100) throw new Error('sendBatch takes at most 100 messages');
      r.sent.push(...list.map((m) => rowIdOf(m.body)));
    },
    async send(m) {
      if (failing) throw new Error('queue unavailable');
      r.sent.push(rowIdOf(m));
    },
  };
  return r;
}

/**
 * Hands one message per ledger id (a delivery, or an outbox row) to the real queue handler, each with attempt number
 * `attempts`. Returns the queue result, with the delay each retry asked for (the test batch
 * records which messages were retried but not the delay) and the message ids in order.
 */
export async function deliver(ids: string[], attempts = 1) {
  const batch = createMessageBatch<AlertMessage>('inbox-alerts', ids.map((id) => ({
    id: `msg-${crypto.randomUUID()}`, timestamp: new Date(), attempts, body: messageFor(id),
  })));
  const delays = new Map<string, number | undefined>();
  for (const m of batch.messages) {
    const retry = m.retry.bind(m);
    Object.defineProperty(m, 'retry', { value: (o?: QueueRetryOptions) => { delays.set(m.id, o?.delaySeconds); retry(o); } });
  }
  const ctx = createExecutionContext();
  await worker.queue(batch, testEnv, ctx);
  const result = await getQueueResult(batch, ctx);
  return {
    ...result,
    retryMessages: result.retryMessages.map((r) => ({ msgId: r.msgId, delaySeconds: delays.get(r.msgId) })),
    ids: batch.messages.map((m) => m.id),
  };
}
