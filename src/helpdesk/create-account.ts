/** Creating a staff account from the command line (the first admin) — the CLI's testable core. */
import { ROLES, type Role, type StaffRepository } from '../repositories/staff-repository';
import type { AuditRepository } from '../repositories/audit-repository';
import { hashPassword, passwordProblem } from './passwords';

export interface NewAccount {
  email: string;
  name: string;
  role: Role;
  bassins: string[];
  password: string;
}

export function parseAccountArgs(argv: string[], env: NodeJS.ProcessEnv): { ok: true; value: Omit<NewAccount, 'password'> & { password?: string } } | { ok: false; error: string } {
  const get = (flag: string) => {
    const i = argv.indexOf(flag);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const email = (get('--email') ?? '').trim().toLowerCase();
  const name = (get('--name') ?? '').trim();
  const role = (get('--role') ?? 'admin') as Role;
  const bassins = (get('--bassins') ?? '')
    .split(',')
    .map((b) => b.trim())
    .filter(Boolean);
  if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email) || email.length > 200) return { ok: false, error: 'Give a valid --email.' };
  if (!name || name.length > 60) return { ok: false, error: 'Give a --name (shown to people in the chat), at most 60 characters.' };
  if (!ROLES.includes(role)) return { ok: false, error: `--role is one of ${ROLES.join(', ')}.` };
  return { ok: true, value: { email, name, role, bassins, password: env.BOUSSOLE_ADMIN_PASSWORD } };
}

export async function createAccount(staff: StaffRepository, audit: AuditRepository, a: NewAccount): Promise<{ ok: true; id: string } | { ok: false; error: string }> {
  const problem = passwordProblem(a.password);
  if (problem) return { ok: false, error: 'The password must have between 12 and 200 characters.' };
  if (await staff.byEmail(a.email)) return { ok: false, error: 'An account with this e-mail already exists.' };
  const created = await staff.create({ email: a.email, name: a.name, role: a.role, bassins: a.bassins, passwordHash: await hashPassword(a.password) });
  await audit.record({ actor: 'cli', action: 'account_created', detail: { account: created._id, role: created.role } });
  return { ok: true, id: created._id };
}
