import { readdirSync, readFileSync, writeFileSync } from 'node:fs';

/**
 * CPU time and peak memory of a process, read from procfs. CPU is the kernel's own accounting
 * (utime + stime), so it counts every thread of the process (GC, libuv pool) and nothing of the
 * load generator, which is what "gateway CPU per query" has to mean.
 */

/** USER_HZ: the unit of utime/stime in /proc/<pid>/stat; 100 on every Linux we run on. */
const CLOCK_TICKS_PER_SECOND = 100;

export interface ProcSample {
  cpuMs: number;
  /** Peak resident set size (VmHWM) in MiB. */
  peakRssMb: number;
  /** Current resident set size (VmRSS) in MiB. */
  rssMb: number;
}

/**
 * The process and its descendants: a server that forks workers (Hive Gateway's `--fork`) is
 * measured whole. Peak RSS is the largest single process's, as the kernel reports it per process.
 */
export function readProcTreeSample(pid: number): ProcSample {
  const samples = [pid, ...descendants(pid)].map(readProcSample);
  return {
    cpuMs: samples.reduce((sum, s) => sum + s.cpuMs, 0),
    peakRssMb: Math.max(...samples.map((s) => s.peakRssMb)),
    rssMb: samples.reduce((sum, s) => sum + s.rssMb, 0),
  };
}

/**
 * Several servers measured as one (a federation router and its subgraphs): CPU and RSS summed
 * over their process trees, and the peak as the sum of each tree's peak (an upper bound of their
 * peak together, since each tree may peak at another moment).
 */
export function readProcGroupSample(pids: readonly number[]): ProcSample {
  const samples = pids.map(readProcTreeSample);
  return {
    cpuMs: samples.reduce((sum, s) => sum + s.cpuMs, 0),
    peakRssMb: samples.reduce((sum, s) => sum + s.peakRssMb, 0),
    rssMb: samples.reduce((sum, s) => sum + s.rssMb, 0),
  };
}

function descendants(pid: number): number[] {
  const found: number[] = [];
  let tasks: string[];
  try {
    tasks = readdirSync(`/proc/${pid}/task`);
  } catch {
    return found;
  }
  for (const task of tasks) {
    let children = '';
    try {
      children = readFileSync(`/proc/${pid}/task/${task}/children`, 'utf8');
    } catch {
      continue;
    }
    for (const child of children.split(' ').filter(Boolean).map(Number)) {
      found.push(child, ...descendants(child));
    }
  }
  return found;
}

export function readProcSample(pid: number): ProcSample {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // The command name (field 2) may contain spaces and parentheses: split after its closing ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // After the name, field 3 (state) is index 0, so utime (field 14) is 11 and stime (15) is 12.
  const ticks = Number(fields[11]) + Number(fields[12]);
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return {
    cpuMs: (ticks * 1000) / CLOCK_TICKS_PER_SECOND,
    peakRssMb: kbField(status, 'VmHWM') / 1024,
    rssMb: kbField(status, 'VmRSS') / 1024,
  };
}

function kbField(status: string, name: string): number {
  const match = new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status);
  return match ? Number(match[1]) : 0;
}

/**
 * Resets the peak RSS counter (VmHWM) so each measurement reports its own peak, not the
 * process's lifetime peak. Writing 5 to clear_refs is the kernel's documented way; when it is not
 * permitted the lifetime peak is reported, which only overstates.
 */
export function resetPeakRss(pid: number): boolean {
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, '5');
    return true;
  } catch {
    return false;
  }
}
