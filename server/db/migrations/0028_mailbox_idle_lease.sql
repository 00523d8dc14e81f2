ALTER TABLE "mailboxes" ADD COLUMN "idle_by" text;--> statement-breakpoint
ALTER TABLE "mailboxes" ADD COLUMN "idle_until" timestamp with time zone;