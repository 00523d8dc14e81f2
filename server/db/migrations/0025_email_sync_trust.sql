CREATE TABLE "email_threads" (
	"workspace_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"subject_key" text NOT NULL,
	"shared" boolean NOT NULL,
	"last_message_at" timestamp with time zone NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "email_threads_workspace_id_id_pk" PRIMARY KEY("workspace_id","id")
);
--> statement-breakpoint
ALTER TABLE "activities" ADD COLUMN "private" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "email_messages" ADD COLUMN "thread_id" uuid;--> statement-breakpoint
ALTER TABLE "email_messages" ADD COLUMN "participants" text[] DEFAULT '{}'::text[] NOT NULL;--> statement-breakpoint
ALTER TABLE "email_messages" ADD COLUMN "viewer_ids" uuid[] DEFAULT '{}'::uuid[] NOT NULL;--> statement-breakpoint
ALTER TABLE "mailboxes" ADD COLUMN "privacy" text DEFAULT 'workspace' NOT NULL;--> statement-breakpoint
ALTER TABLE "mailboxes" ADD COLUMN "match_deals" boolean DEFAULT true NOT NULL;--> statement-breakpoint
ALTER TABLE "mailboxes" ADD COLUMN "new_senders" text DEFAULT 'ignore' NOT NULL;--> statement-breakpoint
ALTER TABLE "mailboxes" ADD COLUMN "ignore_senders" text[] DEFAULT '{}'::text[] NOT NULL;--> statement-breakpoint
ALTER TABLE "email_threads" ADD CONSTRAINT "email_threads_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "email_threads_subject_idx" ON "email_threads" USING btree ("workspace_id","subject_key","last_message_at");--> statement-breakpoint
ALTER TABLE "email_messages" ADD CONSTRAINT "email_messages_workspace_id_thread_id_email_threads_workspace_id_id_fk" FOREIGN KEY ("workspace_id","thread_id") REFERENCES "public"."email_threads"("workspace_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "email_messages_thread_idx" ON "email_messages" USING btree ("workspace_id","thread_id","date");--> statement-breakpoint
CREATE INDEX "email_messages_in_reply_to_idx" ON "email_messages" USING btree ("workspace_id","in_reply_to");--> statement-breakpoint
CREATE INDEX "leads_email_idx" ON "leads" USING btree ("workspace_id","email");--> statement-breakpoint
-- Emails synced before: their readers are the owners of the mailboxes holding them (they have no thread, which reads as shared).
UPDATE "email_messages" e SET "viewer_ids" = ARRAY(
  SELECT DISTINCT m."owner_id" FROM "mailbox_messages" mm JOIN "mailboxes" m ON m."workspace_id" = mm."workspace_id" AND m."id" = mm."mailbox_id"
  WHERE mm."workspace_id" = e."workspace_id" AND mm."email_id" = e."id");--> statement-breakpoint
ALTER TABLE "mailbox_messages" ADD COLUMN "vanished_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "mailboxes" ADD COLUMN "stale_after_minutes" integer DEFAULT 180 NOT NULL;--> statement-breakpoint
ALTER TABLE "mailboxes" ADD COLUMN "stale_notified_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "mailboxes" ADD COLUMN "reconciled_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "mailboxes" ADD COLUMN "reconcile_missing" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "mailboxes" ADD COLUMN "reconcile_repaired" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "mailboxes" ADD COLUMN "reconcile_vanished" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "mailboxes" ADD COLUMN "reconcile_note" text;--> statement-breakpoint
CREATE TABLE "email_attachments" (
	"workspace_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"email_id" uuid NOT NULL,
	"filename" text,
	"content_type" text NOT NULL,
	"size" integer NOT NULL,
	"content" "bytea" NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "email_attachments_workspace_id_id_pk" PRIMARY KEY("workspace_id","id")
);
--> statement-breakpoint
ALTER TABLE "email_attachments" ADD CONSTRAINT "email_attachments_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "email_attachments" ADD CONSTRAINT "email_attachments_workspace_id_email_id_email_messages_workspace_id_id_fk" FOREIGN KEY ("workspace_id","email_id") REFERENCES "public"."email_messages"("workspace_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "email_attachments_email_idx" ON "email_attachments" USING btree ("workspace_id","email_id");--> statement-breakpoint
ALTER TABLE "mailbox_folders" ADD COLUMN "folder" text DEFAULT '' NOT NULL;--> statement-breakpoint
ALTER TABLE "mailbox_messages" ADD COLUMN "folder" text DEFAULT '' NOT NULL;--> statement-breakpoint
ALTER TABLE "mailboxes" ADD COLUMN "folders" text[] DEFAULT '{}'::text[] NOT NULL;--> statement-breakpoint
DROP INDEX "mailbox_folders_role_key";--> statement-breakpoint
ALTER TABLE "mailbox_messages" DROP CONSTRAINT "mailbox_messages_workspace_id_mailbox_id_role_uid_validity_uid_pk";--> statement-breakpoint
ALTER TABLE "mailbox_messages" ADD CONSTRAINT "mailbox_messages_workspace_id_mailbox_id_role_folder_uid_validity_uid_pk" PRIMARY KEY("workspace_id","mailbox_id","role","folder","uid_validity","uid");--> statement-breakpoint
CREATE UNIQUE INDEX "mailbox_folders_role_key" ON "mailbox_folders" USING btree ("workspace_id","mailbox_id","role","folder");
