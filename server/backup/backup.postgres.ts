import { spawn } from 'node:child_process';
import pg from 'pg';

/**
 * Backups of a PostgreSQL server with Debian's own tools (postgresql-client): `pg_dump -Fc`, a
 * compressed archive taken in one snapshot, and `pg_restore`. They are spawned without a shell, and
 * the password goes to them in PGPASSWORD, never on a command line that `ps` shows to every user.
 */

/** DATABASE_URL as libpq takes it (query parameters such as sslmode kept), its password apart. */
export function libpqTarget(databaseUrl: string) {
  const url = new URL(databaseUrl);
  const password = decodeURIComponent(url.password);
  url.password = '';
  const env: Record<string, string> = password ? { PGPASSWORD: password } : {};
  return { uri: url.toString(), env, name: decodeURIComponent(url.pathname.slice(1)) };
}

/** Runs a client tool to its end; a failure carries what the tool said (its stderr), not a bare exit code. */
function run(tool: string, args: string[], env: Record<string, string>) {
  return new Promise<void>((resolve, reject) => {
    const child = spawn(tool, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      if (stderr.length < 8_000) stderr += chunk.toString();
    });
    child.on('error', (err: NodeJS.ErrnoException) =>
      reject(
        err.code === 'ENOENT'
          ? new Error(
              `${tool} is not installed: install PostgreSQL's client tools (Debian: apt-get install postgresql-client), of the server's version or newer`,
            )
          : err,
      ),
    );
    child.on('close', (code, signal) => {
      if (code === 0) resolve();
      else reject(new Error(`${tool} failed (${signal ?? `exit ${code}`}): ${stderr.trim() || 'no message'}`));
    });
  });
}

/** `pg_dump -Fc` of the whole database into `file`: one consistent snapshot, however long it takes. */
export async function dumpPostgres(databaseUrl: string, file: string) {
  const target = libpqTarget(databaseUrl);
  // --no-password: a missing password fails at once instead of waiting on a prompt no one sees.
  await run('pg_dump', ['--format=custom', '--no-password', `--file=${file}`, `--dbname=${target.uri}`], target.env);
}

/** Relations a restore would collide with: any table, view or sequence outside PostgreSQL's own schemas. */
export async function userRelations(query: (text: string) => Promise<{ name: string }[]>) {
  const rows = await query(
    `select n.nspname || '.' || c.relname as name from pg_class c join pg_namespace n on n.oid = c.relnamespace
     where c.relkind in ('r', 'p', 'v', 'm', 'S', 'f')
       and n.nspname not in ('pg_catalog', 'information_schema') and n.nspname not like 'pg\\_toast%' and n.nspname not like 'pg\\_temp%'
     order by 1`,
  );
  return rows.map((r) => r.name);
}

export const notEmptyMessage = (where: string, relations: string[]) =>
  `${where} is not empty (${relations.length} tables and sequences, such as ${relations.slice(0, 3).join(', ')}): ` +
  'rapport restore only restores into an empty database, so that nothing of the old one is mixed in';

/**
 * Restores a `pg_dump -Fc` archive into the empty database DATABASE_URL names, in one transaction:
 * a restore that fails leaves the database as empty as it was. Owners and grants of the original are
 * not carried over (the restoring user owns everything), so that a dump moves between servers whose
 * roles differ.
 */
export async function restorePostgres(databaseUrl: string, file: string) {
  const target = libpqTarget(databaseUrl);
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const relations = await userRelations(async (text) => (await client.query<{ name: string }>(text)).rows);
    if (relations.length) throw new Error(notEmptyMessage(`the database ${target.name}`, relations));
    await run(
      'pg_restore',
      ['--no-owner', '--no-privileges', '--exit-on-error', '--single-transaction', '--no-password', `--dbname=${target.uri}`, file],
      target.env,
    );
    // A dump carries no planner statistics: without them the first queries are planned as if every table were empty.
    await client.query('analyze');
  } finally {
    await client.end();
  }
}
