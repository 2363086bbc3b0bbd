CREATE TABLE "agent_tokens" (
	"id" text PRIMARY KEY NOT NULL,
	"tenant_id" text NOT NULL,
	"inbox_id" text NOT NULL,
	"label" text NOT NULL,
	"token_hash" text NOT NULL,
	"scopes" text[] NOT NULL,
	"requires_approval" text[] NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"revoked_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "approvals" (
	"id" text PRIMARY KEY NOT NULL,
	"inbox_id" text NOT NULL,
	"token_id" text NOT NULL,
	"token_label" text NOT NULL,
	"action_type" text NOT NULL,
	"summary" text NOT NULL,
	"method" text NOT NULL,
	"path" text NOT NULL,
	"body" text,
	"if_match" text,
	"status" text DEFAULT 'pending' NOT NULL,
	"result_status" integer,
	"queued_at" timestamp with time zone NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"decided_at" timestamp with time zone,
	"decided_by" text
);
--> statement-breakpoint
CREATE TABLE "calendars" (
	"id" text PRIMARY KEY NOT NULL,
	"inbox_id" text NOT NULL,
	"name" text NOT NULL,
	"color" text,
	"is_default" boolean DEFAULT false NOT NULL,
	"kind" text DEFAULT 'user' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "idempotency_keys" (
	"principal_id" text NOT NULL,
	"key" text NOT NULL,
	"request_hash" text NOT NULL,
	"status_code" integer,
	"response_body" text,
	"response_headers" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "inboxes" (
	"id" text PRIMARY KEY NOT NULL,
	"tenant_id" text NOT NULL,
	"address" text NOT NULL,
	"display_name" text,
	"default_timezone" text,
	"missed_reply_threshold_days" integer,
	"anniversary_alert_time" text DEFAULT '09:00' NOT NULL,
	"leap_day_policy" text DEFAULT 'feb28' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "rate_limits" (
	"bucket" text NOT NULL,
	"window_start" timestamp with time zone NOT NULL,
	"count" integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE "sessions" (
	"id" text PRIMARY KEY NOT NULL,
	"tenant_id" text NOT NULL,
	"user_id" text NOT NULL,
	"access_hash" text NOT NULL,
	"refresh_hash" text NOT NULL,
	"access_expires_at" timestamp with time zone NOT NULL,
	"refresh_expires_at" timestamp with time zone NOT NULL,
	"revoked_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "tenants" (
	"id" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "users" (
	"id" text PRIMARY KEY NOT NULL,
	"tenant_id" text NOT NULL,
	"email" text NOT NULL,
	"password_hash" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "contact_anniversaries" (
	"inbox_id" text NOT NULL,
	"contact_id" text NOT NULL,
	"position" integer NOT NULL,
	"type" text NOT NULL,
	"date" text NOT NULL,
	"year" integer,
	"month" integer NOT NULL,
	"day" integer NOT NULL,
	CONSTRAINT "contact_anniversaries_contact_id_position_pk" PRIMARY KEY("contact_id","position")
);
--> statement-breakpoint
CREATE TABLE "contacts" (
	"id" text PRIMARY KEY NOT NULL,
	"inbox_id" text NOT NULL,
	"full_name" text NOT NULL,
	"emails" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"phones" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"notes" text,
	"search_name" text NOT NULL,
	"name_tsv" "tsvector" GENERATED ALWAYS AS (to_tsvector('simple', search_name)) STORED,
	"search_emails" text DEFAULT '' NOT NULL,
	"search_phones" text DEFAULT '' NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "label_entities" (
	"label_id" text NOT NULL,
	"inbox_id" text NOT NULL,
	"entity_type" text NOT NULL,
	"entity_id" text NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	CONSTRAINT "label_entities_label_id_entity_type_entity_id_pk" PRIMARY KEY("label_id","entity_type","entity_id")
);
--> statement-breakpoint
CREATE TABLE "labels" (
	"id" text PRIMARY KEY NOT NULL,
	"inbox_id" text NOT NULL,
	"name" text NOT NULL,
	"label_type" text NOT NULL,
	"color" text,
	"created_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "event_overrides" (
	"event_id" text NOT NULL,
	"inbox_id" text NOT NULL,
	"original_start_at" timestamp with time zone NOT NULL,
	"title" text,
	"description" text,
	"location" text,
	"status" text,
	"start_local" text,
	"start_at" timestamp with time zone,
	"duration" text,
	"duration_seconds" integer,
	"armed_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL,
	CONSTRAINT "event_overrides_event_id_original_start_at_pk" PRIMARY KEY("event_id","original_start_at")
);
--> statement-breakpoint
CREATE TABLE "events" (
	"id" text PRIMARY KEY NOT NULL,
	"inbox_id" text NOT NULL,
	"calendar_id" text NOT NULL,
	"title" text NOT NULL,
	"description" text,
	"status" text DEFAULT 'confirmed' NOT NULL,
	"location" text,
	"participants" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"time_zone" text NOT NULL,
	"start_local" text NOT NULL,
	"start_at" timestamp with time zone NOT NULL,
	"duration" text NOT NULL,
	"duration_seconds" integer NOT NULL,
	"recurrence_rules" text[] DEFAULT '{}' NOT NULL,
	"is_recurring" boolean DEFAULT false NOT NULL,
	"series_end_at" timestamp with time zone,
	"next_occurrence_at" timestamp with time zone,
	"armed_at" timestamp with time zone NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "tasks" (
	"uid" text PRIMARY KEY NOT NULL,
	"inbox_id" text NOT NULL,
	"calendar_id" text NOT NULL,
	"summary" text NOT NULL,
	"description" text,
	"status" text DEFAULT 'NEEDS-ACTION' NOT NULL,
	"due_date" date,
	"categories" text[] DEFAULT '{}' NOT NULL,
	"firing_id" text,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL,
	"completed_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "alerts" (
	"id" text PRIMARY KEY NOT NULL,
	"inbox_id" text NOT NULL,
	"events" text[] NOT NULL,
	"offset_value" integer,
	"offset_unit" text,
	"delivery_type" text NOT NULL,
	"target" text NOT NULL,
	"secret" text,
	"filter" jsonb,
	"retries" integer DEFAULT 3 NOT NULL,
	"backoff" text DEFAULT 'exponential' NOT NULL,
	"enabled" boolean DEFAULT true NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "deliveries" (
	"id" text PRIMARY KEY NOT NULL,
	"firing_id" text NOT NULL,
	"inbox_id" text NOT NULL,
	"alert_id" text NOT NULL,
	"source_key" text NOT NULL,
	"type" text NOT NULL,
	"scheduled_for" timestamp with time zone NOT NULL,
	"payload" jsonb NOT NULL,
	"status" text DEFAULT 'pending' NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"last_status_code" integer,
	"last_error" text,
	"enqueued_at" timestamp with time zone,
	"claimed_until" timestamp with time zone,
	"delivered_at" timestamp with time zone,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "scan_state" (
	"name" text PRIMARY KEY NOT NULL,
	"watermark" timestamp with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "agent_tokens" ADD CONSTRAINT "agent_tokens_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "agent_tokens" ADD CONSTRAINT "agent_tokens_inbox_id_inboxes_id_fk" FOREIGN KEY ("inbox_id") REFERENCES "public"."inboxes"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "approvals" ADD CONSTRAINT "approvals_inbox_id_inboxes_id_fk" FOREIGN KEY ("inbox_id") REFERENCES "public"."inboxes"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "calendars" ADD CONSTRAINT "calendars_inbox_id_inboxes_id_fk" FOREIGN KEY ("inbox_id") REFERENCES "public"."inboxes"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "inboxes" ADD CONSTRAINT "inboxes_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sessions" ADD CONSTRAINT "sessions_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sessions" ADD CONSTRAINT "sessions_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "users" ADD CONSTRAINT "users_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "contact_anniversaries" ADD CONSTRAINT "contact_anniversaries_inbox_id_inboxes_id_fk" FOREIGN KEY ("inbox_id") REFERENCES "public"."inboxes"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "contact_anniversaries" ADD CONSTRAINT "contact_anniversaries_contact_id_contacts_id_fk" FOREIGN KEY ("contact_id") REFERENCES "public"."contacts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "contacts" ADD CONSTRAINT "contacts_inbox_id_inboxes_id_fk" FOREIGN KEY ("inbox_id") REFERENCES "public"."inboxes"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "label_entities" ADD CONSTRAINT "label_entities_label_id_labels_id_fk" FOREIGN KEY ("label_id") REFERENCES "public"."labels"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "label_entities" ADD CONSTRAINT "label_entities_inbox_id_inboxes_id_fk" FOREIGN KEY ("inbox_id") REFERENCES "public"."inboxes"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "labels" ADD CONSTRAINT "labels_inbox_id_inboxes_id_fk" FOREIGN KEY ("inbox_id") REFERENCES "public"."inboxes"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "event_overrides" ADD CONSTRAINT "event_overrides_event_id_events_id_fk" FOREIGN KEY ("event_id") REFERENCES "public"."events"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "event_overrides" ADD CONSTRAINT "event_overrides_inbox_id_inboxes_id_fk" FOREIGN KEY ("inbox_id") REFERENCES "public"."inboxes"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "events" ADD CONSTRAINT "events_inbox_id_inboxes_id_fk" FOREIGN KEY ("inbox_id") REFERENCES "public"."inboxes"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "events" ADD CONSTRAINT "events_calendar_id_calendars_id_fk" FOREIGN KEY ("calendar_id") REFERENCES "public"."calendars"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "tasks" ADD CONSTRAINT "tasks_inbox_id_inboxes_id_fk" FOREIGN KEY ("inbox_id") REFERENCES "public"."inboxes"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "tasks" ADD CONSTRAINT "tasks_calendar_id_calendars_id_fk" FOREIGN KEY ("calendar_id") REFERENCES "public"."calendars"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "alerts" ADD CONSTRAINT "alerts_inbox_id_inboxes_id_fk" FOREIGN KEY ("inbox_id") REFERENCES "public"."inboxes"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "deliveries" ADD CONSTRAINT "deliveries_inbox_id_inboxes_id_fk" FOREIGN KEY ("inbox_id") REFERENCES "public"."inboxes"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "deliveries" ADD CONSTRAINT "deliveries_alert_id_alerts_id_fk" FOREIGN KEY ("alert_id") REFERENCES "public"."alerts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "agent_tokens_hash_key" ON "agent_tokens" USING btree ("token_hash");--> statement-breakpoint
CREATE INDEX "agent_tokens_inbox_idx" ON "agent_tokens" USING btree ("inbox_id","id");--> statement-breakpoint
CREATE INDEX "approvals_inbox_idx" ON "approvals" USING btree ("inbox_id","status","queued_at");--> statement-breakpoint
CREATE INDEX "calendars_inbox_idx" ON "calendars" USING btree ("inbox_id","id");--> statement-breakpoint
CREATE UNIQUE INDEX "idempotency_keys_pk" ON "idempotency_keys" USING btree ("principal_id","key");--> statement-breakpoint
CREATE INDEX "idempotency_keys_created_idx" ON "idempotency_keys" USING btree ("created_at");--> statement-breakpoint
CREATE UNIQUE INDEX "inboxes_address_key" ON "inboxes" USING btree ("address");--> statement-breakpoint
CREATE INDEX "inboxes_tenant_idx" ON "inboxes" USING btree ("tenant_id","id");--> statement-breakpoint
CREATE UNIQUE INDEX "rate_limits_pk" ON "rate_limits" USING btree ("bucket","window_start");--> statement-breakpoint
CREATE UNIQUE INDEX "sessions_access_key" ON "sessions" USING btree ("access_hash");--> statement-breakpoint
CREATE UNIQUE INDEX "sessions_refresh_key" ON "sessions" USING btree ("refresh_hash");--> statement-breakpoint
CREATE UNIQUE INDEX "users_email_key" ON "users" USING btree ("email");--> statement-breakpoint
CREATE INDEX "contact_anniversaries_month_day_idx" ON "contact_anniversaries" USING btree ("month","day");--> statement-breakpoint
CREATE INDEX "contact_anniversaries_inbox_idx" ON "contact_anniversaries" USING btree ("inbox_id","month","day");--> statement-breakpoint
CREATE INDEX "contacts_inbox_name_idx" ON "contacts" USING btree ("inbox_id","full_name","id");--> statement-breakpoint
CREATE INDEX "contacts_name_tsv_idx" ON "contacts" USING gin ("name_tsv");--> statement-breakpoint
CREATE INDEX "contacts_emails_trgm_idx" ON "contacts" USING gin ("search_emails" gin_trgm_ops);--> statement-breakpoint
CREATE INDEX "contacts_phones_trgm_idx" ON "contacts" USING gin ("search_phones" gin_trgm_ops);--> statement-breakpoint
CREATE INDEX "contacts_email_set_idx" ON "contacts" USING gin (string_to_array("search_emails", ' '));--> statement-breakpoint
CREATE INDEX "label_entities_entity_idx" ON "label_entities" USING btree ("inbox_id","entity_type","entity_id");--> statement-breakpoint
CREATE INDEX "labels_inbox_idx" ON "labels" USING btree ("inbox_id","id");--> statement-breakpoint
CREATE INDEX "event_overrides_inbox_start_idx" ON "event_overrides" USING btree ("inbox_id","start_at");--> statement-breakpoint
CREATE INDEX "events_inbox_start_idx" ON "events" USING btree ("inbox_id","start_at","id");--> statement-breakpoint
CREATE INDEX "events_inbox_series_end_idx" ON "events" USING btree ("inbox_id","series_end_at");--> statement-breakpoint
CREATE INDEX "events_start_idx" ON "events" USING btree ("start_at");--> statement-breakpoint
CREATE INDEX "events_next_occurrence_idx" ON "events" USING btree ("next_occurrence_at");--> statement-breakpoint
CREATE INDEX "events_series_next_idx" ON "events" USING btree ("next_occurrence_at") WHERE is_recurring;--> statement-breakpoint
CREATE INDEX "events_inbox_long_idx" ON "events" USING btree ("inbox_id","start_at") WHERE is_recurring OR duration_seconds > 86400;--> statement-breakpoint
CREATE INDEX "tasks_inbox_open_idx" ON "tasks" USING btree ("inbox_id","status","due_date");--> statement-breakpoint
CREATE UNIQUE INDEX "tasks_firing_key" ON "tasks" USING btree ("firing_id");--> statement-breakpoint
CREATE INDEX "alerts_inbox_idx" ON "alerts" USING btree ("inbox_id","id");--> statement-breakpoint
CREATE INDEX "alerts_enabled_idx" ON "alerts" USING btree ("enabled");--> statement-breakpoint
CREATE UNIQUE INDEX "deliveries_source_key" ON "deliveries" USING btree ("alert_id","source_key");--> statement-breakpoint
CREATE UNIQUE INDEX "deliveries_firing_key" ON "deliveries" USING btree ("firing_id");--> statement-breakpoint
CREATE INDEX "deliveries_alert_idx" ON "deliveries" USING btree ("alert_id","created_at");--> statement-breakpoint
CREATE INDEX "deliveries_unsent_idx" ON "deliveries" USING btree ("enqueued_at") WHERE enqueued_at IS NULL;