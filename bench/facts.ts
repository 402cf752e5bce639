/**
 * "Say it once", measured on first messages written apart (bench/data/facts-eval/<lang>.json, held
 * out: written by hands that never saw the lexicons or the code, never used to build or tune them;
 * `--dev` reads the training-side set data/nlu/facts-dev instead, the one to look at when fixing).
 *
 * 1. Facts read from the message alone, as the dialog reads a first message (facts from the
 *    lexicons, the theme from them or from the classifier when it is sure, the presumed "for me"),
 *    against the facts a human read in it: precision and recall per fact and per language.
 * 2. Questions before results: the real dialog (seeded catalogue in memory) on a web chat opened in
 *    the message's language; a simulated person sends the message, then answers each question from
 *    the facts they stated (a neutral answer for what they had not said); counted: the questions
 *    until the services are shown, and those about a fact the message stated.
 *
 * Run: npm run bench:nlu (after the themes), or node dist/bench/facts.js [--dev | --dev=2 | --dev=3] [--lang=fr] after npm run build.
 * Writes bench/results/facts.{json,md} (facts-dev.* with --dev, facts-dev-N.* with --dev=N).
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Activity } from 'botbuilder-core';
import { DialogTestClient } from 'botbuilder-testing';
import { LANGUAGES, type Lang } from '../src/catalogue/schema';
import { loadSeed } from '../src/catalogue/seed';
import { fillGaps, isConfidentTheme, type Understanding } from '../src/bot/understanding';
import { addSituation, keepTheSubjectsFacts } from '../src/bot/interpretation';
import { loadGraphs } from '../src/engine/graph-loader';
import { journeysUsing } from '../src/engine/interpreter';
import { createUnderstanding } from '../src/nlu';
import { warmUpNumberRecognizers } from '../src/nlu/numbers';
import { conversationStart, orientationOf, testDialog, turn, userMessage } from '../test/support/bot-harness';

type Value = string | number | boolean;
export interface FactCase {
  id: string;
  text: string;
  facts: Record<string, Value>;
  register?: string;
  lang: Lang;
}

/** The facts scored; `audience` only as "professional" (the dialog takes every other writer for a resident). */
export const SCORED = ['theme', 'audience', 'for_whom', 'commune', 'age', 'sex', 'insured', 'papers', 'pregnancy_status', 'pregnancy_weeks', 'housing_situation', 'mh_need', 'cost_concern', 'screening', 'substance', 'isolation_need'] as const;

/** Weeks told in months are converted differently by people and by the bot: a month either way is the same answer. */
function same(fact: string, read: Value | undefined, told: Value | undefined): boolean {
  if (read === undefined || told === undefined) return false;
  if (fact === 'pregnancy_weeks') return Math.abs(Number(read) - Number(told)) <= 4;
  return String(read) === String(told);
}

export function readCases(dir: string): FactCase[] {
  if (!fs.existsSync(dir)) return [];
  const seed = loadSeed();
  // Annotators name the commune (French name); the bot holds its NIS code.
  // (the brief listed "Bruxelles" for Bruxelles-Ville, as people say it).
  const nisOf = new Map(seed.communes.flatMap((c) => [c.name.fr, c.name.nl, c.name.fr.replace(/-Ville$/, ''), ...c.aliases].map((n) => [n.toLowerCase(), c.nis] as [string, string])));
  return fs
    .readdirSync(dir)
    .filter((f) => /^[a-z]{2}\.json$/.test(f))
    .sort()
    .flatMap((f) => {
      const lang = f.slice(0, 2) as Lang;
      const rows = JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8')) as Array<Omit<FactCase, 'lang'>>;
      return rows.map((r) => {
        const facts = { ...r.facts };
        if (typeof facts.commune === 'string') {
          const nis = nisOf.get(facts.commune.toLowerCase());
          if (!nis) throw new Error(`${f} ${r.id}: unknown commune ${facts.commune}`);
          facts.commune = nis;
        }
        if (facts.audience === 'resident') delete facts.audience;
        return { ...r, facts, lang };
      });
    });
}

const graphs = loadGraphs().graphs;
const usedBy = (fact: string) => journeysUsing(graphs, fact);

/** What the dialog holds after a first message (its interpretation of free text, src/bot/interpretation.ts). */
export function readFirstMessage(u: Understanding, text: string, lang: Lang): Record<string, Value> {
  const { facts, presumed, why, twins } = u.extractFacts(text, lang);
  if (facts.theme === undefined) {
    const th = u.theme(text, lang);
    if (th && isConfidentTheme(th)) facts.theme = th.theme;
  }
  keepTheSubjectsFacts(facts, why ?? {}, twins ?? [], usedBy);
  addSituation(u, text, facts, why);
  const out: Record<string, Value> = { ...facts, ...fillGaps(facts, presumed) } as Record<string, Value>;
  delete out.language;
  delete out.district;
  return out;
}

interface Tally {
  tp: number;
  fp: number;
  fn: number;
}

function pct(n: number, d: number): string {
  return d ? `${Math.round((100 * n) / d)}%` : '—';
}

/** The answer a person gives to a question: from what they told, else a neutral one. */
function answerFor(slot: string, options: string[] | undefined, titles: string[], told: Record<string, Value>, communeName: (nis: string) => string): string {
  const value = told[slot];
  if (options?.length && titles.length === options.length) {
    // Unsaid: "no" to a yes/no question (no danger now, no insurance), else the first option.
    const i = options.indexOf(value === undefined ? 'false' : String(value));
    return titles[Math.max(0, i)];
  }
  if (value !== undefined) return slot === 'commune' ? communeName(String(value)) : String(value);
  if (slot === 'commune') return 'Ixelles';
  if (slot === 'age') return '35';
  if (slot === 'pregnancy_weeks') return '20';
  return titles[0] ?? 'ok';
}

type Run = { questions: number; askedStated: string[]; reached: boolean; alarm?: string };

async function questionsBeforeResults(c: FactCase, communeName: (nis: string) => string): Promise<Run> {
  const { dialog } = await testDialog();
  const client = new DialogTestClient('test', dialog);
  const locale = c.lang;
  await turn(client, conversationStart(locale));
  let replies = await turn(client, userMessage(c.text, locale));
  // None of these messages tells a danger: the safety net speaking is a false alarm.
  const safety = replies.map((r) => (r.channelData as { safety?: { level: string; categories: string[] } } | undefined)?.safety).find(Boolean);
  // Having no roof tonight gets the shelter numbers on purpose (the `urgent` band): not an alarm.
  const alarm = safety && safety.level !== 'urgent' ? `${safety.level}:${safety.categories.join('+')}` : undefined;
  let questions = 0;
  const askedStated: string[] = [];
  const end = (reached: boolean): Run => ({ questions, askedStated, reached, ...(alarm ? { alarm } : {}) });
  for (let step = 0; step < 12; step++) {
    if (orientationOf(replies)) return end(true);
    const q = [...replies].reverse().find((r) => (r.channelData as { question?: unknown } | undefined)?.question) as Partial<Activity> | undefined;
    const question = (q?.channelData as { question?: { slot: string; options?: string[] } } | undefined)?.question;
    if (!question) return end(false);
    questions += 1;
    if (c.facts[question.slot] !== undefined && question.slot !== 'audience') askedStated.push(question.slot);
    const titles = (q?.suggestedActions?.actions ?? []).map((a) => String(a.title ?? a.value));
    replies = await turn(client, userMessage(answerFor(question.slot, question.options, titles, c.facts, communeName), locale));
  }
  return end(false);
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? (s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2) : 0;
}

async function main(): Promise<void> {
  const root = path.resolve(__dirname, '../..');
  // --dev: data/nlu/facts-dev (the safety net also learns from it); --dev=N: data/nlu/facts-dev-N,
  // development sets written later (the safety net does not read them).
  const devArg = process.argv.find((a) => a === '--dev' || a.startsWith('--dev='));
  const dev = devArg !== undefined;
  const devNumber = devArg?.startsWith('--dev=') ? Number(devArg.slice('--dev='.length)) : 1;
  if (!Number.isInteger(devNumber) || devNumber < 1) throw new Error('--dev=N: N is the number of a development set (data/nlu/facts-dev-N)');
  const devName = devNumber === 1 ? 'facts-dev' : `facts-dev-${devNumber}`;
  const dir = dev ? path.join(root, 'data', 'nlu', devName) : path.join(root, 'bench', 'data', 'facts-eval');
  const only = process.argv.find((a) => a.startsWith('--lang='))?.slice('--lang='.length);
  const cases = readCases(dir).filter((c) => !only || c.lang === only);
  if (!cases.length) throw new Error(`no cases in ${path.relative(root, dir)}`);
  const u = await createUnderstanding();
  warmUpNumberRecognizers();
  const seed = loadSeed();
  const communeName = (nis: string) => seed.communes.find((c) => c.nis === nis)?.name.fr ?? nis;

  const tallies = new Map<string, Tally>(); // `${lang}|${fact}` and `all|${fact}`
  const tally = (key: string) => tallies.get(key) ?? (tallies.set(key, { tp: 0, fp: 0, fn: 0 }).get(key) as Tally);
  const misses: Array<{ id: string; fact: string; told?: Value; read?: Value }> = [];
  for (const c of cases) {
    const read = readFirstMessage(u, c.text, c.lang);
    for (const fact of SCORED) {
      let r: Value | undefined = read[fact];
      let t: Value | undefined = c.facts[fact];
      if (fact === 'audience') {
        r = r === 'professional' ? r : undefined;
        t = t === 'professional' ? t : undefined;
      }
      if (r === undefined && t === undefined) continue;
      for (const key of [`${c.lang}|${fact}`, `all|${fact}`]) {
        const x = tally(key);
        if (same(fact, r, t)) x.tp += 1;
        else {
          if (r !== undefined) x.fp += 1;
          if (t !== undefined) x.fn += 1;
        }
      }
      if (!same(fact, r, t)) misses.push({ id: c.id, fact, told: t, read: r });
    }
  }

  const runs: Array<{ id: string; lang: Lang } & Run> = [];
  for (const c of cases) runs.push({ id: c.id, lang: c.lang, ...(await questionsBeforeResults(c, communeName)) });

  const langs = LANGUAGES.filter((l) => cases.some((c) => c.lang === l));
  const lines: string[] = [];
  lines.push(`# Say it once: facts from a first message, and questions before results (\`npm run bench:nlu\`)`, '');
  lines.push(`${new Date().toISOString().slice(0, 10)}; ${cases.length} messages (${langs.map((l) => `${l} ${cases.filter((c) => c.lang === l).length}`).join(', ')}) from \`${path.relative(root, dir)}\`${dev ? ' (development set: used to fix kinds of failure)' : ' (held out: written apart, never used for a choice)'}.`, '');
  lines.push('## Facts read from the message alone: precision / recall', '');
  lines.push(`| fact | ${langs.join(' | ')} | all |`, `|---|${langs.map(() => '---:').join('|')}|---:|`);
  for (const fact of SCORED) {
    const cell = (key: string) => {
      const x = tallies.get(key);
      if (!x || x.tp + x.fp + x.fn === 0) return '—';
      return `${pct(x.tp, x.tp + x.fp)} / ${pct(x.tp, x.tp + x.fn)} (${x.tp + x.fn})`;
    };
    lines.push(`| ${fact} | ${langs.map((l) => cell(`${l}|${fact}`)).join(' | ')} | ${cell(`all|${fact}`)} |`);
  }
  lines.push('', 'Cells: precision / recall (messages where a human read the fact).', '');
  lines.push('A run stops at the services, or when the bot asks nothing more (the safety net\'s numbers, a handoff offer): "reached results" counts the first. No message tells a danger, so every time the safety net spoke is a false alarm on an ordinary message written apart (the shelter numbers for a night outside, the `urgent` band, are meant and not counted).', '');
  lines.push('## Questions before results (simulated person, web chat in the message\'s language)', '');
  lines.push('| language | messages | median questions | mean | reached results | asked about a fact the message stated | safety net spoke (false alarm; of them: question only) |', '|---|---:|---:|---:|---:|---:|---:|');
  for (const l of [...langs, 'all' as const]) {
    const rs = runs.filter((r) => l === 'all' || r.lang === l);
    const asked = rs.filter((r) => r.askedStated.length);
    const alarms = rs.filter((r) => r.alarm);
    lines.push(`| ${l} | ${rs.length} | ${median(rs.map((r) => r.questions))} | ${(rs.reduce((s, r) => s + r.questions, 0) / rs.length).toFixed(2)} | ${pct(rs.filter((r) => r.reached).length, rs.length)} | ${asked.length} (${pct(asked.length, rs.length)}) | ${alarms.length} (${pct(alarms.length, rs.length)}; ${alarms.filter((r) => r.alarm?.startsWith('ask:')).length}) |`);
  }
  const askedFacts = new Map<string, number>();
  for (const r of runs) for (const f of r.askedStated) askedFacts.set(f, (askedFacts.get(f) ?? 0) + 1);
  if (askedFacts.size) lines.push('', `Asked although stated: ${[...askedFacts].sort((a, b) => b[1] - a[1]).map(([f, n]) => `${f} ${n}`).join(', ')}.`);
  const md = lines.join('\n') + '\n';
  const out = path.join(root, 'bench', 'results');
  fs.mkdirSync(out, { recursive: true });
  const name = `${dev ? devName : 'facts'}${only ? `-${only}` : ''}`;
  fs.writeFileSync(path.join(out, `${name}.md`), md);
  fs.writeFileSync(path.join(out, `${name}.json`), JSON.stringify({ date: new Date().toISOString(), set: path.relative(root, dir), tallies: Object.fromEntries(tallies), runs, ...(dev ? { misses } : {}) }, null, 2) + '\n');
  process.stdout.write(md);
  if (dev) for (const m of misses) process.stdout.write(`${m.id}\t${m.fact}\ttold=${m.told ?? '-'}\tread=${m.read ?? '-'}\t${cases.find((c) => c.id === m.id)?.text}\n`);
}

if (require.main === module)
  main().catch((err) => {
    console.error(err);
    process.exit(1);
  });
