/**
 * Trained classifiers kept on disk, so that a restart (and every test file) loads the model in a
 * fraction of a second instead of training it again (about 15 s on 12,000 utterances). A model is
 * found by a key made of everything it depends on: the training documents, the training options
 * and the code that turns text into features. Anything else (a missing, partial or corrupt file)
 * means training again; the cache can only save time, never change an answer.
 * Where: the app keeps them in TOOLS_DIR/nlu-models (config NLU_MODEL_CACHE); tests and benches in
 * the project's .tools/nlu-models (git-ignored). Models are also kept in memory, by the same key:
 * a second app instance in one process (a restart in tests) reuses the first one's.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { features, MessageClassifier, type Featurizer, type ModelState, type TrainingOptions } from './classifier';
import { FeatureIndex } from './feature-index';

/** The modules whose code decides the features, the training and how names are stored: a change in them is a new model. */
const MODEL_CODE = ['classifier', 'feature-index', 'stemming', 'arabizi', 'typing-noise', 'normalize'];
/**
 * Models kept in the folder (the newest): older data versions are removed. The app uses eight
 * (themes, the safety net's two, five situations), and a test run holds two sets of them: the
 * compiled build's and the sources' (their code fingerprints differ). With fewer, each set pushed
 * the other out and apps started by tests trained again (over a minute on CI).
 */
const KEEP = 24;

function projectRoot(): string | undefined {
  for (let dir = __dirname; dir !== path.dirname(dir); dir = path.dirname(dir)) if (fs.existsSync(path.join(dir, 'package.json'))) return dir;
  return undefined;
}

export function defaultCacheDir(): string | undefined {
  const root = projectRoot();
  return root && path.join(root, '.tools', 'nlu-models');
}

let codeFingerprint: string | undefined;
function modelCode(): string {
  if (codeFingerprint === undefined) {
    const h = createHash('sha256');
    const ext = path.extname(__filename);
    for (const m of MODEL_CODE) h.update(fs.readFileSync(path.join(__dirname, `${m}${ext}`)));
    // natural's stemmers make features too.
    h.update(fs.readFileSync(require.resolve('natural/package.json')));
    codeFingerprint = h.digest('hex');
  }
  return codeFingerprint;
}

type Docs = Array<{ text: string; label: string; weight?: number }>;

/**
 * Features other than the classifier's own: the function and a fingerprint of everything it
 * depends on (its code and data), which goes into the model's key.
 */
export interface CustomFeatures {
  featurize: Featurizer;
  fingerprint: string;
}

export function modelKey(docs: Docs, opts: TrainingOptions, custom?: CustomFeatures): string {
  return createHash('sha256').update(FORMAT).update(modelCode()).update(custom?.fingerprint ?? '').update(JSON.stringify(opts)).update(JSON.stringify(docs)).digest('hex');
}

/**
 * File layout: "BNLU2", header length (uint32 LE), header JSON {labels, features: how many, bytes:
 * how many}, zeros up to a multiple of 4 bytes, then bias and weights (float32 LE), where each
 * feature's name starts (uint32 LE, one more than the features) and the names' bytes
 * (feature-index.ts). Part of the models' key: files of another layout are never read.
 */
const FORMAT = 'BNLU2';
const MAGIC = Buffer.from(FORMAT);

export function encodeModel(state: ModelState): Buffer {
  const { bytes, starts } = state.features;
  const json = Buffer.from(JSON.stringify({ labels: state.labels, features: state.features.size, bytes: bytes.length }));
  const head = Buffer.alloc(MAGIC.length + 4 + json.length + ((4 - ((MAGIC.length + 4 + json.length) % 4)) % 4));
  MAGIC.copy(head);
  head.writeUInt32LE(json.length, MAGIC.length);
  json.copy(head, MAGIC.length + 4);
  const raw = (a: ArrayBufferView) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);
  return Buffer.concat([head, raw(state.bias), raw(state.weights), raw(starts), raw(bytes)]);
}

export function decodeModel(buf: Buffer): ModelState {
  if (buf.length < MAGIC.length + 4 || !buf.subarray(0, MAGIC.length).equals(MAGIC)) throw new Error('not a model file');
  const hlen = buf.readUInt32LE(MAGIC.length);
  const start = MAGIC.length + 4;
  if (start + hlen > buf.length) throw new Error('model file: truncated');
  const { labels, features, bytes } = JSON.parse(buf.subarray(start, start + hlen).toString('utf8')) as { labels: string[]; features: number; bytes: number };
  if (!Array.isArray(labels) || !Number.isInteger(features) || !Number.isInteger(bytes) || features < 0 || bytes < 0) throw new Error('model file: bad header');
  const body = start + hlen + ((4 - ((start + hlen) % 4)) % 4);
  const L = labels.length;
  if (buf.length !== body + 4 * (L * (features + 1) + features + 1) + bytes) throw new Error('model file: truncated');
  // Views of the file's bytes when they are aligned (a file read whole is), else copies.
  const aligned = (buf.byteOffset + body) % 4 === 0;
  const words = <T>(make: (b: ArrayBufferLike, at: number, n: number) => T, at: number, n: number): T =>
    aligned ? make(buf.buffer, buf.byteOffset + at, n) : make(new Uint8Array(buf.subarray(at, at + 4 * n)).buffer, 0, n);
  const floats = (b: ArrayBufferLike, at: number, n: number) => new Float32Array(b, at, n);
  const bias = words(floats, body, L);
  const weights = words(floats, body + 4 * L, L * features);
  const startsAt = body + 4 * L * (features + 1);
  const starts = words((b, at, n) => new Uint32Array(b, at, n), startsAt, features + 1);
  const names = buf.subarray(startsAt + 4 * (features + 1));
  return { labels, features: new FeatureIndex(new Uint8Array(names.buffer, names.byteOffset, names.length), starts), bias, weights };
}

/** The model for these documents: from the folder when it holds it, else trained and stored there (no folder: trained). */
export function loadOrTrain(docs: Docs, opts: TrainingOptions, dir: string | undefined, custom?: CustomFeatures): MessageClassifier {
  return fromFolder(dir, modelKey(docs, opts, custom), docs, opts, custom?.featurize ?? features);
}

const inMemory = new Map<string, MessageClassifier>();

/** Like loadOrTrain, and a model already made in this process is used as it is. */
export function sharedModel(docs: Docs, opts: TrainingOptions, dir: string | undefined, custom?: CustomFeatures): MessageClassifier {
  const key = modelKey(docs, opts, custom);
  let model = inMemory.get(key);
  if (!model) inMemory.set(key, (model = fromFolder(dir, key, docs, opts, custom?.featurize ?? features)));
  return model;
}

function fromFolder(dir: string | undefined, key: string, docs: Docs, opts: TrainingOptions, featurize: Featurizer): MessageClassifier {
  if (!dir) return new MessageClassifier(docs, opts, featurize);
  const file = path.join(dir, `${key}.bin`);
  try {
    return MessageClassifier.fromState(decodeModel(fs.readFileSync(file)), featurize);
  } catch {
    // Not there yet, or unreadable: train.
  }
  const model = new MessageClassifier(docs, opts, featurize);
  try {
    fs.mkdirSync(dir, { recursive: true });
    const tmp = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, encodeModel(model.state()));
    fs.renameSync(tmp, file); // whole or nothing, also when two processes train at once
    const old = fs
      .readdirSync(dir)
      .filter((f) => f.endsWith('.bin'))
      .map((f) => ({ f, t: fs.statSync(path.join(dir, f)).mtimeMs }))
      .sort((a, b) => b.t - a.t)
      .slice(KEEP);
    for (const { f } of old) fs.rmSync(path.join(dir, f), { force: true });
  } catch {
    // A read-only disk: the model works all the same, the next start trains again.
  }
  return model;
}
