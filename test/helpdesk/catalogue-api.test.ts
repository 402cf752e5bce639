/**
 * The catalogue editing API with the real app and database (docs/catalogue-api.md): roles and
 * bassins, validation in the editor's language, revisions, history and revert, archive, "checked",
 * Rendez-vous series and cancelled sessions, the calendar feed parsed by a real iCalendar parser,
 * the import that never overwrites a staff edit — and what a resident is then told by the bot.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import ICAL from 'ical.js';
import { startBoussole, type RunningBoussole } from '../../src/app/boussole';
import { catalogueFiles } from '../../src/catalogue/export';
import { defaultDataDir, loadSeed } from '../../src/catalogue/seed';
import { createAccount } from '../../src/helpdesk/create-account';
import { createI18n } from '../../src/i18n/i18n';
import { silentLogger } from '../../src/logging/logger';
import { AuditRepository } from '../../src/repositories/audit-repository';
import { CatalogueRepository } from '../../src/repositories/catalogue-repository';
import { StaffRepository } from '../../src/repositories/staff-repository';
import { StaffClient } from './support';

jest.setTimeout(90000);

let app: RunningBoussole;
const PW = 'a long enough passphrase';
const SERVICE = 'bruprev-mammotest';

beforeAll(async () => {
  app = await startBoussole({ env: { MONGODB_URI: process.env.TEST_MONGODB_URI, MONGODB_DB: `t_${crypto.randomBytes(5).toString('hex')}`, PORT: '0', BOT_AUTH: 'local' }, log: silentLogger });
  const staff = new StaffRepository(app.database.db);
  const audit = new AuditRepository(app.database.db, 365);
  for (const [email, name, role, bassins] of [
    ['editor@hd.example', 'Eva', 'editor', []],
    ['editor.se@hd.example', 'Sam', 'editor', ['sud-est']],
    ['agent@hd.example', 'Nadia', 'agent', []],
  ] as const)
    expect(await createAccount(staff, audit, { email, name, role, bassins: [...bassins], password: PW })).toMatchObject({ ok: true });
});
afterAll(async () => {
  await app.database.db.dropDatabase().catch(() => undefined);
  await app.close();
});

const sessions = new Map<string, Promise<StaffClient>>();
function signedIn(email: string): Promise<StaffClient> {
  if (!sessions.has(email))
    sessions.set(
      email,
      (async () => {
        const c = new StaffClient(app.url);
        expect((await c.signIn(email, PW)).status).toBe(200);
        return c;
      })(),
    );
  return sessions.get(email)!;
}

/** A conversation with the bot over /api/messages (replies in the response), as a resident. */
async function converse(texts: string[], conversation = `c-${crypto.randomBytes(4).toString('hex')}`): Promise<Array<{ text?: string; attachments?: Array<{ content: unknown }>; channelData?: Record<string, unknown> }>> {
  let last: Array<{ text?: string; attachments?: Array<{ content: unknown }>; channelData?: Record<string, unknown> }> = [];
  const continuing = texts[0] !== '<start>' && conversations.has(conversation);
  conversations.add(conversation);
  for (const [i, text] of (continuing ? texts : ['<start>', ...texts]).entries()) {
    const activity = text === '<start>' ? { type: 'conversationUpdate', membersAdded: [{ id: 'u1' }, { id: 'bot' }] } : { type: 'message', text };
    const res = await fetch(`${app.url}api/messages`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ ...activity, id: `a${i}-${crypto.randomBytes(3).toString('hex')}`, channelId: 'emulator', serviceUrl: 'http://127.0.0.1:9/', from: { id: 'u1' }, recipient: { id: 'bot' }, conversation: { id: conversation }, locale: 'fr-BE', deliveryMode: 'expectReplies' }) });
    expect(res.status).toBe(200);
    last = ((await res.json()) as { activities: typeof last }).activities;
  }
  return last;
}
const conversations = new Set<string>();
const SCREENING_IN_WOLUWE = ['Français', 'Pour moi ou un proche', 'Dépistage', 'Cancer du sein', 'Femme', '55', 'Woluwe-Saint-Pierre'];

test('roles: an agent has no catalogue, an editor has no cases nor live chat', async () => {
  const agent = await signedIn('agent@hd.example');
  const editor = await signedIn('editor@hd.example');
  expect(await agent.call('GET', '/catalogue/meta')).toMatchObject({ status: 403, body: { error: { code: 'forbidden' } } });
  for (const [method, path] of [['GET', '/cases'], ['GET', '/events'], ['POST', '/availability']] as const) expect((await editor.call(method, path, method === 'POST' ? { available: true } : undefined)).status).toBe(403);
  const meta = await editor.call<{ tags: Array<{ id: string; label: string }>; themes: Array<{ id: string; label: string }> }>('GET', '/catalogue/meta?lang=fr');
  expect(meta.status).toBe(200);
  // Tags and themes in words, not codes.
  expect(meta.body.tags.find((t) => t.id === 'no_roof')?.label).not.toBe('no_roof');
  expect(meta.body.themes.find((t) => t.id === 'logement')?.label).toBe('Logement');
});

test('an editor corrects a phone number: saved with a new revision, kept in the history, revertible; an older revision is refused', async () => {
  const editor = await signedIn('editor@hd.example');
  const read = await editor.call<{ service: Record<string, unknown>; meta: { revision: number } }>('GET', `/catalogue/services/${SERVICE}`);
  expect(read.status).toBe(200);
  const before = read.body.service.phone;
  const r1 = await editor.call<{ revision: number }>('PUT', `/catalogue/services/${SERVICE}`, { service: { ...read.body.service, phone: '02 555 01 23' }, revision: read.body.meta.revision });
  expect(r1).toMatchObject({ status: 200, body: { revision: read.body.meta.revision + 1 } });
  // Someone still holding the old revision is told, not silently overwritten.
  expect(await editor.call('PUT', `/catalogue/services/${SERVICE}`, { service: { ...read.body.service, phone: '02 555 99 99' }, revision: read.body.meta.revision })).toMatchObject({ status: 409, body: { error: { code: 'stale_revision' } } });
  const history = await editor.call<{ entries: Array<{ id: string; by: string; action: string; changes: Array<{ path: string; before: unknown; after: unknown }> }> }>('GET', `/catalogue/history?kind=service&id=${SERVICE}`);
  expect(history.body.entries[0]).toMatchObject({ by: 'Eva', action: 'edit', changes: [{ path: 'phone', before: before ?? null, after: '02 555 01 23' }] });

  // The bot shows the new number from the next message on.
  await new Promise((r) => setTimeout(r, 1100));
  const shown = JSON.stringify(await converse(SCREENING_IN_WOLUWE));
  expect(shown).toContain('02 555 01 23');

  const reverted = await editor.call<{ revision: number }>('POST', `/catalogue/history/${encodeURIComponent(history.body.entries[0].id)}/revert`, { revision: r1.body.revision });
  expect(reverted.status).toBe(200);
  const again = await editor.call<{ service: Record<string, unknown> }>('GET', `/catalogue/services/${SERVICE}`);
  expect(again.body.service.phone).toBe(before);
  const after = await editor.call<{ entries: Array<{ action: string }> }>('GET', `/catalogue/history?kind=service&id=${SERVICE}`);
  expect(after.body.entries.map((e) => e.action).slice(0, 2)).toEqual(['revert', 'edit']);
});

test.each<[string, (s: Record<string, unknown>) => unknown, string, string]>([
  ['a phone number with letters', (s) => ({ ...s, phone: 'call us' }), 'phone', 'invalid_phone'],
  ['no source', (s) => ({ ...s, source: [] }), 'source', 'required'],
  ['a web address that is not one', (s) => ({ ...s, website: 'javascript:alert(1)' }), 'website', 'invalid_url'],
  ['an unknown commune', (s) => ({ ...s, address: { street: 'Rue X 1', postalCode: '1000', commune: '21099' } }), 'address.commune', 'invalid_nis'],
  ['a field the schema does not have', (s) => ({ ...s, $where: 'sleep(1)' }), '', 'unknown_field'],
  ['an operator instead of a name', (s) => ({ ...s, name: { fr: { $gt: '' } } }), 'name.fr', 'invalid_value'],
  ['hours closing at 25:00', (s) => ({ ...s, hours: { slots: [{ days: [1], open: '09:00', close: '25:00' }] } }), 'hours.slots.0.close', 'invalid_time'],
])('a rejected edit says which field and why, in the editor\'s language: %s', async (_name, change, path, code) => {
  const editor = await signedIn('editor@hd.example');
  const read = await editor.call<{ service: Record<string, unknown>; meta: { revision: number } }>('GET', `/catalogue/services/${SERVICE}`);
  const r = await editor.call<{ error: { code: string; fields: Array<{ path: string; code: string; message: string }> } }>('PUT', `/catalogue/services/${SERVICE}?lang=nl`, { service: change(read.body.service), revision: read.body.meta.revision });
  expect(r.status).toBe(400);
  expect(r.body.error.code).toBe('invalid_entry');
  const field = r.body.error.fields.find((f) => f.code === code);
  expect(field).toMatchObject({ path: expect.stringContaining(path) });
  // A sentence for a person, not the code.
  expect(field!.message).not.toBe(code.replace(/_/g, ' '));
  // Nothing was written.
  expect((await editor.call<{ meta: { revision: number } }>('GET', `/catalogue/services/${SERVICE}`)).body.meta.revision).toBe(read.body.meta.revision);
});

test('an editor limited to a bassin writes only there; region-wide services are not theirs', async () => {
  const se = await signedIn('editor.se@hd.example');
  const region = await se.call<{ service: Record<string, unknown>; meta: { revision: number } }>('GET', '/catalogue/services/tele-accueil-107');
  expect(region.status).toBe(200);
  expect(await se.call('POST', '/catalogue/services/tele-accueil-107/check', { revision: region.body.meta.revision })).toMatchObject({ status: 403, body: { error: { code: 'outside_bassins' } } });
  const series = seriesIn('nord', '21010', 'rdv-nord-test');
  expect(await se.call('POST', '/catalogue/series', { series })).toMatchObject({ status: 403, body: { error: { code: 'outside_bassins' } } });
});

test('archive hides a service from residents and the list; restore brings it back; "checked" records who and when', async () => {
  const editor = await signedIn('editor@hd.example');
  const read = await editor.call<{ meta: { revision: number } }>('GET', `/catalogue/services/${SERVICE}`);
  const archived = await editor.call<{ revision: number }>('POST', `/catalogue/services/${SERVICE}/archive`, { revision: read.body.meta.revision });
  expect(archived.status).toBe(200);
  expect((await editor.call<{ services: Array<{ id: string }> }>('GET', '/catalogue/services?theme=depistage')).body.services.map((s) => s.id)).not.toContain(SERVICE);
  expect((await editor.call<{ services: Array<{ id: string }> }>('GET', '/catalogue/services?archived=true')).body.services.map((s) => s.id)).toEqual([SERVICE]);
  expect((await app.database.db.collection('services').findOne({ _id: SERVICE } as never))?._meta).toMatchObject({ archived: true });
  await new Promise((r) => setTimeout(r, 1100));
  expect(JSON.stringify(await converse(SCREENING_IN_WOLUWE))).not.toContain(SERVICE);
  const restored = await editor.call<{ revision: number }>('POST', `/catalogue/services/${SERVICE}/restore`, { revision: archived.body.revision });
  const checked = await editor.call<{ checkedAt: string; checkedBy: string }>('POST', `/catalogue/services/${SERVICE}/check`, { revision: restored.body.revision });
  expect(checked.body).toMatchObject({ checkedAt: new Date().toISOString().slice(0, 10), checkedBy: 'Eva' });
  const found = await editor.call<{ services: Array<{ id: string; checkedBy: string; stale: boolean }> }>('GET', '/catalogue/services?q=mammotest');
  expect(found.body.services).toEqual([expect.objectContaining({ id: SERVICE, checkedBy: 'Eva', stale: false })]);
});

/** "Every first Tuesday, 14:00–16:00" from next month, in a commune of the bassin. */
function seriesIn(bassin: string, commune: string, id: string) {
  const from = new Date();
  from.setUTCDate(1);
  from.setUTCMonth(from.getUTCMonth() + 1);
  return {
    id,
    title: { fr: 'Rendez-vous de la Prévention Santé', nl: 'Rendez-vous de la Prévention Santé' },
    themes: ['depistage', 'sante_mentale'],
    place: { fr: 'Maison de quartier test' },
    commune,
    bassin,
    address: { street: 'Rue du Test 1', postalCode: '1150' },
    access: { fr: 'Métro Montgomery' },
    languages: ['fr', 'ar'],
    audience: { fr: 'Tout le monde' },
    registration: { required: false },
    rule: { freq: 'monthly', weekday: 2, setPos: 1, startTime: '14:00', endTime: '16:00', from: from.toISOString().slice(0, 10) },
    cancelledDates: [],
    status: 'confirmed',
    source: ['https://bassin-sud-est.brussels/'],
    checkedAt: new Date().toISOString().slice(0, 10),
  };
}

test('a Rendez-vous series: its sessions, one cancelled, the feed a calendar reads, and what the bot offers', async () => {
  const se = await signedIn('editor.se@hd.example');
  const series = seriesIn('sud-est', '21019', 'rdv-ps-woluwe-test');
  // A monthly series must say which week.
  expect(await se.call('POST', '/catalogue/series', { series: { ...series, rule: { ...series.rule, setPos: undefined } } })).toMatchObject({ status: 400, body: { error: { fields: [expect.objectContaining({ path: 'rule.setPos', code: 'set_pos_required' })] } } });
  const created = await se.call<{ revision: number }>('POST', '/catalogue/series', { series });
  expect(created.status).toBe(201);
  const listed = await se.call<{ sessions: Array<{ id: string; start: string; status: string; seriesId: string }> }>('GET', '/catalogue/rendezvous?bassin=sud-est');
  const sessions = listed.body.sessions.filter((s) => s.seriesId === series.id);
  expect(sessions.length).toBeGreaterThanOrEqual(3);
  for (const s of sessions) {
    const wall = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/Brussels', weekday: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' }).format(new Date(s.start));
    expect(wall).toMatch(/^Tue [1-7],? 14:00$/);
  }
  const [first, second] = sessions;
  const cancel = await se.call<{ revision: number }>('POST', `/catalogue/series/${series.id}/cancel`, { date: brusselsDay(first.start), revision: created.body.revision });
  expect(cancel.status).toBe(200);

  // The feed: confirmed and cancelled sessions, stable UIDs, SEQUENCE grown by the change, Brussels time.
  // Every instance sees a change within a second (its catalogue snapshot checks the version that often).
  await new Promise((r) => setTimeout(r, 1100));
  const feed = await fetch(`${app.url}calendar/sud-est.ics`);
  expect(feed.headers.get('content-type')).toMatch(/^text\/calendar/);
  const feedText = await feed.text();
  const cal = new ICAL.Component(ICAL.parse(feedText));
  expect(cal.getFirstSubcomponent('vtimezone')?.getFirstPropertyValue('tzid')).toBe('Europe/Brussels');
  const events = cal.getAllSubcomponents('vevent').map((v) => new ICAL.Event(v));
  const byUid = new Map(events.map((e) => [e.uid, e]));
  const cancelled = byUid.get(`${first.id}@boussole`)!;
  expect(cancelled.component.getFirstPropertyValue('status')).toBe('CANCELLED');
  expect(cancelled.sequence).toBe(2);
  const next = byUid.get(`${second.id}@boussole`)!;
  expect(next.component.getFirstPropertyValue('status')).toBe('CONFIRMED');
  expect(next.startDate.toJSDate().toISOString()).toBe(new Date(second.start).toISOString());
  expect(next.startDate.zone?.tzid).toBe('Europe/Brussels');
  // No provisional place without a date in a calendar.
  expect(events.every((e) => e.startDate)).toBe(true);

  // The resident: the next confirmed session (not the cancelled one), its time, place, and a calendar link that works.
  const resident = `c-${crypto.randomBytes(4).toString('hex')}`;
  const replies = await converse(SCREENING_IN_WOLUWE, resident);
  const results = replies.find((a) => (a.channelData?.orientation as { rendezvous?: unknown[] } | undefined)?.rendezvous);
  const offered = (results!.channelData!.orientation as { rendezvous: Array<{ id: string; status: string; start: string }> }).rendezvous;
  expect(offered[0]).toMatchObject({ id: second.id, status: 'confirmed', start: second.start });
  expect(offered.map((r) => r.id)).not.toContain(first.id);
  const card = JSON.stringify(results!.attachments);
  expect(card).toContain('14:00');
  expect(card).toContain('Métro Montgomery');
  const link = /"url":"(\/calendar\/session\/[^"]+)"/.exec(card)![1];
  const one = await fetch(`${app.url}${link.slice(1)}`);
  expect(one.status).toBe(200);
  const single = new ICAL.Component(ICAL.parse(await one.text())).getAllSubcomponents('vevent');
  expect(single.map((v) => new ICAL.Event(v).uid)).toEqual([`${second.id}@boussole`]);
  // A cancelled or unknown session has no calendar file.
  expect((await fetch(`${app.url}calendar/session/${first.id}.ics`)).status).toBe(404);
  expect((await fetch(`${app.url}calendar/nowhere.ics`)).status).toBe(404);

  // The session this person was told about is called off: their next message hears it, once.
  const current = await se.call<{ meta: { revision: number } }>('GET', `/catalogue/series/${series.id}`);
  expect((await se.call('POST', `/catalogue/series/${series.id}/cancel`, { date: brusselsDay(second.start), revision: current.body.meta.revision })).status).toBe(200);
  await new Promise((r) => setTimeout(r, 1100));
  const told = await converse(['merci'], resident);
  expect(told[0].text).toMatch(/est annulé/);
  expect(told[0].text).toContain('Maison de quartier test');
  expect(JSON.stringify(await converse(['ok'], resident))).not.toMatch(/est annulé/);
});

test('catalogue:import never overwrites a staff edit: it reports the conflict and imports the rest', async () => {
  const editor = await signedIn('editor@hd.example');
  const read = await editor.call<{ service: Record<string, unknown>; meta: { revision: number } }>('GET', '/catalogue/services/tele-accueil-107');
  await editor.call('PUT', '/catalogue/services/tele-accueil-107', { service: { ...read.body.service, email: 'contact@example.org' }, revision: read.body.meta.revision });
  const report = await new CatalogueRepository(app.database.db).importSeed(loadSeed());
  expect(report.conflicts).toEqual(expect.arrayContaining([{ collection: 'services', id: 'tele-accueil-107', reason: 'edited_in_console' }, { collection: 'rendezvous_series', id: 'rdv-ps-woluwe-test', reason: 'created_in_console' }]));
  expect((await app.database.db.collection('services').findOne({ _id: 'tele-accueil-107' } as never))?.email).toBe('contact@example.org');
  expect(await app.database.db.collection('rendezvous_series').countDocuments({ _id: 'rdv-ps-woluwe-test' } as never)).toBe(1);

  // catalogue:export writes the edits back to data/ form: the files are valid, and importing them changes nothing.
  const repo = new CatalogueRepository(app.database.db);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'boussole-export-'));
  fs.cpSync(defaultDataDir(), dir, { recursive: true });
  const strip = <T extends { revision?: number }>({ revision: _r, ...rest }: T) => rest;
  for (const [file, text] of catalogueFiles({ services: await repo.allServices(), rendezvous: (await repo.allRendezvous()).map(strip), series: (await repo.allSeries()).map(strip) }, dir)) fs.writeFileSync(path.join(dir, file), text);
  const exported = loadSeed(dir);
  expect(exported.services.find((s) => s.id === 'tele-accueil-107')?.email).toBe('contact@example.org');
  expect(exported.series.map((s) => s.id)).toContain('rdv-ps-woluwe-test');
  const again = await repo.importSeed(exported);
  expect(again.conflicts).toEqual([]);
  expect(again.upserted).toMatchObject({ services: 0, rendezvous: 0, rendezvous_series: 0 });
  fs.rmSync(dir, { recursive: true, force: true });
});

function brusselsDay(iso: string): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Brussels', year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date(iso));
}

test.each(['fr', 'nl', 'en', 'ar', 'tr', 'es', 'ro'])('preview in %s: the cards the bot would send for a draft series and a service', async (lang) => {
  const editor = await signedIn('editor@hd.example');
  const { t } = createI18n();
  const series = await editor.call<{ text: string; cards: Array<{ body: unknown[]; actions: Array<{ title: string }> }> }>('POST', '/catalogue/preview', { kind: 'series', entry: seriesIn('sud-est', '21018', 'rdv-draft'), lang });
  expect(series.status).toBe(200);
  expect(series.body.text).toBe(t(lang as never, 'rendezvous.title'));
  expect(series.body.cards[0].actions.map((a) => a.title)).toEqual([t(lang as never, 'rendezvous.add_to_calendar')]);
  expect(JSON.stringify(series.body.cards)).toContain(t(lang as never, 'rendezvous.when'));
  // Nothing was saved by a preview.
  expect((await editor.call('GET', '/catalogue/series/rdv-draft')).status).toBe(404);
  const service = await editor.call<{ service: unknown }>('GET', `/catalogue/services/${SERVICE}`);
  const card = await editor.call<{ cards: unknown[] }>('POST', '/catalogue/preview', { kind: 'service', entry: service.body.service, lang });
  expect(JSON.stringify(card.body.cards)).toContain(t(lang as never, 'card.phone'));
});

test('hostile or unusual requests: long texts in seven languages are taken; operators, odd ids and huge bodies are refused cleanly', async () => {
  const editor = await signedIn('editor@hd.example');
  const read = await editor.call<{ service: Record<string, unknown>; meta: { revision: number } }>('GET', '/catalogue/services/tele-accueil-107');
  const long = (l: string) => `${l}: ${'Une description longue et précise. '.repeat(90)}`;
  const description = Object.fromEntries(['fr', 'nl', 'en', 'ar', 'tr', 'es', 'ro'].map((l) => [l, long(l)]));
  expect(JSON.stringify(description).length).toBeGreaterThan(16 * 1024);
  expect((await editor.call('PUT', '/catalogue/services/tele-accueil-107', { service: { ...read.body.service, description }, revision: read.body.meta.revision })).status).toBe(200);
  for (const path of ['/catalogue/services/%24where', '/catalogue/services/..%2F..%2Fetc', '/catalogue/series/%7B%22%24gt%22%3A%22%22%7D'])
    expect((await editor.call('GET', path)).status).toBe(404);
  expect((await editor.call('POST', '/catalogue/services/tele-accueil-107/archive', { revision: { $gt: 0 } })).status).toBe(400);
  expect((await editor.call('GET', '/catalogue/services?theme[$ne]=x')).status).toBe(400);
  expect((await editor.call('GET', '/catalogue/history?kind=service&id[$gt]=')).status).toBe(400);
  expect((await editor.call('PUT', '/catalogue/services/tele-accueil-107', 'x'.repeat(200 * 1024))).status).toBe(413);
  expect((await editor.call('POST', '/catalogue/history/service%7Cnope%7C1/revert', { revision: 1 })).status).toBe(404);
});

test('a one-off session: offered while confirmed, in the feed, then cancelled there (never offered again)', async () => {
  const se = await signedIn('editor.se@hd.example');
  const start = new Date(Date.now() + 10 * 86_400_000);
  start.setUTCHours(9, 0, 0, 0);
  const session = {
    id: 'rdv-one-off-etterbeek',
    title: { fr: 'Atelier santé' },
    themes: ['depistage'],
    place: { fr: 'Salle communale' },
    commune: '21005',
    bassin: 'sud-est',
    start: start.toISOString(),
    end: new Date(start.getTime() + 2 * 3600_000).toISOString(),
    audience: { fr: 'Tout le monde' },
    status: 'confirmed',
    source: ['https://bassin-sud-est.brussels/'],
    checkedAt: new Date().toISOString().slice(0, 10),
  };
  expect(await se.call('POST', '/catalogue/rendezvous', { rendezvous: { ...session, end: session.start } })).toMatchObject({ status: 400, body: { error: { fields: [expect.objectContaining({ path: 'end', code: 'end_before_start' })] } } });
  const created = await se.call<{ revision: number }>('POST', '/catalogue/rendezvous', { rendezvous: session });
  expect(created.status).toBe(201);
  const listed = await se.call<{ sessions: Array<{ id: string; status: string }> }>('GET', '/catalogue/rendezvous?bassin=sud-est');
  expect(listed.body.sessions).toEqual(expect.arrayContaining([expect.objectContaining({ id: session.id, status: 'confirmed' })]));
  const cancelled = await se.call('PUT', `/catalogue/rendezvous/${session.id}`, { rendezvous: { ...session, status: 'cancelled' }, revision: created.body.revision });
  expect(cancelled.status).toBe(200);
  await new Promise((r) => setTimeout(r, 1100));
  const feed = new ICAL.Component(ICAL.parse(await (await fetch(`${app.url}calendar/sud-est.ics`)).text()));
  const event = feed.getAllSubcomponents('vevent').find((v) => v.getFirstPropertyValue('uid') === `${session.id}@boussole`)!;
  expect(event.getFirstPropertyValue('status')).toBe('CANCELLED');
  expect(event.getFirstPropertyValue('sequence')).toBe(2);
  expect(JSON.stringify(await converse(['Français', 'Pour moi ou un proche', 'Dépistage', 'Cancer du sein', 'Femme', '55', 'Etterbeek']))).not.toContain(session.id);
});

test('school holidays: kept by editors of every bassin, used by series, checked like the rest', async () => {
  const all = await signedIn('editor@hd.example');
  const se = await signedIn('editor.se@hd.example');
  const read = await all.call<{ periods: Array<{ from: string; to: string }>; source: string[] }>('GET', '/catalogue/closures');
  expect(read.body.periods.length).toBeGreaterThan(10);
  expect(await se.call('PUT', '/catalogue/closures', read.body)).toMatchObject({ status: 403, body: { error: { code: 'outside_bassins' } } });
  expect(await all.call('PUT', '/catalogue/closures', { ...read.body, periods: [{ from: '2027-03-05', to: '2027-03-01' }] })).toMatchObject({ status: 400, body: { error: { fields: [expect.objectContaining({ path: 'periods.0.to' })] } } });
  // The series now skips school holidays: no session in the summer holidays (Dutch-speaking schools: 1 July – 31 August 2027).
  const series = await all.call<{ series: ReturnType<typeof seriesIn>; meta: { revision: number } }>('GET', '/catalogue/series/rdv-ps-woluwe-test');
  expect((await all.call('PUT', '/catalogue/series/rdv-ps-woluwe-test', { series: { ...series.body.series, rule: { ...series.body.series.rule, skipSchoolHolidays: true } }, revision: series.body.meta.revision })).status).toBe(200);
  const skipping = await all.call<{ sessions: Array<{ id: string; seriesId: string }> }>('GET', '/catalogue/rendezvous?bassin=sud-est');
  expect(skipping.body.sessions.map((s) => s.id)).not.toContain('rdv-ps-woluwe-test-20270706');
  expect(skipping.body.sessions.map((s) => s.id)).not.toContain('rdv-ps-woluwe-test-20270803');
  // A holiday added on the first Tuesday of the series' second month: that session is skipped too.
  const listed = await all.call<{ sessions: Array<{ id: string; start: string; seriesId: string }> }>('GET', '/catalogue/rendezvous?bassin=sud-est');
  const sessions = listed.body.sessions.filter((s) => s.seriesId === 'rdv-ps-woluwe-test');
  const day = brusselsDay(sessions[1].start);
  const ok = await all.call('PUT', '/catalogue/closures', { periods: [...read.body.periods, { from: day, to: day, label: { fr: 'Test' } }], source: read.body.source });
  expect(ok.status).toBe(200);
  const after = await all.call<{ sessions: Array<{ id: string; seriesId: string }> }>('GET', '/catalogue/rendezvous?bassin=sud-est');
  expect(after.body.sessions.map((s) => s.id)).not.toContain(sessions[1].id);
  // The import leaves the staff's list alone, and says so.
  const report = await new CatalogueRepository(app.database.db).importSeed(loadSeed());
  expect(report.conflicts).toEqual(expect.arrayContaining([{ collection: 'settings', id: 'school_holidays', reason: 'edited_in_console' }]));
  expect((await all.call<{ periods: unknown[] }>('GET', '/catalogue/closures')).body.periods).toHaveLength(read.body.periods.length + 1);
});
