CREATE TABLE "support_mailboxes" (
	"workspace_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"mailbox_id" uuid NOT NULL,
	"team_id" uuid,
	"auto_acknowledge" boolean DEFAULT false NOT NULL,
	"ack_subject" text NOT NULL,
	"ack_body" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "support_mailboxes_workspace_id_id_pk" PRIMARY KEY("workspace_id","id"),
	CONSTRAINT "support_mailboxes_mailbox_key" UNIQUE("workspace_id","mailbox_id")
);
--> statement-breakpoint
CREATE TABLE "ticket_emails" (
	"workspace_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"ticket_id" uuid NOT NULL,
	"mailbox_id" uuid NOT NULL,
	"message_id" text NOT NULL,
	"email_id" uuid,
	"direction" text NOT NULL,
	"kind" text NOT NULL,
	"address" text NOT NULL,
	"ticket_message_id" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "ticket_emails_workspace_id_id_pk" PRIMARY KEY("workspace_id","id"),
	CONSTRAINT "ticket_emails_message_key" UNIQUE("workspace_id","message_id")
);
--> statement-breakpoint
ALTER TABLE "email_messages" ADD COLUMN "automated" text;--> statement-breakpoint
ALTER TABLE "support_mailboxes" ADD CONSTRAINT "support_mailboxes_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "support_mailboxes" ADD CONSTRAINT "support_mailboxes_workspace_id_mailbox_id_mailboxes_workspace_id_id_fk" FOREIGN KEY ("workspace_id","mailbox_id") REFERENCES "public"."mailboxes"("workspace_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ticket_emails" ADD CONSTRAINT "ticket_emails_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ticket_emails" ADD CONSTRAINT "ticket_emails_workspace_id_ticket_id_tickets_workspace_id_id_fk" FOREIGN KEY ("workspace_id","ticket_id") REFERENCES "public"."tickets"("workspace_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "ticket_emails_ticket_idx" ON "ticket_emails" USING btree ("workspace_id","ticket_id","created_at");--> statement-breakpoint
CREATE INDEX "ticket_emails_address_idx" ON "ticket_emails" USING btree ("workspace_id","address","created_at");--> statement-breakpoint
ALTER TABLE "support_mailboxes" ADD CONSTRAINT "support_mailboxes_team_fk" FOREIGN KEY ("workspace_id","team_id") REFERENCES "public"."teams"("workspace_id","id") ON DELETE SET NULL ("team_id");
