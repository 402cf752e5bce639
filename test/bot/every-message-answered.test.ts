/**
 * Every message gets an answer, even where the dialog finds nothing to say: here a journey that
 * ends at once, with no closing words (an engine state with no next step). The gap is logged —
 * with ids, never the person's words — so that it gets fixed.
 */
import { DialogTestClient } from 'botbuilder-testing';
import { memoryPorts } from '../../src/catalogue/memory-catalogue';
import { loadSeed } from '../../src/catalogue/seed';
import { loadGraphs } from '../../src/engine/graph-loader';
import { Engine } from '../../src/engine/interpreter';
import type { Graph } from '../../src/engine/types';
import { createI18n } from '../../src/i18n/i18n';
import { createLogger } from '../../src/logging/logger';
import { createUnderstanding } from '../../src/nlu';
import { conversationStart, testDialog, turn, userMessage } from '../support/bot-harness';

const silentEnd: Graph = { id: 'main', title: 'main.title', start: 'done', nodes: { done: { type: 'end' } } };

test.each([
  ['blabla xyz', 'fr-BE', 'fr'],
  ['qwerty azerty', 'nl-BE', 'nl'],
  ['42', 'en-GB', 'en'],
])('a journey that ends without a word: the message "%s" (%s) still gets the closing words', async (text, locale, lang) => {
  const logLines: string[] = [];
  const u = await createUnderstanding();
  const graphs = loadGraphs();
  const engine = new Engine(new Map([['main', silentEnd]]), graphs.facts, memoryPorts(loadSeed(), () => new Date()), u.parseAnswer);
  const { dialog } = await testDialog(undefined, { engine, log: createLogger('debug', {}, (l) => logLines.push(l)) });
  const client = new DialogTestClient('test', dialog);
  await turn(client, conversationStart(locale));
  const replies = await turn(client, userMessage(text, locale));
  const { t } = createI18n();
  expect(replies.map((r) => r.text)).toEqual([t(lang as 'fr', 'common.end')]);
  expect(logLines.some((l) => JSON.parse(l).event === 'dialog.no_reply')).toBe(true);
  // Every logged value but the timestamp (whose digits may hold "42" by chance).
  const logged = logLines.map((l) => JSON.stringify({ ...JSON.parse(l), time: undefined })).join('\n');
  expect(logged).not.toContain(text);
});
