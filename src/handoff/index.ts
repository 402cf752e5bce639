/** Handing cases to Helpdesk staff (callback mode) and the outbox that keeps them safe. */
export { createCallbackHandoff, type CallbackDeps } from './callback';
export { Outbox } from './outbox';
export { parseContact, type Contact } from './contact';
export { belgianHolidays, helpdeskOpen, nextOpening } from './hours';
