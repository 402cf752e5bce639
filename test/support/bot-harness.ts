/**
 * The real root dialog for transcript tests: real NLU, locales and engine, over the seeded
 * catalogue in memory (the MongoDB path has its own integration tests). The clock is fixed.
 */
import type { Activity } from 'botbuilder-core';
import { DialogTestClient } from 'botbuilder-testing';
import { memoryPorts } from '../../src/catalogue/memory-catalogue';
import { Places } from '../../src/catalogue/places';
import { loadSeed } from '../../src/catalogue/seed';
import { BoussoleDialog, type DialogDeps } from '../../src/bot/boussole-dialog';
import { loadGraphs } from '../../src/engine/graph-loader';
import { Engine } from '../../src/engine/interpreter';
import { createI18n } from '../../src/i18n/i18n';
import { silentLogger } from '../../src/logging/logger';
import { createUnderstanding } from '../../src/nlu';
import { renderContextFactory } from '../../src/app/render-context';
import { safetyCheck } from '../../src/app/safety';
import { careFacts, loadCareJourneys } from '../../src/safety';
import type { Understanding } from '../../src/bot/understanding';

const seed = loadSeed();
const graphs = loadGraphs();
const { t } = createI18n();
let understanding: Promise<Understanding> | undefined;

export async function testDialog(now = new Date('2026-11-23T10:00:00+01:00'), extra: Partial<DialogDeps> = {}) {
  understanding ??= createUnderstanding();
  const u = await understanding;
  const ports = memoryPorts(seed, () => now);
  const places = new Places(seed.communes);
  const dialog = new BoussoleDialog({
    engine: new Engine(graphs.graphs, graphs.facts, ports, u.parseAnswer),
    understanding: u,
    t,
    render: renderContextFactory(t, places, seed.bassins, seed.helpdesks),
    bassinOf: (c, d) => places.bassinOf(c, d),
    log: silentLogger,
    maxChars: 1000,
    retentionDays: 7,
    safety: safetyCheck(t),
    careJourney: careFacts(loadCareJourneys()),
    ...extra,
  });
  return { dialog, ports };
}

/** Sends one activity and returns every reply of that turn. */
export async function turn(client: DialogTestClient, activity: Partial<Activity>): Promise<Partial<Activity>[]> {
  const replies: Partial<Activity>[] = [];
  let r = (await client.sendActivity(activity)) as Partial<Activity> | undefined;
  while (r) {
    replies.push(r);
    r = client.getNextReply() as Partial<Activity> | undefined;
  }
  return replies;
}

export function userMessage(text: string, locale?: string): Partial<Activity> {
  return { type: 'message', text, locale, from: { id: 'person', name: 'person' }, recipient: { id: 'bot', name: 'bot' } };
}

export function conversationStart(locale?: string): Partial<Activity> {
  return { type: 'conversationUpdate', locale, membersAdded: [{ id: 'person', name: 'person' }], from: { id: 'person', name: 'person' }, recipient: { id: 'bot', name: 'bot' } };
}

export interface Orientation {
  theme: string;
  commune: { nis: string; name?: string } | null;
  bassin: string | null;
  services: Array<{ id: string }>;
  rendezvous: Array<{ id: string; status: string; start: string | null }>;
  unmet?: boolean;
}

export const questionOf = (replies: Partial<Activity>[]) => replies.map((r) => (r.channelData as { question?: { slot: string } } | undefined)?.question?.slot).filter(Boolean).pop();
export const orientationOf = (replies: Partial<Activity>[]) => replies.map((r) => (r.channelData as { orientation?: Orientation } | undefined)?.orientation).filter(Boolean).pop();
