CREATE TABLE "login_throttles" (
	"email" text PRIMARY KEY NOT NULL,
	"failures" integer NOT NULL,
	"last_failed_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
DROP INDEX "identities_email_key";--> statement-breakpoint
ALTER TABLE "password_resets" ADD COLUMN "revoked_at" timestamp with time zone;--> statement-breakpoint
CREATE INDEX "identities_email_idx" ON "identities" USING btree (lower("email"),"created_at");--> statement-breakpoint
ALTER TABLE "identities" DROP COLUMN "failed_logins";--> statement-breakpoint
ALTER TABLE "identities" DROP COLUMN "last_failed_at";