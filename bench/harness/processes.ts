import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Child processes of a benchmark run: each pinned to one core with `taskset`, its output kept in a
 * log file (never on the console, where it would interleave with the table), and stopped on exit.
 * `taskset` execs its command, so the child's pid is the measured program's own pid.
 */

export interface ManagedProcess {
  name: string;
  pid: number;
  /** Resolves with the exit code once the process has ended. */
  exited: Promise<number | null>;
  stop(): Promise<void>;
}

export interface SpawnOptions {
  name: string;
  /** Core list for taskset, e.g. '1'. */
  cpus: string;
  command: string;
  args: string[];
  env?: Record<string, string>;
  cwd?: string;
  logFile: string;
}

const running = new Set<ManagedProcess>();

/** An empty value leaves the variable out, so a setting (`npm start`'s own) can be measured off. */
function withoutEmpty(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(env).filter(([, value]) => value !== ''));
}

export function spawnPinned(options: SpawnOptions): ManagedProcess {
  const log = createWriteStream(options.logFile, { flags: 'a' });
  const child: ChildProcess = spawn(
    'taskset',
    ['-c', options.cpus, options.command, ...options.args],
    {
      cwd: options.cwd,
      env: withoutEmpty({ ...process.env, ...options.env }),
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  child.stdout?.pipe(log);
  child.stderr?.pipe(log);
  if (child.pid === undefined) throw new Error(`could not start ${options.name}`);
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const managed: ManagedProcess = {
    name: options.name,
    pid: child.pid,
    exited,
    async stop() {
      running.delete(managed);
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const ended = await Promise.race([exited.then(() => true), sleep(5_000).then(() => false)]);
      if (!ended) {
        child.kill('SIGKILL');
        await exited;
      }
    },
  };
  running.add(managed);
  return managed;
}

/** Stops every process still running (on normal exit and on Ctrl-C). */
export async function stopAll(): Promise<void> {
  await Promise.all([...running].map((p) => p.stop()));
}

/** Polls `url` until it answers with a status below 500, or fails with the process's log path. */
export async function waitForHttp(
  url: string,
  proc: ManagedProcess,
  logFile: string,
  timeoutMs = 120_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let exitCode: number | null | undefined;
  void proc.exited.then((code) => (exitCode = code));
  while (Date.now() < deadline) {
    if (exitCode !== undefined) {
      throw new Error(
        `${proc.name} exited with code ${exitCode} before it was ready (see ${logFile})`,
      );
    }
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(2_000) });
      await res.arrayBuffer();
      if (res.status < 500) return;
    } catch {
      // Not listening yet.
    }
    await sleep(200);
  }
  throw new Error(`${proc.name} was not ready at ${url} within ${timeoutMs} ms (see ${logFile})`);
}

/**
 * Runs this script again under `taskset -c <cpu>` unless it already is (BENCH_PINNED=1): the load
 * generator lives in the script's process, so pinning it means pinning the process. True when
 * this process only waited for the pinned one, whose exit code it has taken.
 */
export function reexecPinned(cpu: string): boolean {
  if (process.env['BENCH_PINNED'] === '1') return false;
  const child = spawnSync(
    'taskset',
    ['-c', cpu, process.execPath, ...process.execArgv, ...process.argv.slice(1)],
    { stdio: 'inherit', env: { ...process.env, BENCH_PINNED: '1' } },
  );
  process.exitCode = child.status ?? 1;
  return true;
}
