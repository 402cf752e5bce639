/**
 * What a process costs, read from /proc (Linux): resident memory (VmRSS) and CPU time (utime +
 * stime of /proc/<pid>/stat), and how busy the whole machine is (/proc/stat), so that a run on a
 * shared machine can be told apart from a run on an idle one.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';

let ticksPerSecond: number | undefined;

/** Clock ticks per second of the CPU times in /proc (`getconf CLK_TCK`, 100 almost everywhere). */
export function clockTicks(): number {
  if (ticksPerSecond === undefined) {
    try {
      ticksPerSecond = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      ticksPerSecond = 100;
    }
  }
  return ticksPerSecond;
}

/** Resident memory of a process in bytes, or undefined when it is gone. */
export function rssBytes(pid: number | undefined): number | undefined {
  if (!pid) return undefined;
  try {
    const m = /^VmRSS:\s+(\d+)\s+kB/m.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : undefined;
  } catch {
    return undefined;
  }
}

/** User + system CPU time of a process in seconds, or undefined when it is gone. */
export function cpuSeconds(pid: number | undefined): number | undefined {
  if (!pid) return undefined;
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces: count fields after its closing parenthesis.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / clockTicks(); // fields 14 and 15 (utime, stime)
  } catch {
    return undefined;
  }
}

/** Busy and total ticks of the whole machine since boot (first line of /proc/stat). */
export function machineTicks(): { busy: number; total: number } {
  try {
    const cpu = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
    const idle = (cpu[3] ?? 0) + (cpu[4] ?? 0); // idle + iowait
    const sum = cpu.reduce((a, b) => a + b, 0);
    return { busy: sum - idle, total: sum };
  } catch {
    return { busy: 0, total: 0 };
  }
}

export interface ProcessUsage {
  /** Resident memory at the end of the window, and the highest seen while sampling (MB). */
  rssEndMb?: number;
  rssPeakMb?: number;
  /** CPU time spent during the window (s) and as a share of one core over the window (%). */
  cpuSeconds?: number;
  cpuPctOfOneCore?: number;
}

export interface WindowUsage {
  app: ProcessUsage;
  db: ProcessUsage;
  /** The load generator itself (this process). */
  generator: ProcessUsage;
  /** Whole machine, every process: busy share of all cores during the window (%). */
  machineBusyPct?: number;
}

const MB = 1024 * 1024;

/**
 * Samples the app's and the database's memory every `everyMs` and their CPU time at start and
 * stop. `pids()` is asked at each sample: the database may have been restarted under another pid.
 */
export class UsageSampler {
  private timer?: NodeJS.Timeout;
  private started = 0;
  private readonly peak = { app: 0, db: 0, generator: 0 };
  private cpu0 = { app: 0, db: 0, generator: 0 };
  private machine0 = { busy: 0, total: 0 };

  constructor(
    private readonly pids: () => { app?: number; db?: number },
    private readonly everyMs = 500,
  ) {}

  start(): void {
    const { app, db } = this.pids();
    this.started = performance.now();
    this.cpu0 = { app: cpuSeconds(app) ?? 0, db: cpuSeconds(db) ?? 0, generator: cpuSeconds(process.pid) ?? 0 };
    this.machine0 = machineTicks();
    this.peak.app = this.peak.db = this.peak.generator = 0;
    this.sample();
    this.timer = setInterval(() => this.sample(), this.everyMs);
    this.timer.unref();
  }

  stop(): WindowUsage {
    clearInterval(this.timer);
    this.sample();
    const seconds = (performance.now() - this.started) / 1000;
    const { app, db } = this.pids();
    const machine = machineTicks();
    const usage = (pid: number | undefined, key: 'app' | 'db' | 'generator'): ProcessUsage => {
      const cpu = cpuSeconds(pid);
      const rss = rssBytes(pid);
      return {
        rssEndMb: rss === undefined ? undefined : rss / MB,
        rssPeakMb: this.peak[key] ? this.peak[key] / MB : undefined,
        cpuSeconds: cpu === undefined ? undefined : cpu - this.cpu0[key],
        cpuPctOfOneCore: cpu === undefined || seconds <= 0 ? undefined : ((cpu - this.cpu0[key]) / seconds) * 100,
      };
    };
    const dt = machine.total - this.machine0.total;
    return {
      app: usage(app, 'app'),
      db: usage(db, 'db'),
      generator: usage(process.pid, 'generator'),
      machineBusyPct: dt > 0 ? ((machine.busy - this.machine0.busy) / dt) * 100 : undefined,
    };
  }

  private sample(): void {
    const { app, db } = this.pids();
    this.peak.app = Math.max(this.peak.app, rssBytes(app) ?? 0);
    this.peak.db = Math.max(this.peak.db, rssBytes(db) ?? 0);
    this.peak.generator = Math.max(this.peak.generator, rssBytes(process.pid) ?? 0);
  }
}
