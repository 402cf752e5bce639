/** Handing cases to Helpdesk staff (live or callback) and the outbox that keeps them safe. */
export { createHandoff, sessionKey, FEEDBACK, type HandoffDeps, type HandoffFlow, type LiveDesk } from './handoff-flow';
export { Outbox } from './outbox';
export { parseContact, type Contact } from './contact';
export { belgianHolidays, helpdeskOpen, nextOpening } from './hours';
export { caseReference, referencePrefix } from './reference';
