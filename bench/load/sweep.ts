/**
 * Retained-data sweep: does a message get slower when the database already holds much? For each
 * size, a throw-away DATA_DIR and a fresh app process; a few real conversations are run first (one
 * per journey) and serve as templates; their documents are then cloned in bulk straight through
 * the driver (new conversation and user ids, everything else as stored: the collections' real
 * formats, in the buckets the app uses) up to `activities` stored activities (directline_activities,
 * with their directline_conversations records) and `states` conversation states (bot_state: each
 * conversation's state and its user's); then a small steady load measures the reply latency.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Db, Document } from 'mongodb';
import { newConversationId, newUserId } from '../../src/channels/directline/ids';
import { connectMongo } from '../../src/db/database';
import { Buckets } from '../../src/repositories/buckets';
import { DIRECTLINE_COLLECTIONS } from '../../src/repositories/directline-repository';
import { storeLayout } from '../../src/repositories/store-layout';
import { BenchClient } from './client';
import { runLevel, type LevelResult } from './generator';
import { JOURNEYS } from './journeys';
import { UsageSampler, type WindowUsage } from './proc-stats';
import { BOT_STATE, problemsSince, startServer, type Backend, type ServerProcess } from './server-process';

const BATCH = 2000;

export interface SweepOptions {
  backend?: Backend;
  sizes: number[];
  states: number;
  users: number;
  rampMs: number;
  durationMs: number;
  thinkScale: number;
  requestTimeoutMs: number;
  replyTimeoutMs: number;
  log(line: string): void;
  /** Called after each point with the points so far (to write partial results). */
  onPoint?(points: SweepPoint[]): void;
}

export interface SweepPoint {
  activities: number;
  conversations: number;
  states: number;
  /** Documents written by the preload, and how long it took (s). */
  preloadDocs: number;
  preloadS: number;
  /** Seconds after the preload until the database answered promptly again (measured after that). */
  settleS?: number;
  /** Size of the SQLite files after the measure (MB). */
  dbFilesMb: number;
  level: LevelResult;
  usage?: WindowUsage;
  /** Warnings and errors the server logged during the measure, by event. */
  serverProblems: Record<string, number>;
}

interface Template {
  conversationId: string;
  userId: string;
  conversation: Document;
  activities: Document[];
  states: Document[];
}

function dirSizeMb(dir: string): number {
  let bytes = 0;
  const walk = (p: string): void => {
    for (const e of fs.readdirSync(p, { withFileTypes: true })) {
      const q = path.join(p, e.name);
      if (e.isDirectory()) walk(q);
      else if (e.isFile()) bytes += fs.statSync(q).size;
    }
  };
  if (fs.existsSync(dir)) walk(dir);
  return bytes / (1024 * 1024);
}

/** A copy of a document where every string holding the old ids holds the new ones. */
export function cloneWithIds<T>(value: T, ids: Array<[string, string]>): T {
  if (typeof value === 'string') return ids.reduce((s, [from, to]) => s.split(from).join(to), value as string) as T;
  if (Array.isArray(value)) return value.map((v) => cloneWithIds(v, ids)) as T;
  if (value && typeof value === 'object' && !(value instanceof Date)) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = cloneWithIds(v, ids);
    return out as T;
  }
  return value;
}

/** Runs one conversation per journey to the end, and reads back what they stored. */
async function templates(server: ServerProcess, db: Db, opts: SweepOptions): Promise<Template[]> {
  const out: Template[] = [];
  for (const journey of JOURNEYS) {
    const client = new BenchClient(server.api, { mode: 'ws', pollMs: 1000, requestTimeoutMs: opts.requestTimeoutMs, replyTimeoutMs: opts.replyTimeoutMs, error: (k) => opts.log(`template "${journey.name}": ${k}`) });
    try {
      if ((await client.open(journey.locale)).error) throw new Error(`template conversation "${journey.name}" did not start`);
      for (const text of journey.messages) if ((await client.say(text, journey.locale)).error) throw new Error(`template "${journey.name}": no reply`);
      await new Promise((r) => setTimeout(r, 500)); // the last replies and the state write
    } finally {
      await client.close();
    }
    const { conversationId, userId } = client;
    const { buckets } = await storeLayout(db);
    const conversation = await new Buckets(db, DIRECTLINE_COLLECTIONS.conversations, buckets).of(conversationId).findOne({ _id: conversationId as never });
    if (!conversation) throw new Error(`template conversation ${conversationId} not stored`);
    const activities: Document[] = [];
    for (let seq = 1; ; seq++) {
      const doc = await new Buckets(db, DIRECTLINE_COLLECTIONS.activities, buckets).of(conversationId).findOne({ _id: `${conversationId}|${seq}` as never });
      if (!doc) break;
      activities.push(doc);
    }
    const states: Document[] = [];
    for (const col of new Buckets(db, BOT_STATE, buckets).all()) states.push(...(await col.find({}).toArray()).filter((d) => String(d._id).includes(conversationId) || String(d._id).includes(userId)));
    out.push({ conversationId, userId, conversation, activities, states });
  }
  return out;
}

/** Bulk insert in batches; resolves to the number of documents written. */
class BulkWriter {
  written = 0;
  private readonly pending = new Map<string, Document[]>();
  constructor(
    private readonly db: Db,
    private readonly buckets: number,
  ) {}

  /** Adds `doc` to the bucket of `key` in the logical collection `name`. */
  async add(name: string, key: string, doc: Document): Promise<void> {
    const collection = new Buckets(this.db, name, this.buckets).of(key).collectionName;
    const list = this.pending.get(collection) ?? [];
    list.push(doc);
    this.pending.set(collection, list);
    if (list.length >= BATCH) await this.flush(collection);
  }

  async flush(collection?: string): Promise<void> {
    for (const name of collection ? [collection] : [...this.pending.keys()]) {
      const docs = this.pending.get(name) ?? [];
      if (!docs.length) continue;
      this.pending.set(name, []);
      await this.db.collection(name).insertMany(docs, { ordered: false });
      this.written += docs.length;
    }
  }
}

async function preload(db: Db, tpl: Template[], activities: number, states: number, log: (l: string) => void): Promise<{ conversations: number; docs: number }> {
  const writer = new BulkWriter(db, (await storeLayout(db)).buckets);
  const started = Date.now();
  let stored = 0;
  let conversations = 0;
  let stateCount = 0;
  let lastReport = Date.now();
  for (let i = 0; stored < activities || stateCount < states; i++) {
    const t = tpl[i % tpl.length];
    const ids: Array<[string, string]> = [
      [t.conversationId, newConversationId()],
      [t.userId, newUserId()],
    ];
    if (stored < activities) {
      const take = t.activities.slice(0, activities - stored);
      const conversationId = ids[0][1];
      for (const a of take) await writer.add(DIRECTLINE_COLLECTIONS.activities, conversationId, cloneWithIds(a, ids));
      const record = cloneWithIds(t.conversation, ids);
      if (take.length < t.activities.length) record.lastSeq = take.length;
      await writer.add(DIRECTLINE_COLLECTIONS.conversations, conversationId, record);
      stored += take.length;
      conversations += 1;
    }
    if (stateCount < states) {
      for (const s of t.states) {
        const doc = cloneWithIds(s, ids);
        await writer.add(BOT_STATE, String(doc._id), doc);
      }
      stateCount += 1;
    }
    if (Date.now() - lastReport > 10_000) {
      lastReport = Date.now();
      log(`  preload: ${stored}/${activities} activities, ${stateCount}/${states} states, ${Math.round(writer.written / ((Date.now() - started) / 1000))} docs/s`);
    }
  }
  await writer.flush();
  return { conversations, docs: writer.written };
}

/** Waits (at most 5 min) until 5 writes and reads by _id in a row each take under 50 ms; returns the seconds waited. */
async function settle(db: Db, log: (l: string) => void): Promise<number> {
  const started = performance.now();
  const probe = db.collection('bench_settle');
  let good = 0;
  for (let i = 0; good < 5 && performance.now() - started < 300_000; i++) {
    const t = performance.now();
    await probe.insertOne({ _id: `p${i}` } as never);
    await probe.findOne({ _id: `p${i}` } as never);
    good = performance.now() - t < 50 ? good + 1 : 0;
    if (good < 5) await new Promise((r) => setTimeout(r, 500));
  }
  await probe.drop().catch(() => undefined);
  const s = (performance.now() - started) / 1000;
  log(`  settled after ${s.toFixed(1)} s`);
  return s;
}

export async function runSweep(opts: SweepOptions): Promise<SweepPoint[]> {
  const points: SweepPoint[] = [];
  for (const size of opts.sizes) {
    const states = size > 0 ? opts.states : 0;
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'boussole-load-sweep-'));
    opts.log(`sweep: ${size} stored activities, ${states} conversation states (DATA_DIR ${dataDir})`);
    const server = await startServer('boussole', dataDir, {}, opts.backend);
    const { client, db } = await connectMongo(server.dbUri(), 'boussole');
    try {
      const tpl = await templates(server, db, opts);
      const t0 = performance.now();
      const loaded = size > 0 || states > 0 ? await preload(db, tpl, size, states, opts.log) : { conversations: 0, docs: 0 };
      const preloadS = (performance.now() - t0) / 1000;
      // A bulk load leaves the database busy for a while (SQLite checkpoints its write-ahead log):
      // measure the steady state, once a write and a read by _id answer promptly again.
      const settleS = await settle(db, opts.log);
      opts.log(`  preloaded ${loaded.docs} documents in ${preloadS.toFixed(1)} s; measuring ${opts.users} users for ${opts.durationMs / 1000} s`);
      const sampler = new UsageSampler(() => ({ app: server.pid, db: server.ferretPid() }));
      const before = server.problems();
      let usage: WindowUsage | undefined;
      const level = await runLevel({
        api: server.api,
        mode: 'ws',
        users: opts.users,
        rampMs: opts.rampMs,
        durationMs: opts.durationMs,
        thinkScale: opts.thinkScale,
        pollMs: 1000,
        requestTimeoutMs: opts.requestTimeoutMs,
        replyTimeoutMs: opts.replyTimeoutMs,
        window: { opened: () => sampler.start(), closed: () => (usage = sampler.stop()) },
      });
      points.push({ activities: size, conversations: loaded.conversations, states, preloadDocs: loaded.docs, preloadS, settleS, dbFilesMb: dirSizeMb(path.join(dataDir, 'ferretdb')), level, usage, serverProblems: problemsSince(before, server.problems()) });
      opts.onPoint?.(points);
      opts.log(`  p50 ${level.reply.p50.toFixed(0)} ms, p95 ${level.reply.p95.toFixed(0)} ms, ${level.turns} turns, ${level.errorCount} errors, ${level.keptLocally} kept locally`);
    } finally {
      await client.close();
      await server.stop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  }
  return points;
}
