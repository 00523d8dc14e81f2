ALTER TABLE "imports" ADD COLUMN "undo" jsonb;--> statement-breakpoint
CREATE INDEX "record_history_request_idx" ON "record_history" USING btree ("workspace_id","request_id");