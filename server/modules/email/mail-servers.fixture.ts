import { type ChildProcess, spawn } from 'node:child_process';
import {
  chmodSync,
  chownSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { type AddressInfo, createServer } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import path from 'node:path';
import { ImapFlow } from 'imapflow';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';

/**
 * Real mail servers for tests (no mocked IMAP or SMTP): Debian's Dovecot with a throwaway config —
 * its own port on loopback, a passwd-file of users, Maildirs under a temp directory, IDLE and
 * CONDSTORE/QRESYNC as Dovecot offers them — and an SMTP receiver (the `smtp-server` package) that
 * delivers what it is sent into the recipient's Dovecot INBOX over IMAP, so that a sent message is
 * read back as any mail client would. A machine without Dovecot fails the tests that need it with
 * the command that installs it (.ci/run installs it): a skipped mail test would prove nothing.
 */

export interface MailUser {
  user: string;
  password: string;
  /** The address mail to this user is delivered to by the SMTP receiver. */
  address: string;
}

export interface Received {
  from: string;
  to: string[];
  raw: string;
  /** The SMTP user name the sender authenticated with. */
  authUser: string | null;
}

const DOVECOT = '/usr/sbin/dovecot';

async function freePort() {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const { port } = s.address() as AddressInfo;
  await new Promise((r) => s.close(r));
  return port;
}

async function waitForPort(port: number, child: ChildProcess, log: string) {
  const { connect } = await import('node:net');
  for (let i = 0; i < 100; i++) {
    if (child.exitCode !== null) break;
    const ok = await new Promise<boolean>((resolve) => {
      const sock = connect(port, '127.0.0.1', () => {
        sock.destroy();
        resolve(true);
      });
      sock.on('error', () => resolve(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  const tail = existsSync(log) ? readFileSync(log, 'utf8').split('\n').slice(-15).join('\n') : '(no log)';
  throw new Error(`Dovecot did not start on 127.0.0.1:${port}:\n${tail}`);
}

export class MailServers {
  readonly dir: string;
  imapPort = 0;
  smtpPort = 0;
  readonly received: Received[] = [];
  private dovecot: ChildProcess | null = null;
  private smtp: SMTPServer | null = null;
  private users = new Map<string, MailUser>();
  private readonly asRoot = process.getuid?.() === 0;

  constructor() {
    this.dir = mkdtempSync(path.join(tmpdir(), 'rapport-mail-'));
  }

  /** The uid/gid mail is stored as: a plain user when the tests run as root (Dovecot refuses root's mail). */
  private get mailIds() {
    return this.asRoot ? { uid: 65534, gid: 65534 } : { uid: process.getuid?.() ?? 0, gid: process.getgid?.() ?? 0 };
  }

  private config() {
    const me = userInfo().username;
    const { uid, gid } = this.mailIds;
    return `
base_dir = ${this.dir}/run
state_dir = ${this.dir}/state
log_path = ${this.dir}/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
# A wrong password is answered at once (the default waits 2 s, which tests of wrong passwords would pay).
auth_failure_delay = 0
auth_mechanisms = plain login
default_internal_user = ${this.asRoot ? 'dovecot' : me}
default_login_user = ${this.asRoot ? 'dovenull' : me}
default_internal_group = ${this.asRoot ? 'dovecot' : userInfo().username}
first_valid_uid = 0
first_valid_gid = 0
mail_location = maildir:${this.dir}/mail/%u
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%u ${this.dir}/passwd.d/%u
}
userdb {
  driver = static
  args = uid=${uid} gid=${gid} home=${this.dir}/home/%u
}
service imap-login {
  inet_listener imap {
    address = 127.0.0.1
    port = ${this.imapPort}
  }
  inet_listener imaps {
    port = 0
  }
}
service anvil {
  chroot =
  # No penalty for failed logins (2, 4, 8 … 15 s per IP, all from 127.0.0.1 here): the specs that
  # refuse a password on purpose would slow every login after them. Auth finds no socket and skips it.
  unix_listener anvil-auth-penalty {
    mode = 0
  }
}
service imap-login {
  chroot =
}
namespace inbox {
  inbox = yes
  mailbox Sent {
    special_use = \\Sent
    auto = subscribe
  }
}
`;
  }

  async start() {
    if (!existsSync(DOVECOT)) {
      throw new Error('Dovecot is not installed: apt-get install -y dovecot-imapd (the mail tests run against a real IMAP server)');
    }
    for (const d of ['run', 'state', 'mail', 'home', 'passwd.d']) mkdirSync(path.join(this.dir, d), { recursive: true });
    if (this.asRoot) {
      // Dovecot's auth process (user dovecot) reads the passwd-file; the mail processes run as nobody.
      chmodSync(this.dir, 0o755);
      chownSync(path.join(this.dir, 'mail'), this.mailIds.uid, this.mailIds.gid);
      chownSync(path.join(this.dir, 'home'), this.mailIds.uid, this.mailIds.gid);
    }
    for (const u of this.users.values()) this.writePasswd(u);
    this.imapPort ||= await freePort();
    await this.startDovecot();
    await this.startSmtp();
    return this;
  }

  private async startDovecot() {
    writeFileSync(path.join(this.dir, 'dovecot.conf'), this.config());
    // Dovecot runs under a small watchdog shell that stops it when this process is gone, however
    // it ended (a test worker killed by the runner fires no 'exit' event), and removes its temp
    // directory: no server or mail outlives its tests.
    const watchdog = `"$2" -F -c "$3" & d=$!
trap 'kill $d 2>/dev/null; wait $d; exit 0' TERM INT
while kill -0 "$1" 2>/dev/null && kill -0 $d 2>/dev/null; do sleep 0.5; done
kill $d 2>/dev/null; wait $d
kill -0 "$1" 2>/dev/null || rm -rf "$4"`;
    const args = [String(process.pid), DOVECOT, path.join(this.dir, 'dovecot.conf'), this.dir];
    const child = spawn('/bin/sh', ['-c', watchdog, 'sh', ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout?.on('data', (d) => (out += d));
    child.stderr?.on('data', (d) => (out += d));
    this.dovecot = child;
    // A test process that ends without stop() (a generated suite's samples) must not leave Dovecot running.
    process.once('exit', () => child.kill('SIGKILL'));
    try {
      await waitForPort(this.imapPort, child, path.join(this.dir, 'dovecot.log'));
    } catch (err) {
      throw new Error(`${(err as Error).message}\n${out}`);
    }
  }

  private async stopDovecot() {
    const child = this.dovecot;
    this.dovecot = null;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    await exited;
  }

  /** Stops Dovecot (a server that went down); `startImap` brings it back on the same port. */
  async stopImap() {
    await this.stopDovecot();
  }

  async startImap() {
    await this.startDovecot();
  }

  /** Stops and starts Dovecot on the same port (a server restart in the middle of a sync). */
  async restartImap() {
    await this.stopDovecot();
    await this.startDovecot();
  }

  /**
   * One passwd-file per user (the path has %u): a new user's file is read fresh at their first login.
   * One shared file was re-read at most once a second, so a user added just after another's login
   * failed to log in, and Dovecot's penalty for that failure (anvil, per IP) held the next login ~4 s.
   * Returns whether the user had a file already (a password change).
   */
  private writePasswd(u: MailUser) {
    const file = path.join(this.dir, 'passwd.d', u.user);
    const before = existsSync(file) ? Math.floor(statSync(file).mtimeMs / 1000) : null;
    writeFileSync(file, `${u.user}:{PLAIN}${u.password}::::::\n`);
    if (before === null) return false;
    // Dovecot reloads the file only when its mtime in whole seconds or its size changed: a new password
    // of the same length written within the same second would never be read (CI went red on it).
    const mtime = Math.max(Math.floor(Date.now() / 1000), before + 1);
    utimesSync(file, mtime, mtime);
    return true;
  }

  /** The body that connects `u`'s mailbox on these servers (no TLS on loopback), with any field replaced. */
  mailboxBody(u: MailUser, extra: Record<string, unknown> = {}) {
    return {
      name: `${u.user}'s mail`,
      address: u.address,
      imapHost: '127.0.0.1',
      imapPort: this.imapPort,
      imapTls: 'none' as const,
      smtpHost: '127.0.0.1',
      smtpPort: this.smtpPort,
      smtpTls: 'none' as const,
      username: u.user,
      password: u.password,
      ...extra,
    };
  }

  async addUser(name: string, password = `pw-${name}-${Math.random().toString(36).slice(2)}`): Promise<MailUser> {
    const u = { user: name, password, address: `${name}@mail.example.test` };
    this.users.set(name, u);
    // A changed file is noticed at Dovecot's next look, at most once a second: wait for a new second
    // rather than fail a login (and pay the penalty).
    if (this.writePasswd(u)) {
      await new Promise((r) => setTimeout(r, 1000 - (Date.now() % 1000) + 20));
      // Seen at the first try, or the fixture is wrong: no retry to hide a change Dovecot missed.
      await (await this.client(u)).logout();
      return u;
    }
    for (let i = 0; ; i++) {
      try {
        const c = await this.client(u);
        await c.logout();
        return u;
      } catch (err) {
        if (i >= 30) throw err;
        await new Promise((r) => setTimeout(r, 150));
      }
    }
  }

  private async startSmtp() {
    const server = new SMTPServer({
      secure: false,
      // Loopback tests only: AUTH without TLS is what nodemailer must be told to allow, explicitly.
      allowInsecureAuth: true,
      authOptional: false,
      disabledCommands: ['STARTTLS'],
      // Its reverse DNS lookup of each client waits ~5 s for a resolver that is not there (CI).
      disableReverseLookup: true,
      logger: false,
      onAuth: (auth, _session, cb) => {
        const u = this.users.get(auth.username ?? '');
        if (u && u.password === auth.password) cb(null, { user: u.user });
        else cb(new Error('Invalid username or password'));
      },
      onData: (stream, session, cb) => {
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', async () => {
          const raw = Buffer.concat(chunks).toString('utf8');
          const to = session.envelope.rcptTo.map((r) => r.address);
          this.received.push({
            from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
            to,
            raw,
            authUser: (session.user as string | undefined) ?? null,
          });
          try {
            // Delivery: each local recipient's INBOX gets the message, as an MTA would put it there.
            for (const addr of to) {
              const u = [...this.users.values()].find((x) => x.address === addr);
              if (u) await this.append(u, 'INBOX', raw);
            }
            cb();
          } catch (err) {
            cb(err as Error);
          }
        });
      },
    });
    this.smtp = server;
    this.smtpPort = await new Promise<number>((resolve) =>
      server.listen(0, '127.0.0.1', () => resolve((server.server.address() as AddressInfo).port)),
    );
  }

  /** An IMAP client logged in as `u` (the "customer" or the "user" acting in their own mail client). */
  async client(u: MailUser) {
    const c = new ImapFlow({
      host: '127.0.0.1',
      port: this.imapPort,
      secure: false,
      auth: { user: u.user, pass: u.password },
      logger: false,
    });
    await c.connect();
    return c;
  }

  /** Puts a message into a folder over IMAP (APPEND), as a delivery or another mail client would. */
  async append(u: MailUser, folder: string, raw: string | Buffer, internalDate?: Date) {
    const c = await this.client(u);
    try {
      const r = await c.append(folder, raw, ['\\Seen'], internalDate);
      return r && typeof r === 'object' ? (r as { uid?: number }).uid : undefined;
    } finally {
      await c.logout();
    }
  }

  /** The messages of a user's INBOX as a mail client reads them (over IMAP), parsed. */
  async inbox(u: MailUser) {
    const c = await this.client(u);
    try {
      const lock = await c.getMailboxLock('INBOX');
      try {
        const out = [];
        if ((c.mailbox as { exists: number }).exists)
          for await (const m of c.fetch('1:*', { source: true })) out.push(await simpleParser(m.source ?? ''));
        return out;
      } finally {
        lock.release();
      }
    } finally {
      await c.logout();
    }
  }

  /** The server's own listing of a folder: UIDVALIDITY and every Message-ID, for checking a sync against. */
  async listing(u: MailUser, folder: string) {
    const c = await this.client(u);
    try {
      const lock = await c.getMailboxLock(folder);
      try {
        const mb = c.mailbox as { uidValidity: bigint };
        const ids: string[] = [];
        if ((c.mailbox as { exists: number }).exists) {
          for await (const m of c.fetch('1:*', { envelope: true, uid: true })) ids.push(m.envelope?.messageId ?? '');
        }
        return { uidValidity: Number(mb.uidValidity), messageIds: ids };
      } finally {
        lock.release();
      }
    } finally {
      await c.logout();
    }
  }

  /**
   * Gives a folder a new UIDVALIDITY, as a server does after its index is rebuilt or a folder is
   * recreated: the Maildir's uidlist header gets a new V value and Dovecot's index is dropped, so
   * every message gets new UIDs. Dovecot is stopped meanwhile (it caches the index).
   */
  async changeUidValidity(u: MailUser, folder: string) {
    await this.stopDovecot();
    const dir = folder === 'INBOX' ? path.join(this.dir, 'mail', u.user) : path.join(this.dir, 'mail', u.user, `.${folder}`);
    const list = path.join(dir, 'dovecot-uidlist');
    const text = readFileSync(list, 'utf8');
    const [header, ...rest] = text.split('\n');
    const next = header.replace(/ V(\d+)/, (_m, v) => ` V${Number(v) + 1000}`);
    // UIDs start again at 1: the messages come back under new UIDs in the new UIDVALIDITY.
    const body = rest.filter(Boolean).map((line, i) => line.replace(/^\d+/, String(i + 1)));
    writeFileSync(list, `${next.replace(/ N\d+/, ` N${body.length + 1}`)}\n${body.join('\n')}\n`);
    for (const f of readdirSync(dir)) if (f.startsWith('dovecot.index')) rmSync(path.join(dir, f));
    if (this.asRoot) chownSync(list, this.mailIds.uid, this.mailIds.gid);
    await this.startDovecot();
  }

  async stop() {
    // The next test file of this process (isolation is off, vitest.config.ts) starts servers of its own.
    if (sharedServers === this) {
      shared = undefined;
      sharedServers = undefined;
    }
    await this.stopDovecot();
    await new Promise<void>((r) => (this.smtp ? this.smtp.close(() => r()) : r()));
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** A raw RFC 5322 message for tests. */
export function rawMessage(m: {
  from: string;
  to: string;
  cc?: string;
  subject: string;
  text?: string;
  html?: string;
  messageId: string;
  date?: Date;
  inReplyTo?: string;
  /** More header lines, as written (`Auto-Submitted: auto-replied`). */
  headers?: string[];
}) {
  const headers = [
    `From: ${m.from}`,
    `To: ${m.to}`,
    ...(m.cc ? [`Cc: ${m.cc}`] : []),
    `Subject: ${m.subject}`,
    `Message-ID: ${m.messageId}`,
    `Date: ${(m.date ?? new Date()).toUTCString().replace('GMT', '+0000')}`,
    ...(m.inReplyTo ? [`In-Reply-To: ${m.inReplyTo}`, `References: ${m.inReplyTo}`] : []),
    ...(m.headers ?? []),
    'MIME-Version: 1.0',
  ];
  if (m.html) {
    const b = 'b-rapport-test';
    return `${headers.join('\r\n')}\r\nContent-Type: multipart/alternative; boundary="${b}"\r\n\r\n--${b}\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n${m.text ?? ''}\r\n--${b}\r\nContent-Type: text/html; charset=utf-8\r\n\r\n${m.html}\r\n--${b}--\r\n`;
  }
  return `${headers.join('\r\n')}\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n${m.text ?? ''}\r\n`;
}

let shared: Promise<MailServers> | undefined;
let sharedServers: MailServers | undefined;

/** The mail servers of this test file, started once (Dovecot takes a moment); stopped by the caller's afterAll. */
export function startMailServers() {
  if (!shared) {
    sharedServers = new MailServers();
    shared = sharedServers.start();
  }
  return shared;
}
