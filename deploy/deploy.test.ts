import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { backupScheduleProblem } from '../server/backup/backup.jobs.ts';

// Docker is not at hand where the suite runs, so the deployment files are checked by reading them:
// that they parse, and that what they run and set exists (a `rapport` command, a script of
// package.json, a file of the repository, a setting the server reads), so that they do not rot as
// the code moves on. That the image builds is up to whoever builds it.

const root = new URL('..', import.meta.url);
const read = (file: string) => readFileSync(new URL(file, root), 'utf8');
const pkg = JSON.parse(read('package.json')) as { bin: Record<string, string>; scripts: Record<string, string> };

/** The commands `rapport` dispatches on (server/cli/main.ts). */
const commands = new Set([...read('server/cli/main.ts').matchAll(/case '([\w-]+)':/g)].map((m) => m[1]));
/** Every setting the server reads from its environment (server/config.ts), besides what Node itself reads. */
const settings = new Set([...[...read('server/config.ts').matchAll(/env\.([A-Z0-9_]+)/g)].map((m) => m[1]), 'NODE_ENV']);

describe('the Dockerfile', () => {
  const instructions = read('deploy/Dockerfile')
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'))
    .map((l) => {
      const [, op, args] = /^(\w+)\s+(.*)$/.exec(l) as RegExpExecArray;
      return { op: op.toUpperCase(), args };
    });
  const all = (op: string) => instructions.filter((i) => i.op === op).map((i) => i.args);
  const last = (op: string) => all(op).at(-1) as string;
  const env = Object.fromEntries(
    [
      ...all('ENV')
        .join(' ')
        .matchAll(/([A-Z_]+)=(\S+)/g),
    ].map((m) => [m[1], m[2]]),
  );

  it('builds from Node 20 on Debian bookworm, and runs the app without development dependencies', () => {
    expect(all('FROM').map((f) => f.split(/\s+/)[0])).toEqual(['node:20-bookworm-slim', 'node:20-bookworm-slim']);
    const runs = all('RUN').join('\n');
    expect(runs).toContain('npm ci --omit=dev');
    for (const [, script] of runs.matchAll(/npm run ([\w:-]+)/g)) expect(pkg.scripts, script).toHaveProperty(script);
    // The runtime needs tsx (it runs the TypeScript server): a dependency, not a development one.
    expect(JSON.parse(read('package.json')).dependencies).toHaveProperty('tsx');
  });

  it('copies files the repository has', () => {
    for (const copy of all('COPY').filter((c) => !c.startsWith('--from'))) {
      const sources = copy.split(/\s+/).slice(0, -1);
      for (const s of sources) expect(existsSync(new URL(s, root)), s).toBe(true);
    }
  });

  it('runs `rapport serve` as a user other than root, with a health check on /health', () => {
    expect(JSON.parse(last('ENTRYPOINT'))).toEqual(['node', 'bin/rapport.mjs']);
    expect(pkg.bin.rapport).toBe('./bin/rapport.mjs');
    const [command] = JSON.parse(last('CMD')) as string[];
    expect(command).toBe('serve');
    expect(commands).toContain(command);
    expect(last('USER')).not.toMatch(/^(root|0)(:|$)/);
    expect(instructions.findLastIndex((i) => i.op === 'USER')).toBeLessThan(instructions.findIndex((i) => i.op === 'ENTRYPOINT'));
    expect(last('HEALTHCHECK')).toContain('/health');
    expect(last('EXPOSE')).toBe(env.PORT);
    expect(env.HOST).toBe('0.0.0.0');
    for (const key of Object.keys(env)) expect(settings, key).toContain(key);
  });
});

describe('the compose file', () => {
  interface Service {
    image?: string;
    build?: { context: string; dockerfile: string };
    command?: string[];
    environment?: Record<string, string>;
    depends_on?: Record<string, { condition: string }>;
    healthcheck?: { test: string[] };
    volumes?: string[];
  }
  const compose = parse(read('deploy/compose.yaml'), { merge: true }) as {
    services: Record<string, Service>;
    volumes: Record<string, unknown>;
  };
  const { db, app, worker } = compose.services;

  it('runs PostgreSQL 15 on a volume, and the app and worker once it answers its health check', () => {
    expect(db.image).toMatch(/^postgres:15(\b|-)/);
    expect(db.healthcheck?.test.join(' ')).toContain('pg_isready');
    for (const v of [...(db.volumes ?? []), ...(worker.volumes ?? [])]) expect(compose.volumes).toHaveProperty(v.split(':')[0]);
    for (const s of [app, worker]) {
      expect(s.depends_on?.db.condition).toBe('service_healthy');
      expect(s.build?.dockerfile).toBe('deploy/Dockerfile');
      expect(existsSync(new URL(`deploy/${s.build?.context}/${s.build?.dockerfile}`, root))).toBe(true);
    }
  });

  it('runs `rapport serve` and `rapport worker`, with settings the server reads', () => {
    expect(app.command).toEqual(['serve']);
    expect(worker.command).toEqual(['worker']);
    for (const s of [app, worker]) {
      expect(commands).toContain(s.command?.[0]);
      for (const key of Object.keys(s.environment ?? {})) expect(settings, key).toContain(key);
      expect(s.environment?.DATABASE_URL).toMatch(/@db:5432\//);
    }
    expect(app.environment?.RAPPORT_JOB_CONCURRENCY).toBe('0');
    // The worker's health server answers where the image's health check asks.
    expect(worker.environment?.RAPPORT_HEALTH_PORT).toBe('3000');
    const schedule = /\$\{RAPPORT_BACKUP_SCHEDULE:-([^}]+)\}/.exec(worker.environment?.RAPPORT_BACKUP_SCHEDULE ?? '')?.[1] as string;
    expect(backupScheduleProblem({ backupSchedule: schedule, backupTimeZone: 'UTC' })).toBeNull();
  });

  it('asks for every variable it uses in its example .env', () => {
    const example = read('deploy/compose.env.example');
    for (const [, name] of read('deploy/compose.yaml').matchAll(/\$\{([A-Z_]+)/g))
      expect(example, name).toMatch(new RegExp(`^#? ?${name}=`, 'm'));
  });
});

/** A unit file's sections, each a list of [key, value] (keys repeat: Environment=). */
function unit(text: string) {
  const sections: Record<string, [string, string][]> = {};
  let current = '';
  for (const line of text.split('\n').map((l) => l.trim())) {
    if (!line || line.startsWith('#')) continue;
    const section = /^\[(\w+)\]$/.exec(line);
    if (section) {
      current = section[1];
      sections[current] = [];
    } else sections[current].push([line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]);
  }
  return sections;
}

describe('the systemd units', () => {
  const envKeys = (text: string) => [...text.matchAll(/^([A-Z0-9_]+)=/gm)].map((m) => m[1]);

  it.each([
    ['rapport.service', 'serve'],
    ['rapport-worker@.service', 'worker'],
  ])('%s runs `rapport %s`, restarted on failure, hardened, as its own user', (file, command) => {
    const u = unit(read(`deploy/systemd/${file}`));
    const service = Object.fromEntries(u.Service);
    expect(service.ExecStart).toBe(`/usr/bin/node /opt/rapport/${pkg.bin.rapport.slice(2)} ${command}`);
    expect(commands).toContain(command);
    expect(service.Restart).toBe('on-failure');
    expect(service.NoNewPrivileges).toBe('true');
    expect(service.ProtectSystem).toBe('strict');
    expect(service.User).toBe('rapport');
    // Node's JIT writes code into memory and runs it: this setting would stop the process at start.
    expect(service.MemoryDenyWriteExecute).toBeUndefined();
    expect(service.EnvironmentFile).toBe('/etc/rapport/rapport.env');
    for (const [, v] of u.Service.filter(([key]) => key === 'Environment')) expect(settings, v).toContain(v.split('=')[0]);
    expect(Object.fromEntries(u.Install).WantedBy).toBe('multi-user.target');
  });

  it('are given settings the server reads', () => {
    const keys = envKeys(read('deploy/systemd/rapport.env.example'));
    expect(keys).toContain('DATABASE_URL');
    for (const key of keys) expect(settings, key).toContain(key);
    const schedule = /^RAPPORT_BACKUP_SCHEDULE="([^"]+)"$/m.exec(read('deploy/systemd/rapport.env.example'))?.[1] as string;
    expect(backupScheduleProblem({ backupSchedule: schedule, backupTimeZone: 'UTC' })).toBeNull();
  });
});
