/**
 * `npm run admin:create -- --email a@b.be --name "Sara" [--role admin|agent] [--bassins sud-est]`
 * Creates a Helpdesk staff account (the first admin). The password is read from the terminal
 * without echo, or from BOUSSOLE_ADMIN_PASSWORD (for scripts); never from the command line.
 */
import readline from 'node:readline';
import { Writable } from 'node:stream';
import { loadConfig } from '../config/config';
import { openDatabase } from '../db/database';
import { createAccount, parseAccountArgs } from '../helpdesk/create-account';
import { createLogger } from '../logging/logger';
import { AuditRepository } from '../repositories/audit-repository';
import { StaffRepository } from '../repositories/staff-repository';

function askHidden(question: string): Promise<string> {
  let muted = false;
  const out = new Writable({
    write(chunk, _enc, cb) {
      if (!muted) process.stdout.write(chunk);
      cb();
    },
  });
  const rl = readline.createInterface({ input: process.stdin, output: out, terminal: true });
  return new Promise((resolve) => {
    rl.question(question, (answer) => {
      rl.close();
      process.stdout.write('\n');
      resolve(answer);
    });
    muted = true;
  });
}

async function main(): Promise<void> {
  const args = parseAccountArgs(process.argv.slice(2), process.env);
  if (!args.ok) {
    process.stderr.write(`${args.error}\nUsage: npm run admin:create -- --email you@example.org --name "Your name" [--role admin|agent] [--bassins sud-est,nord-est]\n`);
    process.exit(2);
  }
  const password = args.value.password ?? (process.stdin.isTTY ? await askHidden('Password (at least 12 characters): ') : '');
  const cfg = loadConfig();
  const db = await openDatabase(cfg, createLogger('warn'));
  try {
    const staff = new StaffRepository(db.db);
    const audit = new AuditRepository(db.db, cfg.AUDIT_RETENTION_DAYS);
    await staff.ensureIndexes();
    await audit.ensureIndexes();
    const r = await createAccount(staff, audit, { ...args.value, password });
    if (!r.ok) {
      process.stderr.write(`${r.error}\n`);
      process.exitCode = 1;
    } else process.stdout.write(`Account created (${args.value.role}): ${args.value.email}. Sign in at /helpdesk/.\n`);
  } finally {
    await db.close();
  }
}

void main();
