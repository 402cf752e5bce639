/**
 * The theme's situation told in words no phrase lists, read by the situation models
 * (src/nlu/situations.ts): filled when sure, never for a message that only names its theme.
 */
import { createUnderstanding } from '../../src/nlu';
import { interpret } from '../../src/bot/interpretation';
import type { Understanding } from '../../src/bot/understanding';

let u: Understanding;
beforeAll(async () => {
  u = await createUnderstanding();
});

test.each<[string, string, string, string | undefined]>([
  // The kind of help, said without the lexicon's words.
  ['je me sens seule, je voudrais sortir un peu et voir du monde dans mon quartier', 'isolement', 'isolation_need', 'meet_people'],
  ['depuis que je suis veuf je ne vois plus personne, il y a des clubs pour les anciens?', 'isolement', 'isolation_need', 'meet_people'],
  ['ik voel me eenzaam, zijn er activiteiten in de buurt', 'isolement', 'isolation_need', 'meet_people'],
  ['mon proprio m a envoyé un renon', 'logement', 'housing_situation', 'eviction'],
  ['je voudrais consulter quelqu un pour mes angoisses', 'sante_mentale', 'mh_need', 'talk'],
  // Only the theme: the question is still asked.
  ['j ai un probleme de logement', 'logement', 'housing_situation', undefined],
  ['je vais pas bien depuis des mois', 'sante_mentale', 'mh_need', undefined],
  ['I feel lonely these days', 'isolement', 'isolation_need', undefined],
])('%s (%s) → %s = %s', (text, theme, fact, value) => {
  const s = u.situation?.(text, theme);
  if (value === undefined) expect(s?.fact === fact ? s.value : undefined).toBeUndefined();
  else expect(s).toMatchObject({ fact, value });
});

test('a first message: the model fills what no phrase said, says why, and never overrides a phrase', () => {
  const ctx = { lang: 'fr' as const, languageKnown: true, audienceKnown: false, themeOpen: true, languageConfidence: 0.5 };
  const read = interpret(u, 'je voudrais consulter quelqu un pour mes angoisses', false, ctx);
  expect(read.told).toMatchObject({ theme: 'sante_mentale', mh_need: 'talk' });
  expect(read.why.mh_need).toBe('classifier');
  const phrase = interpret(u, "je me sens seule, j'ai besoin de parler a quelqu'un", false, ctx);
  expect(phrase.told).toMatchObject({ theme: 'isolement', isolation_need: 'talk_someone' });
  expect(phrase.why.isolation_need).not.toBe('classifier');
});
