CREATE TABLE "legal_holds" (
	"workspace_id" uuid NOT NULL,
	"record_type" text NOT NULL,
	"record_id" uuid NOT NULL,
	"reason" text NOT NULL,
	"set_by" uuid,
	"at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "legal_holds_workspace_id_record_type_record_id_pk" PRIMARY KEY("workspace_id","record_type","record_id")
);
--> statement-breakpoint
CREATE TABLE "privacy_requests" (
	"workspace_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"kind" text NOT NULL,
	"record_type" text NOT NULL,
	"record_id" uuid NOT NULL,
	"requested_by" uuid,
	"reason" text,
	"summary" jsonb NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "privacy_requests_workspace_id_id_pk" PRIMARY KEY("workspace_id","id")
);
--> statement-breakpoint
ALTER TABLE "legal_holds" ADD CONSTRAINT "legal_holds_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "privacy_requests" ADD CONSTRAINT "privacy_requests_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "privacy_requests_at_idx" ON "privacy_requests" USING btree ("workspace_id","at");--> statement-breakpoint
-- Erasure (server/modules/privacy/redact.ts): a person's values taken out of a JSON document's
-- strings only, walking arrays and objects; keys, numbers and literals stay, so the result is JSON.
CREATE OR REPLACE FUNCTION rapport_redact_jsonb(j jsonb, pattern text, replacement text) RETURNS jsonb
LANGUAGE plpgsql IMMUTABLE AS $$
BEGIN
  IF j IS NULL THEN
    RETURN NULL;
  END IF;
  CASE jsonb_typeof(j)
    WHEN 'string' THEN
      RETURN to_jsonb(regexp_replace(j #>> '{}', pattern, replacement, 'gi'));
    WHEN 'array' THEN
      RETURN coalesce((SELECT jsonb_agg(rapport_redact_jsonb(e, pattern, replacement) ORDER BY n)
                       FROM jsonb_array_elements(j) WITH ORDINALITY a(e, n)), '[]'::jsonb);
    WHEN 'object' THEN
      RETURN coalesce((SELECT jsonb_object_agg(k, rapport_redact_jsonb(v, pattern, replacement))
                       FROM jsonb_each(j) o(k, v)), '{}'::jsonb);
    ELSE
      RETURN j;
  END CASE;
END;
$$;
