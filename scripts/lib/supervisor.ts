// The programs `npm start` runs: each started again after a crash with a growing pause, the whole
// system stopped when one keeps crashing (5 times within a minute).
import { spawn, type ChildProcess } from 'node:child_process';

export interface Program {
  readonly name: string;
  readonly script: string;
}

interface Running extends Program {
  child?: ChildProcess;
  crashes: number[];
}

function exitOf(child: ChildProcess): Promise<void> {
  return new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
  });
}

export class Supervisor {
  private readonly programs: Running[];
  private stopping = false;

  constructor(
    programs: readonly Program[],
    private readonly options: { cwd: string; env: NodeJS.ProcessEnv; onGiveUp: (message: string) => void },
  ) {
    this.programs = programs.map((p) => ({ ...p, crashes: [] }));
  }

  start(): void {
    for (const program of this.programs) this.launch(program);
  }

  private launch(program: Running): void {
    const child = spawn(process.execPath, ['--import', 'tsx', program.script], { cwd: this.options.cwd, env: this.options.env, stdio: ['ignore', 'inherit', 'inherit'] });
    program.child = child;
    child.once('exit', (code, signal) => {
      if (this.stopping) return;
      const now = Date.now();
      program.crashes = program.crashes.filter((at) => now - at < 60_000).concat(now);
      const how = signal ?? `code ${code}`;
      if (program.crashes.length >= 5) {
        this.options.onGiveUp(`${program.name} exited ${program.crashes.length} times within a minute (last: ${how}); stopping the rest.`);
        return;
      }
      const delayMs = 500 * 2 ** (program.crashes.length - 1);
      console.error(`${program.name} exited unexpectedly (${how}); restarting it in ${delayMs} ms.`);
      setTimeout(() => {
        if (!this.stopping) this.launch(program);
      }, delayMs).unref();
    });
  }

  /** SIGTERM to every program, SIGKILL to any still running after `graceMs`; resolves when all have exited. */
  async stop(graceMs = 12_000): Promise<void> {
    this.stopping = true;
    await Promise.all(
      this.programs.map(async ({ child }) => {
        if (!child) return;
        const killer = setTimeout(() => child.kill('SIGKILL'), graceMs);
        child.kill('SIGTERM');
        await exitOf(child);
        clearTimeout(killer);
      }),
    );
  }

  kill(): void {
    this.stopping = true;
    for (const { child } of this.programs) child?.kill('SIGKILL');
  }
}
