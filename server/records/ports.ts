import type { SQL } from 'drizzle-orm';
import type { Static } from 'typebox';
import type { HistoryEntry } from '../../contract/common.ts';
import type { Conn } from '../db/client.ts';
import type { Ctx } from '../http/context.ts';
import type { FieldChange, HistoryAction } from './changes.ts';
import type { FieldSpec, ObjectDef } from './object-def.ts';

/**
 * What the record engine needs from the modules, declared here so that the engine imports none of
 * them (server/test/boundaries.test.ts): the app plugs the modules' functions in once at startup
 * (wireRecordEngine in server/modules/registry.ts). Each port is the engine's view of one module.
 */
export interface RecordPorts {
  /** An object type by name, as the registry declares it; undefined for a name that is none. */
  objectDef(type: string): ObjectDef | undefined;
  /** The field lookup of an object, its custom fields (`custom.<key>`, from the fields module) included. */
  fieldLookup(conn: Conn, ctx: Ctx, def: ObjectDef): Promise<(name: string) => FieldSpec | undefined>;
  /** The keys of an object's custom fields, in their order (an export's columns). */
  customFieldKeys(conn: Conn, ctx: Ctx, def: ObjectDef): Promise<string[]>;
  history: {
    /** Writes the audit rows of one change, in the caller's transaction. */
    write(
      conn: Conn,
      ctx: Ctx,
      recordType: string,
      recordId: string,
      action: HistoryAction,
      changes: FieldChange[],
      version?: number,
    ): Promise<void>;
    /** The fields changed after `version`, or null when some change since has no version on record. */
    changedSince(conn: Conn, ctx: Ctx, recordType: string, recordId: string, version: number): Promise<Set<string> | null>;
    /** A record's history, newest first. */
    list(
      conn: Conn,
      ctx: Ctx,
      recordType: string,
      recordId: string,
      limit?: number,
      cursor?: string,
    ): Promise<{ data: Static<typeof HistoryEntry>[]; nextCursor: string | null }>;
    /** INSERT … SELECT of one history row per row of `from` (set-based writes). */
    rowsSql(
      ctx: Ctx,
      recordType: string,
      action: HistoryAction,
      rows: { recordId: SQL; field: SQL; old: SQL; new: SQL; version: SQL },
      from: SQL,
    ): SQL;
  };
  events: {
    /** Appends a domain event to the outbox in the caller's transaction. */
    emit(conn: Conn, ctx: Ctx, type: string, recordType: string, recordId: string, payload: Record<string, unknown>): Promise<unknown>;
    /** INSERT … SELECT of one event per row of `from` (set-based writes). */
    rowsSql(ctx: Ctx, type: string, recordType: string, rows: { recordId: SQL; payload: SQL }, from: SQL): SQL;
  };
  /** INSERT … SELECT of the search terms of new records of `def`, read from `from` as `r` (set-based writes). */
  searchTermsSql(def: ObjectDef, from: SQL): SQL;
  /** Brings the search terms of some records up to date, in the caller's transaction (`fresh`: new records, no terms to replace). */
  indexSearch(conn: Conn, ctx: Ctx, def: ObjectDef, ids: readonly string[], opts?: { fresh?: boolean }): Promise<void>;
  /** Writes a security event (an export) in the audit module's log. */
  securityEvent(
    conn: Conn,
    ctx: Ctx,
    kind: 'records.exported',
    subject: { type: string; id: string | null },
    detail: Record<string, unknown>,
  ): Promise<void>;
  /** A saved view of this object type (a 422 naming `query.view` when there is none). */
  resolveView(
    conn: Conn,
    ctx: Ctx,
    objectType: string,
    id: string,
  ): Promise<{ filter: unknown; sort: string | null; columns: string[] | null }>;
}

let wired: RecordPorts | undefined;

/** Plugs the modules into the engine; wiring again replaces the ports (a test may plug in its own). */
export function wireRecordPorts(ports: RecordPorts) {
  wired = ports;
}

/** The engine's ports; a process that forgot to wire them fails here, loudly, on its first record write. */
export function ports(): RecordPorts {
  if (!wired) throw new Error('The record engine is not wired: call wireRecordEngine() (server/modules/registry.ts) at startup');
  return wired;
}
