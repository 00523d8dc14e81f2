-- Duplicate detection compares names by trigram similarity; PGlite loads the extension in db/client.ts.
CREATE EXTENSION IF NOT EXISTS pg_trgm;--> statement-breakpoint
CREATE TABLE "duplicate_pairs" (
	"workspace_id" uuid NOT NULL,
	"record_type" text NOT NULL,
	"a_id" uuid NOT NULL,
	"b_id" uuid NOT NULL,
	"score" real NOT NULL,
	"reasons" text[] NOT NULL,
	"status" text DEFAULT 'open' NOT NULL,
	"found_at" timestamp with time zone DEFAULT now() NOT NULL,
	"dismissed_by" uuid,
	"dismissed_at" timestamp with time zone,
	CONSTRAINT "duplicate_pairs_workspace_id_record_type_a_id_b_id_pk" PRIMARY KEY("workspace_id","record_type","a_id","b_id")
);
--> statement-breakpoint
CREATE TABLE "merges" (
	"workspace_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"record_type" text NOT NULL,
	"survivor_id" uuid NOT NULL,
	"merged_ids" uuid[] NOT NULL,
	"fields" jsonb NOT NULL,
	"before" jsonb NOT NULL,
	"versions" jsonb NOT NULL,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"undone_at" timestamp with time zone,
	"undone_by" uuid,
	CONSTRAINT "merges_workspace_id_id_pk" PRIMARY KEY("workspace_id","id")
);
--> statement-breakpoint
ALTER TABLE "duplicate_pairs" ADD CONSTRAINT "duplicate_pairs_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "merges" ADD CONSTRAINT "merges_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "duplicate_pairs_queue_idx" ON "duplicate_pairs" USING btree ("workspace_id","status","record_type","score");--> statement-breakpoint
CREATE INDEX "merges_survivor_idx" ON "merges" USING btree ("workspace_id","record_type","survivor_id");--> statement-breakpoint
CREATE INDEX "companies_name_trgm_idx" ON "companies" USING gin (rapport_fold(name) gin_trgm_ops);--> statement-breakpoint
CREATE INDEX "contacts_name_trgm_idx" ON "contacts" USING gin (rapport_fold(coalesce(first_name, '') || ' ' || coalesce(last_name, '')) gin_trgm_ops);--> statement-breakpoint
CREATE INDEX "leads_name_trgm_idx" ON "leads" USING gin (rapport_fold(coalesce(first_name, '') || ' ' || coalesce(last_name, '')) gin_trgm_ops);