/**
 * The safety net's bands, table-driven: a pattern is sure (emergency); the classifier's score puts
 * a message in the emergency band, in the middle band (numbers and one direct question), or
 * nowhere; a button title is read by the patterns only; one- or two-word messages are left to the
 * patterns. Thresholds are injected so that each band can be reached whatever the shipped ones are.
 */
import { createI18n } from '../../src/i18n/i18n';
import { createSafetyNet, loadNumbers, safetyReplies, type Thresholds } from '../../src/safety';

const { t } = createI18n();
const numbers = loadNumbers();
const shipped = createSafetyNet();
const askAll = createSafetyNet({ thresholds: { low: 0.0001, high: 0.99999, share: 0.5 } as Thresholds });

test.each([
  ['a pattern is sure', 'je veux me suicider', 'emergency'],
  ['the classifier, sure enough', 'my little boy swallowed a whole bottle of his grandmother pills and he is very sleepy', 'emergency'],
  ['an ordinary message', 'je cherche un logement social a anderlecht', 'none'],
])('%s: "%s" → %s', (_what, text, level) => {
  expect(shipped(text).level).toBe(level);
});

test('between the thresholds: the middle band, with one category', () => {
  const a = askAll('my little boy swallowed a whole bottle of his grandmother pills and he is very sleepy');
  expect(a.level).toBe('ask');
  expect(a.categories).toHaveLength(1);
});

test('a button title is read by the patterns only, and one or two words are left to them', () => {
  expect(askAll('Continuer', { learned: false }).level).toBe('none');
  expect(askAll('plus').level).toBe('none');
  expect(askAll('wanna die').level).toBe('emergency');
});

test('the middle band answers with the numbers and one direct question with yes/no buttons', () => {
  const replies = safetyReplies({ level: 'ask', categories: ['suicide'] }, 'fr', t, numbers);
  expect(replies).toHaveLength(2);
  expect(String(replies[0].text)).toContain('0800 32 123');
  expect(replies[1].text).toBe(t('fr', 'safety:question.thinking_of_suicide'));
  expect(replies[1].suggestedActions?.actions.map((a) => a.title)).toEqual(['Oui', 'Non']);
});

test('something swallowed: 112 first, what to do now, and the poison centre', () => {
  const text = String(safetyReplies({ level: 'emergency', categories: ['medical'], ingestion: true }, 'en', t, numbers)[0].text);
  expect(text.indexOf('112')).toBeLessThan(text.indexOf('070 245 245'));
  expect(text).toContain('do not make the person vomit');
  const other = String(safetyReplies({ level: 'emergency', categories: ['medical'] }, 'en', t, numbers)[0].text);
  expect(other).not.toContain('070 245 245');
});
