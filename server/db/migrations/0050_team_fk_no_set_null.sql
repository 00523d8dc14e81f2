-- The two keys to teams were ON DELETE SET NULL ("team_id") (written by hand in 0040 and 0043), which
-- Citus refuses on a foreign key that holds the distribution column (workspace_id): a plain key now,
-- and deleting a team clears its tickets' and support addresses' team first (releaseTeam).
ALTER TABLE "support_mailboxes" DROP CONSTRAINT "support_mailboxes_team_fk";--> statement-breakpoint
ALTER TABLE "tickets" DROP CONSTRAINT "tickets_team_fk";--> statement-breakpoint
ALTER TABLE "support_mailboxes" ADD CONSTRAINT "support_mailboxes_team_fk" FOREIGN KEY ("workspace_id","team_id") REFERENCES "public"."teams"("workspace_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "tickets" ADD CONSTRAINT "tickets_team_fk" FOREIGN KEY ("workspace_id","team_id") REFERENCES "public"."teams"("workspace_id","id") ON DELETE no action ON UPDATE no action;