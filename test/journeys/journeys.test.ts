/**
 * Journey transcripts as data (test/journeys/*.json): the person's turns in, the bot's questions,
 * results (service ids) and channelData out. Replayed through botbuilder-testing's DialogTestClient.
 */
import fs from 'node:fs';
import path from 'node:path';
import { DialogTestClient } from 'botbuilder-testing';
import { conversationStart, orientationOf, questionOf, testDialog, turn, userMessage } from '../support/bot-harness';

interface Expect {
  /** The slot of the question asked at the end of the turn; null: no question. */
  question?: string | null;
  theme?: string;
  commune?: string | null;
  bassin?: string | null;
  /** These service ids are shown, in this order (others may be between them). */
  services?: string[];
  /** The first service shown. */
  first?: string;
  /** None of these is shown. */
  notServices?: string[];
  rendezvous?: 'provisional' | 'none';
  unmet?: boolean;
  /** Each string appears in some reply text of the turn (case-insensitive). */
  text?: string[];
  /** None of these strings appears in any reply text of the turn (case-insensitive). */
  notText?: string[];
  /** Every reply of the turn is in this language. */
  locale?: string;
  /** The turn's last reply offers these buttons (suggested actions), in this order. */
  buttons?: string[];
  /** The safety net answered at this level, giving this number first. */
  safety?: { level: 'ask' | 'urgent' | 'emergency'; first: string };
}
interface Step {
  send: string;
  expect?: Expect;
}
interface Case {
  name: string;
  locale?: string;
  now?: string;
  /** At most this many questions (replies with channelData.question) in the whole case, after the welcome. */
  maxQuestions?: number;
  steps: Step[];
}

const dir = __dirname;
const cases: Array<[string, Case]> = fs
  .readdirSync(dir)
  .filter((f) => f.endsWith('.json'))
  .sort()
  .flatMap((f) => (JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8')) as { cases: Case[] }).cases.map((c): [string, Case] => [`${f}: ${c.name}`, c]));

test('there are transcripts for every journey', () => {
  expect(cases.length).toBeGreaterThan(0);
});

test.each(cases)('%s', async (_name, c) => {
  const { dialog } = await testDialog(c.now ? new Date(c.now) : undefined);
  const client = new DialogTestClient('test', dialog);
  let questions = 0;
  for (const [i, step] of c.steps.entries()) {
    const replies = await turn(client, step.send === '<start>' ? conversationStart(c.locale) : userMessage(step.send, c.locale));
    // Every message gets an answer.
    expect({ step: `${i + 1} ("${step.send}")`, answered: replies.length > 0 }).toEqual({ step: `${i + 1} ("${step.send}")`, answered: true });
    if (i > 0 || step.send !== '<start>') questions += replies.filter((r) => (r.channelData as { question?: unknown } | undefined)?.question).length;
    const e = step.expect;
    if (!e) continue;
    const where = `step ${i + 1} ("${step.send}") → ${JSON.stringify(replies.map((r) => r.text))}`;
    if (e.question !== undefined) expect({ where, question: questionOf(replies) ?? null }).toEqual({ where, question: e.question });
    if (e.locale) expect({ where, locales: [...new Set(replies.map((r) => r.locale))] }).toEqual({ where, locales: [e.locale] });
    for (const s of e.text ?? []) expect({ where, found: replies.some((r) => (r.text ?? '').toLowerCase().includes(s.toLowerCase())) }).toEqual({ where, found: true });
    for (const s of e.notText ?? []) expect({ where, absent: s, found: replies.some((r) => (r.text ?? '').toLowerCase().includes(s.toLowerCase())) }).toEqual({ where, absent: s, found: false });
    if (e.buttons) expect({ where, buttons: (replies[replies.length - 1]?.suggestedActions?.actions ?? []).map((a) => a.title) }).toEqual({ where, buttons: e.buttons });
    if (e.safety) {
      const sd = replies.map((r) => (r.channelData as { safety?: { level: string; numbers: Array<{ id: string }> } } | undefined)?.safety).find(Boolean);
      expect({ where, level: sd?.level, first: sd?.numbers[0]?.id }).toEqual({ where, ...e.safety });
    }
    const o = orientationOf(replies);
    const wantsOrientation = e.theme || e.services || e.first || e.commune !== undefined || e.bassin !== undefined || e.rendezvous || e.unmet;
    if (!wantsOrientation) continue;
    expect({ where, hasResults: Boolean(o) }).toEqual({ where, hasResults: true });
    if (!o) continue;
    const ids = o.services.map((s) => s.id);
    if (e.theme) expect(o.theme).toBe(e.theme);
    if (e.commune !== undefined) expect(o.commune?.nis ?? null).toBe(e.commune);
    if (e.bassin !== undefined) expect(o.bassin).toBe(e.bassin);
    if (e.first) expect({ where, first: ids[0] }).toEqual({ where, first: e.first });
    if (e.services) {
      const positions = e.services.map((id) => ids.indexOf(id));
      expect({ where, ids, missing: e.services.filter((_, k) => positions[k] < 0) }).toEqual({ where, ids, missing: [] });
      expect([...positions].sort((a, b) => a - b)).toEqual(positions);
    }
    for (const id of e.notServices ?? []) expect({ where, shows: id, ids }).toEqual({ where, shows: id, ids: ids.filter((x) => x !== id) });
    if (e.rendezvous === 'provisional') expect(o.rendezvous.length > 0 && o.rendezvous.every((r) => r.status === 'provisional' && r.start === null)).toBe(true);
    if (e.rendezvous === 'none') expect(o.rendezvous).toEqual([]);
    if (e.unmet !== undefined) expect(Boolean(o.unmet)).toBe(e.unmet);
  }
  if (c.maxQuestions !== undefined) expect({ questions }).toEqual({ questions: Math.min(questions, c.maxQuestions) });
});
