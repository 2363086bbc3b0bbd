CREATE TYPE "public"."route_recipient_kind" AS ENUM('contact', 'email', 'inbox');--> statement-breakpoint
CREATE TYPE "public"."route_recipient_status" AS ENUM('queued', 'waiting', 'approved', 'rejected', 'changes_requested', 'acknowledged', 'responded');--> statement-breakpoint
CREATE TYPE "public"."route_request_type" AS ENUM('approval', 'acknowledgement', 'text_response');--> statement-breakpoint
CREATE TYPE "public"."route_status" AS ENUM('draft', 'active', 'completed', 'rejected', 'cancelled');--> statement-breakpoint
CREATE TYPE "public"."routing_mode" AS ENUM('parallel', 'ordered');--> statement-breakpoint
CREATE TABLE "route_recipients" (
	"id" text PRIMARY KEY NOT NULL,
	"route_id" text NOT NULL,
	"inbox_id" text NOT NULL,
	"position" integer NOT NULL,
	"kind" "route_recipient_kind" NOT NULL,
	"email" text NOT NULL,
	"contact_id" text,
	"recipient_inbox_id" text,
	"status" "route_recipient_status" NOT NULL,
	"responded_at" timestamp with time zone,
	"response_text" text,
	"request_message_id" text,
	"created_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "work_routes" (
	"id" text PRIMARY KEY NOT NULL,
	"inbox_id" text NOT NULL,
	"title" text NOT NULL,
	"description" text,
	"request_type" "route_request_type" NOT NULL,
	"routing_mode" "routing_mode" NOT NULL,
	"status" "route_status" NOT NULL,
	"due_at" timestamp with time zone,
	"phrases" jsonb,
	"source_message_id" text,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "outbox" ALTER COLUMN "enrollment_id" DROP NOT NULL;--> statement-breakpoint
ALTER TABLE "outbox" ADD COLUMN "recipient_id" text;--> statement-breakpoint
ALTER TABLE "route_recipients" ADD CONSTRAINT "route_recipients_route_id_work_routes_id_fk" FOREIGN KEY ("route_id") REFERENCES "public"."work_routes"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "route_recipients" ADD CONSTRAINT "route_recipients_inbox_id_inboxes_id_fk" FOREIGN KEY ("inbox_id") REFERENCES "public"."inboxes"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "route_recipients" ADD CONSTRAINT "route_recipients_recipient_inbox_id_inboxes_id_fk" FOREIGN KEY ("recipient_inbox_id") REFERENCES "public"."inboxes"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "work_routes" ADD CONSTRAINT "work_routes_inbox_id_inboxes_id_fk" FOREIGN KEY ("inbox_id") REFERENCES "public"."inboxes"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "route_recipients_position_key" ON "route_recipients" USING btree ("route_id","position");--> statement-breakpoint
CREATE INDEX "route_recipients_inbox_idx" ON "route_recipients" USING btree ("recipient_inbox_id") WHERE "route_recipients"."recipient_inbox_id" IS NOT NULL;--> statement-breakpoint
CREATE INDEX "route_recipients_request_idx" ON "route_recipients" USING btree ("request_message_id") WHERE "route_recipients"."status" = 'waiting';--> statement-breakpoint
CREATE INDEX "work_routes_inbox_idx" ON "work_routes" USING btree ("inbox_id","id");--> statement-breakpoint
CREATE INDEX "work_routes_due_idx" ON "work_routes" USING btree ("due_at") WHERE "work_routes"."status" = 'active';