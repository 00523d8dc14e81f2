CREATE TABLE "record_shares" (
	"workspace_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"record_type" text NOT NULL,
	"record_id" uuid NOT NULL,
	"member_id" uuid,
	"team_id" uuid,
	"access" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"created_by" uuid,
	CONSTRAINT "record_shares_workspace_id_id_pk" PRIMARY KEY("workspace_id","id"),
	CONSTRAINT "record_shares_grantee_uq" UNIQUE NULLS NOT DISTINCT("workspace_id","record_type","record_id","member_id","team_id"),
	CONSTRAINT "record_shares_one_grantee" CHECK (("record_shares"."member_id" is null) <> ("record_shares"."team_id" is null)),
	CONSTRAINT "record_shares_access" CHECK ("record_shares"."access" in ('read', 'edit'))
);
--> statement-breakpoint
ALTER TABLE "record_shares" ADD CONSTRAINT "record_shares_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "record_shares" ADD CONSTRAINT "record_shares_workspace_id_member_id_members_workspace_id_id_fk" FOREIGN KEY ("workspace_id","member_id") REFERENCES "public"."members"("workspace_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "record_shares" ADD CONSTRAINT "record_shares_workspace_id_team_id_teams_workspace_id_id_fk" FOREIGN KEY ("workspace_id","team_id") REFERENCES "public"."teams"("workspace_id","id") ON DELETE cascade ON UPDATE no action;