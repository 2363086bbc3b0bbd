// A tenant with its calendars, for the calendar test files: a quick event creator, a window
// listing, and the inbox settings.
import { call, newTenant, type Tenant } from './http';

export interface Cal {
  t: Tenant;
  /** The default (Personal) calendar's id. */
  personal: string;
  /** The Tasks calendar's id. */
  tasks: string;
  /** Creates an event in Personal (as of `now`, when given); throws unless 201. */
  ev(body: Record<string, unknown>, now?: string): Promise<any>;
  /** The event listing of a window (either end open when null), 200 per page; throws unless 200. */
  window(after: string | null, before: string | null, extra?: string): Promise<any>;
  /** PATCHes the inbox settings; throws unless 200. */
  settings(body: Record<string, unknown>): Promise<void>;
}

/** The query naming a tenant's inbox (sessions must name it). */
export const q = (t: Tenant): string => `inbox_id=${t.inboxId}`;

export async function calendarTenant(): Promise<Cal> {
  const t = await newTenant();
  const cals = await call('GET', `/v1/calendar/collections/?${q(t)}`, { token: t.session });
  const personal = cals.body.find((c: any) => c.isDefault).id;
  const tasks = cals.body.find((c: any) => c.kind === 'tasks').id;
  return {
    t, personal, tasks,
    async ev(body, now) {
      const r = await call('POST', '/v1/calendar/events/', { token: t.session, now, body: { inbox_id: t.inboxId, calendar_id: personal, ...body } });
      if (r.status !== 201) throw new Error(`event: ${r.status} ${JSON.stringify(r.body)}`);
      return r.body;
    },
    async window(after, before, extra = '') {
      const qs = [q(t), 'limit=200'];
      if (after) qs.push(`after=${encodeURIComponent(after)}`);
      if (before) qs.push(`before=${encodeURIComponent(before)}`);
      const r = await call('GET', `/v1/calendar/events/?${qs.join('&')}${extra}`, { token: t.session });
      if (r.status !== 200) throw new Error(`list: ${r.status} ${JSON.stringify(r.body)}`);
      return r.body;
    },
    async settings(body) {
      const r = await call('PATCH', `/v1/inboxes/${t.inboxId}/settings/`, { token: t.session, body });
      if (r.status !== 200) throw new Error(`settings: ${r.status} ${JSON.stringify(r.body)}`);
    },
  };
}
