import type { Env } from '../env';

/** The minute scan (the alerts issue fills it in): due anniversaries and reminders → queue. */
export async function runScheduledScan(_env: Env, _now: Date, _ctx: ExecutionContext): Promise<void> {}
