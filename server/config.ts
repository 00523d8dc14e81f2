import path from 'node:path';

/** Everything the server reads from its environment, read once at start. */
export interface Config {
  /** postgres://… for a PostgreSQL server; empty for the embedded PGlite database. */
  databaseUrl: string;
  /**
   * The server itself when DATABASE_URL goes through a pooler in transaction mode (PgBouncer):
   * migrations and LISTEN use it, and statements are not prepared by name (docs/operations.md).
   */
  databaseDirectUrl: string;
  /** Directory of the embedded database; 'memory://' keeps it in memory (tests). */
  dataDir: string;
  host: string;
  port: number;
  /** The URL people reach the app at; decides whether cookies are Secure. */
  baseUrl: string;
  /** CIDR(s) of a reverse proxy to trust for X-Forwarded-For; never `true`. */
  trustProxy: string | false;
  logLevel: string;
  /** scrypt cost (log2 N). 17 in production; tests lower it, since every test signs people up. */
  scryptLogN: number;
  /** Login attempts allowed per IP per minute. */
  loginRateLimit: number;
  /** Expose the raw-SQL benchmark routes (never in production). */
  benchRoutes: boolean;
  /**
   * Jobs run at once by the worker inside `rapport serve` (0: this process runs no jobs, for web
   * processes beside `rapport worker` ones). `rapport worker` runs jobs only, this many at once.
   */
  jobConcurrency: number;
  /** Where `rapport worker` answers /health and /ready (RAPPORT_HEALTH_PORT); none when unset. */
  healthPort: number | null;
  /** How long a worker holds a job without renewing its lease before another worker may take it over. */
  jobLeaseMs: number;
  /** A list's `count=true` counts up to this many records exactly and estimates past it. */
  listCountCap: number;
  /**
   * Addresses, CIDR ranges and host names outside the public internet that outbound requests
   * (webhooks, mail servers) may reach all the same: `10.0.0.0/8,mail.lan`. Empty: none.
   */
  outboundAllow: string;
  /**
   * Keys for secrets at rest (`id:base64key,…`, newest first). Empty: the 0600 file
   * `<dataDir>/secret-keys`, made on first start (server/security/keyring.ts).
   */
  secretKeys: string;
  /** The largest email attachment stored (bytes, default 10 MiB); a larger one is noted on its email, not stored. */
  emailAttachmentMaxBytes: number;
  /**
   * Whether workers hold an IMAP IDLE connection per mailbox (server/modules/email/idle.ts), so that
   * new mail syncs at once; off (RAPPORT_EMAIL_IDLE=off), mailboxes are polled only.
   */
  emailIdle: boolean;
  /** Where `rapport backup` and the scheduled backup write their files (RAPPORT_BACKUP_DIR, ./backups). */
  backupDir: string;
  /** How many backups the backup directory keeps; older ones are removed after each new one (0: all). */
  backupKeep: number;
  /**
   * When `rapport worker` (or the worker in `rapport serve`) backs the database up: a cron expression
   * (`30 2 * * *`), in `backupTimeZone`. Empty: no scheduled backups.
   */
  backupSchedule: string;
  backupTimeZone: string;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const port = Number(env.PORT ?? 3000);
  const host = env.HOST ?? '127.0.0.1';
  return {
    databaseUrl: env.DATABASE_URL ?? '',
    databaseDirectUrl: env.DATABASE_DIRECT_URL ?? '',
    dataDir: env.RAPPORT_DATA_DIR ?? path.resolve('data'),
    host,
    port,
    baseUrl: env.RAPPORT_BASE_URL ?? `http://localhost:${port}`,
    trustProxy: env.RAPPORT_TRUST_PROXY || false,
    logLevel: env.LOG_LEVEL ?? 'info',
    scryptLogN: Number(env.RAPPORT_SCRYPT_LOG_N ?? 17),
    loginRateLimit: Number(env.RAPPORT_LOGIN_RATE_LIMIT ?? 10),
    benchRoutes: env.RAPPORT_BENCH_ROUTES === '1',
    jobConcurrency: Number(env.RAPPORT_JOB_CONCURRENCY ?? 2),
    healthPort: env.RAPPORT_HEALTH_PORT ? Number(env.RAPPORT_HEALTH_PORT) : null,
    jobLeaseMs: Number(env.RAPPORT_JOB_LEASE_MS ?? 30_000),
    listCountCap: Number(env.RAPPORT_LIST_COUNT_CAP ?? 10_000),
    outboundAllow: env.RAPPORT_OUTBOUND_ALLOW ?? '',
    secretKeys: env.RAPPORT_SECRET_KEYS ?? '',
    emailAttachmentMaxBytes: Number(env.RAPPORT_EMAIL_ATTACHMENT_MAX_BYTES ?? 10 * 1024 * 1024),
    emailIdle: env.RAPPORT_EMAIL_IDLE !== 'off',
    backupDir: path.resolve(env.RAPPORT_BACKUP_DIR || 'backups'),
    backupKeep: Number(env.RAPPORT_BACKUP_KEEP ?? 7),
    backupSchedule: env.RAPPORT_BACKUP_SCHEDULE ?? '',
    backupTimeZone: env.RAPPORT_BACKUP_TIME_ZONE || 'UTC',
  };
}

/**
 * The URL of a session of its own on the server: DATABASE_DIRECT_URL behind a transaction-mode pooler,
 * else DATABASE_URL. pg_dump and pg_restore set session settings before their transaction, which a
 * pooler would carry to another client or lose.
 */
export const sessionDatabaseUrl = (config: Pick<Config, 'databaseUrl' | 'databaseDirectUrl'>) =>
  config.databaseDirectUrl || config.databaseUrl;

/** Where the database is, as openDatabase takes it. */
export const databaseOptions = (config: Pick<Config, 'databaseUrl' | 'databaseDirectUrl' | 'dataDir'>) => ({
  databaseUrl: config.databaseUrl,
  directUrl: config.databaseDirectUrl || undefined,
  dataDir: config.dataDir,
});
