import { parseArgs } from 'node:util';
import { databaseOptions, loadConfig } from '../config.ts';
import { openDatabase } from '../db/client.ts';

const usage = `rapport — the Rapport CRM

  rapport start                 build the web app if needed, migrate and serve (what \`npm start\` runs)
  rapport serve                 migrate and serve (no web build); runs jobs too unless RAPPORT_JOB_CONCURRENCY=0
  rapport worker                run background jobs only (imports, house-keeping); start as many as you like
  rapport migrate [--citus]     apply database migrations and exit; on a Citus coordinator (detected,
                                or --citus) also distribute the tables by workspace (docs/operations.md)
  rapport seed [--size N]       create a demo workspace (demo@rapport.local / rapport-demo-2026)
  rapport create-user --email E --password P [--name N] [--workspace W]
                                create a workspace and its owner (prints the ids)
  rapport import <file> --object contacts|companies|leads|deals|tasks|activities|custom:<key> [--workspace W] [--dedupe skip|update|none]
                 [--mapping mapping.json] [--as EMAIL] [--encoding E] [--delimiter comma|semicolon|tab|pipe]
                 [--no-header] [--country US]
                                import a CSV file (progress, then a summary; Ctrl-C cancels)
  rapport backup [--out FILE]   back the database up now: pg_dump -Fc of DATABASE_URL, or the embedded
                                database as gzipped SQL; into FILE, or the backup directory (keeping the newest
                                RAPPORT_BACKUP_KEEP there)
  rapport restore FILE          restore a backup into the empty database DATABASE_URL (or RAPPORT_DATA_DIR) names
  rapport backups               list the backups, and what the scheduled backups did

The database is the embedded one in ./data unless DATABASE_URL=postgres://… is set.
Other settings: DATABASE_DIRECT_URL (the server itself when DATABASE_URL is PgBouncer in transaction mode), PORT, HOST,
RAPPORT_BASE_URL, RAPPORT_DATA_DIR, LOG_LEVEL, RAPPORT_JOB_CONCURRENCY;
backups: RAPPORT_BACKUP_DIR (./backups), RAPPORT_BACKUP_KEEP (7), RAPPORT_BACKUP_SCHEDULE (a cron schedule
for the workers, e.g. "30 2 * * *"; none when unset), RAPPORT_BACKUP_TIME_ZONE (UTC). docs/operations.md.`;

async function main() {
  const [command, ...rest] = process.argv.slice(2);
  const config = loadConfig();
  switch (command) {
    case 'start':
    case 'serve': {
      // `start` (what `npm start` runs) builds the web app first when it is missing or stale.
      if (command === 'start') (await import('../../web/scripts/ensure-built.ts')).ensureWebBuilt();
      const { serve } = await import('../main.ts');
      await serve(config);
      return;
    }
    case 'worker': {
      const { work } = await import('../main.ts');
      await work(config);
      return;
    }
    case 'migrate': {
      const { values } = parseArgs({ args: rest, options: { citus: { type: 'boolean' } } });
      if (values.citus && !config.databaseUrl) throw new Error('migrate --citus needs DATABASE_URL (a Citus coordinator)');
      const db = await openDatabase({ ...databaseOptions(config), citus: values.citus });
      await db.migrate();
      await db.close();
      console.log('migrations applied');
      return;
    }
    case 'seed': {
      const { values } = parseArgs({ args: rest, options: { size: { type: 'string' } } });
      const { seedCommand } = await import('./seed.ts');
      (await import('../modules/registry.ts')).wireRecordEngine();
      await seedCommand(config, { companies: values.size ? Number(values.size) : undefined });
      return;
    }
    case 'create-user': {
      const { values } = parseArgs({
        args: rest,
        options: { email: { type: 'string' }, password: { type: 'string' }, name: { type: 'string' }, workspace: { type: 'string' } },
      });
      if (!values.email || !values.password) throw new Error('create-user needs --email and --password');
      const { signUp } = await import('../modules/auth/auth.service.ts');
      (await import('../modules/registry.ts')).wireRecordEngine();
      const db = await openDatabase(databaseOptions(config));
      await db.migrate();
      try {
        const out = await signUp(db.db, config, {
          email: values.email,
          password: values.password,
          name: values.name ?? values.email.split('@')[0],
          workspaceName: values.workspace ?? 'My company',
        });
        console.log(`created workspace ${out.workspaceId} with owner ${values.email} (member ${out.memberId})`);
      } finally {
        await db.close();
      }
      return;
    }
    case 'import': {
      const { values, positionals } = parseArgs({
        args: rest,
        allowPositionals: true,
        options: {
          object: { type: 'string' },
          workspace: { type: 'string' },
          dedupe: { type: 'string' },
          mapping: { type: 'string' },
          as: { type: 'string' },
          encoding: { type: 'string' },
          delimiter: { type: 'string' },
          header: { type: 'boolean' },
          'no-header': { type: 'boolean' },
          country: { type: 'string' },
        },
      });
      const { importCommand, UsageError } = await import('./import.ts');
      (await import('../modules/registry.ts')).wireRecordEngine();
      try {
        if (positionals.length !== 1 || !values.object)
          throw new UsageError('usage: rapport import <file> --object contacts|companies|leads|deals|tasks|activities|custom:<key>');
        const result = await importCommand(config, {
          file: positionals[0],
          object: values.object,
          workspace: values.workspace,
          dedupe: values.dedupe,
          mapping: values.mapping,
          as: values.as,
          encoding: values.encoding,
          delimiter: values.delimiter,
          header: values['no-header'] ? false : values.header,
          country: values.country,
        });
        if (result.status !== 'completed') process.exitCode = 1;
      } catch (e) {
        if (e instanceof UsageError) {
          console.error(`rapport import: ${e.message}`);
          process.exitCode = 2;
          return;
        }
        throw e;
      }
      return;
    }
    case 'backup': {
      const { values } = parseArgs({ args: rest, options: { out: { type: 'string' } } });
      await (await import('./backup.ts')).backupCommand(config, { out: values.out });
      return;
    }
    case 'restore': {
      const { positionals } = parseArgs({ args: rest, allowPositionals: true, options: {} });
      if (positionals.length !== 1) throw new Error('usage: rapport restore FILE');
      await (await import('./backup.ts')).restoreCommand(config, positionals[0]);
      return;
    }
    case 'backups': {
      parseArgs({ args: rest, options: {} });
      await (await import('./backup.ts')).backupsCommand(config);
      return;
    }
    default:
      console.log(usage);
      if (command && command !== 'help' && command !== '--help') process.exitCode = 2;
  }
}

main().catch((err) => {
  // Problems a person can fix (weak password, taken email) print their message, not a stack.
  const e = err as { message: string; errors?: { field: string; message: string }[] };
  console.error(`rapport: ${e.message}${e.errors?.length ? `: ${e.errors.map((x) => `${x.field} ${x.message}`).join('; ')}` : ''}`);
  process.exit(1);
});
