/** `npm run cases:list`: the newest Helpdesk callback cases, for staff (contact and situation; transcript only when consented). */
import { loadConfig } from '../config/config';
import { openDatabase } from '../db/database';
import { createLogger } from '../logging/logger';
import { HandoffRepository } from '../repositories/handoff-repository';

async function main(): Promise<void> {
  const db = await openDatabase(loadConfig(), createLogger('warn'));
  try {
    const cases = await new HandoffRepository(db.db).listCases(Number(process.argv[2] ?? 50));
    for (const c of cases)
      console.log(JSON.stringify({ id: c._id, status: c.status, createdAt: c.createdAt, reason: c.reason, language: c.language, bassin: c.situation.bassin ?? null, journey: c.situation.journey ?? null, contact: c.contact, timeOfDay: c.timeOfDay, facts: c.situation.facts, services: c.situation.servicesSuggested, transcript: c.transcript ? `${c.transcript.length} messages` : 'not consented' }));
    if (!cases.length) console.log('No cases.');
  } finally {
    await db.close();
  }
}

void main();
