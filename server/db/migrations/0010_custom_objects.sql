CREATE TABLE "custom_records" (
	"workspace_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"object_type_id" uuid NOT NULL,
	"name" text NOT NULL,
	"owner_id" uuid,
	"last_activity_at" timestamp with time zone,
	"custom" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"created_by" uuid,
	"deleted_at" timestamp with time zone,
	CONSTRAINT "custom_records_workspace_id_id_pk" PRIMARY KEY("workspace_id","id")
);
--> statement-breakpoint
CREATE TABLE "object_types" (
	"workspace_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"key" text NOT NULL,
	"label" text NOT NULL,
	"label_plural" text NOT NULL,
	"icon" text DEFAULT 'box' NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"created_by" uuid,
	"deleted_at" timestamp with time zone,
	CONSTRAINT "object_types_workspace_id_id_pk" PRIMARY KEY("workspace_id","id")
);
--> statement-breakpoint
ALTER TABLE "field_definitions" ADD COLUMN "target" text;--> statement-breakpoint
ALTER TABLE "custom_records" ADD CONSTRAINT "custom_records_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "custom_records" ADD CONSTRAINT "custom_records_workspace_id_owner_id_members_workspace_id_id_fk" FOREIGN KEY ("workspace_id","owner_id") REFERENCES "public"."members"("workspace_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "custom_records" ADD CONSTRAINT "custom_records_workspace_id_object_type_id_object_types_workspace_id_id_fk" FOREIGN KEY ("workspace_id","object_type_id") REFERENCES "public"."object_types"("workspace_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "object_types" ADD CONSTRAINT "object_types_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "custom_records_type_updated_idx" ON "custom_records" USING btree ("workspace_id","object_type_id","updated_at","id");--> statement-breakpoint
CREATE INDEX "custom_records_type_name_idx" ON "custom_records" USING btree ("workspace_id","object_type_id","name","id");--> statement-breakpoint
CREATE UNIQUE INDEX "object_types_key" ON "object_types" USING btree ("workspace_id","key");