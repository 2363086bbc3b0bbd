// Shared by the calendar test files: a tenant with its calendars and a quick event creator.
import type { sql } from 'drizzle-orm';
import { call, newTenant, withDb, type Tenant } from './helpers';

export async function rowsOf(query: ReturnType<typeof sql>) {
  return withDb(async (db) => (await db.execute(query)).rows as Record<string, any>[]);
}

export interface Cal {
  t: Tenant;
  personal: string;
  tasks: string;
  ev(body: Record<string, unknown>, now?: string): Promise<any>;
}

export async function calendarTenant(): Promise<Cal> {
  const t = await newTenant();
  const cals = await call('GET', `/v1/calendar/collections/?inbox_id=${t.inboxId}`, { token: t.session });
  const personal = cals.body.find((c: any) => c.isDefault).id;
  const tasks = cals.body.find((c: any) => c.kind === 'tasks').id;
  return {
    t, personal, tasks,
    async ev(body, now) {
      const r = await call('POST', '/v1/calendar/events/', { token: t.session, now, body: { inbox_id: t.inboxId, calendar_id: personal, ...body } });
      if (r.status !== 201) throw new Error(`event: ${r.status} ${JSON.stringify(r.body)}`);
      return r.body;
    },
  };
}

export const q = (t: Tenant) => `inbox_id=${t.inboxId}`;

