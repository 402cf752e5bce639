/**
 * The Helpdesk console's HTTP contract with the real app and database: sign-in and its cookie,
 * lock-out, CSRF and Origin checks, roles, validation of every body and id (operators are refused),
 * bassin scoping, sign-out — and the audit log that records it.
 */
import { callbackCase } from '../support/case-record';
import crypto from 'node:crypto';
import { startBoussole, type RunningBoussole } from '../../src/app/boussole';
import { createAccount } from '../../src/helpdesk/create-account';
import { silentLogger } from '../../src/logging/logger';
import { AuditRepository } from '../../src/repositories/audit-repository';
import { HandoffRepository, type CaseRecord } from '../../src/repositories/handoff-repository';
import { StaffRepository } from '../../src/repositories/staff-repository';
import { StaffClient } from './support';
import { caseReference } from '../../src/handoff';

jest.setTimeout(60000);

let app: RunningBoussole;
let staff: StaffRepository;
const PW = 'a long enough passphrase';

beforeAll(async () => {
  app = await startBoussole({ env: { MONGODB_URI: process.env.TEST_MONGODB_URI, MONGODB_DB: `t_${crypto.randomBytes(5).toString('hex')}`, PORT: '0', BOT_AUTH: 'local', SIGNIN_MAX_FAILURES: '3' }, log: silentLogger });
  staff = new StaffRepository(app.database.db);
  const audit = new AuditRepository(app.database.db, 365);
  for (const [email, name, role, bassins] of [
    ['admin@hd.example', 'Admin', 'admin', []],
    ['agent.se@hd.example', 'Nadia', 'agent', ['sud-est']],
    ['agent.no@hd.example', 'Tom', 'agent', ['nord']],
    ['lockme@hd.example', 'Lock', 'agent', []],
  ] as const)
    expect(await createAccount(staff, audit, { email, name, role, bassins: [...bassins], password: PW })).toMatchObject({ ok: true });
});
afterAll(async () => {
  await app.database.db.dropDatabase().catch(() => undefined);
  await app.close();
});

const client = () => new StaffClient(app.url);
// Sign-ins are limited to 30 a minute from one address: tests that only need a session share one.
const sessions = new Map<string, Promise<StaffClient>>();
function signedIn(email: string): Promise<StaffClient> {
  if (!sessions.has(email)) sessions.set(email, (async () => {
    const c = client();
    await c.signIn(email, PW);
    return c;
  })());
  return sessions.get(email)!;
}

test('sign-in sets a session cookie scripts cannot read, scoped to /helpdesk, same-site only', async () => {
  const c = client();
  const r = await c.signIn('Agent.SE@hd.example', PW); // e-mail is case-insensitive
  expect(r.status).toBe(200);
  expect(r.body).toMatchObject({ name: 'Nadia', role: 'agent' });
  const cookie = r.headers.get('set-cookie') ?? '';
  expect(cookie).toMatch(/^boussole_staff=[A-Za-z0-9_-]{40,};/);
  expect(cookie).toMatch(/HttpOnly/);
  expect(cookie).toMatch(/SameSite=Strict/);
  expect(cookie).toMatch(/Path=\/helpdesk/);
  expect(cookie).not.toMatch(/passphrase/);
  expect(r.headers.get('cache-control')).toBe('no-store');
  expect((await c.call('GET', '/me')).body).toMatchObject({ name: 'Nadia', bassins: ['sud-est'], csrf: c.csrf });
  // The session is stored by digest, never the token itself.
  const token = c.cookie.split('=')[1];
  expect(await app.database.db.collection('staff_sessions').countDocuments({ _id: token } as never)).toBe(0);
  expect(await app.database.db.collection('staff_sessions').countDocuments({ _id: crypto.createHash('sha256').update(token).digest('hex') } as never)).toBe(1);
});

test.each<[string, unknown, number, string]>([
  ['a wrong password', { email: 'agent.se@hd.example', password: 'not the password' }, 401, 'invalid_credentials'],
  ['an unknown e-mail', { email: 'nobody@hd.example', password: PW }, 401, 'invalid_credentials'],
  ['an operator instead of an e-mail', { email: { $gt: '' }, password: PW }, 400, 'invalid_body'],
  ['an operator instead of a password', { email: 'agent.se@hd.example', password: { $ne: null } }, 400, 'invalid_body'],
  ['an extra field', { email: 'agent.se@hd.example', password: PW, role: 'admin' }, 400, 'invalid_body'],
  ['no body', undefined, 400, 'invalid_body'],
  ['malformed JSON', '{"email": ', 400, 'invalid_json'],
  ['a 20 kB body', { email: 'agent.se@hd.example', password: 'x'.repeat(20000) }, 413, 'payload_too_large'],
])('sign-in with %s → %s %s, no cookie', async (_name, body, status, code) => {
  const r = await client().call('POST', '/session', body);
  expect(r).toMatchObject({ status, body: { error: { code } } });
  expect(r.headers.get('set-cookie')).toBeNull();
});

test('after 3 failures in a row the account is locked, even for the right password, answered as a wrong password; it is audited', async () => {
  const c = client();
  const wrong = await c.signIn('lockme@hd.example', 'wrong one');
  expect(wrong).toMatchObject({ status: 401, body: { error: { code: 'invalid_credentials' } } });
  expect((await c.signIn('lockme@hd.example', 'wrong two')).status).toBe(401);
  expect((await c.signIn('lockme@hd.example', 'wrong three')).status).toBe(401);
  const right = await c.signIn('lockme@hd.example', PW);
  // A locked account must not be told apart from a wrong password (nor from an unknown e-mail).
  expect(right.status).toBe(401);
  expect(right.body).toEqual(wrong.body);
  expect(right.body).toEqual((await c.signIn('nobody@hd.example', PW)).body);
  expect(right.headers.get('set-cookie')).toBeNull();
  const account = await staff.byEmail('lockme@hd.example');
  expect(account!.lockedUntil!.getTime()).toBeGreaterThan(Date.now() + 10 * 60000);
  const actions = (await app.database.db.collection('audit_log').find({ actor: account!._id } as never).toArray()).map((a) => a.action);
  expect(actions).toEqual(expect.arrayContaining(['signin_failed', 'account_locked', 'signin_refused_locked']));
});

test.each<[string, string, string]>([
  ['GET', '/me', 'not_signed_in'],
  ['GET', '/cases', 'not_signed_in'],
  ['GET', '/events', 'not_signed_in'],
  ['POST', '/availability', 'not_signed_in'],
])('%s %s without a session → 401', async (method, path, code) => {
  const r = await client().call(method, path, method === 'POST' ? { available: true } : undefined);
  expect(r).toMatchObject({ status: 401, body: { error: { code } } });
});

test('a forged or stale cookie is not a session', async () => {
  const c = client();
  c.cookie = 'boussole_staff=' + 'A'.repeat(43);
  expect((await c.call('GET', '/me')).status).toBe(401);
  c.cookie = 'boussole_staff=' + 'A'.repeat(500);
  expect((await c.call('GET', '/me')).status).toBe(401);
});

test('changes need the CSRF token and our own Origin', async () => {
  const c = client();
  await c.signIn('agent.se@hd.example', PW);
  expect((await c.call('POST', '/availability', { available: true }, { 'X-CSRF-Token': '' })).body).toMatchObject({ error: { code: 'csrf' } });
  expect((await c.call('POST', '/availability', { available: true }, { 'X-CSRF-Token': 'x'.repeat(32) })).status).toBe(403);
  expect((await c.call('POST', '/availability', { available: true }, { Origin: 'https://evil.example' })).body).toMatchObject({ error: { code: 'cross_origin' } });
  expect((await c.call('POST', '/session', { email: 'agent.se@hd.example', password: PW }, { Origin: 'https://evil.example' })).status).toBe(403);
  expect((await c.call('POST', '/availability', { available: true })).status).toBe(200);
});

describe('cases: validation, scoping by bassin, roles', () => {
  let sudEstCase: string;
  beforeAll(async () => {
    const repo = new HandoffRepository(app.database.db);
    const at = new Date();
    const base = (bassin: string | undefined): CaseRecord => callbackCase({ situation: { journey: 'logement', facts: { commune: '21005' }, ...(bassin ? { bassin } : {}), servicesSuggested: [] } }, at);
    const c = base('sud-est');
    sudEstCase = c._id;
    await repo.saveCase(c);
    await repo.saveCase(base(undefined));
  });

  test.each<[string, string, number, string]>([
    ['an unknown view', '/cases?view=everything', 400, 'invalid_query'],
    ['an operator as bassin', '/cases?bassin[$ne]=x', 400, 'invalid_query'],
    ['a case id that is not one', '/cases/not-a-case', 404, 'case_not_found'],
    ['an operator as case id', '/cases/%7B%22%24gt%22%3A%22%22%7D', 404, 'case_not_found'],
    ['a case that does not exist', `/cases/${crypto.randomUUID()}`, 404, 'case_not_found'],
  ])('GET with %s → %s', async (_name, path, status, code) => {
    const c = client();
    await c.signIn('agent.se@hd.example', PW);
    expect(await c.call('GET', path)).toMatchObject({ status, body: { error: { code } } });
  });

  test('an agent sees the cases of their bassin and of unknown bassin, not the others', async () => {
    const se = client();
    await se.signIn('agent.se@hd.example', PW);
    const no = client();
    await no.signIn('agent.no@hd.example', PW);
    const seen = (await se.call<{ cases: Array<{ id: string; bassin: string | null }> }>('GET', '/cases?view=new')).body.cases;
    expect(seen.map((c) => c.id)).toContain(sudEstCase);
    expect(seen.every((c) => c.bassin === 'sud-est' || c.bassin === null)).toBe(true);
    const seenNord = (await no.call<{ cases: Array<{ id: string }> }>('GET', '/cases?view=all')).body.cases;
    expect(seenNord.map((c) => c.id)).not.toContain(sudEstCase);
    expect((await no.call('GET', `/cases/${sudEstCase}`)).status).toBe(404);
    expect((await no.call('POST', `/cases/${sudEstCase}/take`, {})).status).toBe(404);
    expect((await no.call<{ cases: unknown[] }>('GET', '/cases?view=all&bassin=sud-est')).body.cases).toEqual([]);
    // A callback case: the agent sees the contact; the queue never lists it.
    const view = await se.call<{ case: { contact: { value: string } } }>('GET', `/cases/${sudEstCase}`);
    expect(view.body.case.contact.value).toBe('+32470123456');
    expect(JSON.stringify(seen)).not.toMatch(/\+32470123456/);
  });

  test.each<[string, unknown, number, string]>([
    ['an unknown outcome', { outcome: 'whatever' }, 400, 'invalid_body'],
    ['an operator as outcome', { outcome: { $ne: '' } }, 400, 'invalid_body'],
  ])('closing with %s → %s', async (_name, body, status, code) => {
    const c = client();
    await c.signIn('agent.se@hd.example', PW);
    expect(await c.call('POST', `/cases/${sudEstCase}/close`, body)).toMatchObject({ status, body: { error: { code } } });
  });

  test('a case is found by the reference the person was given, in any spelling; a malformed one is refused; another bassin\'s is not found', async () => {
    const se = await signedIn('agent.se@hd.example');
    const ref = caseReference(sudEstCase);
    expect(ref).toMatch(/^[0-9A-F]{4}-[0-9A-F]{4}$/);
    for (const typed of [ref, ref.toLowerCase(), ref.replace('-', ' '), ref.replace('-', '')]) {
      const found = await se.call<{ cases: Array<{ id: string; reference: string }> }>('GET', `/cases?view=new&ref=${encodeURIComponent(typed)}`);
      expect(found.body.cases.map((x) => [x.id, x.reference])).toEqual([[sudEstCase, ref]]);
    }
    for (const bad of ['3F9A', '.*', '^', 'zzzzzzzz', '3F9A-12C4-00']) expect((await se.call('GET', `/cases?ref=${encodeURIComponent(bad)}`)).body).toMatchObject({ error: { code: 'invalid_query' } });
    expect((await se.call('GET', '/cases?ref[$regex]=.*')).status).toBe(400);
    const no = await signedIn('agent.no@hd.example');
    expect((await no.call<{ cases: unknown[] }>('GET', `/cases?ref=${ref}`)).body.cases).toEqual([]);
  });

  test('the queue says each case in words of the agent\'s language: reason, journey, the person\'s language named in itself', async () => {
    const se = await signedIn('agent.se@hd.example');
    const nl = await se.call<{ cases: Array<{ id: string; words: { reason: string; journey: string; language: string } }> }>('GET', '/cases?view=new&lang=nl');
    expect(nl.body.cases.find((x) => x.id === sudEstCase)!.words).toEqual({ reason: 'vroeg naar een persoon', journey: 'Wonen', language: 'Français' });
    expect((await se.call('GET', '/cases?lang=xx')).status).toBe(400);
  });

  test('a note on the case: saved with who and when, shown in the case, bounded, and for cases one may see only', async () => {
    const se = await signedIn('agent.se@hd.example');
    const saved = await se.call<{ note: { text: string; name: string } }>('POST', `/cases/${sudEstCase}/note`, { text: 'Rappeler après 14 h, parle surtout arabe.' });
    expect(saved).toMatchObject({ status: 200, body: { note: { text: 'Rappeler après 14 h, parle surtout arabe.', name: 'Nadia' } } });
    const view = await se.call<{ case: { note: { text: string } } }>('GET', `/cases/${sudEstCase}`);
    expect(view.body.case.note.text).toBe('Rappeler après 14 h, parle surtout arabe.');
    expect((await se.call('POST', `/cases/${sudEstCase}/note`, { text: 'x'.repeat(2001) })).status).toBe(400);
    expect((await se.call('POST', `/cases/${sudEstCase}/note`, { text: { $set: 'x' } })).status).toBe(400);
    const no = await signedIn('agent.no@hd.example');
    expect((await no.call('POST', `/cases/${sudEstCase}/note`, { text: 'not mine' })).status).toBe(404);
    const stored = await app.database.db.collection('helpdesk_cases').findOne({ _id: sudEstCase } as never);
    expect(stored!.note).toMatchObject({ text: 'Rappeler après 14 h, parle surtout arabe.', name: 'Nadia' });
  });

  test('a case nobody took cannot be closed, not even by an admin', async () => {
    const admin = await signedIn('admin@hd.example');
    expect(await admin.call('POST', `/cases/${sudEstCase}/close`, { outcome: 'other' })).toMatchObject({ status: 409, body: { error: { code: 'case_not_taken' } } });
  });

  test('take, write to a callback case (refused: call them), close; closing twice is a conflict; an empty message is refused', async () => {
    const c = client();
    await c.signIn('agent.se@hd.example', PW);
    expect((await c.call('POST', `/cases/${sudEstCase}/take`, {})).status).toBe(200);
    expect((await c.call('POST', `/cases/${sudEstCase}/messages`, { text: '   ' })).body).toMatchObject({ error: { code: 'invalid_body' } });
    expect((await c.call('POST', `/cases/${sudEstCase}/messages`, { text: 'x'.repeat(2001) })).status).toBe(400);
    expect((await c.call('POST', `/cases/${sudEstCase}/messages`, { text: 'bonjour' })).body).toMatchObject({ error: { code: 'not_live' } });
    expect((await c.call<{ cases: Array<{ id: string }> }>('GET', '/cases?view=mine')).body.cases.map((x) => x.id)).toContain(sudEstCase);
    expect((await c.call('POST', `/cases/${sudEstCase}/close`, { outcome: 'callback_planned' })).status).toBe(200);
    expect((await c.call('POST', `/cases/${sudEstCase}/close`, { outcome: 'other' })).body).toMatchObject({ error: { code: 'already_closed' } });
    const stored = await app.database.db.collection('helpdesk_cases').findOne({ _id: sudEstCase } as never);
    expect(stored).toMatchObject({ status: 'closed', outcome: 'callback_planned' });
  });
});

test('accounts and the audit log are for admins; a new account needs a long password and a known bassin', async () => {
  const agent = client();
  await agent.signIn('agent.se@hd.example', PW);
  expect((await agent.call('GET', '/accounts')).status).toBe(403);
  expect((await agent.call('GET', '/audit')).status).toBe(403);
  expect((await agent.call('POST', '/accounts', { email: 'x@hd.example', name: 'X', role: 'admin', bassins: [], password: PW })).status).toBe(403);

  const admin = client();
  await admin.signIn('admin@hd.example', PW);
  const list = await admin.call<{ accounts: Array<Record<string, unknown>> }>('GET', '/accounts');
  expect(list.body.accounts.length).toBeGreaterThanOrEqual(4);
  expect(JSON.stringify(list.body)).not.toMatch(/passwordHash|scrypt/);
  const create = (body: Record<string, unknown>) => admin.call('POST', '/accounts', { email: 'new.agent@hd.example', name: 'Lina', role: 'agent', bassins: ['sud'], password: PW, ...body });
  expect((await create({ password: 'short' })).body).toMatchObject({ error: { code: 'password_too_short' } });
  expect((await create({ bassins: ['atlantis'] })).body).toMatchObject({ error: { code: 'unknown_bassin' } });
  expect((await create({ role: 'root' })).status).toBe(400);
  expect((await create({})).status).toBe(201);
  expect((await create({})).status).toBe(409);
  const lina = client();
  expect((await lina.signIn('new.agent@hd.example', PW)).body).toMatchObject({ name: 'Lina', role: 'agent' });

  const audit = await admin.call<{ entries: Array<{ action: string; detail?: Record<string, unknown> }> }>('GET', '/audit');
  expect(audit.body.entries.map((e) => e.action)).toEqual(expect.arrayContaining(['signed_in', 'account_created', 'case_taken', 'case_closed', 'note_saved']));
  // Read by a person: who by name, the case by the reference the person was given.
  const taken = (audit.body.entries as Array<{ action: string; actorName?: string; caseId?: string; reference?: string }>).find((e) => e.action === 'case_taken')!;
  expect(taken).toMatchObject({ actorName: 'Nadia', reference: caseReference(taken.caseId!) });
  expect(JSON.stringify(audit.body)).not.toMatch(/passphrase|\+32470123456/);
});

test('sign-out ends the session on the server and clears the cookie', async () => {
  const c = client();
  await c.signIn('agent.se@hd.example', PW);
  const r = await c.call('POST', '/session/end', {});
  expect(r.status).toBe(200);
  expect(r.headers.get('set-cookie')).toMatch(/boussole_staff=;.*Max-Age=0/);
  expect((await c.call('GET', '/me')).status).toBe(401);
});

test('the console page and its strings are served with the security headers', async () => {
  const page = await fetch(`${app.url}helpdesk/`);
  expect(page.status).toBe(200);
  expect(page.headers.get('content-security-policy')).toMatch(/script-src 'self'/);
  expect(await page.text()).toMatch(/console\.js/);
  const strings = await fetch(`${app.url}helpdesk/strings/nl`);
  expect(((await strings.json()) as { signin: { submit: string } }).signin.submit).toBe('Aanmelden');
  expect((await fetch(`${app.url}helpdesk/strings/..%2F..%2Fpackage`)).status).toBe(404);
});

test.each(['constructor', 'toString', 'valueOf', '__proto__', 'hasOwnProperty', 'isPrototypeOf', '__defineGetter__', 'constructor.json'])('the console strings of "%s" (not a language) → 404 JSON', async (name) => {
  const r = await fetch(`${app.url}helpdesk/strings/${name}`);
  expect({ status: r.status, body: (await r.json()) as unknown }).toEqual({ status: 404, body: { error: { code: 'not_found', message: expect.any(String) } } });
});

test('sign-in with JSON nested 5,000 deep → 400 json_too_deep, no cookie', async () => {
  const r = await client().call('POST', '/session', `{"email":"agent.se@hd.example","password":${'['.repeat(5000)}${']'.repeat(5000)}}`);
  expect(r).toMatchObject({ status: 400, body: { error: { code: 'json_too_deep' } } });
  expect(r.headers.get('set-cookie')).toBeNull();
});

test('a signed-in call with JSON nested 5,000 deep → 400 json_too_deep; the session still works', async () => {
  const c = await signedIn('agent.se@hd.example');
  const r = await c.call('POST', '/availability', `{"available":${'['.repeat(5000)}${']'.repeat(5000)}}`);
  expect(r).toMatchObject({ status: 400, body: { error: { code: 'json_too_deep' } } });
  expect((await c.call('POST', '/availability', { available: false })).status).toBe(200);
});
