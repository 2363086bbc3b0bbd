CREATE TYPE "public"."share_status" AS ENUM('pending', 'accepted', 'declined', 'expired');--> statement-breakpoint
CREATE TYPE "public"."share_type" AS ENUM('offer', 'request');--> statement-breakpoint
CREATE TABLE "contact_shares" (
	"id" text PRIMARY KEY NOT NULL,
	"from_inbox_id" text NOT NULL,
	"to_inbox_id" text NOT NULL,
	"type" "share_type" NOT NULL,
	"status" "share_status" NOT NULL,
	"contact_address" text NOT NULL,
	"note" text,
	"card" jsonb,
	"created_at" timestamp with time zone NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"resolved_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "contact_shares" ADD CONSTRAINT "contact_shares_from_inbox_id_inboxes_id_fk" FOREIGN KEY ("from_inbox_id") REFERENCES "public"."inboxes"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "contact_shares" ADD CONSTRAINT "contact_shares_to_inbox_id_inboxes_id_fk" FOREIGN KEY ("to_inbox_id") REFERENCES "public"."inboxes"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "contact_shares_to_idx" ON "contact_shares" USING btree ("to_inbox_id","created_at");--> statement-breakpoint
CREATE INDEX "contact_shares_from_idx" ON "contact_shares" USING btree ("from_inbox_id","created_at");--> statement-breakpoint
CREATE INDEX "contact_shares_expiry_idx" ON "contact_shares" USING btree ("expires_at") WHERE "contact_shares"."status" = 'pending';