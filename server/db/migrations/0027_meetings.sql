CREATE TABLE "meeting_attendees" (
	"workspace_id" uuid NOT NULL,
	"activity_id" uuid NOT NULL,
	"position" integer NOT NULL,
	"contact_id" uuid,
	"member_id" uuid,
	"email" text,
	"name" text,
	"status" text DEFAULT 'needs-action' NOT NULL,
	CONSTRAINT "meeting_attendees_workspace_id_activity_id_position_pk" PRIMARY KEY("workspace_id","activity_id","position")
);
--> statement-breakpoint
CREATE TABLE "meetings" (
	"workspace_id" uuid NOT NULL,
	"activity_id" uuid NOT NULL,
	"location" text,
	"ical_uid" text NOT NULL,
	"sequence" integer DEFAULT 0 NOT NULL,
	"mailbox_id" uuid,
	"organizer" text,
	"external" boolean DEFAULT false NOT NULL,
	"cancelled" boolean DEFAULT false NOT NULL,
	CONSTRAINT "meetings_workspace_id_activity_id_pk" PRIMARY KEY("workspace_id","activity_id")
);
--> statement-breakpoint
ALTER TABLE "meeting_attendees" ADD CONSTRAINT "meeting_attendees_workspace_id_activity_id_meetings_workspace_id_activity_id_fk" FOREIGN KEY ("workspace_id","activity_id") REFERENCES "public"."meetings"("workspace_id","activity_id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "meetings" ADD CONSTRAINT "meetings_workspace_id_activity_id_activities_workspace_id_id_fk" FOREIGN KEY ("workspace_id","activity_id") REFERENCES "public"."activities"("workspace_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "meetings_uid_idx" ON "meetings" USING btree ("workspace_id","ical_uid");