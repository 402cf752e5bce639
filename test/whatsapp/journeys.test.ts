/**
 * Every journey of dialogs/ driven to its results over WhatsApp, against the fake Graph API (which
 * fails the test on any payload breaking a WhatsApp limit), in the seven languages. The cases are
 * data: the language, what the person sends — a typed text, an option tapped in the list or the
 * buttons shown (the reply carries the id we gave it, never a title the bot reads), or the
 * option's number typed instead — and the services the results must show, by catalogue id; the
 * test looks up each service's name in the person's language and expects it in bold on WhatsApp.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startBoussole, type RunningBoussole } from '../../src/app/boussole';
import type { Lang, LocalText } from '../../src/catalogue/schema';
import { loadGraphs } from '../../src/engine/graph-loader';
import { createI18n, pickText } from '../../src/i18n/i18n';
import { createLogger } from '../../src/logging/logger';
import { optionLabel } from '../../src/bot/render/render-outputs';
import { ACCESS_TOKEN, APP_SECRET, FakeGraph, PHONE_NUMBER_ID, VERIFY_TOKEN, WhatsAppPerson, type SentMessage } from './fake-graph';

jest.setTimeout(120000);

type Step =
  /** Typed text. */
  | { say: string }
  /** `fact.option`: taps the row or button that shows this option's label (as the person reads it). */
  | { tap: string }
  /** `fact.option`: types the option's position in the list or buttons shown (in Arabic digits for Arabic). */
  | { number: string };

interface Case {
  name: string;
  /** The journey of dialogs/ this case ends in. */
  journey: string;
  lang: Lang;
  steps: Step[];
  /** Catalogue ids of services the results show (each by its name in the person's language). */
  services: string[];
}

const CASES: Case[] = [
  {
    name: 'fr, logement: every answer tapped; eviction in Schaerbeek',
    journey: 'logement',
    lang: 'fr',
    steps: [{ say: 'Bonjour' }, { tap: 'language.fr' }, { tap: 'audience.resident' }, { tap: 'theme.logement' }, { tap: 'housing_situation.eviction' }, { say: 'Schaerbeek' }],
    services: ['cpas-schaerbeek'],
  },
  {
    name: 'nl, santé mentale: numbers typed for the lists and buttons; talk, 30 years, Elsene',
    journey: 'sante_mentale',
    lang: 'nl',
    steps: [{ say: 'Hallo' }, { number: 'language.nl' }, { number: 'audience.resident' }, { number: 'theme.sante_mentale' }, { number: 'mh_danger_now.false' }, { number: 'for_whom.self' }, { say: '30' }, { number: 'mh_need.talk' }, { say: 'Elsene' }],
    services: ['psybru-psychologue-premiere-ligne'],
  },
  {
    name: 'ar, périnatalité: typed Arabic (the pregnancy said in the first message), then buttons; 20 weeks, no insurance, no papers, Molenbeek',
    journey: 'perinatalite',
    lang: 'ar',
    steps: [{ say: 'مرحبا، أنا حامل وأبحث عن متابعة' }, { say: '20' }, { tap: 'insured.false' }, { tap: 'papers.false' }, { say: 'Molenbeek' }],
    services: ['aquarelle-chu-saint-pierre'],
  },
  {
    name: 'en, dépistage: colorectal at 60 in Evere, choices tapped',
    journey: 'depistage',
    lang: 'en',
    steps: [{ say: 'Hello' }, { tap: 'language.en' }, { tap: 'audience.resident' }, { tap: 'theme.depistage' }, { tap: 'screening.colorectal' }, { say: '60' }, { say: 'Evere' }],
    services: ['bruprev-colotest'],
  },
  {
    name: 'ar, dépistage: the language seen in the greeting; breast at 55 in Woluwe-Saint-Pierre, numbers typed in Arabic digits',
    journey: 'depistage',
    lang: 'ar',
    steps: [{ say: 'مرحبا' }, { number: 'audience.resident' }, { number: 'theme.depistage' }, { number: 'screening.breast' }, { number: 'sex.female' }, { say: '55' }, { say: 'Woluwe-Saint-Pierre' }],
    services: ['bruprev-mammotest'],
  },
  {
    name: 'tr, isolement: someone to talk to, in Anderlecht',
    journey: 'isolement',
    lang: 'tr',
    steps: [{ say: 'Merhaba' }, { tap: 'language.tr' }, { tap: 'audience.resident' }, { tap: 'theme.isolement' }, { tap: 'isolation_need.talk_someone' }, { say: 'Anderlecht' }],
    services: ['tele-accueil-107'],
  },
  {
    name: 'es, assuétudes: alcohol, for a relative, in Ixelles; a mix of taps and numbers',
    journey: 'assuetudes',
    lang: 'es',
    steps: [{ say: 'Hola' }, { tap: 'language.es' }, { number: 'audience.resident' }, { tap: 'theme.assuetudes' }, { number: 'substance.alcohol' }, { tap: 'for_whom.relative' }, { say: 'Ixelles' }],
    services: ['infor-drogues-addictions'],
  },
  {
    name: 'ro, logement: no roof tonight, in Saint-Gilles',
    journey: 'logement',
    lang: 'ro',
    steps: [{ say: 'Bună ziua' }, { tap: 'language.ro' }, { tap: 'audience.resident' }, { number: 'theme.logement' }, { tap: 'housing_situation.no_roof' }, { say: 'Saint-Gilles' }],
    services: ['samusocial-hebergement-urgence'],
  },
  {
    name: 'nl, isolement: meeting people, everything typed',
    journey: 'isolement',
    lang: 'nl',
    steps: [{ say: 'Ik voel me zo alleen, ik zou graag mensen ontmoeten' }, { say: 'Voor mij' }, { say: 'mensen ontmoeten' }, { say: 'Jette' }],
    services: ['lieux-de-liens'],
  },
  {
    name: 'fr, assuétudes: typed text only; gambling, for me, in Uccle',
    journey: 'assuetudes',
    lang: 'fr',
    steps: [{ say: "Bonjour, je joue trop aux jeux d'argent" }, { say: 'pour moi' }, { say: 'Uccle' }],
    services: ['de-druglijn'],
  },
  {
    name: 'fr, santé mentale: a professional, exile, 35, Saint-Josse',
    journey: 'sante_mentale',
    lang: 'fr',
    steps: [{ say: 'Bonjour' }, { tap: 'language.fr' }, { tap: 'audience.professional' }, { tap: 'theme.sante_mentale' }, { tap: 'mh_danger_now.false' }, { say: '35 ans' }, { tap: 'mh_need.exile' }, { say: 'Saint-Josse' }],
    services: ['ulysse-ssm-exil'],
  },
  {
    name: 'en, périnatalité: delivered, insured, in Etterbeek',
    journey: 'perinatalite',
    lang: 'en',
    steps: [{ say: 'Hello' }, { tap: 'language.en' }, { tap: 'audience.resident' }, { tap: 'theme.perinatalite' }, { tap: 'pregnancy_status.delivered' }, { tap: 'insured.true' }, { say: 'Etterbeek' }],
    services: ['one-consultations-prenatales'],
  },
];

const { t } = createI18n();
const graphs = loadGraphs();
const serviceNames = new Map<string, LocalText>();
for (const f of fs.readdirSync(path.join(__dirname, '../../data/services')).filter((x) => x.endsWith('.json'))) {
  const doc = JSON.parse(fs.readFileSync(path.join(__dirname, '../../data/services', f), 'utf8')) as Array<{ id: string; name: LocalText }> | { services: Array<{ id: string; name: LocalText }> };
  for (const s of Array.isArray(doc) ? doc : doc.services) serviceNames.set(s.id, s.name);
}

let app: RunningBoussole;
let graph: FakeGraph;
const logLines: string[] = [];

beforeAll(async () => {
  graph = await new FakeGraph().start();
  app = await startBoussole({
    env: {
      MONGODB_URI: process.env.TEST_MONGODB_URI,
      MONGODB_DB: `t_${crypto.randomBytes(5).toString('hex')}`,
      PORT: '0',
      BOT_AUTH: 'local',
      LOG_LEVEL: 'info',
      DATA_DIR: path.join(os.tmpdir(), `boussole-wa-journeys-${process.pid}`),
      WHATSAPP_VERIFY_TOKEN: VERIFY_TOKEN,
      WHATSAPP_APP_SECRET: APP_SECRET,
      WHATSAPP_ACCESS_TOKEN: ACCESS_TOKEN,
      WHATSAPP_PHONE_NUMBER_ID: PHONE_NUMBER_ID,
      WHATSAPP_GRAPH_URL: graph.url,
    },
    log: createLogger('info', {}, (l) => logLines.push(l)),
    // A Wednesday morning: hours and Rendez-vous fixed.
    now: () => new Date('2026-11-25T10:00:00+01:00'),
  });
}, 180_000);
afterAll(async () => {
  await app?.database.db.dropDatabase().catch(() => undefined);
  await app?.close();
  await graph?.close();
});
afterEach(() => {
  expect(graph.violations).toEqual([]);
});

/** The label a person reads for `fact.option` in `lang`. */
function label(lang: Lang, ref: string): string {
  const [fact, option] = ref.split('.');
  if (!(fact in graphs.facts)) throw new Error(`unknown fact ${fact}`);
  return optionLabel(t, lang, fact, option).replace(/\s+/g, ' ').trim();
}

/** The position of the option labelled `full` among the options of `menu`: its title, or its full label in the row's description. */
function optionIndex(menu: SentMessage, full: string): number {
  return menu.options.findIndex((o, k) => o === full || menu.descriptions[k] === full || (o.endsWith('…') && full.startsWith(o.slice(0, -1)) && (!menu.descriptions[k] || full.startsWith(menu.descriptions[k].replace(/…$/, '')))));
}

const ARABIC_DIGITS = '٠١٢٣٤٥٦٧٨٩';
let numbers = 0;

test('the cases drive every journey of dialogs/ in at least five languages', () => {
  const journeys = [...graphs.graphs.keys()].filter((id) => id !== 'main');
  expect(journeys.length).toBeGreaterThanOrEqual(6);
  expect([...new Set(CASES.map((c) => c.journey))].sort()).toEqual([...journeys].sort());
  expect(new Set(CASES.map((c) => c.lang)).size).toBeGreaterThanOrEqual(5);
  for (const l of ['fr', 'nl', 'ar']) expect(CASES.some((c) => c.lang === l)).toBe(true);
});

test.each(CASES.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
  const person = new WhatsAppPerson(`${app.url}webhooks/whatsapp`, `32471${String(200000 + ++numbers)}`);
  const transcript: string[] = [];
  let seen = 0;
  const replies = async (): Promise<SentMessage[]> => {
    const r = await graph.waitFor(person.number, seen);
    seen += r.length;
    for (const m of r) transcript.push(`  < [${m.type}] ${m.text.replace(/\n/g, ' / ').slice(0, 160)}${m.options.length ? ` {${m.options.map((o, k) => `${o}${m.descriptions[k] ? ` (${m.descriptions[k]})` : ''}`).join(' | ')}}` : ''}`);
    return r;
  };
  const lastMenu = () => graph.to(person.number).slice(0, seen).filter((m) => m.ids.length).at(-1);
  let last: SentMessage[] = [];
  try {
    for (const step of c.steps) {
      if ('say' in step) {
        transcript.push(`> ${step.say}`);
        expect((await person.say(step.say)).status).toBe(200);
      } else {
        const ref = 'tap' in step ? step.tap : step.number;
        const full = label(c.lang, ref);
        const menu = last.filter((m) => m.ids.length).at(-1);
        if (!menu) throw new Error(`no list or buttons in the last replies to choose ${ref} ("${full}") from`);
        const i = optionIndex(menu, full);
        if (i < 0) throw new Error(`no option "${full}" (${ref}) in ${JSON.stringify(menu.options)} / ${JSON.stringify(menu.descriptions)}`);
        if ('tap' in step) {
          transcript.push(`> (tap) ${menu.options[i]}`);
          expect((await person.tap({ id: menu.ids[i], title: menu.options[i] }, menu.type === 'interactive/list' ? 'list_reply' : 'button_reply')).status).toBe(200);
        } else {
          const n = String(i + 1).replace(/\d/g, (d) => (c.lang === 'ar' ? ARABIC_DIGITS[Number(d)] : d));
          transcript.push(`> ${n}`);
          expect((await person.say(n)).status).toBe(200);
        }
      }
      last = await replies();
    }
    void lastMenu;
    const results = last.map((m) => m.text).join('\n');
    for (const id of c.services) {
      const name = serviceNames.get(id);
      if (!name) throw new Error(`no service ${id} in data/services`);
      expect(results).toContain(`*${pickText(name, c.lang)!.text}`);
    }
    // Arabic reads right to left: every line opens with a right-to-left mark.
    if (c.lang === 'ar') for (const m of last) for (const line of m.text.split('\n').filter((l) => l.trim())) expect(line.startsWith('\u200f')).toBe(true);
  } catch (err) {
    throw new Error(`${String(err instanceof Error ? err.message : err)}\n${transcript.join('\n')}`);
  }
});
