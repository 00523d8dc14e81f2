CREATE TABLE "ticket_attachments" (
	"workspace_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"ticket_id" uuid NOT NULL,
	"message_id" uuid,
	"filename" text,
	"content_type" text NOT NULL,
	"size" integer NOT NULL,
	"content" "bytea",
	"email_attachment_id" uuid,
	"note" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "ticket_attachments_workspace_id_id_pk" PRIMARY KEY("workspace_id","id"),
	CONSTRAINT "ticket_attachments_one_source" CHECK ("ticket_attachments"."content" is null or "ticket_attachments"."email_attachment_id" is null)
);
--> statement-breakpoint
ALTER TABLE "ticket_attachments" ADD CONSTRAINT "ticket_attachments_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ticket_attachments" ADD CONSTRAINT "ticket_attachments_workspace_id_ticket_id_tickets_workspace_id_id_fk" FOREIGN KEY ("workspace_id","ticket_id") REFERENCES "public"."tickets"("workspace_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ticket_attachments" ADD CONSTRAINT "ticket_attachments_workspace_id_message_id_ticket_messages_workspace_id_id_fk" FOREIGN KEY ("workspace_id","message_id") REFERENCES "public"."ticket_messages"("workspace_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ticket_attachments" ADD CONSTRAINT "ticket_attachments_workspace_id_email_attachment_id_email_attachments_workspace_id_id_fk" FOREIGN KEY ("workspace_id","email_attachment_id") REFERENCES "public"."email_attachments"("workspace_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "ticket_attachments_ticket_idx" ON "ticket_attachments" USING btree ("workspace_id","ticket_id");--> statement-breakpoint
CREATE INDEX "ticket_attachments_email_idx" ON "ticket_attachments" USING btree ("workspace_id","email_attachment_id");