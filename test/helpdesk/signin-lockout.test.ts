/**
 * The Helpdesk lock-out under attack, over HTTP against two real app instances sharing one
 * database (as several servers would): a burst of parallel wrong passwords gets no more password
 * checks than SIGNIN_MAX_FAILURES, a locked account is answered exactly like a wrong password or an
 * unknown e-mail, and sessions opened before a lock or a password change stop working.
 */
import crypto from 'node:crypto';
import { startBoussole, type RunningBoussole } from '../../src/app/boussole';
import { createAccount } from '../../src/helpdesk/create-account';
import { hashPassword } from '../../src/helpdesk/passwords';
import { silentLogger } from '../../src/logging/logger';
import { AuditRepository } from '../../src/repositories/audit-repository';
import { StaffRepository } from '../../src/repositories/staff-repository';
import { StaffClient } from './support';

jest.setTimeout(120000);

const PW = 'a long enough passphrase';
const MAX = 5; // SIGNIN_MAX_FAILURES's default
let a: RunningBoussole;
let b: RunningBoussole;
let staff: StaffRepository;

beforeAll(async () => {
  const env = { MONGODB_URI: process.env.TEST_MONGODB_URI, MONGODB_DB: `t_${crypto.randomBytes(5).toString('hex')}`, PORT: '0', BOT_AUTH: 'local' };
  a = await startBoussole({ env, log: silentLogger });
  b = await startBoussole({ env, log: silentLogger });
  staff = new StaffRepository(a.database.db);
  const audit = new AuditRepository(a.database.db, 365);
  for (const email of ['burst@hd.example', 'slow@hd.example', 'newpw@hd.example']) expect(await createAccount(staff, audit, { email, name: 'Staff', role: 'agent', bassins: [], password: PW })).toMatchObject({ ok: true });
});
afterAll(async () => {
  await a?.database.db.dropDatabase().catch(() => undefined);
  await b?.close();
  await a?.close();
});

const auditOf = async (email: string) => {
  const account = await staff.byEmail(email);
  return (await a.database.db.collection('audit_log').find({ actor: account!._id } as never).toArray()).map((e) => String(e.action));
};
const count = (actions: string[], ...names: string[]) => actions.filter((x) => names.includes(x)).length;

test(`a burst of 20 parallel wrong passwords over two instances gets at most ${MAX} password checks; then even the right password is refused, answered like an unknown e-mail`, async () => {
  const burst = await Promise.all(Array.from({ length: 20 }, (_, i) => new StaffClient((i % 2 ? a : b).url).signIn('burst@hd.example', `wrong guess ${i}`)));
  const unknown = await new StaffClient(a.url).signIn('nobody@hd.example', PW);
  expect(unknown.status).toBe(401);
  for (const r of burst) {
    expect(r.status).toBe(401);
    expect(r.body).toEqual(unknown.body);
    expect(r.headers.get('set-cookie')).toBeNull();
  }
  // Each password check is audited as a failure (the last one as the lock); the others were refused unchecked.
  const actions = await auditOf('burst@hd.example');
  expect(count(actions, 'signin_failed', 'account_locked')).toBe(MAX);
  expect(count(actions, 'account_locked')).toBe(1);
  expect(count(actions, 'signin_refused_locked')).toBe(20 - MAX);

  // Locked: the right password gets the very answer of an unknown e-mail, after a password's worth of work.
  const started = Date.now();
  const right = await new StaffClient(b.url).signIn('burst@hd.example', PW);
  expect(Date.now() - started).toBeGreaterThan(30); // a scrypt ran (a bare refusal takes a few ms)
  expect(right.status).toBe(401);
  expect(right.body).toEqual(unknown.body);
  expect(right.headers.get('set-cookie')).toBeNull();
  expect((await staff.byEmail('burst@hd.example'))!.lockedUntil!.getTime()).toBeGreaterThan(Date.now() + 10 * 60000);
});

test('a session opened before the lock stops working once the account is locked', async () => {
  const agent = new StaffClient(a.url);
  expect((await agent.signIn('slow@hd.example', PW)).status).toBe(200);
  expect((await agent.call('GET', '/me')).status).toBe(200);
  for (let i = 0; i < MAX; i++) expect((await new StaffClient(b.url).signIn('slow@hd.example', `wrong ${i}`)).status).toBe(401);
  expect(await auditOf('slow@hd.example')).toContain('account_locked');
  expect(await agent.call('GET', '/me')).toMatchObject({ status: 401, body: { error: { code: 'not_signed_in' } } });
  expect((await agent.call('GET', '/cases')).status).toBe(401);
});

test('a session opened before a password change stops working; the new password signs in', async () => {
  const agent = new StaffClient(a.url);
  expect((await agent.signIn('newpw@hd.example', PW)).status).toBe(200);
  const account = await staff.byEmail('newpw@hd.example');
  await staff.setPassword(account!._id, await hashPassword('another long passphrase'));
  expect(await agent.call('GET', '/me')).toMatchObject({ status: 401, body: { error: { code: 'not_signed_in' } } });
  expect((await new StaffClient(b.url).signIn('newpw@hd.example', PW)).status).toBe(401);
  const again = new StaffClient(b.url);
  expect((await again.signIn('newpw@hd.example', 'another long passphrase')).status).toBe(200);
  expect((await again.call('GET', '/me')).status).toBe(200);
});

test('a success forgets the failures before it: the limit counts failures in a row', async () => {
  const c = new StaffClient(a.url);
  for (let i = 0; i < MAX - 1; i++) expect((await c.signIn('newpw@hd.example', `wrong ${i}`)).status).toBe(401);
  expect((await c.signIn('newpw@hd.example', 'another long passphrase')).status).toBe(200);
  for (let i = 0; i < MAX - 1; i++) expect((await new StaffClient(b.url).signIn('newpw@hd.example', `wrong again ${i}`)).status).toBe(401);
  expect((await new StaffClient(b.url).signIn('newpw@hd.example', 'another long passphrase')).status).toBe(200);
  expect(await auditOf('newpw@hd.example')).not.toContain('account_locked');
});
