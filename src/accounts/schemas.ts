import { z } from '@hono/zod-openapi';
import { ALL_SCOPES } from '../http/context';
import { LeapDayPolicy, LowerCaseEmailAddress, TimeZone } from '../http/fields';

export const CreateTenant = z.object({
  name: z.string().trim().min(1).max(200),
  owner_email: LowerCaseEmailAddress,
  owner_password: z.string().min(8, 'must be at least 8 characters').max(256),
  inbox_address: LowerCaseEmailAddress,
}).openapi('CreateTenant', { example: { name: 'Acme', owner_email: 'ada@acme.test', owner_password: 'correct horse battery', inbox_address: 'agent@acme.test' } });

export const TenantCreated = z.object({ tenant_id: z.string(), user_id: z.string(), inbox_id: z.string() }).openapi('TenantCreated');

export const Login = z.object({ email: z.string().trim().toLowerCase().min(1).max(254), password: z.string().min(1).max(256) })
  .openapi('Login', { example: { email: 'ada@acme.test', password: 'correct horse battery' } });
export const LoginResult = z.object({ access_token: z.string(), refresh_token: z.string(), expires_in: z.number().int(), token_type: z.literal('Bearer') }).openapi('LoginResult');
export const Refresh = z.object({ refresh_token: z.string().min(1) }).openapi('Refresh');
export const RefreshResult = z.object({ access_token: z.string(), expires_in: z.number().int(), token_type: z.literal('Bearer') }).openapi('RefreshResult');

export const Inbox = z.object({
  id: z.string(), inbox_id: z.string(), address: z.string(), display_name: z.string().nullable(), created_at: z.string(),
}).openapi('Inbox');
export const CreateInbox = z.object({ address: LowerCaseEmailAddress, display_name: z.string().trim().min(1).max(200).nullish() })
  .openapi('CreateInbox', { example: { address: 'assistant@acme.test', display_name: 'Assistant' } });

const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be HH:MM (24-hour)');

export const Settings = z.object({
  inbox_id: z.string(),
  default_timezone: z.string().nullable(),
  missed_reply_threshold_days: z.number().int().nullable(),
  anniversary_alert_time: z.string().openapi({ example: '09:00' }),
  leap_day_policy: LeapDayPolicy,
}).openapi('InboxSettings');
/** Body of PATCH /v1/inboxes/{inbox_id}/settings/ (the inbox is the path's; the route applies the PATCH rule). */
export const PatchSettings = z.object({
  default_timezone: TimeZone.nullable().optional(),
  missed_reply_threshold_days: z.number().int().min(1).max(90).nullable().optional(),
  anniversary_alert_time: hhmm.optional(),
  leap_day_policy: LeapDayPolicy.optional(),
}).openapi({ example: { default_timezone: 'America/New_York', anniversary_alert_time: '08:30' } });

const scope = z.enum(ALL_SCOPES);
/** Body of POST /v1/tokens/ (the route adds the required, documented `inbox_id`). */
export const CreateToken = z.object({
  label: z.string().trim().min(1).max(100),
  scopes: z.array(scope).max(ALL_SCOPES.length),
  requires_approval: z.array(scope).max(ALL_SCOPES.length).default([]),
}).openapi({ example: { inbox_id: 'agent@acme.test', label: 'crm-agent', scopes: ['contacts:read', 'contacts:write'], requires_approval: [] } });

export const Token = z.object({
  token_id: z.string(), label: z.string(), scopes: z.array(z.string()), requires_approval: z.array(z.string()),
  inbox_id: z.string(), created_at: z.string(),
}).openapi('Token');
export const TokenCreated = Token.extend({ token: z.string().openapi({ description: 'Shown this once.' }) }).openapi('TokenCreated');
