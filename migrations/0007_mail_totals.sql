CREATE TABLE "mail_totals" (
	"inbox_id" text PRIMARY KEY NOT NULL,
	"messages" integer NOT NULL,
	"inbound" integer NOT NULL,
	"threads" integer NOT NULL
);
--> statement-breakpoint
DROP INDEX "messages_inbox_sent_idx";--> statement-breakpoint
DROP INDEX "threads_inbox_recent_idx";--> statement-breakpoint
ALTER TABLE "mail_totals" ADD CONSTRAINT "mail_totals_inbox_id_inboxes_id_fk" FOREIGN KEY ("inbox_id") REFERENCES "public"."inboxes"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "messages_inbox_sent_idx" ON "messages" USING btree ("inbox_id","sent_at","id");--> statement-breakpoint
CREATE INDEX "threads_inbox_recent_idx" ON "threads" USING btree ("inbox_id","last_message_at","id");--> statement-breakpoint
-- The counts of mail stored before the table existed.
INSERT INTO "mail_totals" ("inbox_id", "messages", "inbound", "threads")
SELECT t."inbox_id",
       (SELECT count(*) FROM "messages" m WHERE m."inbox_id" = t."inbox_id"),
       (SELECT count(*) FROM "messages" m WHERE m."inbox_id" = t."inbox_id" AND m."direction" = 'inbound'),
       count(*)
FROM "threads" t GROUP BY t."inbox_id";
