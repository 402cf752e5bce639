/**
 * The Helpdesk side: staff accounts and sign-in, the case queue and live bridge, the console.
 * Depends on the handoff flow and the repositories; the bot knows nothing of it.
 */
import type { Response, Router } from 'express';
import type { Db } from 'mongodb';
import type { Helpdesk, Lang } from '../catalogue/schema';
import type { Config } from '../config/config';
import type { HandoffFlow, LiveDesk } from '../handoff';
import type { Logger } from '../logging/logger';
import { AuditRepository } from '../repositories/audit-repository';
import type { HandoffRepository } from '../repositories/handoff-repository';
import { StaffRepository } from '../repositories/staff-repository';
import { CaseActions, type Deliver, type ReachBack } from './case-actions';
import { consoleRoutes, type ConsoleDeps } from './console-routes';
import { createLiveDesk } from './live-desk';
import { HelpdeskEvents, Presence } from './live-events';
import { StaffAuth } from './staff-auth';

export { CaseActions, type Deliver, type ReachBack } from './case-actions';
export { HelpdeskEvents, Presence } from './live-events';
export { hashPassword, verifyPassword, passwordProblem } from './passwords';
export { StaffAuth } from './staff-auth';

export interface HelpdeskParts {
  desk: LiveDesk;
  presence: Presence;
  events: HelpdeskEvents;
  staff: StaffRepository;
  audit: AuditRepository;
  ensureIndexes(): Promise<void>;
  /** Needs the handoff flow, which needs the desk: wired in two steps. */
  router(flow: HandoffFlow, deliver: Deliver, bassins: Array<{ id: string }>, bassinName: (id: string, lang: Lang) => string, reachBack?: ReachBack, words?: ConsoleDeps['words'], catalogue?: Router): Router;
  purgeExpired(): Promise<number>;
  /** Ends open event streams so the server can close. */
  closeStreams(): void;
}

export function createHelpdesk(o: { db: Db; cfg: Config; repo: HandoffRepository; helpdesks: Helpdesk[]; log: Logger; now?: () => Date }): HelpdeskParts {
  const events = new HelpdeskEvents();
  const presence = new Presence();
  const staff = new StaffRepository(o.db);
  const audit = new AuditRepository(o.db, o.cfg.AUDIT_RETENTION_DAYS);
  const streams = new Set<Response>();
  const auth = new StaffAuth({ staff, audit, sessionHours: o.cfg.HELPDESK_SESSION_HOURS, maxFailures: o.cfg.SIGNIN_MAX_FAILURES, lockMinutes: o.cfg.SIGNIN_LOCK_MINUTES, secureCookie: o.cfg.COOKIE_SECURE });
  return {
    desk: createLiveDesk({ helpdesks: o.helpdesks, presence, events }),
    presence,
    events,
    staff,
    audit,
    async ensureIndexes() {
      await staff.ensureIndexes();
      await audit.ensureIndexes();
    },
    router(flow, deliver, bassins, bassinName, reachBack, words, catalogue) {
      const actions = new CaseActions({ repo: o.repo, audit, events, flow, deliver, reachBack, log: o.log, caseRetentionDays: o.cfg.CASE_RETENTION_DAYS, now: o.now });
      return consoleRoutes({ auth, staff, repo: o.repo, audit, actions, events, presence, bassins, bassinName, words, log: o.log, streams, catalogue });
    },
    async purgeExpired() {
      return (await staff.purgeExpired()) + (await audit.purgeExpired());
    },
    closeStreams() {
      for (const res of streams) res.end();
      streams.clear();
    },
  };
}
