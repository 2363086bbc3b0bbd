/**
 * The minute scan (Cron Trigger → `scheduled`): records every firing due in the window since the
 * last scan in the ledger, sends new and previously unsent rows to the ALERTS queue, and only
 * then moves the watermark. Any failure leaves the watermark where it was, so the next minute
 * redoes the window; the ledger's unique key makes that harmless.
 */
import type { Queryable } from '../db/sql';
import type { Env } from '../env';
import { openDb } from '../db/client';
import { loadConfig } from '../config';
import { enqueueDeliveries, recordFirings, unsentDeliveries } from '../alerts/ledger';
import type { AlertQueue } from '../http/context';
import { claimWindow, commitWindow, releaseLease, type ScanWindow } from './scan/window';
import { dueAnniversaryFirings } from './scan/anniversaries';
import { dueReminderFirings, reminderLeads } from './scan/reminders';
import { advancePassedEvents, dueSeriesFirings } from './scan/series';
import { sweepExpired } from './scan/sweep';
import { extendOccurrenceIndex } from '../calendar/occurrence-index';
import { recordDueSteps } from '../sequences/steps';
import { recordDueReminders } from '../work-routes/reminders';
import { enqueueOutbox, unsentOutbox } from '../mail/outbox';

export interface ScanReport {
  /** Null when another scan held the lease and this one did nothing. */
  window: ScanWindow | null;
  /** New ledger rows: anniversaries, event reminders (single events and series); outbox mail: sequence emails, route reminders. */
  recorded: { anniversaries: number; reminders: number; sequenceEmails: number; routeReminders: number };
  /** Rows sent to the queue (deliveries and outbox): this scan's new ones plus earlier unsent ones. */
  enqueued: number;
  resent: number;
  advancedEvents: number;
  /** Events the occurrence index took in or extended ahead (src/calendar/occurrence-index.ts). */
  indexedEvents: number;
  swept: { idempotencyKeys: number; shares: number };
}

/**
 * The scan's core: pure given `now` (and the database); the queue is passed in. The cron tick
 * claims its window from the shared watermark; a caller that names `fixed` (a test, a replay of
 * a stretch of time) scans exactly that window and leaves the watermark and lease alone.
 */
export async function scanDue(db: Queryable, queue: AlertQueue, now: Date, fixed?: ScanWindow): Promise<ScanReport> {
  const window = fixed ?? await claimWindow(db, now);
  if (!window) {
    return { window: null, recorded: { anniversaries: 0, reminders: 0, sequenceEmails: 0, routeReminders: 0 }, enqueued: 0, resent: 0, advancedEvents: 0, indexedEvents: 0, swept: { idempotencyKeys: 0, shares: 0 } };
  }
  try {
    // Statements that do not depend on each other run side by side: an idle tick costs the
    // depth of this plan in round trips, not its statement count. (A Worker keeps at most six
    // connections open at once; no step here asks for more.)
    //   1. what is due: anniversaries (one statement, awaited only with step 2, so it runs
    //      beside both), the reminder offsets in use, series caught up to `from` (series are
    //      found by next_occurrence_at in (from, to + offset]: bring it past `from` first, a
    //      no-op unless scans were missed), and the mail due by the window's end through the
    //      outbox (src/mail/outbox.ts): sequence emails, reminders to route recipients who have
    //      not answered by the due time.
    const anniversariesDue = dueAnniversaryFirings(db, window);
    anniversariesDue.catch(() => {}); // a failure is seen where it is awaited, below
    const [leads, caughtUp, steps, routeReminders] = await Promise.all([
      reminderLeads(db),
      advancePassedEvents(db, window.from),
      recordDueSteps(db, window.to),
      recordDueReminders(db, window.to),
    ]);
    //   2. the reminders of single events and of series, at those offsets.
    const [anniversaries, reminders, series] = await Promise.all([
      anniversariesDue, dueReminderFirings(db, window, leads), dueSeriesFirings(db, window, leads),
    ]);
    //   3. one INSERT for every family; the ledger's unique key drops what an earlier scan recorded.
    const recorded = await recordFirings(db, [...anniversaries, ...reminders, ...series], now);
    const fresh = recorded.map((f) => f.id);
    //   4. series moved past `to` (they were read), and rows earlier scans left unsent.
    const [advancedLater, unsentAll, unsentMailAll] = await Promise.all([
      advancePassedEvents(db, window.to), unsentDeliveries(db, now), unsentOutbox(db, now),
    ]);
    const advancedEvents = caughtUp + advancedLater;
    const freshIds = new Set(fresh);
    const unsent = unsentAll.filter((id) => !freshIds.has(id));
    const freshMail = new Set([...steps, ...routeReminders]);
    const unsentMail = unsentMailAll.filter((id) => !freshMail.has(id));
    //   5. everything to the queue.
    const [deliveriesSent, mailSent] = await Promise.all([
      enqueueDeliveries(db, queue, [...fresh, ...unsent], now),
      enqueueOutbox(db, queue, [...freshMail, ...unsentMail], now),
    ]);
    const enqueued = deliveriesSent + mailSent;
    //   6. the watermark, beside housekeeping and the upkeep of the calendar's listings (an
    //      error in the upkeep is the next minute's to retry and must not hold the window back).
    const [, swept, indexedEvents] = await Promise.all([
      fixed ? undefined : commitWindow(db, window),
      sweepExpired(db, now),
      extendOccurrenceIndex(db, now).catch((err) => {
        console.error(JSON.stringify({ msg: 'occurrence index upkeep failed', error: String(err) }));
        return 0;
      }),
    ]);
    return {
      window,
      recorded: {
        anniversaries: recorded.filter((f) => f.type.startsWith('contact.')).length,
        reminders: recorded.filter((f) => f.type.startsWith('event.')).length,
        sequenceEmails: steps.length,
        routeReminders: routeReminders.length,
      },
      enqueued,
      resent: unsent.length + unsentMail.length,
      advancedEvents,
      indexedEvents,
      swept,
    };
  } catch (err) {
    if (!fixed) await releaseLease(db, now).catch(() => {});
    throw err;
  }
}

export async function runScheduledScan(env: Env, now: Date, _ctx: ExecutionContext): Promise<void> {
  const handle = openDb(loadConfig(env));
  try {
    const report = await scanDue(handle.db, env.ALERTS, now);
    const r = report.recorded;
    if (r.anniversaries + r.reminders + r.sequenceEmails + r.routeReminders + report.resent > 0) {
      console.log(`alerts scan ${now.toISOString()}: recorded ${r.anniversaries} anniversaries, ${r.reminders} reminders, ${r.sequenceEmails} sequence emails, ${r.routeReminders} route reminders; enqueued ${report.enqueued} (${report.resent} resent)`);
    }
  } finally {
    await handle.close().catch(() => {});
  }
}
