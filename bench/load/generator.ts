/**
 * One load level: `users` simulated web-chat users at once, each going through journeys one after
 * the other (a new conversation each time), with think time before every message and before
 * leaving. Users start one after the other over `rampMs` (not measured); then the measured window
 * of `durationMs`; then no new message is sent and the turns in flight finish (drain).
 *
 * Counted in the window: the latency of every message posted in it (and of every conversation
 * start: the welcome), the turns whose reply arrived in it (throughput), and the errors that
 * happened from its start on (a missing reply is known only `replyTimeoutMs` after its POST).
 */
import { BenchClient, type Mode, type TurnOutcome } from './client';
import { JOURNEYS, thinkMs, type Journey } from './journeys';
import { count, summarize, total, type Summary } from './stats';

export interface LevelOptions {
  api: string;
  mode: Mode;
  users: number;
  rampMs: number;
  durationMs: number;
  thinkScale: number;
  pollMs: number;
  requestTimeoutMs: number;
  replyTimeoutMs: number;
  journeys?: readonly Journey[];
  /** Called when the measured window opens and closes (memory and CPU sampling). */
  window?: { opened(): void; closed(): void };
}

export interface LevelResult {
  mode: Mode;
  users: number;
  windowS: number;
  /** Reply latency of the messages posted in the window (ms). */
  reply: Summary;
  /** Welcome latency of the conversations started in the window (ms). */
  welcome: Summary;
  /** Time for the POST of a message to be answered (ms). */
  post: Summary;
  /** Turns (messages) answered in the window, and per second. */
  turns: number;
  turnsPerSecond: number;
  conversations: number;
  journeysCompleted: number;
  /** Messages the server kept locally because the database was too slow (answered from memory first). */
  keptLocally: number;
  /** Bot activities made from memory (the database down or too slow) received by the users. */
  repliesFromMemory: number;
  errors: Record<string, number>;
  errorCount: number;
  /** Errors during the ramp (not counted above). */
  rampErrors: Record<string, number>;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, Math.max(0, ms)));

export async function runLevel(opts: LevelOptions): Promise<LevelResult> {
  const journeys = opts.journeys ?? JOURNEYS;
  const t0 = performance.now();
  const windowStart = t0 + opts.rampMs;
  const windowEnd = windowStart + opts.durationMs;
  const inWindow = (t: number) => t >= windowStart && t < windowEnd;
  const replies: number[] = [];
  const welcomes: number[] = [];
  const posts: number[] = [];
  const errors: Record<string, number> = {};
  const rampErrors: Record<string, number> = {};
  let turns = 0;
  let conversations = 0;
  let journeysCompleted = 0;
  let keptLocally = 0;
  let repliesFromMemory = 0;
  const error = (kind: string) => count(performance.now() < windowStart ? rampErrors : errors, kind);

  /** Counts a turn (a message, or the welcome of a conversation); true when it succeeded. */
  const record = (startedAt: number, outcome: TurnOutcome, kind: 'welcome' | 'reply'): boolean => {
    if (inWindow(startedAt)) {
      if (outcome.latencyMs !== undefined) (kind === 'reply' ? replies : welcomes).push(outcome.latencyMs);
      if (outcome.postMs !== undefined && kind === 'reply') posts.push(outcome.postMs);
      if (outcome.kept) keptLocally += 1;
    }
    if (kind === 'reply' && outcome.latencyMs !== undefined && inWindow(startedAt + outcome.latencyMs)) turns += 1;
    return outcome.error === undefined;
  };

  const user = async (index: number): Promise<void> => {
    await sleep(t0 + (opts.rampMs * index) / opts.users - performance.now());
    for (let k = 0; performance.now() < windowEnd; k++) {
      const journey = journeys[(index + k) % journeys.length];
      const client = new BenchClient(opts.api, { mode: opts.mode, pollMs: opts.pollMs, requestTimeoutMs: opts.requestTimeoutMs, replyTimeoutMs: opts.replyTimeoutMs, error });
      try {
        const startedAt = performance.now();
        if (inWindow(startedAt)) conversations += 1;
        if (!record(startedAt, await client.open(journey.locale), 'welcome')) {
          await sleep(1000); // refused: try again a little later, as a person reloading the page
          continue;
        }
        let completed = true;
        for (const text of journey.messages) {
          await sleep(thinkMs(opts.thinkScale));
          const postedAt = performance.now();
          if (postedAt >= windowEnd) {
            completed = false;
            break;
          }
          if (!record(postedAt, await client.say(text, journey.locale), 'reply')) {
            completed = false;
            break; // a person whose message got no answer leaves
          }
        }
        if (completed && inWindow(performance.now())) journeysCompleted += 1;
        await sleep(Math.min(thinkMs(opts.thinkScale), windowEnd - performance.now())); // reading the services
      } finally {
        repliesFromMemory += client.fromMemory;
        await client.close();
      }
    }
  };

  const clock = async (): Promise<void> => {
    await sleep(windowStart - performance.now());
    opts.window?.opened();
    await sleep(windowEnd - performance.now());
    opts.window?.closed();
  };
  await Promise.all([clock(), ...Array.from({ length: opts.users }, (_, i) => user(i))]);
  const windowS = opts.durationMs / 1000;
  return {
    mode: opts.mode,
    users: opts.users,
    windowS,
    reply: summarize(replies),
    welcome: summarize(welcomes),
    post: summarize(posts),
    turns,
    turnsPerSecond: turns / windowS,
    conversations,
    journeysCompleted,
    keptLocally,
    repliesFromMemory,
    errors,
    errorCount: total(errors),
    rampErrors,
  };
}
