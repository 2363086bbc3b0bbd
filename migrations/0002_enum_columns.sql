CREATE TYPE "public"."approval_status" AS ENUM('pending', 'approved', 'rejected');--> statement-breakpoint
CREATE TYPE "public"."calendar_kind" AS ENUM('personal', 'tasks', 'user');--> statement-breakpoint
CREATE TYPE "public"."leap_day_policy" AS ENUM('feb28', 'mar1', 'skip');--> statement-breakpoint
CREATE TYPE "public"."entity_type" AS ENUM('contact', 'event');--> statement-breakpoint
CREATE TYPE "public"."label_type" AS ENUM('contact', 'calendar', 'message', 'any');--> statement-breakpoint
CREATE TYPE "public"."event_status" AS ENUM('confirmed', 'tentative', 'cancelled');--> statement-breakpoint
CREATE TYPE "public"."task_status" AS ENUM('NEEDS-ACTION', 'COMPLETED');--> statement-breakpoint
CREATE TYPE "public"."backoff" AS ENUM('immediate', 'fixed', 'exponential');--> statement-breakpoint
CREATE TYPE "public"."delivery_status" AS ENUM('pending', 'delivered', 'failed');--> statement-breakpoint
CREATE TYPE "public"."delivery_type" AS ENUM('webhook', 'task');--> statement-breakpoint
CREATE TYPE "public"."offset_unit" AS ENUM('minutes', 'hours', 'days');--> statement-breakpoint
ALTER TABLE "approvals" ALTER COLUMN "status" SET DEFAULT 'pending'::"public"."approval_status";--> statement-breakpoint
ALTER TABLE "approvals" ALTER COLUMN "status" SET DATA TYPE "public"."approval_status" USING "status"::"public"."approval_status";--> statement-breakpoint
ALTER TABLE "calendars" ALTER COLUMN "kind" SET DEFAULT 'user'::"public"."calendar_kind";--> statement-breakpoint
ALTER TABLE "calendars" ALTER COLUMN "kind" SET DATA TYPE "public"."calendar_kind" USING "kind"::"public"."calendar_kind";--> statement-breakpoint
ALTER TABLE "inboxes" ALTER COLUMN "leap_day_policy" SET DEFAULT 'feb28'::"public"."leap_day_policy";--> statement-breakpoint
ALTER TABLE "inboxes" ALTER COLUMN "leap_day_policy" SET DATA TYPE "public"."leap_day_policy" USING "leap_day_policy"::"public"."leap_day_policy";--> statement-breakpoint
ALTER TABLE "label_entities" ALTER COLUMN "entity_type" SET DATA TYPE "public"."entity_type" USING "entity_type"::"public"."entity_type";--> statement-breakpoint
ALTER TABLE "labels" ALTER COLUMN "label_type" SET DATA TYPE "public"."label_type" USING "label_type"::"public"."label_type";--> statement-breakpoint
ALTER TABLE "event_overrides" ALTER COLUMN "status" SET DATA TYPE "public"."event_status" USING "status"::"public"."event_status";--> statement-breakpoint
ALTER TABLE "events" ALTER COLUMN "status" SET DEFAULT 'confirmed'::"public"."event_status";--> statement-breakpoint
ALTER TABLE "events" ALTER COLUMN "status" SET DATA TYPE "public"."event_status" USING "status"::"public"."event_status";--> statement-breakpoint
ALTER TABLE "tasks" ALTER COLUMN "status" SET DEFAULT 'NEEDS-ACTION'::"public"."task_status";--> statement-breakpoint
ALTER TABLE "tasks" ALTER COLUMN "status" SET DATA TYPE "public"."task_status" USING "status"::"public"."task_status";--> statement-breakpoint
ALTER TABLE "alerts" ALTER COLUMN "offset_unit" SET DATA TYPE "public"."offset_unit" USING "offset_unit"::"public"."offset_unit";--> statement-breakpoint
ALTER TABLE "alerts" ALTER COLUMN "delivery_type" SET DATA TYPE "public"."delivery_type" USING "delivery_type"::"public"."delivery_type";--> statement-breakpoint
ALTER TABLE "alerts" ALTER COLUMN "backoff" SET DEFAULT 'exponential'::"public"."backoff";--> statement-breakpoint
ALTER TABLE "alerts" ALTER COLUMN "backoff" SET DATA TYPE "public"."backoff" USING "backoff"::"public"."backoff";--> statement-breakpoint
ALTER TABLE "deliveries" ALTER COLUMN "status" SET DEFAULT 'pending'::"public"."delivery_status";--> statement-breakpoint
ALTER TABLE "deliveries" ALTER COLUMN "status" SET DATA TYPE "public"."delivery_status" USING "status"::"public"."delivery_status";