// One postmaster, started from the npm package's binaries and watched: when it dies without being
// asked to, it is started again after a bounded backoff. It runs in its own process group, so a
// Ctrl-C in the terminal reaches the services (which flush and disconnect) and not the database
// under them; the owner stops it last.
import { spawn, type ChildProcess } from 'node:child_process';
import { dirname } from 'node:path';
import type { RunAs } from './postgres-runtime.ts';

export interface PostgresProcessOptions {
  readonly postgres: string;
  readonly clusterDir: string;
  readonly port: number;
  readonly user: RunAs | undefined;
  readonly flags: readonly string[];
  /** Restart after an unexpected exit (default true). */
  readonly supervise?: boolean;
  /** Everything the server writes. */
  readonly log?: (line: string) => void;
  /** The supervisor's own notices (an unexpected exit, a restart and its outcome), one sentence each. */
  readonly notice?: (message: string) => void;
}

const READY = 'database system is ready to accept connections';
const BACKOFF_MS = [250, 500, 1000, 2000, 4000, 8000, 15_000];
const STOP_GRACE_MS = 15_000;

const live = new Set<PostgresProcess>();
let exitHookInstalled = false;

/** A process that ends without stopping its servers (a crash, process.exit) still asks them to shut down. */
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const server of live) server.signal('SIGINT');
  });
}

export class PostgresProcess {
  private child: ChildProcess | undefined;
  private stopping = false;
  private restartTimer: NodeJS.Timeout | undefined;
  private failures = 0;
  /** Last lines the server wrote, for error messages. */
  logTail = '';
  restarts = 0;

  constructor(private readonly options: PostgresProcessOptions) {}

  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** Starts the server and resolves once it accepts connections; rejects with its last words. */
  start(): Promise<void> {
    installExitHook();
    live.add(this);
    return new Promise<void>((resolve, reject) => {
      const { postgres, clusterDir, port, user, flags } = this.options;
      const child = spawn(postgres, ['-D', clusterDir, '-p', String(port), ...flags], {
        // Its own process group: terminal signals go to the services, not under them to the database.
        detached: true,
        stdio: ['ignore', 'pipe', 'pipe'],
        // A folder the server's user can enter: initdb and postgres resolve the working directory.
        cwd: dirname(clusterDir),
        env: { ...process.env, LC_MESSAGES: 'C' },
        ...(user ? { uid: user.uid, gid: user.gid } : {}),
      });
      this.child = child;
      let ready = false;
      const onData = (chunk: Buffer) => {
        const text = chunk.toString('utf8');
        this.logTail = (this.logTail + text).slice(-8000);
        this.options.log?.(text);
        if (!ready && text.includes(READY)) {
          ready = true;
          resolve();
        }
      };
      child.stdout?.on('data', onData);
      child.stderr?.on('data', onData);
      child.once('error', (err) => {
        if (!ready) reject(err);
      });
      child.once('exit', (code, signal) => {
        if (this.child === child) this.child = undefined;
        if (!ready) return reject(new Error(`exited during start-up (${signal ?? `code ${code}`})`));
        if (!this.stopping) this.onUnexpectedExit(code, signal);
      });
    });
  }

  private onUnexpectedExit(code: number | null, signal: NodeJS.Signals | null): void {
    if (this.options.supervise === false) {
      live.delete(this);
      return;
    }
    const delay = BACKOFF_MS[Math.min(this.failures, BACKOFF_MS.length - 1)]!;
    this.options.notice?.(`PostgreSQL exited unexpectedly (${signal ?? `code ${code}`}); restarting in ${delay} ms`);
    this.scheduleRestart(delay);
  }

  private scheduleRestart(delay: number): void {
    this.restartTimer = setTimeout(() => {
      this.restartTimer = undefined;
      if (this.stopping) return;
      this.start().then(
        () => {
          this.failures = 0;
          this.restarts++;
          this.options.notice?.(`PostgreSQL restarted (pid ${this.pid})`);
        },
        (err: Error) => {
          // Typically the old server's backends still hold its shared memory for a moment.
          this.failures++;
          const next = BACKOFF_MS[Math.min(this.failures, BACKOFF_MS.length - 1)]!;
          const lastWords = this.logTail.trim().split('\n').slice(-1)[0] ?? err.message;
          this.options.notice?.(`PostgreSQL restart failed (${lastWords}); trying again in ${next} ms`);
          this.scheduleRestart(next);
        },
      );
    }, delay);
  }

  /** Sends a signal to the postmaster if it runs (it then signals its own backends). */
  signal(signal: NodeJS.Signals): void {
    const pid = this.child?.pid;
    if (pid === undefined || this.child?.exitCode !== null || this.child.signalCode !== null) return;
    try {
      process.kill(pid, signal);
    } catch {
      // Already gone.
    }
  }

  /** Fast shutdown (SIGINT), then immediate (SIGQUIT) and SIGKILL if it does not end in time. */
  async stop(): Promise<void> {
    this.stopping = true;
    clearTimeout(this.restartTimer);
    live.delete(this);
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    this.signal('SIGINT');
    const escalate = setTimeout(() => this.signal('SIGQUIT'), STOP_GRACE_MS);
    const kill = setTimeout(() => this.signal('SIGKILL'), STOP_GRACE_MS + 5000);
    await exited;
    clearTimeout(escalate);
    clearTimeout(kill);
  }
}
