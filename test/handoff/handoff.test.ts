/**
 * Callback handoff: contact parsing, Helpdesk hours with Belgian holidays, the whole conversation
 * with database effects (case, consented transcript, handoff.initiate), and nothing lost when the
 * database is stopped during a handoff (outbox, then written when it is back).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DialogTestClient } from 'botbuilder-testing';
import { MongoClient } from 'mongodb';
import { belgianHolidays, caseReference, createHandoff, helpdeskOpen, Outbox, parseContact } from '../../src/handoff';
import { HandoffRepository } from '../../src/repositories/handoff-repository';
import { loadSeed } from '../../src/catalogue/seed';
import { createI18n } from '../../src/i18n/i18n';
import { silentLogger } from '../../src/logging/logger';
import { ensureFerretDbBinary, startFerretDb } from '../../src/db/embedded-ferretdb';
import { createUnderstanding } from '../../src/nlu';
import { loadGraphs } from '../../src/engine/graph-loader';
import { openTestDb, type TestDb } from '../support/db';
import { testDialog, turn, userMessage, conversationStart } from '../support/bot-harness';
import type { Db } from 'mongodb';

const seed = loadSeed();
const sudEst = seed.helpdesks.find((h) => h.bassin === 'sud-est')!;
const { t } = createI18n();

test.each<[string, string | undefined]>([
  ['0470 12 34 56', '+32470123456'],
  ['0470/12.34.56', '+32470123456'],
  ['+32 470 12 34 56', '+32470123456'],
  ['0032470123456', '+32470123456'],
  ['02 123 45 67', '+3221234567'],
  ['mon numero c est le 0486.11.22.33 merci', '+32486112233'],
  ['12345', undefined],
  ['0470 12 34', undefined],
  ['06 12 34 56 78 90 12', undefined],
])('phone %s → %s', (text, value) => {
  expect(parseContact(text)?.value).toBe(value);
});

test.each<[string, string | undefined]>([
  ['jose.garcia@example.org', 'jose.garcia@example.org'],
  ['écrivez à andré.dupré@exemple.be svp', 'andré.dupré@exemple.be'],
  ['{"$gt": ""}', undefined],
])('e-mail %s → %s', (text, value) => {
  expect(parseContact(text)?.value).toBe(value);
});

test('Belgian public holidays 2026 (Easter Monday 6 April, Ascension 14 May, Whit Monday 25 May)', () => {
  expect(belgianHolidays(2026)).toEqual(['2026-01-01', '2026-04-06', '2026-05-01', '2026-05-14', '2026-05-25', '2026-07-21', '2026-08-15', '2026-11-01', '2026-11-11', '2026-12-25']);
});

test.each<[string, string, boolean]>([
  ['a Monday at 10:00', '2026-11-23T10:00:00+01:00', true],
  ['a Monday at 17:30', '2026-11-23T17:30:00+01:00', false],
  ['a Saturday at 10:00', '2026-11-21T10:00:00+01:00', false],
  ['Armistice day (Wednesday 11 November) at 10:00', '2026-11-11T10:00:00+01:00', false],
  ['Easter Monday at 10:00', '2026-04-06T10:00:00+02:00', false],
])('the Sud-Est Helpdesk on %s (%s) is open: %s', (_n, at, open) => {
  expect(helpdeskOpen(sudEst, new Date(at))).toBe(open);
});

async function handoffFor(db: Db, outboxDir: string) {
  const u = await createUnderstanding();
  const insured = loadGraphs().facts.insured;
  const repo = new HandoffRepository(db);
  await repo.ensureIndexes();
  const h = createHandoff({
    repo,
    outbox: new Outbox(outboxDir),
    t,
    log: silentLogger,
    helpdesks: seed.helpdesks,
    bassinName: (b) => b,
    yesNo: (text, lang) => {
      const r = u.parseAnswer(text, 'insured', insured, lang);
      return r.ok ? Boolean(r.value) : undefined;
    },
    leaves: (text, lang) => ['restart', 'stop'].includes(u.globalIntent(text, lang) ?? ''),
    caseRetentionDays: 180,
    now: () => new Date('2026-11-21T10:00:00+01:00'), // a Saturday: the Helpdesk is closed
  });
  const { dialog } = await testDialog(undefined, { handoff: h.starter, session: h.session });
  return { repo, client: new DialogTestClient('test', dialog) };
}

describe('callback handoff with the real database', () => {
  let tdb: TestDb;
  const outboxDir = fs.mkdtempSync(path.join(os.tmpdir(), 'outbox-'));
  beforeAll(async () => {
    tdb = await openTestDb();
  });
  afterAll(async () => tdb.close());

  test('a person in Etterbeek asks for a human: consent, contact, time, transcript → a case, then the number and when to expect a call', async () => {
    const { repo, client } = await handoffFor(tdb.db, outboxDir);
    await turn(client, conversationStart('fr-BE'));
    await turn(client, userMessage('Français', 'fr-BE'));
    await turn(client, userMessage('Pour moi ou un proche', 'fr-BE'));
    await turn(client, userMessage('logement insalubre etterbeek', 'fr-BE'));
    let r = await turn(client, userMessage('je veux parler à quelqu\'un', 'fr-BE'));
    expect(r.map((a) => a.text).join(' ')).toMatch(/rappeler/);
    r = await turn(client, userMessage('oui', 'fr-BE'));
    expect(r[0].text).toMatch(/téléphone/);
    r = await turn(client, userMessage('0470/12.34', 'fr-BE'));
    expect(r[0].text).toMatch(/pas reconnu/);
    r = await turn(client, userMessage('0470/12.34.56', 'fr-BE'));
    expect(r[0].text).toMatch(/Quand/);
    r = await turn(client, userMessage('Le matin', 'fr-BE'));
    r = await turn(client, userMessage('oui', 'fr-BE'));
    const handoff = (r[0].channelData as { handoff: { caseId: string; mode: string } }).handoff;
    expect(handoff.mode).toBe('callback');
    expect(r[0].text).toMatch(/enregistré/);
    expect(r[0].text).toMatch(/lundi 23 novembre/); // the Sud-Est Helpdesk's next opening after Saturday
    expect(r[0].text).toMatch(/02 318 60 58/);
    expect(r[1]).toMatchObject({ type: 'event', name: 'handoff.initiate', value: { caseId: handoff.caseId, mode: 'callback', reason: 'asked_for_person' } });
    expect(r[1].attachments?.[0].contentType).toBe('application/json');

    const c = await repo.cases.findOne({ _id: handoff.caseId });
    expect(c).toMatchObject({ mode: 'callback', status: 'new', contact: { kind: 'phone', value: '+32470123456' }, timeOfDay: 'morning', situation: { bassin: 'sud-est', facts: { housing_situation: 'unhealthy', commune: '21005' } } });
    expect(c!.situation.servicesSuggested[0]).toBe('dirl-plainte-logement-insalubre');
    expect(c!.transcript!.some((e) => e.text === 'logement insalubre etterbeek')).toBe(true);
    expect(c!.expiresAt.getTime()).toBeGreaterThan(c!.createdAt.getTime() + 179 * 86400000);
  });

  test('a person in Anderlecht asks for a person in their first words: the case keeps the commune and its bassin; the confirmation gives a reference, when to expect the call and a number', async () => {
    const { repo, client } = await handoffFor(tdb.db, outboxDir);
    await turn(client, conversationStart('fr-BE'));
    await turn(client, userMessage('Français', 'fr-BE'));
    let r = await turn(client, userMessage("je voudrais parler a quelqu'un, j'habite a Anderlecht", 'fr-BE'));
    expect(r.map((a) => a.text).join(' ')).toMatch(/rappeler/);
    await turn(client, userMessage('oui', 'fr-BE'));
    r = await turn(client, userMessage('0486 11 22 33', 'fr-BE'));
    await turn(client, userMessage("L'après-midi", 'fr-BE'));
    r = await turn(client, userMessage('non', 'fr-BE'));
    const handoff = (r[0].channelData as { handoff: { caseId: string; reference: string } }).handoff;
    expect(handoff.reference).toBe(caseReference(handoff.caseId));
    expect(r[0].text).toContain(`Votre référence : ${handoff.reference}`);
    expect(r[0].text).toMatch(/Vous pouvez attendre/);
    expect(r[0].text).toMatch(/0800 35 243|\d{2,3} \d{2,3} \d{2} \d{2}/);
    const c = await repo.cases.findOne({ _id: handoff.caseId });
    expect(c).toMatchObject({ situation: { bassin: 'centre-ouest', facts: { commune: '21001' } } });
    // Only what the words told about the person: not the two readings of "parler à quelqu'un" as a need.
    expect(Object.keys(c!.situation.facts).sort()).toEqual(['commune', 'language']);
  });

  test('saying no records nothing and gives a number', async () => {
    const { repo, client } = await handoffFor(tdb.db, outboxDir);
    const before = await repo.cases.countDocuments({});
    await turn(client, conversationStart('nl-BE'));
    await turn(client, userMessage('persoon', 'nl-BE'));
    const r = await turn(client, userMessage('nee', 'nl-BE'));
    expect(r[0].text).toMatch(/niets bewaard/);
    expect(r[0].text).toMatch(/0800 35 243/);
    expect(await repo.cases.countDocuments({})).toBe(before);
  });
});

test('nothing lost: the database stops during a handoff → the number at once, the case in the outbox, written when the database is back', async () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ferret-stop-'));
  const outboxDir = fs.mkdtempSync(path.join(os.tmpdir(), 'outbox-'));
  const bin = ensureFerretDbBinary(path.resolve(__dirname, '../../.tools'), silentLogger, process.env.FERRETDB_BIN || undefined);
  let server = await startFerretDb({ bin, dataDir, log: silentLogger });
  const client = new MongoClient(server.uri, { serverSelectionTimeoutMS: 1500, retryWrites: false });
  await client.connect();
  const db = client.db('handoff_stop');
  try {
    const { repo, client: chat } = await handoffFor(db, outboxDir);
    await turn(chat, conversationStart('en-GB'));
    await turn(chat, userMessage('talk to a person', 'en-GB'));
    await turn(chat, userMessage('yes', 'en-GB'));
    // An e-mail address: no "when should we call you?", the next question is the transcript's.
    const afterEmail = await turn(chat, userMessage('my email is amal.b@example.org', 'en-GB'));
    expect(afterEmail.map((a) => (a.channelData as { question?: { slot?: string } } | undefined)?.question?.slot)).toEqual(['handoff_transcript']);

    await server.stop(); // the database goes away before the case is written
    const r = await turn(chat, userMessage('no', 'en-GB'));
    const handoff = (r[0].channelData as { handoff: { caseId: string; queued?: boolean } }).handoff;
    expect(handoff.queued).toBe(true);
    expect(r[0].text).toMatch(/kept safe/);
    expect(r[0].text).toMatch(/0800 35 243/);
    const outbox = new Outbox(outboxDir);
    expect(outbox.pending().map((f) => path.basename(f))).toEqual([`${handoff.caseId}.json`]);

    server = await startFerretDb({ bin, dataDir, log: silentLogger, port: server.port }); // back, same files
    for (let i = 0; i < 30; i++) {
      try {
        if ((await outbox.flush((c) => repo.saveCase(c))) > 0) break;
      } catch {
        await new Promise((res) => setTimeout(res, 200));
      }
    }
    expect(outbox.pending()).toEqual([]);
    const stored = await repo.cases.findOne({ _id: handoff.caseId });
    expect(stored).toMatchObject({ contact: { kind: 'email', value: 'amal.b@example.org' }, status: 'new' });
    expect(stored!.timeOfDay).toBeUndefined();
    expect(stored!.transcript).toBeUndefined(); // no consent, no transcript
    expect(stored!.createdAt).toBeInstanceOf(Date);
  } finally {
    await client.close().catch(() => undefined);
    await server.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}, 60000);
