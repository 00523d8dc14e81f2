-- History is evidence: once written, a row is never changed or removed by the application.
-- GDPR erasure (a later issue) will redact through a function that sets rapport.allow_history_redaction.
CREATE OR REPLACE FUNCTION record_history_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF current_setting('rapport.allow_history_redaction', true) = 'on' THEN
    RETURN COALESCE(NEW, OLD);
  END IF;
  RAISE EXCEPTION 'record_history is append-only' USING ERRCODE = 'insufficient_privilege';
END;
$$;
--> statement-breakpoint
CREATE TRIGGER record_history_append_only
  BEFORE UPDATE OR DELETE ON record_history
  FOR EACH ROW EXECUTE FUNCTION record_history_append_only();
