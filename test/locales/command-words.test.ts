/**
 * The bot tells people which word to type ("type «menu» to start again"): in every language, each
 * quoted word must be understood as that very command by the NLU, and every command named must be quoted.
 */
import fs from 'node:fs';
import path from 'node:path';
import { createUnderstanding } from '../../src/nlu';
import { LANGUAGES, type Lang } from '../../src/catalogue/schema';
import type { GlobalIntent, Understanding } from '../../src/bot/understanding';
import { loadResources, lookup } from '../../src/i18n/resources';

const resources = loadResources();
let u: Understanding;
beforeAll(async () => {
  u = await createUnderstanding({ resources });
});

/** Text between quotes of any of the styles the locales use: « », “ ”, „ ”, " ". */
function quotedWords(text: string): string[] {
  return [...text.matchAll(/«\s*([^»]+?)\s*»|“([^”]+)”|„([^”]+)”|"([^"]+)"/g)].map((m) => (m[1] ?? m[2] ?? m[3] ?? m[4]).trim());
}

const COMMAND_TEXTS: Array<[string, GlobalIntent[]]> = [
  ['welcome.privacy', ['forget_me']],
  ['common.end', ['restart', 'human']],
  ['common.offer_person', ['human']],
  ['results.more_count', ['more']],
  ['global.help', ['restart', 'back', 'human', 'change_language', 'forget_me']],
];
const cases = LANGUAGES.flatMap((lang) => COMMAND_TEXTS.map(([key, intents]) => [lang, key, intents] as const));

/** The text of a key, or each form of a plural key ("results.more_count" → more_count_one, _other…). */
function textsOf(lang: Lang, key: string): string[] {
  const plain = lookup(resources[lang]?.translation, key);
  if (typeof plain === 'string') return [plain];
  const dot = key.lastIndexOf('.');
  const parent = lookup(resources[lang]?.translation, key.slice(0, dot)) as Record<string, unknown> | undefined;
  return Object.entries(parent ?? {})
    .filter(([k, v]) => k.startsWith(`${key.slice(dot + 1)}_`) && typeof v === 'string')
    .map(([, v]) => v as string);
}

test.each(cases)('%s %s: each quoted word is the command it announces', (lang, key, intents) => {
  const texts = textsOf(lang, key);
  expect(texts.length).toBeGreaterThan(0);
  for (const text of texts) {
    const words = quotedWords(text);
    const understood = words.map((w) => [w, u.globalIntent(w, lang as Lang) ?? 'not understood'] as const);
    // A failure shows the text, the word and what it was taken for.
    expect({ text, wrong: understood.filter(([, i]) => !(intents as readonly string[]).includes(i)) }).toEqual({ text, wrong: [] });
    expect({ text, intents: [...new Set(understood.map(([, i]) => i))].sort() }).toEqual({ text, intents: [...intents].sort() });
  }
});

test.each(LANGUAGES.flatMap((lang) => ['perinatalite.say_mh_hint', 'perinatalite.say_mh_hint_pro'].map((key) => [lang, key] as const)))('%s %s: the theme word suggested after a birth leads to mental health', (lang, key) => {
  const text = lookup(resources[lang]?.translation, key) as string;
  const [word] = quotedWords(text);
  expect(word).toBeTruthy();
  expect(u.theme(word, lang)?.theme).toBe('sante_mentale');
});

test('quotedWords reads every quote style in the locales', () => {
  expect(quotedWords('Écrivez « menu » ou “kişi”, „înapoi” et «انسني» or "person".')).toEqual(['menu', 'kişi', 'înapoi', 'انسني', 'person']);
});

// The web page's own buttons send a phrase in the page language (web/strings.json): each must be
// understood as its command, or the button would send words the bot misreads.
const pageStrings = JSON.parse(fs.readFileSync(path.resolve(__dirname, '../../web/strings.json'), 'utf8')) as Record<string, Record<string, string>>;
const PAGE_COMMANDS: Array<[string, GlobalIntent]> = [
  ['cmdRestart', 'restart'],
  ['cmdLanguage', 'change_language'],
  ['cmdForget', 'forget_me'],
];
test.each(LANGUAGES.flatMap((lang) => PAGE_COMMANDS.map(([key, intent]) => [lang, key, intent] as const)))('%s: the page button %s sends a phrase understood as %s', (lang, key, intent) => {
  const phrase = pageStrings[lang]?.[key];
  expect(phrase).toBeTruthy();
  expect(u.globalIntent(phrase, lang as Lang)).toBe(intent);
});
