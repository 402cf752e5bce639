/** A Helpdesk callback case as the handoff writes it, for tests; `over` replaces any field. */
import crypto from 'node:crypto';
import type { CaseRecord } from '../../src/repositories/handoff-repository';

export function callbackCase(over: Partial<CaseRecord> = {}, at = new Date()): CaseRecord {
  return {
    _id: crypto.randomUUID(),
    mode: 'callback',
    reason: 'asked_for_person',
    language: 'fr',
    situation: { journey: 'logement', facts: {}, servicesSuggested: [] },
    contact: { kind: 'phone', value: '+32470123456' },
    timeOfDay: 'any',
    status: 'new',
    history: [{ status: 'new', at, by: 'person' }],
    assignee: null,
    outcome: null,
    createdAt: at,
    updatedAt: at,
    expiresAt: new Date(at.getTime() + 86400000),
    ...over,
  };
}
