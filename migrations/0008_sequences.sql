CREATE TYPE "public"."enrollment_status" AS ENUM('active', 'completed', 'exited_on_reply', 'cancelled');--> statement-breakpoint
CREATE TYPE "public"."outbox_status" AS ENUM('pending', 'sending', 'sent', 'failed', 'cancelled');--> statement-breakpoint
CREATE TABLE "outbox" (
	"id" text PRIMARY KEY NOT NULL,
	"inbox_id" text NOT NULL,
	"enrollment_id" text NOT NULL,
	"step" integer NOT NULL,
	"to" jsonb NOT NULL,
	"subject" text,
	"text_body" text NOT NULL,
	"reply_to_message_id" text,
	"status" "outbox_status" NOT NULL,
	"claimed_until" timestamp with time zone,
	"attempts" integer NOT NULL,
	"message_id" text,
	"last_error" text,
	"enqueued_at" timestamp with time zone,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "sequence_enrollments" (
	"id" text PRIMARY KEY NOT NULL,
	"inbox_id" text NOT NULL,
	"sequence_id" text NOT NULL,
	"sequence_name" text NOT NULL,
	"contact_id" text NOT NULL,
	"to_email" text NOT NULL,
	"to_name" text,
	"exit_on_reply" boolean NOT NULL,
	"emails" jsonb NOT NULL,
	"status" "enrollment_status" NOT NULL,
	"current_email" integer NOT NULL,
	"next_email_at" timestamp with time zone,
	"anchor_local" text NOT NULL,
	"time_zone" text NOT NULL,
	"first_message_id" text,
	"thread_id" text,
	"ended_at" timestamp with time zone,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "sequences" (
	"id" text PRIMARY KEY NOT NULL,
	"inbox_id" text NOT NULL,
	"name" text NOT NULL,
	"exit_on_reply" boolean NOT NULL,
	"emails" jsonb NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "messages" ADD COLUMN "outbox_id" text;--> statement-breakpoint
ALTER TABLE "outbox" ADD CONSTRAINT "outbox_inbox_id_inboxes_id_fk" FOREIGN KEY ("inbox_id") REFERENCES "public"."inboxes"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sequence_enrollments" ADD CONSTRAINT "sequence_enrollments_inbox_id_inboxes_id_fk" FOREIGN KEY ("inbox_id") REFERENCES "public"."inboxes"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sequences" ADD CONSTRAINT "sequences_inbox_id_inboxes_id_fk" FOREIGN KEY ("inbox_id") REFERENCES "public"."inboxes"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "outbox_enrollment_idx" ON "outbox" USING btree ("enrollment_id");--> statement-breakpoint
CREATE INDEX "outbox_unsent_idx" ON "outbox" USING btree ("created_at") WHERE "outbox"."enqueued_at" IS NULL;--> statement-breakpoint
CREATE INDEX "sequence_enrollments_inbox_idx" ON "sequence_enrollments" USING btree ("inbox_id","id");--> statement-breakpoint
CREATE INDEX "sequence_enrollments_contact_idx" ON "sequence_enrollments" USING btree ("inbox_id","contact_id");--> statement-breakpoint
CREATE INDEX "sequence_enrollments_due_idx" ON "sequence_enrollments" USING btree ("next_email_at") WHERE "sequence_enrollments"."status" = 'active';--> statement-breakpoint
CREATE INDEX "sequence_enrollments_thread_idx" ON "sequence_enrollments" USING btree ("thread_id") WHERE "sequence_enrollments"."status" = 'active';--> statement-breakpoint
CREATE UNIQUE INDEX "sequence_enrollments_active_key" ON "sequence_enrollments" USING btree ("sequence_id","contact_id") WHERE "sequence_enrollments"."status" = 'active';--> statement-breakpoint
CREATE INDEX "sequences_inbox_idx" ON "sequences" USING btree ("inbox_id","id");--> statement-breakpoint
CREATE UNIQUE INDEX "messages_outbox_key" ON "messages" USING btree ("outbox_id") WHERE "messages"."outbox_id" IS NOT NULL;