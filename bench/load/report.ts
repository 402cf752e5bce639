/** The load benchmark's results: their shape, the Markdown tables and the chart. */
import type { Mode } from './client';
import type { LevelResult } from './generator';
import { lineChart } from './chart';
import type { WindowUsage } from './proc-stats';
import type { ServerKind, Stored } from './server-process';
import { fmt } from './stats';
import type { SweepPoint } from './sweep';
import type { LoadOptions } from './options';

export interface LevelRow extends LevelResult {
  usage?: WindowUsage;
  /** Warnings and errors the server logged during the level, by event. */
  serverProblems: Record<string, number>;
  /** What the database held when the level began (levels run one after the other on the same data). */
  storedBefore?: Stored;
}

export interface ServerRun {
  server: ServerKind;
  mode: Mode;
  /** Spawn to ready (ms), and memory once ready (MB). */
  startMs: number;
  idleAppRssMb?: number;
  idleDbRssMb?: number;
  levels: LevelRow[];
  /** Why the run stopped early (the server died). */
  aborted?: string;
}

export interface FloorRow {
  mode: Mode;
  users: number;
  boussoleTurnsPerSecond: number;
  echoTurnsPerSecond: number;
  /** Boussole's throughput as a fraction of the echo bot's at the same level. */
  fraction: number;
  boussoleP95Ms: number;
  echoP95Ms: number;
}

export interface LoadResults {
  startedAt: string;
  finishedAt?: string;
  /** `full` only with the default options (the full measurement). */
  run: 'full' | 'partial';
  machine: { cpus: number; model: string; memoryGb: number; node: string; loadAverageAtStart: number[] };
  options: LoadOptions;
  runs: ServerRun[];
  floor: FloorRow[];
  sweep: SweepPoint[];
}

export const MODE_NAMES: Record<Mode, string> = { ws: 'WebSocket', poll: 'polling' };

export function floorRows(runs: ServerRun[]): FloorRow[] {
  const rows: FloorRow[] = [];
  for (const b of runs.filter((r) => r.server === 'boussole')) {
    const echo = runs.find((r) => r.server === 'echo' && r.mode === b.mode);
    if (!echo) continue;
    for (const level of b.levels) {
      const e = echo.levels.find((l) => l.users === level.users);
      if (!e) continue;
      rows.push({
        mode: b.mode,
        users: level.users,
        boussoleTurnsPerSecond: level.turnsPerSecond,
        echoTurnsPerSecond: e.turnsPerSecond,
        fraction: e.turnsPerSecond > 0 ? level.turnsPerSecond / e.turnsPerSecond : NaN,
        boussoleP95Ms: level.reply.p95,
        echoP95Ms: e.reply.p95,
      });
    }
  }
  return rows;
}

const errorList = (errors: Record<string, number>) =>
  Object.entries(errors)
    .sort((a, b) => b[1] - a[1])
    .map(([k, v]) => `${k} ×${v}`)
    .join(', ');

/** A line about a level's errors and what the server logged, or undefined when there is nothing. */
function problemNote(what: string, l: LevelResult, server: Record<string, number>): string | undefined {
  const parts: string[] = [];
  if (l.errorCount) parts.push(errorList(l.errors));
  if (Object.keys(l.rampErrors).length) parts.push(`during the ramp ${errorList(l.rampErrors)}`);
  if (Object.keys(server).length) parts.push(`server logged ${errorList(server)}`);
  return parts.length ? `- ${what}: ${parts.join('; ')}` : undefined;
}

const LEVEL_HEADER = [
  '| mode | users | conversations stored before | turns | turns/s | p50 ms | p95 ms | p99 ms | max ms | welcome p95 ms | errors | kept locally | app RSS peak MB | DB RSS peak MB | app CPU % of a core | DB CPU s (% of a core) | load generator CPU % | machine busy % |',
  '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
];

function levelRows(run: ServerRun): string[] {
  const lines: string[] = [];
  for (const l of run.levels) {
    const u = l.usage;
    lines.push(
      `| ${MODE_NAMES[run.mode]} | ${l.users} | ${l.storedBefore?.conversations ?? '–'} | ${l.turns} | ${fmt(l.turnsPerSecond, 2)} | ${fmt(l.reply.p50)} | ${fmt(l.reply.p95)} | ${fmt(l.reply.p99)} | ${fmt(l.reply.max)} | ${fmt(l.welcome.p95)} | ${l.errorCount} | ${l.keptLocally} | ${fmt(u?.app.rssPeakMb)} | ${fmt(u?.db.rssPeakMb)} | ${fmt(u?.app.cpuPctOfOneCore)} | ${fmt(u?.db.cpuSeconds, 1)} (${fmt(u?.db.cpuPctOfOneCore)}%) | ${fmt(u?.generator.cpuPctOfOneCore)} | ${fmt(u?.machineBusyPct)} |`,
    );
  }
  return lines;
}

export function markdown(r: LoadResults): string {
  const o = r.options;
  const out: string[] = [];
  out.push('# Load benchmark (`npm run bench:load`)', '');
  if (r.run !== 'full') out.push('> **Partial or quick run** (options differ from the full measurement): not the numbers to quote.', '');
  out.push(
    `${r.startedAt} → ${r.finishedAt ?? '(unfinished)'}; ${r.machine.cpus} cores (${r.machine.model}), ${fmt(r.machine.memoryGb)} GB, Node ${r.machine.node}; load average at start ${r.machine.loadAverageAtStart.map((v) => v.toFixed(2)).join(' ')}.`,
    '',
    o.backend === 'postgresql'
      ? 'Backend: **FerretDB on PostgreSQL** (the machine\'s PostgreSQL started by the bench in a temp folder; the app with MONGODB_URI and SINGLE_INSTANCE). "DB" columns are FerretDB alone; PostgreSQL\'s CPU shows in "machine busy".'
      : 'Backend: FerretDB on SQLite, embedded in the app (the default).',
    '',
    `Options: levels ${o.levels.join(', ')}; modes ${o.modes.map((m) => MODE_NAMES[m]).join(', ')}; ${o.rampS} s ramp + ${o.durationS} s measured per level; think time ${fmt(o.thinkScale, 2)} × 1–3 s; polling every ${o.pollMs} ms; a reply later than ${o.replyTimeoutS} s is missing.`,
    '',
    'Each simulated user opens a conversation (token, start, stream or polling), picks a language, says who it is for, describes a housing or mental-health situation with a commune, answers the questions, reads the services, leaves, and starts again. Latency: from the POST of a message to the first bot activity whose `replyToId` is that message. Turns/s: replies received in the window. The server runs as its own process with its own embedded FerretDB (fresh DATA_DIR per mode; levels in increasing order on the same process and data: "conversations stored before" is what the earlier levels left); the per-address rate limits are off (every user is 127.0.0.1). "Kept locally": messages the database did not take within STORAGE_TIMEOUT_MS (answered from memory first). Machine busy: every process on the machine, the load generator included.',
    '',
  );
  for (const server of ['boussole', 'echo'] as const) {
    const runs = r.runs.filter((x) => x.server === server);
    if (!runs.length) continue;
    out.push(...(server === 'boussole' ? ['## Boussole', ''] : ['## The floor: a bare echo bot on the same HTTP + Direct Line + storage stack', '', 'bench/load/echo-server.ts: the Direct Line router, WebSocket stream, turn inbox and activity log on its own embedded FerretDB, wired as the app wires them, with a bot that repeats each message (no NLU, no decision graph, no conversation state).', '']));
    out.push(...runs.map((x) => `${MODE_NAMES[x.mode]}: ready in ${fmt(x.startMs / 1000, 1)} s; idle RSS app ${fmt(x.idleAppRssMb)} MB, FerretDB ${fmt(x.idleDbRssMb)} MB${x.aborted ? `; **stopped early: ${x.aborted}**` : ''}.`), '');
    out.push(...LEVEL_HEADER, ...runs.flatMap((x) => levelRows(x)), '');
    const notes = runs.flatMap((x) => x.levels.map((l) => problemNote(`${MODE_NAMES[x.mode]}, ${l.users} users`, l, l.serverProblems)).filter((n): n is string => n !== undefined));
    if (notes.length) out.push('Errors and server warnings:', '', ...notes, '');
  }
  if (r.floor.length) {
    out.push('## Boussole as a fraction of the floor', '');
    out.push('With think time, throughput follows the number of users until the server saturates: the fraction falls below 1 where Boussole saturates before the echo bot (at low levels a difference comes from the users\' random think times, not from the server).', '');
    out.push('| mode | users | Boussole turns/s | echo turns/s | Boussole / echo | Boussole p95 ms | echo p95 ms |', '|---|---:|---:|---:|---:|---:|---:|');
    for (const f of r.floor) out.push(`| ${MODE_NAMES[f.mode]} | ${f.users} | ${fmt(f.boussoleTurnsPerSecond, 2)} | ${fmt(f.echoTurnsPerSecond, 2)} | ${fmt(f.fraction, 2)} | ${fmt(f.boussoleP95Ms)} | ${fmt(f.echoP95Ms)} |`);
    for (const mode of o.modes) {
      const peak = (server: ServerKind) => Math.max(0, ...r.runs.filter((x) => x.server === server && x.mode === mode).flatMap((x) => x.levels.map((l) => l.turnsPerSecond)));
      if (peak('echo') > 0) out.push('', `Peak ${MODE_NAMES[mode]}: Boussole ${fmt(peak('boussole'), 2)} turns/s, echo ${fmt(peak('echo'), 2)} turns/s (${fmt((peak('boussole') / peak('echo')) * 100)}%).`);
    }
    out.push('');
  }
  if (r.sweep.length) {
    out.push('## Retained data', '');
    out.push(
      `Each point: a fresh database, one real conversation per journey as templates, their documents cloned in bulk through the driver (new ids, same formats) into directline_activities / directline_conversations and bot_state, then, once the database answers promptly again after the bulk load ("settle s"), ${o.sweepUsers} WebSocket users for ${o.sweepDurationS} s (think ×${fmt(o.thinkScale, 2)}).`,
      '',
      '| stored activities | conversations | conversation states | preload docs | preload s | settle s | DB files MB | turns | p50 ms | p95 ms | p99 ms | errors | kept locally | DB RSS peak MB | DB CPU % of a core |',
      '|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
    );
    for (const p of r.sweep) {
      out.push(
        `| ${p.activities} | ${p.conversations} | ${p.states} | ${p.preloadDocs} | ${fmt(p.preloadS, 1)} | ${p.settleS === undefined ? '–' : fmt(p.settleS, 1)} | ${fmt(p.dbFilesMb)} | ${p.level.turns} | ${fmt(p.level.reply.p50)} | ${fmt(p.level.reply.p95)} | ${fmt(p.level.reply.p99)} | ${p.level.errorCount} | ${p.level.keptLocally} | ${fmt(p.usage?.db.rssPeakMb)} | ${fmt(p.usage?.db.cpuPctOfOneCore)} |`,
      );
    }
    const notes = r.sweep.map((p) => problemNote(`${p.activities} activities`, p.level, p.serverProblems ?? {})).filter((n): n is string => n !== undefined);
    out.push('', ...(notes.length ? ['Errors and server warnings:', '', ...notes, ''] : []));
  }
  return out.join('\n');
}

/** p95 reply latency against concurrency, one line per mode (Boussole). */
export function chart(r: LoadResults): string {
  const series = r.runs
    .filter((x) => x.server === 'boussole')
    .map((x) => ({ name: `${MODE_NAMES[x.mode]}${x.mode === 'poll' ? ` (every ${r.options.pollMs} ms)` : ''}`, points: x.levels.map((l) => ({ x: l.users, y: l.reply.p95 })) }));
  return lineChart({ title: `Boussole: p95 reply latency by concurrency${r.run === 'full' ? '' : ' (partial run)'}`, xLabel: 'concurrent conversations', yLabel: 'p95 reply latency (ms)', series });
}
