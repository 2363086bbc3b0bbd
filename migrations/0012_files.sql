CREATE TYPE "public"."file_type" AS ENUM('spreadsheet', 'document', 'image', 'video', 'template', 'skill', 'other');--> statement-breakpoint
CREATE TABLE "file_versions" (
	"file_id" text NOT NULL,
	"version" integer NOT NULL,
	"inbox_id" text NOT NULL,
	"object_key" text NOT NULL,
	"size" integer NOT NULL,
	"content_type" text NOT NULL,
	"etag" text NOT NULL,
	"source_message_id" text,
	"created_at" timestamp with time zone NOT NULL,
	CONSTRAINT "file_versions_file_id_version_pk" PRIMARY KEY("file_id","version")
);
--> statement-breakpoint
CREATE TABLE "files" (
	"id" text PRIMARY KEY NOT NULL,
	"inbox_id" text NOT NULL,
	"name" text NOT NULL,
	"file_type" "file_type" NOT NULL,
	"instructions" text,
	"version" integer DEFAULT 0 NOT NULL,
	"size" integer DEFAULT 0 NOT NULL,
	"content_type" text NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "approvals" ADD COLUMN "held_object" text;--> statement-breakpoint
ALTER TABLE "approvals" ADD COLUMN "held_content_type" text;--> statement-breakpoint
ALTER TABLE "file_versions" ADD CONSTRAINT "file_versions_file_id_files_id_fk" FOREIGN KEY ("file_id") REFERENCES "public"."files"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "files" ADD CONSTRAINT "files_inbox_id_inboxes_id_fk" FOREIGN KEY ("inbox_id") REFERENCES "public"."inboxes"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "files_inbox_idx" ON "files" USING btree ("inbox_id","id");--> statement-breakpoint
CREATE INDEX "files_inbox_created_idx" ON "files" USING btree ("inbox_id","created_at");