/**
 * Options of `npm run bench:load`, from flags (`--levels=1,10`) or the environment (LOAD_LEVELS=1,10);
 * a flag wins. `--quick` is a small preset for a check on a busy machine; the defaults are the
 * full measurement.
 */
import type { Mode } from './client';
import type { Backend } from './server-process';

export interface LoadOptions {
  levels: number[];
  modes: Mode[];
  /** Measured window per level (s), after a ramp (s) during which the users arrive. */
  durationS: number;
  rampS: number;
  /** Think time is 1–3 s times this (0: no think time). */
  thinkScale: number;
  pollMs: number;
  replyTimeoutS: number;
  requestTimeoutS: number;
  /** What to run: the load levels on Boussole, the echo floor at the same levels, the sweep. */
  load: boolean;
  echo: boolean;
  sweep: boolean;
  /** Stored activities per sweep point, conversation states preloaded, and the sweep's load. */
  sizes: number[];
  states: number;
  sweepUsers: number;
  sweepDurationS: number;
  /** FerretDB's backend: the embedded SQLite (default) or PostgreSQL started by the bench. */
  backend: Backend;
  /** Where load.json, load.md and load.svg go. */
  out: string;
}

export const FULL: Omit<LoadOptions, 'out'> = {
  levels: [1, 10, 50, 100, 200, 500],
  modes: ['ws', 'poll'],
  durationS: 60,
  rampS: 10,
  thinkScale: 1,
  pollMs: 1000,
  replyTimeoutS: 30,
  requestTimeoutS: 30,
  load: true,
  echo: true,
  sweep: true,
  sizes: [10_000, 100_000, 1_000_000],
  states: 100_000,
  sweepUsers: 10,
  sweepDurationS: 60,
  backend: 'sqlite',
};

export const QUICK: Partial<LoadOptions> = {
  levels: [1, 10],
  durationS: 20,
  rampS: 5,
  thinkScale: 0.5,
  sizes: [10_000],
  states: 10_000,
  sweepUsers: 5,
  sweepDurationS: 20,
};

export const USAGE = `npm run bench:load [-- options]     (or node dist/bench/load.js after npm run build)
  --quick                  small run: levels 1,10; 20 s per level; think ×0.5; sweep 10k activities, 10k states
  --levels=1,10,50         concurrent conversations per level      (LOAD_LEVELS; default 1,10,50,100,200,500)
  --modes=ws,poll          WebSocket stream and/or 1 s polling      (LOAD_MODES; default both)
  --duration=60            measured seconds per level               (LOAD_DURATION)
  --ramp=10                seconds for the users to arrive (not measured) (LOAD_RAMP)
  --think-scale=1          think time 1–3 s × this                  (LOAD_THINK_SCALE)
  --poll-ms=1000           polling interval                         (LOAD_POLL_MS)
  --reply-timeout=30       seconds before a reply counts as missing (LOAD_REPLY_TIMEOUT)
  --request-timeout=30     seconds before a request counts as timed out (LOAD_REQUEST_TIMEOUT)
  --no-load --no-echo --no-sweep   skip a part                      (LOAD_SKIP=load,echo,sweep)
  --sizes=10000,100000     sweep: stored activities per point       (LOAD_SIZES; default 10000,100000,1000000;
                           0 is a point with nothing preloaded, the baseline)
  --states=100000          sweep: conversation states preloaded     (LOAD_STATES)
  --sweep-users=10 --sweep-duration=60                              (LOAD_SWEEP_USERS, LOAD_SWEEP_DURATION)
  --backend=sqlite         FerretDB on its embedded SQLite (default), or postgresql: the machine's
                           PostgreSQL started by the bench in a temp folder (LOAD_BACKEND)
  --out=bench/results      where load.json, load.md and load.svg go (LOAD_OUT)`;

const ENV: Record<string, string> = {
  levels: 'LOAD_LEVELS',
  modes: 'LOAD_MODES',
  duration: 'LOAD_DURATION',
  ramp: 'LOAD_RAMP',
  'think-scale': 'LOAD_THINK_SCALE',
  'poll-ms': 'LOAD_POLL_MS',
  'reply-timeout': 'LOAD_REPLY_TIMEOUT',
  'request-timeout': 'LOAD_REQUEST_TIMEOUT',
  sizes: 'LOAD_SIZES',
  states: 'LOAD_STATES',
  'sweep-users': 'LOAD_SWEEP_USERS',
  'sweep-duration': 'LOAD_SWEEP_DURATION',
  out: 'LOAD_OUT',
  backend: 'LOAD_BACKEND',
};

export class OptionError extends Error {}

function numbers(name: string, raw: string, min: number): number[] {
  const list = raw.split(',').map((s) => s.trim()).filter(Boolean).map(Number);
  if (!list.length || list.some((n) => !Number.isInteger(n) || n < min)) throw new OptionError(`--${name}: expected whole numbers ≥ ${min} separated by commas, got "${raw}"`);
  return list;
}

function number(name: string, raw: string, min: number): number {
  const n = Number(raw);
  if (!Number.isFinite(n) || n < min) throw new OptionError(`--${name}: expected a number ≥ ${min}, got "${raw}"`);
  return n;
}

export function parseOptions(argv: string[], env: NodeJS.ProcessEnv, defaultOut: string): LoadOptions | 'help' {
  const flags = new Map<string, string>();
  for (const arg of argv) {
    const m = /^--([a-z-]+)(?:=(.*))?$/.exec(arg);
    if (!m) throw new OptionError(`unknown argument "${arg}"\n${USAGE}`);
    flags.set(m[1], m[2] ?? 'true');
  }
  if (flags.has('help')) return 'help';
  const value = (name: string): string | undefined => flags.get(name) ?? (ENV[name] ? env[ENV[name]] || undefined : undefined);
  const o: LoadOptions = { ...FULL, ...(flags.has('quick') || env.LOAD_QUICK === '1' ? QUICK : {}), out: defaultOut };
  const skip = new Set((env.LOAD_SKIP ?? '').split(',').map((s) => s.trim()));
  for (const [name, given] of flags) {
    if (!['quick', 'no-load', 'no-echo', 'no-sweep', ...Object.keys(ENV)].includes(name)) throw new OptionError(`unknown option --${name}\n${USAGE}`);
    if (name.startsWith('no-') && given === 'true') skip.add(name.slice(3));
  }
  o.load = !skip.has('load');
  o.echo = !skip.has('echo') && o.load;
  o.sweep = !skip.has('sweep');
  const raw = value;
  let v: string | undefined;
  if ((v = raw('levels'))) o.levels = numbers('levels', v, 1);
  if ((v = raw('backend'))) {
    if (v !== 'sqlite' && v !== 'postgresql') throw new OptionError(`--backend: sqlite or postgresql, got "${v}"`);
    o.backend = v;
  }
  if ((v = raw('modes'))) {
    const modes = v.split(',').map((s) => s.trim());
    if (!modes.length || modes.some((m) => m !== 'ws' && m !== 'poll')) throw new OptionError(`--modes: expected ws, poll or ws,poll, got "${v}"`);
    o.modes = modes as Mode[];
  }
  if ((v = raw('duration'))) o.durationS = number('duration', v, 1);
  if ((v = raw('ramp'))) o.rampS = number('ramp', v, 0);
  if ((v = raw('think-scale'))) o.thinkScale = number('think-scale', v, 0);
  if ((v = raw('poll-ms'))) o.pollMs = number('poll-ms', v, 10);
  if ((v = raw('reply-timeout'))) o.replyTimeoutS = number('reply-timeout', v, 1);
  if ((v = raw('request-timeout'))) o.requestTimeoutS = number('request-timeout', v, 1);
  if ((v = raw('sizes'))) o.sizes = numbers('sizes', v, 0);
  if ((v = raw('states'))) o.states = number('states', v, 0);
  if ((v = raw('sweep-users'))) o.sweepUsers = number('sweep-users', v, 1);
  if ((v = raw('sweep-duration'))) o.sweepDurationS = number('sweep-duration', v, 1);
  if ((v = raw('out'))) o.out = v;
  return o;
}

/** True when the options are the full measurement's (the numbers can be quoted as such). */
export function isFullRun(o: LoadOptions): boolean {
  const { out: _out, ...rest } = o;
  return JSON.stringify(rest) === JSON.stringify(FULL);
}
