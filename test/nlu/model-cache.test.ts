/** Trained models on disk: the same answers as the model trained in memory, and never a wrong or broken model. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { MessageClassifier } from '../../src/nlu/classifier';
import { decodeModel, encodeModel, loadOrTrain, modelKey } from '../../src/nlu/model-cache';

const docs = [
  { text: 'mon proprietaire veut m expulser', label: 'logement' },
  { text: 'humidite dans l appartement', label: 'logement' },
  { text: 'expulsion de l appartement', label: 'logement' },
  { text: 'je suis enceinte', label: 'perinatalite' },
  { text: 'enceinte suivi de grossesse', label: 'perinatalite' },
  { text: 'sage femme pour ma grossesse', label: 'perinatalite' },
];
const probes = ['expulsion de mon appartement', 'enceinte de 5 mois', 'grosesse', 'zzz'];
const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'nlu-models-'));

test('a stored model answers exactly as the model it was trained as', () => {
  const trained = new MessageClassifier(docs);
  const restored = MessageClassifier.fromState(decodeModel(encodeModel(trained.state())));
  for (const p of probes) expect(restored.classify(p)).toEqual(trained.classify(p));
});

test('the stored weights and names are those of the trained model, wherever the file lands in memory', () => {
  const trained = new MessageClassifier(docs);
  const file = encodeModel(trained.state());
  // Read into a buffer at an odd offset: the arrays are then copied instead of viewed.
  const shifted = Buffer.alloc(file.length + 1);
  file.copy(shifted, 1);
  for (const state of [decodeModel(file), decodeModel(shifted.subarray(1))]) {
    expect(state.labels).toEqual(trained.labels);
    expect([...state.weights]).toEqual([...trained.state().weights]);
    expect([...state.bias]).toEqual([...trained.state().bias]);
    const names = trained.state().features;
    for (let i = 0; i < names.size; i++) expect(state.features.get(names.name(i))).toBe(i);
    for (const p of probes) expect(MessageClassifier.fromState(state).classify(p)).toEqual(trained.classify(p));
  }
});

test('a file of the former layout (names as JSON) is not read', () => {
  const trained = new MessageClassifier(docs);
  const { labels, features, bias, weights } = trained.state();
  const header = Buffer.from(JSON.stringify({ labels, features: Array.from({ length: features.size }, (_, i) => features.name(i)) }));
  const len = Buffer.alloc(4);
  len.writeUInt32LE(header.length);
  const old = Buffer.concat([Buffer.from('BNLU1'), len, header, Buffer.from(bias.buffer, bias.byteOffset, bias.byteLength), Buffer.from(weights.buffer, weights.byteOffset, weights.byteLength)]);
  expect(() => decodeModel(old)).toThrow();
});

test('the first start trains and stores; the next one loads the same model from the file', () => {
  const dir = tmp();
  const first = loadOrTrain(docs, {}, dir);
  const files = fs.readdirSync(dir);
  expect(files).toEqual([`${modelKey(docs, {})}.bin`]);
  const second = loadOrTrain(docs, {}, dir);
  for (const p of probes) expect(second.classify(p)).toEqual(first.classify(p));
});

test('other data or other options are another model', () => {
  expect(modelKey(docs, {})).not.toBe(modelKey(docs.slice(1), {}));
  expect(modelKey(docs, {})).not.toBe(modelKey(docs, { epochs: 3 }));
  expect(modelKey(docs, {})).toBe(modelKey([...docs], {}));
});

test.each<[string, (file: string) => void]>([
  ['a truncated file', (f) => fs.writeFileSync(f, fs.readFileSync(f).subarray(0, 100))],
  ['a file that is not a model', (f) => fs.writeFileSync(f, 'hello')],
  ['an empty file', (f) => fs.writeFileSync(f, '')],
])('%s is not used: the model is trained again and the file replaced', (_n, damage) => {
  const dir = tmp();
  const good = loadOrTrain(docs, {}, dir);
  const file = path.join(dir, `${modelKey(docs, {})}.bin`);
  damage(file);
  expect(() => decodeModel(fs.readFileSync(file))).toThrow();
  const again = loadOrTrain(docs, {}, dir);
  for (const p of probes) expect(again.classify(p)).toEqual(good.classify(p));
  expect(() => decodeModel(fs.readFileSync(file))).not.toThrow();
});

test('a folder that cannot be written: the model works all the same', () => {
  const blocker = path.join(tmp(), 'a-file');
  fs.writeFileSync(blocker, 'x');
  const m = loadOrTrain(docs, {}, path.join(blocker, 'models'));
  expect(m.classify('je suis enceinte')[0].label).toBe('perinatalite');
});
