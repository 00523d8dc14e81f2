ALTER TABLE "api_keys" ADD COLUMN "scopes" text[] DEFAULT '{all}'::text[] NOT NULL;--> statement-breakpoint
ALTER TABLE "api_keys" ADD COLUMN "allowed_ips" text[] DEFAULT '{}'::text[] NOT NULL;