CREATE TABLE "email_tracking_events" (
	"workspace_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"email_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"link_index" integer,
	"url" text,
	"at" timestamp with time zone DEFAULT now() NOT NULL,
	"user_agent" text,
	CONSTRAINT "email_tracking_events_workspace_id_id_pk" PRIMARY KEY("workspace_id","id")
);
--> statement-breakpoint
ALTER TABLE "email_messages" ADD COLUMN "tracked_links" jsonb;--> statement-breakpoint
ALTER TABLE "email_settings" ADD COLUMN "tracking" boolean DEFAULT true NOT NULL;--> statement-breakpoint
ALTER TABLE "email_tracking_events" ADD CONSTRAINT "email_tracking_events_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "email_tracking_events" ADD CONSTRAINT "email_tracking_events_workspace_id_email_id_email_messages_workspace_id_id_fk" FOREIGN KEY ("workspace_id","email_id") REFERENCES "public"."email_messages"("workspace_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "email_tracking_events_email_idx" ON "email_tracking_events" USING btree ("workspace_id","email_id","kind");