import Type, { type Static, type TSchema } from 'typebox';
import { Nullable, ShortText, Timestamp, Uuid, UuidParam } from './common.ts';

// Workflow rules: a trigger, optional conditions, and steps (if / wait / action). Triggers and
// actions come from registries on the server (server/modules/automation/triggers.ts, actions.ts):
// their configuration and input are checked there against each one's own schema, which
// GET /automation/catalog publishes, so that a new trigger or action needs no change here.
// docs/automation.md describes rules for people.

/** Steps in one rule, counted at every level of if/else. */
export const MAX_STEPS = 50;
/** How deep if-steps nest inside if-steps. */
export const MAX_NESTING = 4;
/** Rules per workspace. */
export const MAX_RULES = 200;
/** Records one manual run may name. */
export const MAX_MANUAL_RECORDS = 200;

export const durationUnits = ['minutes', 'hours', 'days', 'weeks'] as const;
export type DurationUnit = (typeof durationUnits)[number];

/** A length of time: `{ amount: 2, unit: 'days' }`. */
export const Duration = Type.Object(
  { amount: Type.Integer({ minimum: 0, maximum: 100_000 }), unit: Type.Enum(durationUnits) },
  { additionalProperties: false },
);
export type Duration = Static<typeof Duration>;

/** A signed length of time: a negative amount is before (`{ amount: -3, unit: 'days' }`: three days before). */
export const Offset = Type.Object(
  { amount: Type.Integer({ minimum: -100_000, maximum: 100_000 }), unit: Type.Enum(durationUnits) },
  { additionalProperties: false },
);
export type Offset = Static<typeof Offset>;

/** A condition in the shared filter language of views (`{"and":[{"field":"amountMinor","op":"gt","value":1000000}]}`). */
const Condition = Type.Unknown({
  description:
    'A filter in the list filter language, checked against the record after the change; `previous.<field>` reads the value before it (update triggers)',
});

const name = (description: string) => Type.String({ pattern: '^[a-z][a-z0-9_.]{0,63}$', maxLength: 64, description });
const settings = (description: string) => Type.Record(Type.String({ maxLength: 64 }), Type.Unknown(), { maxProperties: 100, description });

export const Trigger = Type.Object(
  {
    type: name('A trigger of GET /automation/catalog: record_created, stage_changed, date_reached …'),
    config: Type.Optional(settings("The trigger's settings, as its schema in the catalog says")),
  },
  { additionalProperties: false },
);
export type Trigger = Static<typeof Trigger>;

export const waitKinds = ['duration', 'date', 'condition'] as const;

/**
 * A pause: for a duration; until a date field of the record (± an offset); or until a condition
 * holds, which needs a time-out (and says what happens then: go on, or stop the run).
 */
export const Wait = Type.Object(
  {
    kind: Type.Enum(waitKinds),
    duration: Type.Optional(Duration),
    field: Type.Optional(Type.String({ maxLength: 100, description: 'kind date: a date or date-time field of the record' })),
    offset: Type.Optional(Offset),
    condition: Type.Optional(Condition),
    timeout: Type.Optional(Duration),
    onTimeout: Type.Optional(Type.Enum(['continue', 'stop'] as const, { description: 'kind condition: default continue' })),
  },
  { additionalProperties: false },
);
export type Wait = Static<typeof Wait>;

export const stepTypes = ['if', 'wait', 'action'] as const;
export type StepType = (typeof stepTypes)[number];

/**
 * One step. Which keys apply follows `type`: `if` takes condition, then, else; `wait` takes wait;
 * `action` takes action and input. The schema nests if-steps MAX_NESTING levels deep.
 */
function stepSchema<T extends TSchema>(inner: T) {
  return Type.Object(
    {
      type: Type.Enum(stepTypes),
      label: Type.Optional(ShortText()),
      condition: Type.Optional(Condition),
      then: Type.Optional(inner),
      else: Type.Optional(inner),
      wait: Type.Optional(Wait),
      action: Type.Optional(name('An action of GET /automation/catalog')),
      input: Type.Optional(settings("The action's input, as its schema in the catalog says; text may hold {{record.name}} templates")),
    },
    { additionalProperties: false },
  );
}
const innermost = Type.Array(Type.Unknown(), { maxItems: 0, description: `if-steps nest at most ${MAX_NESTING} levels` });
const level4 = stepSchema(innermost);
const level3 = stepSchema(Type.Array(level4, { maxItems: MAX_STEPS }));
const level2 = stepSchema(Type.Array(level3, { maxItems: MAX_STEPS }));
const level1 = stepSchema(Type.Array(level2, { maxItems: MAX_STEPS }));
export const Step = stepSchema(Type.Array(level1, { maxItems: MAX_STEPS }));

/** A step as the engine reads it (the schema above, with its nesting written once). */
export interface RuleStep {
  type: StepType;
  label?: string;
  condition?: unknown;
  then?: RuleStep[];
  else?: RuleStep[];
  wait?: Wait;
  action?: string;
  input?: Record<string, unknown>;
}

export const RuleDefinition = Type.Object(
  {
    trigger: Trigger,
    conditions: Type.Optional(Condition),
    steps: Type.Array(Step, { maxItems: MAX_STEPS }),
    timeZone: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 64,
        description:
          'IANA time zone of schedules, date triggers and relative dates ("+2d"); defaults to the time zone of the admin who saves the rule',
      }),
    ),
  },
  { additionalProperties: false },
);
/** A definition as the engine reads it. */
export interface RuleDefinition {
  trigger: Trigger;
  conditions?: unknown;
  steps: RuleStep[];
  timeZone?: string;
}

const RuleName = ShortText({ minLength: 1 });
const Description = Nullable(Type.String({ maxLength: 2000 }));

export const Rule = Type.Object({
  id: Uuid,
  version: Type.Integer({ description: 'The saved version in force; every save makes the next one (send it back to save)' }),
  name: Type.String(),
  description: Nullable(Type.String()),
  enabled: Type.Boolean(),
  definition: RuleDefinition,
  createdAt: Timestamp,
  updatedAt: Timestamp,
  createdBy: Nullable(Uuid),
  /** Only in the answer that creates the rule or rotates its secret, for a rule with a webhook trigger: it is never shown again. */
  webhookSecret: Type.Optional(Type.String()),
  /** Where the rule's webhook trigger is called (a path under /api/v1), for a rule with one. */
  webhookPath: Type.Optional(Nullable(Type.String())),
});
export type Rule = Static<typeof Rule>;

/**
 * queued → running → completed; a run may park (waiting) and go on; failed runs can be retried
 * from the failed step; skipped runs never started (rate guard, a cause chain too long).
 */
export const runStatuses = ['queued', 'running', 'waiting', 'completed', 'failed', 'cancelled', 'skipped'] as const;
export type RunStatus = (typeof runStatuses)[number];

/** A rule as the list shows it: with how its runs went, so the page needs no request per rule. */
export const RuleSummary = Type.Object({
  ...Rule.properties,
  runs: Type.Object({
    total: Type.Integer({ description: 'Runs of every version' }),
    failed: Type.Integer({ description: 'Runs that failed and were not retried to completion' }),
    waiting: Type.Integer(),
    lastAt: Nullable(Timestamp),
    lastStatus: Nullable(Type.Enum(runStatuses)),
  }),
});
export type RuleSummary = Static<typeof RuleSummary>;

export const RuleCreate = Type.Object(
  {
    name: RuleName,
    description: Type.Optional(Description),
    enabled: Type.Optional(Type.Boolean({ description: 'default true' })),
    definition: RuleDefinition,
  },
  { additionalProperties: false },
);
export type RuleCreate = Omit<Static<typeof RuleCreate>, 'definition'> & { definition: RuleDefinition };

export const RuleUpdate = Type.Object(
  {
    name: Type.Optional(RuleName),
    description: Type.Optional(Description),
    definition: Type.Optional(RuleDefinition),
    version: Type.Optional(Type.Integer({ minimum: 1, description: 'The version you read (or send If-Match)' })),
  },
  { additionalProperties: false },
);
export type RuleUpdate = Omit<Static<typeof RuleUpdate>, 'definition'> & { definition?: RuleDefinition };

export const RuleVersion = Type.Object({
  ruleId: Uuid,
  version: Type.Integer(),
  name: Type.String(),
  description: Nullable(Type.String()),
  definition: RuleDefinition,
  createdAt: Timestamp,
  createdBy: Nullable(Uuid),
  runCount: Type.Integer({ description: 'Runs of this version' }),
});
export type RuleVersion = Static<typeof RuleVersion>;

export const VersionListQuery = Type.Object(
  {
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
    cursor: Type.Optional(Type.String({ maxLength: 12, pattern: '^[0-9]{1,9}$', description: 'nextCursor of the previous page' })),
  },
  { additionalProperties: false },
);
export type VersionListQuery = Static<typeof VersionListQuery>;

export const Run = Type.Object({
  id: Uuid,
  ruleId: Uuid,
  ruleVersion: Type.Integer(),
  ruleName: Type.String(),
  status: Type.Enum(runStatuses),
  objectType: Nullable(Type.String({ description: 'The object the run is about: deal, contact … or a custom object key' })),
  recordId: Nullable(Uuid),
  trigger: Type.Record(Type.String(), Type.Unknown(), {
    description: 'What started the run: type, and the event (eventId, eventType, changes, record) or the time, caller, webhook body',
  }),
  position: Nullable(Type.String({ description: 'The step the run is at or stopped at: `2`, `1.then.0`' })),
  resumeAt: Nullable(Timestamp),
  reason: Nullable(Type.String({ description: 'Why a run was skipped or stopped' })),
  error: Nullable(Type.String()),
  attempts: Type.Integer({ description: 'Starts, retries included' }),
  createdAt: Timestamp,
  startedAt: Nullable(Timestamp),
  finishedAt: Nullable(Timestamp),
});
export type Run = Static<typeof Run>;

export const stepOutcomes = ['done', 'branch', 'waiting', 'resumed', 'timed_out', 'failed', 'stopped'] as const;
export type StepOutcome = (typeof stepOutcomes)[number];

export const RunStep = Type.Object({
  seq: Type.Integer(),
  path: Type.String(),
  type: Type.Enum(stepTypes),
  action: Nullable(Type.String()),
  label: Nullable(Type.String()),
  input: Type.Unknown({ description: 'The input as the step ran it (templates filled in)' }),
  outcome: Type.Enum(stepOutcomes),
  detail: Nullable(Type.String({ description: 'What happened, in words' })),
  output: Type.Unknown({ description: 'What the step made: ids of records written, the branch taken …' }),
  error: Nullable(Type.String()),
  startedAt: Timestamp,
  durationMs: Type.Integer(),
});
export type RunStep = Static<typeof RunStep>;

export const RunDetail = Type.Object({
  ...Run.properties,
  causes: Type.Array(Type.String(), { description: 'The chain of events and rules that led to this run' }),
  steps: Type.Array(RunStep),
});
export type RunDetail = Static<typeof RunDetail>;

export const RunListQuery = Type.Object(
  {
    ruleId: Type.Optional(UuidParam('Runs of this rule')),
    recordId: Type.Optional(UuidParam('Runs about this record')),
    status: Type.Optional(Type.Enum(runStatuses)),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
    cursor: Type.Optional(UuidParam('nextCursor of the previous page')),
  },
  { additionalProperties: false },
);
export type RunListQuery = Static<typeof RunListQuery>;

export const ManualRun = Type.Object(
  {
    recordIds: Type.Array(Uuid, {
      maxItems: MAX_MANUAL_RECORDS,
      uniqueItems: true,
      description: "Records of the trigger's object to run on (one run each); an empty list for a rule whose runs have no record",
    }),
  },
  { additionalProperties: false },
);
export type ManualRun = Static<typeof ManualRun>;

export const ManualRunResult = Type.Object({ runs: Type.Array(Run) });

const DryRunFields = {
  recordId: Type.Optional(UuidParam('The record to try the rule on')),
  previous: Type.Optional(
    Type.Record(Type.String({ maxLength: 100 }), Type.Unknown(), {
      maxProperties: 100,
      description: 'Values before a pretended change (`{"stageId": "…"}`), for conditions on previous values',
    }),
  ),
};
export const DryRun = Type.Object(DryRunFields, { additionalProperties: false });
export type DryRun = Static<typeof DryRun>;
export const DryRunDefinition = Type.Object({ ...DryRunFields, definition: RuleDefinition }, { additionalProperties: false });
export type DryRunDefinition = Omit<Static<typeof DryRunDefinition>, 'definition'> & { definition: RuleDefinition };

export const DryRunStep = Type.Object({
  path: Type.String(),
  type: Type.Enum(stepTypes),
  action: Nullable(Type.String()),
  label: Nullable(Type.String()),
  outcome: Type.Enum(['would_run', 'branch', 'would_wait', 'would_fail', 'stopped'] as const),
  description: Type.String({ description: 'What the step would do, in words' }),
  input: Type.Unknown(),
});
export const DryRunResult = Type.Object({
  matched: Type.Boolean({ description: "Whether the rule's conditions hold for the record" }),
  conditions: Type.String({ description: 'How the conditions came out, in words' }),
  steps: Type.Array(DryRunStep, { description: 'The steps the run would take (none when the conditions do not hold)' }),
});
export type DryRunResult = Static<typeof DryRunResult>;

export const CatalogEntry = Type.Object({
  name: Type.String(),
  label: Type.String(),
  description: Type.String(),
  schema: Type.Unknown({ description: "JSON Schema of the trigger's config or the action's input" }),
});
export const Catalog = Type.Object({
  triggers: Type.Array(
    Type.Object({
      ...CatalogEntry.properties,
      hasRecord: Type.Boolean({
        description:
          'Whether runs can be about a record (conditions and record steps apply); schedule, manual and webhook triggers when their config names an object',
      }),
      hasPrevious: Type.Boolean({ description: 'Whether conditions may read `previous.<field>`' }),
    }),
  ),
  actions: Type.Array(Type.Object({ ...CatalogEntry.properties, needsRecord: Type.Boolean() })),
  operators: Type.Record(Type.String(), Type.Array(Type.String()), { description: 'Filter operators by field kind' }),
  limits: Type.Object({ steps: Type.Integer(), nesting: Type.Integer(), rules: Type.Integer(), causeChain: Type.Integer() }),
});
export type Catalog = Static<typeof Catalog>;

export const ObjectFieldsQuery = Type.Object(
  { object: Type.String({ pattern: '^[a-z][a-z0-9_]{1,39}$', maxLength: 40, description: 'deal, contact … or a custom object key' }) },
  { additionalProperties: false },
);
export type ObjectFieldsQuery = Static<typeof ObjectFieldsQuery>;

/** A field of an object as a rule may use it: in conditions (by kind), and in the values an action writes. */
export const RuleField = Type.Object({
  name: Type.String({ description: 'As conditions and actions name it: `amountMinor`, `custom.tier`' }),
  label: Nullable(Type.String({ description: "A custom field's label; null for built-in fields (the app names those)" })),
  kind: Nullable(Type.String({ description: 'Its kind in conditions (text, number, date …); null when conditions cannot read it' })),
  options: Nullable(Type.Array(Type.String())),
  custom: Type.Boolean(),
  create: Type.Boolean({ description: 'Whether create_record may set it' }),
  update: Type.Boolean({ description: 'Whether update_record may set it' }),
  schema: Type.Unknown({ description: 'JSON Schema of a value an action may write (built-in fields)' }),
});
export const ObjectFields = Type.Object({
  object: Type.String(),
  label: Type.String(),
  ownerField: Nullable(Type.String()),
  fields: Type.Array(RuleField),
});
export type ObjectFields = Static<typeof ObjectFields>;

export const AutomationSettings = Type.Object({
  runsPerMinute: Type.Integer({ description: 'Runs a workspace may start per minute; runs beyond are skipped and admins are told' }),
});
export type AutomationSettings = Static<typeof AutomationSettings>;
export const AutomationSettingsUpdate = Type.Object(
  { runsPerMinute: Type.Integer({ minimum: 1, maximum: 100_000 }) },
  { additionalProperties: false },
);
export type AutomationSettingsUpdate = Static<typeof AutomationSettingsUpdate>;

export const WebhookSecret = Type.Object({
  secret: Type.String({ description: 'Shown once: sign each call with it' }),
  webhookPath: Type.String(),
});

export const HookParams = Type.Object({ workspaceId: Uuid, ruleId: Uuid }, { additionalProperties: false });
export const HookAccepted = Type.Object({ runId: Nullable(Uuid), status: Type.Enum(runStatuses) });

/** Objects the ready-made "follow up" rule watches: those with an owner and a lastActivityAt. */
export const followUpObjects = ['contact', 'company', 'deal'] as const;

/** A ready-made rule an admin adds in one step: what it does, and the settings it asks for. */
export const RuleTemplate = Type.Object({
  key: Type.String(),
  name: Type.String(),
  description: Type.String(),
  /** The schema of the body POST /automation/templates/{key} takes. */
  params: Type.Unknown(),
});
export type RuleTemplate = Static<typeof RuleTemplate>;

export const RuleTemplateParams = Type.Object({ key: Type.String({ pattern: '^[a-z][a-z0-9_]{0,63}$', maxLength: 64 }) });

export const FollowUpParams = Type.Object(
  {
    object: Type.Enum(followUpObjects, { description: 'Which records to watch' }),
    days: Type.Integer({ minimum: 1, maximum: 365, description: 'Days without an activity before the follow-up task is created' }),
    name: Type.Optional(RuleName),
    taskTitle: Type.Optional(ShortText({ minLength: 1 })),
    dueInDays: Type.Optional(Type.Integer({ minimum: 0, maximum: 90, description: 'When the task is due, in days (default 1)' })),
    enabled: Type.Optional(Type.Boolean({ description: 'default true' })),
  },
  { additionalProperties: false },
);
export type FollowUpParams = Static<typeof FollowUpParams>;

/** A named secret for rules' webhook headers (`{{secret.NAME}}`): its value is never sent back. */
export const AutomationSecret = Type.Object({
  id: Uuid,
  name: Type.String(),
  /** Active rules whose steps name it. */
  usedBy: Type.Array(Type.Object({ id: Uuid, name: Type.String() })),
  createdAt: Timestamp,
  updatedAt: Timestamp,
});
export type AutomationSecret = Static<typeof AutomationSecret>;
export const secretNamePattern = '^[A-Za-z][A-Za-z0-9_]{0,63}$';
export const AutomationSecretCreate = Type.Object(
  {
    name: Type.String({ pattern: secretNamePattern, description: 'Letters, digits and _; used as {{secret.NAME}} in a header' }),
    value: Type.String({ minLength: 1, maxLength: 4096 }),
  },
  { additionalProperties: false },
);
export type AutomationSecretCreate = Static<typeof AutomationSecretCreate>;
export const AutomationSecretUpdate = Type.Object(
  { value: Type.String({ minLength: 1, maxLength: 4096, description: 'The new value (a rotated token)' }) },
  { additionalProperties: false },
);
