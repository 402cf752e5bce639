/**
 * Every reply of a turn carries what the bot read in the person's message (`channelData.understood`):
 * the facts taken from it and why — lexicon words, a number, the classifier with its confidence, a
 * presumption — replayed through the real dialog as transcripts (person says X in language L →
 * the replies say they read Y from Z).
 */
import { DialogTestClient } from 'botbuilder-testing';
import { conversationStart, testDialog, turn, userMessage } from '../support/bot-harness';

interface Read {
  value: unknown;
  from: string;
  words?: string;
  confidence?: number;
}

const cases: Array<{ lang: string; says: string; reads: Record<string, Partial<Read>> }> = [
  { lang: 'fr', says: 'je cherche un logement social a Bruxelles, j habite a Jette', reads: { commune: { value: '21010', from: 'words', words: 'jette' }, housing_situation: { value: 'looking', from: 'words' } } },
  { lang: 'nl', says: 'ik ben 20 weken zwanger en ik woon in Molenbeek', reads: { pregnancy_status: { value: 'pregnant', from: 'words' }, pregnancy_weeks: { value: 20, from: 'number' }, commune: { value: '21012', from: 'words' }, sex: { value: 'female', from: 'implied' } } },
  { lang: 'en', says: 'mold everywhere in my flat in Ixelles', reads: { housing_situation: { value: 'unhealthy', from: 'words' }, commune: { value: '21009', from: 'words', words: 'ixelles' } } },
  { lang: 'fr', says: 'je me sens tres mal depuis des semaines, je ne dors plus', reads: { theme: { value: 'sante_mentale', from: 'classifier' }, for_whom: { value: 'self', from: 'presumed' } } },
];

test.each(cases)('$lang: "$says" → every reply says what was read, and from what', async ({ lang, says, reads }) => {
  const { dialog } = await testDialog();
  const client = new DialogTestClient('test', dialog);
  await turn(client, conversationStart(lang));
  const replies = await turn(client, userMessage(says, lang));
  expect(replies.length).toBeGreaterThan(0);
  for (const r of replies) {
    const understood = (r.channelData as { understood?: { facts: Record<string, Read> } } | undefined)?.understood;
    expect(understood).toBeDefined();
    for (const [fact, read] of Object.entries(reads)) expect(understood!.facts[fact]).toMatchObject(read);
  }
  const theme = (replies[0].channelData as { understood: { facts: Record<string, Read> } }).understood.facts.theme;
  if (theme?.from === 'classifier') expect(theme.confidence).toBeGreaterThan(0.5);
});

test('a tapped answer is an answer, not a reading of free text: no `understood`', async () => {
  const { dialog } = await testDialog();
  const client = new DialogTestClient('test', dialog);
  await turn(client, conversationStart('fr'));
  const asked = await turn(client, userMessage('Bonjour', 'fr'));
  const button = asked.flatMap((r) => r.suggestedActions?.actions ?? [])[0];
  expect(button).toBeDefined();
  const replies = await turn(client, userMessage(String(button.title), 'fr'));
  expect(replies.some((r) => (r.channelData as { understood?: unknown } | undefined)?.understood)).toBe(false);
});
