/** What the NLU makes of resident-style messages: tables per capability, in several languages. */
import { createUnderstanding } from '../../src/nlu';
import { loadGraphs } from '../../src/engine/graph-loader';
import { fillGaps, isConfidentTheme, THEME_CONFIDENCE, type Understanding } from '../../src/bot/understanding';
import type { Lang } from '../../src/catalogue/schema';
import type { Facts } from '../../src/engine/types';

let u: Understanding;
const facts = loadGraphs().facts;
beforeAll(async () => {
  u = await createUnderstanding();
});

describe('facts from free text', () => {
  test.each<[string, Record<string, unknown>]>([
    ['bjr jsui enceinte de 5 mois pa de mutuel jhabite a anderlech', { pregnancy_status: 'pregnant', pregnancy_weeks: 22, insured: false, commune: '21001' }],
    ['je dors dehors ce soir a schaerbeek', { housing_situation: 'no_roof', commune: '21015' }],
    ['ik woon in anderlecht mais j ai pas de mutuelle', { commune: '21001', insured: false }],
    ['ik ben zwanger, 20 weken, geen papieren, ik woon in Molenbeek', { pregnancy_status: 'pregnant', pregnancy_weeks: 20, papers: false, commune: '21012' }],
    ['mold everywhere in my flat in Ixelles', { housing_situation: 'unhealthy', commune: '21009' }],
    ['hamileyim sigortam yok schaerbeek', { pregnancy_status: 'pregnant', insured: false, commune: '21015' }],
    ['estoy embarazada sin papeles vivo en Saint-Gilles', { pregnancy_status: 'pregnant', papers: false, commune: '21013' }],
    ['sunt însărcinată fără asigurare, locuiesc în Anderlecht', { pregnancy_status: 'pregnant', insured: false, commune: '21001' }],
    ['أنا حامل بدون تأمين في أندرلخت anderlecht', { pregnancy_status: 'pregnant', insured: false, commune: '21001' }],
    ['mon patient a 45 ans et boit trop, il habite a Jette', { audience: 'professional', age: 45, substance: 'alcohol', commune: '21010' }],
    ['expulsion laeken', { housing_situation: 'eviction', commune: '21004', district: 'laeken' }],
    ['ik woon in brussel centrum', { commune: '21004', district: 'pentagone' }],
    ['I live in Brussels city centre', { commune: '21004', district: 'pentagone' }],
    ['j habite au 1030', { commune: '21015' }],
    ['woluwe st lambert', { commune: '21018' }],
    ['woluwe 1150', { commune: '21019' }],
    ['on habite a matonge', { commune: '21009' }],
    // The same words listed for two facts fill both: the journey that follows uses its own.
    ['je suis seule, j aimerais parler a quelqu un', { mh_need: 'talk', isolation_need: 'talk_someone' }],
  ])('%s', (text, expected) => {
    expect(u.extractFacts(text, 'fr').facts).toMatchObject(expected);
  });

  // How people tell their own state says the help is for them; naming someone else, or being a
  // professional, says otherwise.
  test.each<[string, Record<string, unknown>, Record<string, unknown>]>([
    ['jme sens tres mal depuis des mois', {}, { for_whom: 'self' }],
    ['ik voel me al maanden slecht', {}, { for_whom: 'self' }],
    ['i feel so lonely since my divorce', {}, { for_whom: 'self' }],
    ['kendimi cok yalniz hissediyorum', {}, { for_whom: 'self' }],
    ['me siento muy sola', { for_whom: 'self' }, {}],
    ['ma simt singura de luni de zile', {}, { for_whom: 'self' }],
    ['أشعر بالوحدة', {}, { for_whom: 'self' }],
    ['je bois trop le soir', {}, { for_whom: 'self' }],
    ['ik wil stoppen met drinken', {}, { for_whom: 'self' }],
    ['quiero dejar la coca', {}, { for_whom: 'self' }],
    ['mon mari veut arreter de boire, je veux l aider', { for_whom: 'relative' }, {}],
    ['je me sens perdue, mon fils se drogue', { for_whom: 'child' }, {}],
    ['ik voel me machteloos, mijn moeder drinkt', { for_whom: 'relative' }, {}],
    ['je suis assistante sociale et je me sens demunie', { audience: 'professional' }, {}],
    // Writing in the first person without naming anyone else: read apart by three hands as being for oneself.
    ['je cherche un psy a ixelles', {}, { for_whom: 'self' }],
    ['j habite a forest', {}, { for_whom: 'self' }],
    ['je cherche un psy pour mon fils', { for_whom: 'child' }, {}],
  ])('for whom: %s', (text, facts, presumed) => {
    const r = u.extractFacts(text, 'fr');
    expect({ for_whom: r.facts.for_whom, audience: r.facts.audience }).toMatchObject(facts);
    expect(r.presumed).toEqual(presumed);
  });

  // The sex of the person a message is about, when a clause opens on them (a relative, a pronoun,
  // a professional's "man, 44"); a relative named inside a sentence says nothing of the writer.
  test.each<[string, Lang, string | undefined]>([
    ['Annem 66 yasinda, Fransizca bilmiyor', 'tr', 'female'],
    ['oglum 17 yasinda esrar iciyor', 'tr', 'male'],
    ['Mi marido bebe cada noche desde que perdio el trabajo', 'es', 'male'],
    ['My friend is 25, lives in Evere. She says she is lonely', 'en', 'female'],
    ['mijn vrouw drinkt stiekem wijn vanaf de middag', 'nl', 'female'],
    ['Maatschappelijk werker OCMW: cliënt (man, 50) zoekt een screening', 'nl', 'male'],
    ['ولدي عندو 12 عام، مدمن على البلايستيشن', 'ar', 'male'],
    ['ik woon bij mijn moeder en voel me al maanden slecht', 'nl', undefined],
    ['busco piso con mi marido en Anderlecht', 'es', undefined],
  ])('sex of the person spoken about: %s', (text, lang, sex) => {
    expect(u.extractFacts(text, lang).facts.sex).toBe(sex);
  });

  test.each<[string, Facts, Facts]>([
    ['nothing known yet', {}, { for_whom: 'self' }],
    ['the person named her son before', { for_whom: 'child' }, {}],
    ['a professional', { audience: 'professional' }, {}],
    ['a resident who told other things', { audience: 'resident', theme: 'sante_mentale' }, { for_whom: 'self' }],
  ])('a presumed fact only fills a gap: %s', (_name, known, added) => {
    expect(fillGaps(known, { for_whom: 'self' })).toEqual(added);
  });

  test.each<[string, string[]]>([
    ['j habite 1050', ['21004', '21009']],
    ['ik woon in 1040', ['21004', '21005']],
    ['j habite a woluwe', ['21018', '21019']],
    ['wolluwe', ['21018', '21019']],
  ])('a shared postal code or name gives candidates, not a guess: %s', (text, candidates) => {
    const r = u.extractFacts(text, 'fr');
    expect(r.facts.commune).toBeUndefined();
    expect(r.ambiguous.commune?.sort()).toEqual(candidates);
  });

  // Where the person lives outranks any other place named: the city for the region, a workplace, a former home.
  test.each<[string, string | undefined]>([
    ['je cherche un logement social a Bruxelles, j habite a Jette', '21010'],
    ['I am looking for social housing in Brussels, I live in Jette', '21010'],
    ['I work in Ixelles but I live in Anderlecht', '21001'],
    ['ik werk in Elsene maar ik woon in Schaarbeek', '21015'],
    ["Ixelles'de calisiyorum, Schaerbeek'te oturuyorum", '21015'],
    ['khdam f ixelles w saken f anderlecht', '21001'],
    ['avant j habitais a Uccle, maintenant on vit a Forest', '21007'],
    ['trabajo en Etterbeek', undefined],
    ['hospitalisee a Jette, je vis a Evere', '21006'],
    ['expulsion a Bruxelles', '21004'],
  ])('home first: %s', (text, nis) => {
    expect(u.extractFacts(text, 'fr').facts.commune).toBe(nis);
  });

  test.each(['je vais bien merci', 'forest fire in the news', 'ok', 'merci beaucoup', 'I have 2 kids'])('no commune in an ordinary sentence: %s', (text) => {
    expect(u.extractFacts(text, 'en').facts.commune).toBeUndefined();
  });
});

describe('answers to the question asked', () => {
  test.each<[string, string, Lang, unknown]>([
    ['housing_situation', 'Pas d\'endroit pour dormir ce soir', 'fr', 'no_roof'],
    ['housing_situation', '2', 'fr', 'eviction'],
    ['housing_situation', 'on m a mis dehors, je suis a la rue', 'fr', 'no_roof'],
    ['housing_situation', 'schimmel overal', 'nl', 'unhealthy'],
    ['theme', 'logemnt', 'fr', 'logement'],
    ['theme', 'je me sens deprime', 'fr', 'sante_mentale'],
    ['theme', 'Zwangerschap en baby', 'nl', 'perinatalite'],
    ['language', 'Nederlands', 'fr', 'nl'],
    ['language', 'العربية', 'fr', 'ar'],
    ['audience', 'je suis assistante sociale', 'fr', 'professional'],
    ['insured', 'ouais', 'fr', true],
    ['insured', 'non merci', 'fr', false],
    ['papers', 'nee', 'nl', false],
    ['papers', 'evet', 'tr', true],
    ['papers', 'la', 'ar', false],
    // Darija: "I don't have (insurance)", "I have".
    ['insured', 'ما عنديش تأمين', 'ar', false],
    ['papers', 'ما عنديش', 'ar', false],
    ['insured', 'عندي', 'ar', true],
    ['age', 'j ai trente deux ans', 'fr', 32],
    ['age', '45', 'nl', 45],
    ['age', '٤٥', 'ar', 45],
    ['pregnancy_weeks', '5 mois', 'fr', 22],
    ['commune', 'schaarbeek', 'nl', '21015'],
    ['commune', 'anderleht', 'fr', '21001'],
    ['commune', 'Sint-Jans-Molenbeek', 'nl', '21012'],
    ['for_whom', 'pr moi', 'fr', 'self'],
    ['for_whom', 'voor mezelf', 'nl', 'self'],
    ['for_whom', 'kendim icin', 'tr', 'self'],
    ['for_whom', 'pour ma fille', 'fr', 'child'],
    ['for_whom', 'para mi madre', 'es', 'relative'],
  ])('%s ← "%s" (%s)', (fact, text, lang, value) => {
    expect(u.parseAnswer(text, fact, facts[fact], lang)).toMatchObject({ ok: true, value });
  });

  test.each<[string, string, Lang, string]>([
    ['age', '250', 'fr', 'out_of_range'],
    ['housing_situation', '9', 'fr', 'out_of_range'],
    ['insured', 'peut-être', 'fr', 'no_match'],
    ['commune', 'Paris', 'fr', 'no_match'],
    ['commune', '1050', 'fr', 'ambiguous'],
  ])('%s ← "%s" is not taken (%s)', (fact, text, lang, reason) => {
    expect(u.parseAnswer(text, fact, facts[fact], lang)).toMatchObject({ ok: false, reason });
  });
});

describe('greetings and thanks alone are answered in kind', () => {
  test.each<[string, 'hello' | 'thanks' | undefined]>([
    ['bonjour', 'hello'],
    ['Bonjour madame', 'hello'],
    ['salam alaykoum', 'hello'],
    ['السلام عليكم', 'hello'],
    ['merhaba', 'hello'],
    ['buna ziua', 'hello'],
    ['hola', 'hello'],
    ['goedemorgen', 'hello'],
    ['merci bcp', 'thanks'],
    ['dank je wel', 'thanks'],
    ['tesekkurler', 'thanks'],
    ['shukran', 'thanks'],
    ['salut merci', 'thanks'],
    // More than a greeting: a situation, an answer, a refusal.
    ['bonjour je suis enceinte', undefined],
    ['hello i live in ixelles', undefined],
    ['non', undefined],
    ['bof', undefined],
  ])('%s', (text, kind) => {
    expect(u.greeting(text)).toBe(kind);
  });
});

describe('global commands in any language, at any step', () => {
  test.each<[string, Lang, string | undefined]>([
    ['menu', 'fr', 'restart'],
    ['aide', 'fr', 'help'],
    ['hulp', 'nl', 'help'],
    ['terug', 'nl', 'back'],
    ['je veux parler a quelqu un svp', 'fr', 'human'],
    ['Parler à une personne', 'fr', 'human'],
    ['bghit nhder m3a chi wahed', 'ar', 'human'],
    // Arabizi writes sounds with digits: these are words, not numbers.
    ['ma fhemt walo, chno n3ml daba', 'ar', 'help'],
    ['3afak chra7 lia kifach nkhdem b had chat', 'ar', 'help'],
    ['3tini chi wa7ed mn l equipe nhder m3ah', 'ar', 'human'],
    ['ana 3andi 25 3am', 'ar', undefined],
    ['oublie-moi', 'fr', 'forget_me'],
    ['vergeet mij', 'nl', 'forget_me'],
    ['beni unut', 'tr', 'forget_me'],
    ['olvídame', 'es', 'forget_me'],
    ['plus', 'fr', 'more'],
    ['stop', 'en', 'stop'],
    ['Parler à quelqu\'un maintenant', 'fr', undefined],
    ['je n ai plus de logement depuis hier et je dors chez un ami', 'fr', undefined],
    // Asking for a person stays that in a longer sentence; other commands only in short ones.
    ['je veux parler a quelqu un de chez vous', 'fr', 'human'],
    ['i want to talk to someone from your team please', 'en', 'human'],
    ['je me suis trompe de bus et j ai rate mon rendez vous', 'fr', undefined],
    // A command's words inside a message about a situation are the situation's.
    ['i made a mistake with my pills', 'en', undefined],
    ['Pour moi', 'fr', undefined],
  ])('"%s" → %s', (text, lang, intent) => {
    expect(u.globalIntent(text, lang)).toBe(intent);
  });
});

describe('languages', () => {
  test.each<[string, Lang | undefined]>([
    ['nederlands', 'nl'],
    ['in het nederlands aub', 'nl'],
    ['english please', 'en'],
    ['en français', 'fr'],
    ['عربي', 'ar'],
    ['türkçe', 'tr'],
    ['español', 'es'],
    ['romana', 'ro'],
    // A language named in the person's own language.
    ['inglés por favor', 'en'],
    ['in het frans aub', 'fr'],
    ['arapça lütfen', 'ar'],
    ['en turco', 'tr'],
    ['بالفرنسية', 'fr'],
    ['in engleza va rog', 'en'],
    ['en néerlandais svp', 'nl'],
    ['je cherche un logement', undefined],
    ['araba', undefined], // "car" in Turkish
  ])('explicit request "%s" → %s', (text, lang) => {
    expect(u.languageRequest(text)).toBe(lang);
  });

  test.each<[string, Lang]>([
    ['bonjour je cherche de l aide pour mon logement', 'fr'],
    ['ik zoek hulp voor mijn woning', 'nl'],
    ['hello i need help with my flat', 'en'],
    ['السلام عليكم أحتاج مساعدة', 'ar'],
    ['merhaba ev ariyorum yardim lutfen', 'tr'],
    ['hola necesito ayuda con mi piso', 'es'],
    ['buna caut ajutor pentru locuinta mea', 'ro'],
  ])('detects "%s" as %s', (text, lang) => {
    expect(u.detectLanguage(text)?.lang).toBe(lang);
  });
});

test.each<[string, string | undefined]>([
  ['j habite a Forest', '21007'],
  ['ik woon in Vorst', '21007'],
  ['je jette tout', undefined],
  ['I live in Jette', '21010'],
])('a commune name that is also a word needs a place cue in free text: %s', async (text, nis) => {
  expect(u.extractFacts(text, 'fr').facts.commune).toBe(nis);
});

describe('messages about nothing Boussole covers get no theme and no command (the bot asks again)', () => {
  test.each<[string, Lang]>([
    ['bonjour', 'fr'],
    ['ça va ?', 'fr'],
    ['je cherche du travail comme chauffeur', 'fr'],
    ['quel temps il fait demain', 'fr'],
    ['hoe gaat het met jou', 'nl'],
    ['ik zoek werk in de bouw', 'nl'],
    ['where is the train station', 'en'],
    // One word used about every theme says none of them.
    ['where', 'en'],
    ['waar', 'nl'],
    ['nerede', 'tr'],
    ['my phone screen is broken', 'en'],
    ['السلام عليكم', 'ar'],
    ['merhaba nasilsin', 'tr'],
    ['hola que tal', 'es'],
    ['busco trabajo de limpieza', 'es'],
    ['buna ziua', 'ro'],
    ['ceau', 'ro'],
    ['buna seara', 'ro'],
    ['merci beaucoup', 'fr'],
    ['asdfgh', 'fr'],
  ])('%s (%s)', (text, lang) => {
    // No theme the dialog would take (it takes one at THEME_CONFIDENCE and above).
    const th = u.theme(text, lang);
    expect({ text, intent: u.globalIntent(text, lang), theme: th && th.confidence >= THEME_CONFIDENCE ? th.theme : undefined }).toEqual({ text, intent: undefined, theme: undefined });
  });
});

describe('a message between two themes comes with those themes to offer; a vague one with none', () => {
  test.each<[string, Lang, string[]]>([
    ['jsuis tout seul et je bois trop', 'fr', ['assuetudes', 'isolement']],
    ['always alone and very depressed', 'en', ['isolement', 'sante_mentale']],
  ])('%s (%s) → %j', (text, lang, offered) => {
    const th = u.theme(text, lang);
    expect(th && isConfidentTheme(th)).toBe(false);
    expect([...(th?.candidates ?? [])].sort()).toEqual(offered);
  });
  test.each<[string, Lang]>([
    ['besoin d aide', 'fr'],
    ['ik heb hulp nodig', 'nl'],
  ])('%s (%s) → the whole list', (text, lang) => {
    const th = u.theme(text, lang);
    expect({ theme: th && th.confidence >= THEME_CONFIDENCE ? th.theme : undefined, candidates: th?.candidates }).toEqual({ theme: undefined, candidates: undefined });
  });
});
