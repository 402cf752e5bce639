/**
 * Never a command in danger: every labelled crisis message of the training and development sets
 * that the understanding would also read as a command ("stop", "restart", "forget me") or a
 * language request, and that the safety net flags, goes through the real dialog: the person gets
 * the numbers, and the command is not carried out (the conversation is not stopped, restarted,
 * erased, nor its language changed).
 */
import path from 'node:path';
import { DialogTestClient } from 'botbuilder-testing';
import { createUnderstanding } from '../../src/nlu';
import { createI18n } from '../../src/i18n/i18n';
import { defaultSafetyDir } from '../../src/safety/detect';
import { labelledSets } from '../../src/safety/training-set';
import { createSafetyNet } from '../../src/safety';
import { isLang } from '../../src/i18n/i18n';
import { conversationStart, testDialog, turn, userMessage } from '../support/bot-harness';

const { t } = createI18n();
const crises = labelledSets(defaultSafetyDir()).filter((e) => e.labels.length > 0);

test('crisis messages that read as commands get the numbers, never the command', async () => {
  const u = await createUnderstanding();
  const net = createSafetyNet();
  const lookAlikes = crises.filter((e) => isLang(e.lang) && net(e.text).level !== 'none' && (u.globalIntent(e.text, e.lang) !== undefined || u.languageRequest(e.text) !== undefined));
  // The sets hold such messages ("stop, il rentre", "laat maar, ik ben er morgen niet meer"): the test would prove nothing without them.
  expect(lookAlikes.length).toBeGreaterThan(5);
  const { dialog } = await testDialog();
  for (const e of lookAlikes) {
    const lang = e.lang as Parameters<typeof t>[0];
    const client = new DialogTestClient('test', dialog);
    await turn(client, conversationStart(`${lang}-BE`));
    const replies = await turn(client, userMessage(e.text, `${lang}-BE`));
    const texts = replies.map((r) => String(r.text ?? ''));
    const where = { text: e.text, replies: texts };
    expect({ ...where, numbers: replies.some((r) => (r.channelData as { safety?: unknown } | undefined)?.safety) }).toEqual({ ...where, numbers: true });
    for (const key of ['global.stopped', 'global.restarted', 'global.forgotten', 'global.language_changed', 'global.choose_language'])
      for (const l of ['fr', 'nl', 'en', 'ar', 'tr', 'es', 'ro'] as const) expect({ ...where, said: texts.some((x) => x.includes(t(l, key))) }).toEqual({ ...where, said: false });
  }
}, 120_000);

test('the sets are where the detector learns them', () => {
  expect(path.basename(defaultSafetyDir())).toBe('safety');
  expect(crises.length).toBeGreaterThan(1000);
});
