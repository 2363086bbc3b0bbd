CREATE TYPE "public"."message_direction" AS ENUM('inbound', 'outbound');--> statement-breakpoint
CREATE TYPE "public"."message_status" AS ENUM('received', 'sent', 'failed');--> statement-breakpoint
CREATE TYPE "public"."suggestion_status" AS ENUM('open', 'confirmed', 'dismissed');--> statement-breakpoint
CREATE TABLE "message_suggestions" (
	"message_id" text PRIMARY KEY NOT NULL,
	"inbox_id" text NOT NULL,
	"title" text NOT NULL,
	"start_local" text NOT NULL,
	"start_at" timestamp with time zone NOT NULL,
	"time_zone" text NOT NULL,
	"duration" text NOT NULL,
	"location" text NOT NULL,
	"status" "suggestion_status" NOT NULL,
	"event_id" text,
	"created_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "messages" (
	"id" text PRIMARY KEY NOT NULL,
	"inbox_id" text NOT NULL,
	"thread_id" text NOT NULL,
	"direction" "message_direction" NOT NULL,
	"status" "message_status" NOT NULL,
	"from_email" text NOT NULL,
	"from_name" text,
	"to" jsonb NOT NULL,
	"cc" jsonb NOT NULL,
	"bcc" jsonb NOT NULL,
	"subject" text NOT NULL,
	"text_body" text,
	"html_body" text,
	"snippet" text NOT NULL,
	"sent_at" timestamp with time zone NOT NULL,
	"rfc_message_id" text,
	"in_reply_to" text,
	"references" text[] NOT NULL,
	"attachments" jsonb NOT NULL,
	"raw_key" text,
	"failure_reason" text,
	"created_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "threads" (
	"id" text PRIMARY KEY NOT NULL,
	"inbox_id" text NOT NULL,
	"subject" text NOT NULL,
	"normalized_subject" text NOT NULL,
	"participants" text[] NOT NULL,
	"message_count" integer NOT NULL,
	"last_message_at" timestamp with time zone NOT NULL,
	"last_message_id" text NOT NULL,
	"last_direction" "message_direction" NOT NULL,
	"created_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "message_suggestions" ADD CONSTRAINT "message_suggestions_message_id_messages_id_fk" FOREIGN KEY ("message_id") REFERENCES "public"."messages"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "message_suggestions" ADD CONSTRAINT "message_suggestions_inbox_id_inboxes_id_fk" FOREIGN KEY ("inbox_id") REFERENCES "public"."inboxes"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "messages" ADD CONSTRAINT "messages_inbox_id_inboxes_id_fk" FOREIGN KEY ("inbox_id") REFERENCES "public"."inboxes"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "messages" ADD CONSTRAINT "messages_thread_id_threads_id_fk" FOREIGN KEY ("thread_id") REFERENCES "public"."threads"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "threads" ADD CONSTRAINT "threads_inbox_id_inboxes_id_fk" FOREIGN KEY ("inbox_id") REFERENCES "public"."inboxes"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "message_suggestions_open_idx" ON "message_suggestions" USING btree ("inbox_id","start_at") WHERE "message_suggestions"."status" = 'open';--> statement-breakpoint
CREATE INDEX "messages_inbox_sent_idx" ON "messages" USING btree ("inbox_id","sent_at" DESC NULLS LAST,"id" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "messages_thread_idx" ON "messages" USING btree ("thread_id","sent_at","id");--> statement-breakpoint
CREATE UNIQUE INDEX "messages_rfc_id_key" ON "messages" USING btree ("inbox_id","rfc_message_id");--> statement-breakpoint
CREATE INDEX "threads_inbox_recent_idx" ON "threads" USING btree ("inbox_id","last_message_at" DESC NULLS LAST,"id" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "threads_inbox_subject_idx" ON "threads" USING btree ("inbox_id","normalized_subject","last_message_at");--> statement-breakpoint
CREATE INDEX "threads_awaiting_idx" ON "threads" USING btree ("inbox_id","last_message_at") WHERE "threads"."last_direction" = 'outbound';