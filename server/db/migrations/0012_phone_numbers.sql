ALTER TABLE "companies" ADD COLUMN "phone_e164" text;--> statement-breakpoint
ALTER TABLE "leads" ADD COLUMN "phone_e164" text;--> statement-breakpoint
ALTER TABLE "workspaces" ADD COLUMN "country" char(2);--> statement-breakpoint
-- Phones written before this migration had to be international, so their E.164 is a plus and their
-- digits once an extension ("ext. 12", "x12", "#12") is cut off.
UPDATE "companies" SET "phone_e164" = '+' || regexp_replace(regexp_replace("phone", '\s*(ext\.?|extension|x|#).*$', '', 'i'), '[^0-9]', '', 'g') WHERE "phone" ~ '^\s*\+';--> statement-breakpoint
UPDATE "leads" SET "phone_e164" = '+' || regexp_replace(regexp_replace("phone", '\s*(ext\.?|extension|x|#).*$', '', 'i'), '[^0-9]', '', 'g') WHERE "phone" ~ '^\s*\+';--> statement-breakpoint
UPDATE "contacts" SET "phones" = (
  SELECT jsonb_agg(p || jsonb_build_object('e164', CASE WHEN p->>'value' ~ '^\s*\+'
    THEN '+' || regexp_replace(regexp_replace(p->>'value', '\s*(ext\.?|extension|x|#).*$', '', 'i'), '[^0-9]', '', 'g') END) ORDER BY n)
  FROM jsonb_array_elements("phones") WITH ORDINALITY AS x(p, n)
) WHERE jsonb_array_length("phones") > 0;
