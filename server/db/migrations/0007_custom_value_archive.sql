CREATE TABLE "custom_value_archive" (
	"workspace_id" uuid NOT NULL,
	"field_id" uuid NOT NULL,
	"record_id" uuid NOT NULL,
	"value" jsonb NOT NULL,
	CONSTRAINT "custom_value_archive_workspace_id_field_id_record_id_pk" PRIMARY KEY("workspace_id","field_id","record_id")
);
--> statement-breakpoint
ALTER TABLE "custom_value_archive" ADD CONSTRAINT "custom_value_archive_workspace_id_field_id_field_definitions_workspace_id_id_fk" FOREIGN KEY ("workspace_id","field_id") REFERENCES "public"."field_definitions"("workspace_id","id") ON DELETE cascade ON UPDATE no action;