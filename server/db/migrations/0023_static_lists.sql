CREATE TABLE "record_list_members" (
	"workspace_id" uuid NOT NULL,
	"list_id" uuid NOT NULL,
	"record_id" uuid NOT NULL,
	"added_at" timestamp with time zone DEFAULT now() NOT NULL,
	"added_by" uuid,
	CONSTRAINT "record_list_members_workspace_id_list_id_record_id_pk" PRIMARY KEY("workspace_id","list_id","record_id")
);
--> statement-breakpoint
CREATE TABLE "record_lists" (
	"workspace_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"object_type" text NOT NULL,
	"name" text NOT NULL,
	"description" text,
	"version" integer DEFAULT 1 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"created_by" uuid,
	"deleted_at" timestamp with time zone,
	CONSTRAINT "record_lists_workspace_id_id_pk" PRIMARY KEY("workspace_id","id")
);
--> statement-breakpoint
ALTER TABLE "record_list_members" ADD CONSTRAINT "record_list_members_workspace_id_list_id_record_lists_workspace_id_id_fk" FOREIGN KEY ("workspace_id","list_id") REFERENCES "public"."record_lists"("workspace_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "record_lists" ADD CONSTRAINT "record_lists_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "record_list_members_added_idx" ON "record_list_members" USING btree ("workspace_id","list_id","added_at","record_id");--> statement-breakpoint
CREATE INDEX "record_list_members_record_idx" ON "record_list_members" USING btree ("workspace_id","record_id");--> statement-breakpoint
CREATE UNIQUE INDEX "record_lists_name_key" ON "record_lists" USING btree ("workspace_id",lower("name")) WHERE deleted_at is null;