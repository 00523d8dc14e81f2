import { type SQL, sql } from 'drizzle-orm';
import { type Conn, selectRows } from '../../db/client.ts';

// The sweep of an erasure: every table keyed by workspace_id, read from the catalog, so that a table
// added later is swept without anyone remembering it. In each row of the workspace that names the
// person — their id anywhere in the row, or one of their strong identifiers (an email, a phone, the
// full name) — every value that may hold text loses each of the person's values (strong and weak:
// a first name alone is redacted only where the row is about them, not from every "Anna" there is).

export const ERASED = '[erased]';

/**
 * Opens the guarded path through the history's append-only trigger (migration 0001) for the rest of
 * transaction `conn` only. By SET LOCAL, propagated: on Citus the trigger runs on the node that
 * holds the shard, which sees a SET LOCAL only with citus.propagate_set_commands = 'local', never a
 * set_config. A placeholder setting on plain PostgreSQL and PGlite.
 */
export async function allowHistoryRedaction(conn: Conn) {
  await conn.execute(sql`select set_config('citus.propagate_set_commands', 'local', true)`);
  await conn.execute(sql`set local rapport.allow_history_redaction to on`);
}

/**
 * Tables the sweep leaves alone: the workspace's own people, credentials and configuration (a
 * customer's name is not in them, and a member who shares a name with one must keep theirs), and
 * the privacy register itself.
 */
const untouched = new Set([
  'members',
  'sessions',
  'login_events',
  'login_throttles',
  'api_keys',
  'invitations',
  'password_resets',
  'identities',
  'mailboxes',
  'mailbox_folders',
  'rate_limits',
  'workspaces',
  'object_types',
  'field_definitions',
  'pipelines',
  'pipeline_stages',
  'job_schedules',
  'event_cursors',
  'automation_secrets',
  'calendar_feeds',
  'member_two_factor',
  'recovery_codes',
  'auth_challenges',
  'workspace_security',
  'sso_configs',
  'sso_links',
  'privacy_requests',
  'legal_holds',
]);

/** Columns that hold a kind, never a person's words (a contact called "Open" keeps deals open). */
const kinds = new Set([
  'type',
  'status',
  'kind',
  'role',
  'action',
  'field',
  'record_type',
  'object_type',
  'direction',
  'visibility',
  'privacy',
  'lifecycle_stage',
  'method',
  'result',
  'actor_type',
  'step_type',
  'trigger_type',
  'event_type',
  'outcome',
  'request_id',
]);

/**
 * Tables whose rows that name the person go rather than change: a search term is only an index of
 * the record's words (redacted, two terms of one record would read the same and collide), and it is
 * rebuilt with the record's next write.
 */
const dropped = new Set(['search_terms']);

interface Column {
  table: string;
  column: string;
  type: string;
}

let catalog: Promise<Map<string, Column[]>> | null = null;
/** The tenant tables and their columns (bytea left out: files go with their rows). */
function tenantTables(conn: Conn) {
  catalog ??= selectRows<{ table_name: string; column_name: string; udt_name: string }>(
    conn,
    sql`select c.table_name, c.column_name, c.udt_name from information_schema.columns c
      where c.table_schema = current_schema() and c.udt_name <> 'bytea'
        and c.table_name in (select k.table_name from information_schema.columns k
                             where k.table_schema = current_schema() and k.column_name = 'workspace_id')
      order by c.table_name, c.ordinal_position`,
  )
    .then((rows) => {
      const out = new Map<string, Column[]>();
      for (const r of rows) {
        if (untouched.has(r.table_name)) continue;
        const list = out.get(r.table_name) ?? [];
        list.push({ table: r.table_name, column: r.column_name, type: r.udt_name });
        out.set(r.table_name, list);
      }
      return out;
    })
    .catch((err) => {
      catalog = null;
      throw err;
    });
  return catalog;
}

/** A value as a PostgreSQL (ARE) pattern: literal, and a whole word where it starts or ends with one. */
function literal(v: string) {
  const escaped = v.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return `${/^\w/.test(v) ? '\\m' : ''}${escaped}${/\w$/.test(v) ? '\\M' : ''}`;
}

/** One alternation of the values, longest first (so that a full name goes before its first name). */
function alternation(values: string[]) {
  const unique = [...new Set(values.filter((v) => v.trim().length >= 2))].sort((a, b) => b.length - a.length);
  return unique.length ? `(?:${unique.map(literal).join('|')})` : null;
}

/** A value as it is written inside JSON text (quotes and backslashes escaped), for jsonb columns. */
const inJson = (v: string) => JSON.stringify(v).slice(1, -1);

export interface Person {
  /** Ids that name the person (their record's id). */
  ids: string[];
  /** Values that identify them wherever they appear: emails, phones, the full name. */
  strong: string[];
  /** Values redacted only in rows about them: first and last name, title, address parts, custom text. */
  weak: string[];
}

/** Types whose text form depends on the session (dates, times, OIDs' names): none holds a person's identifiers. */
const unmatched = new Set(['timestamptz', 'timestamp', 'date', 'time', 'timetz', 'interval', 'regclass', 'regnamespace']);

/**
 * Whether a row names the person: the row's values as text, a space after each (as concat_ws joins
 * them, so a full name across first and last name is found), and each element of an array. Built
 * of immutable functions only: Citus refuses a stable one (concat_ws, a date's or an array's text
 * form) over columns in an UPDATE or DELETE.
 */
function rowMatches(columns: Column[], anchor: string): SQL {
  const scalars = columns.filter((c) => !c.type.startsWith('_') && !unmatched.has(c.type));
  const arrays = columns.filter((c) => ['_text', '_varchar', '_uuid'].includes(c.type));
  const text = sql.join(
    scalars.map((c) => sql`coalesce(${sql.identifier(c.column)}::text || ' ', '')`),
    sql` || `,
  );
  const parts = [sql`(${text}) ~* ${anchor}`];
  for (const c of arrays) parts.push(sql`exists (select 1 from unnest(${sql.identifier(c.column)}) x where x::text ~* ${anchor})`);
  return sql`(${sql.join(parts, sql` or `)})`;
}

/**
 * Redacts the person from every tenant table of the workspace. Returns the rows changed per table.
 * History rows are changed too: the caller has opened the guarded path (rapport.allow_history_redaction).
 */
export async function sweep(conn: Conn, workspaceId: string, person: Person, tally: Tally) {
  const anchor = alternation([...person.ids, ...person.strong, ...person.strong.map(inJson)]);
  const pattern = alternation([...person.strong, ...person.weak]);
  if (!anchor || !pattern) return;
  for (const [table, columns] of await tenantTables(conn)) {
    const found = rowMatches(columns, anchor);
    if (dropped.has(table)) {
      const key = columns.some((c) => c.column === 'id') ? sql`id::text` : sql`null::text`;
      tally.add(
        'removed',
        table,
        await selectRows<{ k: string | null }>(
          conn,
          sql`delete from ${sql.identifier(table)} where workspace_id = ${workspaceId} and ${found} returning ${key} as k`,
        ),
      );
      continue;
    }
    const sets: SQL[] = [];
    for (const c of columns) {
      if (c.column === 'workspace_id' || kinds.has(c.column)) continue;
      const col = sql.identifier(c.column);
      if (c.type === 'text' || c.type === 'varchar') sets.push(sql`${col} = regexp_replace(${col}, ${pattern}, ${ERASED}, 'gi')`);
      // JSON's strings only, walked by a function of the migrations: a pattern run over the JSON text
      // could hit a key, a number or `true` and leave JSON that no longer parses.
      else if (c.type === 'jsonb') sets.push(sql`${col} = rapport_redact_jsonb(${col}, ${pattern}, ${ERASED})`);
      else if (c.type === '_text')
        sets.push(
          sql`${col} = array(select regexp_replace(x, ${pattern}, ${ERASED}, 'gi') from unnest(${col}) with ordinality u(x, n) order by n)`,
        );
    }
    if (!sets.length) continue;
    const key = columns.some((c) => c.column === 'id') ? sql`id::text` : sql`null::text`;
    tally.add(
      'redacted',
      table,
      await selectRows<{ k: string | null }>(
        conn,
        sql`update ${sql.identifier(table)} set ${sql.join(sets, sql`, `)}
          where workspace_id = ${workspaceId} and ${found} returning ${key} as k`,
      ),
    );
  }
}

/**
 * What an erasure did, for the register: rows redacted and rows removed per table, each row once
 * (a row redacted by two steps counts once), by its id where the table has one.
 */
export class Tally {
  private rows = new Map<string, Set<string>>();
  private n = 0;
  add(what: 'redacted' | 'removed', table: string, keys: { k: string | null }[]) {
    const name = `${what}.${table}`;
    const set = this.rows.get(name) ?? new Set<string>();
    for (const { k } of keys) set.add(k ?? `row ${++this.n}`);
    if (set.size) this.rows.set(name, set);
  }
  summary(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const [name, set] of [...this.rows].sort(([a], [b]) => a.localeCompare(b))) {
      // A row redacted and then removed is said once, as removed.
      const [what, table] = name.split('.');
      const removed = what === 'redacted' ? this.rows.get(`removed.${table}`) : undefined;
      const n = removed ? [...set].filter((k) => !removed.has(k)).length : set.size;
      if (n) out[name] = n;
    }
    return out;
  }
}
