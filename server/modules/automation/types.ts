import type { Static, TSchema } from 'typebox';
import type { Conn } from '../../db/client.ts';
import type { Ctx } from '../../http/context.ts';
import type { FieldError } from '../../http/errors.ts';
import type { OutboxEvent } from '../history/outbox.ts';
import type { AutomationObject, ObjectFields, Rec } from './objects.ts';

// The shapes of the two registries, triggers (triggers.ts) and actions (actions.ts): each entry is
// data — a name, a label, a TypeBox schema of its settings, and functions — so that later modules
// (email received, forms, webhooks, send-email) add theirs without touching the engine.

/** What save-time checks read: the workspace's objects and fields, looked up once per save. */
export interface CheckEnv {
  conn: Conn;
  ctx: Ctx;
  object(name: string): Promise<AutomationObject | undefined>;
  fields(obj: AutomationObject): Promise<ObjectFields>;
}

/**
 * What a rule reacts to or writes, for the check that refuses cycles between rules: rule A writes
 * what triggers B, whose writes trigger A. `fields` undefined means any field.
 */
export interface Touch {
  object: string;
  change: 'created' | 'updated' | 'deleted';
  fields?: string[];
}

/** An event's part in a run: which record it is about, and the record before and after. */
export interface TriggerMatch {
  recordId: string | null;
  record: Rec | null;
  previous: Rec | null;
  /** What the run log keeps of the event (its changes, the stage moved to …). */
  info: Record<string, unknown>;
}

/** How runs of a trigger start: from an event of the outbox, the scanner's clock, a person, or a signed call. */
export type TriggerSource = 'event' | 'date' | 'schedule' | 'manual' | 'webhook';

export interface TriggerDef<S extends TSchema = TSchema> {
  type: string;
  label: string;
  description: string;
  config: S;
  source: TriggerSource;
  /** Whether conditions may read `previous.<field>`. */
  hasPrevious: boolean;
  /** The object runs are about, or null for runs without a record (a schedule alone, a bare webhook). */
  objectOf(config: Static<S>): string | null;
  /** Checks beyond the schema (fields exist, values fit them); errors name paths under `at`. */
  check?(config: Static<S>, env: CheckEnv, at: string): Promise<FieldError[]>;
  /** Whether an event starts a run (source `event`); `object` is what the event is about. */
  match?(event: OutboxEvent, object: string | null, config: Static<S>): TriggerMatch | null;
  watches(config: Static<S>): Touch[];
}

export const defineTrigger = <S extends TSchema>(def: TriggerDef<S>) => def as unknown as TriggerDef;

/** What an action gets when it runs, or is described in a dry run. */
export interface ActionContext {
  conn: Conn;
  /** Acting for the rule: system actor, the run's causes, `automation:<run>` as request id. */
  ctx: Ctx;
  now: Date;
  timeZone: string;
  rule: { id: string; name: string; version: number };
  /** Null in a dry run. */
  runId: string | null;
  /** The step's path, `2` or `1.then.0`: state an action keeps between runs is keyed by rule and path. */
  path: string;
  object: AutomationObject | null;
  record: Rec | null;
  previous: Rec | null;
  trigger: Record<string, unknown>;
}

export interface ActionResult {
  /** What was done, in words, for the run log. */
  detail: string;
  /** Ids of what was written, values chosen: kept in the log. */
  output?: Record<string, unknown>;
}

export interface ActionDef<S extends TSchema = TSchema> {
  name: string;
  label: string;
  description: string;
  input: S;
  /** Whether it acts on the run's record (refused at save time in rules whose runs have none). */
  needsRecord: boolean;
  /** Checks beyond the schema, with the rule's object (null when runs have no record). */
  check?(input: Static<S>, env: CheckEnv, at: string, object: AutomationObject | null): Promise<FieldError[]>;
  /** What it writes, for the cycle check. */
  writes(input: Static<S>, object: string | null): Touch[];
  run(ac: ActionContext, input: Static<S>): Promise<ActionResult>;
  /** What it would do, in words, without doing it (dry runs); may read, never writes. */
  describe(ac: ActionContext, input: Static<S>): Promise<string>;
}

export const defineAction = <S extends TSchema>(def: ActionDef<S>) => def as unknown as ActionDef;
