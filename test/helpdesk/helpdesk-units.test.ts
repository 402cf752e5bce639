/** Passwords, presence, when live chat is possible, and the admin:create command's arguments. */
import type { Helpdesk } from '../../src/catalogue/schema';
import { loadSeed } from '../../src/catalogue/seed';
import { parseAccountArgs } from '../../src/helpdesk/create-account';
import { createLiveDesk } from '../../src/helpdesk/live-desk';
import { HelpdeskEvents, Presence } from '../../src/helpdesk/live-events';
import { hashPassword, passwordProblem, verifyPassword } from '../../src/helpdesk/passwords';

test('passwords: scrypt with a per-password salt; the right one verifies, a wrong or tampered one does not', async () => {
  const a = await hashPassword('correct horse battery staple');
  const b = await hashPassword('correct horse battery staple');
  expect(a).toMatch(/^scrypt\$32768\$8\$1\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{43}$/);
  expect(a).not.toBe(b);
  await expect(verifyPassword('correct horse battery staple', a)).resolves.toBe(true);
  await expect(verifyPassword('correct horse battery stapl', a)).resolves.toBe(false);
  await expect(verifyPassword('correct horse battery staple', a.replace(/\$1\$/, '$2$'))).resolves.toBe(false);
  await expect(verifyPassword('x', 'plain-text')).resolves.toBe(false);
  await expect(verifyPassword('x', 'scrypt$99999999$8$1$AAAA$AAAA')).resolves.toBe(false); // absurd cost refused, not run
});

test.each<[string, string | undefined]>([
  ['short', 'too_short'],
  ['eleven char', 'too_short'],
  ['twelve chars', undefined],
  ['x'.repeat(201), 'too_long'],
])('password %j → %s', (pw, problem) => {
  expect(passwordProblem(pw)).toBe(problem);
});

const sudEst = loadSeed().helpdesks.find((h) => h.bassin === 'sud-est') as Helpdesk;
const WEDNESDAY_10H = new Date('2026-11-25T10:00:00+01:00');
const WEDNESDAY_18H = new Date('2026-11-25T18:00:00+01:00');
const CHRISTMAS_10H = new Date('2026-12-25T10:00:00+01:00');

test.each<[string, Array<{ bassins: string[]; available?: boolean }>, string | undefined, Date, boolean]>([
  ['an agent of the bassin, within hours', [{ bassins: ['sud-est'] }], 'sud-est', WEDNESDAY_10H, true],
  ['an agent for all bassins', [{ bassins: [] }], 'sud-est', WEDNESDAY_10H, true],
  ['after hours', [{ bassins: ['sud-est'] }], 'sud-est', WEDNESDAY_18H, false],
  ['on a public holiday', [{ bassins: ['sud-est'] }], 'sud-est', CHRISTMAS_10H, false],
  ['no agent connected', [], 'sud-est', WEDNESDAY_10H, false],
  ['the agent is marked unavailable', [{ bassins: ['sud-est'], available: false }], 'sud-est', WEDNESDAY_10H, false],
  ['an agent of another bassin only', [{ bassins: ['nord'] }], 'sud-est', WEDNESDAY_10H, false],
  ['a bassin without a Helpdesk', [{ bassins: [] }], 'nord', WEDNESDAY_10H, false],
  ['bassin not known: any open Helpdesk', [{ bassins: ['sud-est'] }], undefined, WEDNESDAY_10H, true],
])('live chat with %s → %s', (_name, agents, bassin, at, expected) => {
  const presence = new Presence();
  agents.forEach((a, i) => {
    presence.join({ id: `a${i}`, bassins: a.bassins });
    if (a.available === false) presence.setAvailable(`a${i}`, false);
  });
  const desk = createLiveDesk({ helpdesks: [sudEst], presence, events: new HelpdeskEvents() });
  expect(desk.canAnswer(bassin as never, at)).toBe(expected);
});

test('presence ends when the last console of an agent closes', () => {
  const p = new Presence();
  const leave1 = p.join({ id: 'a', bassins: [] });
  const leave2 = p.join({ id: 'a', bassins: [] });
  leave1();
  expect(p.availableFor('sud')).toBe(true);
  leave2();
  expect(p.availableFor('sud')).toBe(false);
  expect(p.isAvailable('a')).toBe(false);
});

test.each<[string[], Record<string, string>, boolean, string | undefined]>([
  [['--email', 'Sara@Example.org', '--name', 'Sara'], {}, true, undefined],
  [['--email', 'sara@example.org', '--name', 'Sara', '--role', 'agent', '--bassins', 'sud-est,nord'], { BOUSSOLE_ADMIN_PASSWORD: 'from the environment' }, true, undefined],
  [['--name', 'Sara'], {}, false, 'email'],
  [['--email', 'not-an-email', '--name', 'Sara'], {}, false, 'email'],
  [['--email', 'sara@example.org'], {}, false, 'name'],
  [['--email', 'sara@example.org', '--name', 'Sara', '--role', 'root'], {}, false, 'role'],
])('admin:create %j', (argv, env, ok, problem) => {
  const r = parseAccountArgs(argv, env);
  expect(r.ok).toBe(ok);
  if (r.ok) {
    expect(r.value.email).toBe('sara@example.org');
    if (argv.includes('--bassins')) expect(r.value.bassins).toEqual(['sud-est', 'nord']);
    expect(r.value.password).toBe(env.BOUSSOLE_ADMIN_PASSWORD);
    expect(r.value.role).toBe(argv.includes('--role') ? 'agent' : 'admin');
  } else expect(r.error).toMatch(new RegExp(problem!));
});
