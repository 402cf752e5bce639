/** Each row breaks a copy of the real journeys one way; the validator must name the problem. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadGraphs } from '../../src/engine/graph-loader';
import { validateGraphs } from '../../src/engine/validator';
import { loadSeed } from '../../src/catalogue/seed';
import { loadResources } from '../../src/i18n/resources';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const DIALOGS = path.resolve(__dirname, '../../dialogs');
const seed = loadSeed();
const resources = loadResources();

function brokenCopy(file: string, mutate: (g: Json) => void): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dialogs-'));
  for (const f of fs.readdirSync(DIALOGS).filter((x) => x.endsWith('.json'))) fs.copyFileSync(path.join(DIALOGS, f), path.join(dir, f));
  const g = JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8'));
  mutate(g);
  fs.writeFileSync(path.join(dir, file), JSON.stringify(g));
  return dir;
}

test.each<[string, string, (g: Json) => void, RegExp]>([
  ['a node leading nowhere', 'logement.json', (g) => (g.nodes.say_no_roof.next = 'nowhere'), /say_no_roof.*missing node "nowhere"/],
  ['an unreachable node', 'logement.json', (g) => (g.nodes.orphan = { type: 'end' }), /node "orphan": unreachable/],
  ['a loop', 'logement.json', (g) => (g.nodes.say_eviction.next = 'urgent_info'), /loop .*urgent_info/],
  ['an unknown fact', 'logement.json', (g) => (g.nodes.ask_situation.fact = 'shoe_size'), /unknown fact "shoe_size"/],
  ['an option the fact does not have', 'logement.json', (g) => (g.nodes.route.rules[0].when.value = 'castle'), /"castle" is not an option of fact "housing_situation"/],
  ['a locale key missing in every language', 'logement.json', (g) => (g.nodes.say_no_roof.text = 'logement.nope'), /locale key "logement.nope" is missing in fr/],
  ['a tag no service carries', 'logement.json', (g) => (g.nodes.rec_no_roof.tags = ['unicorn']), /no service in the catalogue carries tag "unicorn"/],
  ['a recommend that finds nothing in some bassin', 'logement.json', (g) => (g.nodes.rec_no_roof.tags = ['cpas'], g.nodes.rec_no_roof.themes = ['depistage']), /"rec_no_roof": coverage: no service for a commune of bassin nord\b/],
  ['a jump to a missing journey', 'main.json', (g) => (g.nodes.go_logement.journey = 'housing'), /missing journey "housing"/],
  ['an unknown node type', 'main.json', (g) => (g.nodes.ask_language.type = 'quiz'), /unknown type "quiz"/],
  ['a node with a field its type does not have', 'main.json', (g) => (g.nodes.ask_language.colour = 'red'), /"ask_language" \(ask\).*Unrecognized key: "colour"/],
  ['a journey id that is not its file name', 'isolement.json', (g) => (g.id = 'loneliness'), /id "loneliness" must match the file name/],
])('reports %s', (_name, file, mutate, expected) => {
  const dir = brokenCopy(file, mutate);
  const report = validateGraphs(loadGraphs(dir), seed, resources);
  expect(report.errors.join('\n')).toMatch(expected);
  fs.rmSync(dir, { recursive: true, force: true });
});
