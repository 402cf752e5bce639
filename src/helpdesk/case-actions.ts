/**
 * What an agent does with a case: take it, write to the person, close it with an outcome. Each
 * action is checked (role, assignee, status), written to the database, written to the audit log,
 * pushed to the open consoles, and — for a live case — delivered to the person on their own
 * channel as a proactive message. A callback case is answered by phone or e-mail, except where the
 * person's channel can still be written to later (WhatsApp, whose number is kept as long as the
 * conversation lives): there the agent's words go to it too (as the approved template once the
 * 24-hour window has closed).
 */
import crypto from 'node:crypto';
import type { Activity, ConversationReference } from 'botbuilder-core';
import type { Lang } from '../catalogue/schema';
import type { HandoffFlow } from '../handoff';
import { isLang } from '../i18n/i18n';
import type { Logger } from '../logging/logger';
import type { AuditRepository } from '../repositories/audit-repository';
import type { CaseMessage, CaseRecord, HandoffRepository, Outcome } from '../repositories/handoff-repository';
import type { StaffAccount } from '../repositories/staff-repository';
import type { HelpdeskEvents } from './live-events';

/** Sends activities into a person's conversation (Direct Line or any Bot Framework channel). */
export type Deliver = (ref: Partial<ConversationReference>, activities: Array<Partial<Activity>>) => Promise<void>;

/** The reference that reaches a conversation after the person left it, where the channel allows it (else undefined). */
export type ReachBack = (conversationKey: string) => Partial<ConversationReference> | undefined;

export type ActionResult<T = undefined> = { ok: true; value: T } | { ok: false; status: 403 | 404 | 409 | 503; code: string };

export interface CaseActionsDeps {
  repo: HandoffRepository;
  audit: AuditRepository;
  events: HelpdeskEvents;
  flow: HandoffFlow;
  deliver: Deliver;
  reachBack?: ReachBack;
  log: Logger;
  caseRetentionDays: number;
  now?: () => Date;
}

export type Agent = Pick<StaffAccount, '_id' | 'name' | 'role' | 'bassins'>;

/** May this agent see this case? Admins: all; agents: their bassins and cases of unknown bassin. */
export function canSee(agent: Agent, c: CaseRecord): boolean {
  if (agent.role === 'admin' || agent.bassins.length === 0) return true;
  return !c.situation.bassin || agent.bassins.includes(c.situation.bassin);
}

export class CaseActions {
  constructor(private readonly d: CaseActionsDeps) {}

  private now(): Date {
    return this.d.now ? this.d.now() : new Date();
  }

  private lang(c: CaseRecord): Lang {
    return isLang(c.language) ? c.language : 'fr';
  }

  private async visible(agent: Agent, caseId: string): Promise<ActionResult<CaseRecord>> {
    const c = await this.d.repo.getCase(caseId);
    if (!c || !canSee(agent, c)) return { ok: false, status: 404, code: 'case_not_found' };
    return { ok: true, value: c };
  }

  /** Where the agent's words reach the person: the live conversation, or a callback case's channel that can be written to later. */
  private route(c: CaseRecord): Partial<ConversationReference> | undefined {
    if (c.mode === 'live') return c.conversation?.ref as Partial<ConversationReference> | undefined;
    return c.status !== 'closed' && c.conversation?.key ? this.d.reachBack?.(c.conversation.key) : undefined;
  }

  private async toPerson(c: CaseRecord, activity: Partial<Activity>): Promise<boolean> {
    const ref = this.route(c);
    if (!ref) return false;
    try {
      await this.d.deliver(ref, [activity]);
      return true;
    } catch (err) {
      this.d.log.warn('helpdesk.delivery_failed', { caseId: c._id, error: err as Error });
      return false;
    }
  }

  async view(agent: Agent, caseId: string): Promise<ActionResult<{ case: CaseRecord & { writable: boolean }; messages: CaseMessage[] }>> {
    const found = await this.visible(agent, caseId);
    if (!found.ok) return found;
    const { conversation, ...rest } = found.value;
    await this.d.audit.record({ actor: agent._id, action: 'case_viewed', caseId });
    // The conversation reference is routing data for the server, not for the console: it only learns
    // whether the person can be written to (live, or a callback case on a channel that reaches back).
    const writable = found.value.mode === 'live' || this.route(found.value) !== undefined;
    return { ok: true, value: { case: { ...rest, ...(conversation ? { conversation: { key: 'hidden' } } : {}), writable }, messages: await this.d.repo.messagesOf(caseId) } };
  }

  async take(agent: Agent, caseId: string): Promise<ActionResult> {
    const found = await this.visible(agent, caseId);
    if (!found.ok) return found;
    const taken = await this.d.repo.take(caseId, { id: agent._id, name: agent.name }, this.d.caseRetentionDays, this.now());
    if (!taken) return { ok: false, status: 409, code: 'case_not_new' };
    await this.d.audit.record({ actor: agent._id, action: 'case_taken', caseId });
    const c = found.value;
    this.d.events.publish({ type: 'case', caseId, bassin: c.situation.bassin ?? null, status: 'assigned', mode: c.mode });
    if (c.mode === 'live') await this.toPerson(c, this.d.flow.agentJoined(this.lang(c), caseId, agent.name) as Partial<Activity>);
    return { ok: true, value: undefined };
  }

  async write(agent: Agent, caseId: string, text: string): Promise<ActionResult<CaseMessage>> {
    const found = await this.visible(agent, caseId);
    if (!found.ok) return found;
    const c = found.value;
    if (c.status !== 'assigned' || c.assignee !== agent._id) return { ok: false, status: 409, code: 'not_your_open_case' };
    if (c.mode !== 'live' && !this.route(c)) return { ok: false, status: 409, code: 'not_live' };
    const at = this.now();
    const m: CaseMessage = { _id: crypto.randomUUID(), caseId, from: 'agent', text, name: agent.name, at, expiresAt: new Date(at.getTime() + this.d.caseRetentionDays * 86400000) };
    await this.d.repo.addMessage(m);
    await this.d.audit.record({ actor: agent._id, action: 'message_sent', caseId, detail: { chars: text.length } });
    this.d.events.publish({ type: 'message', caseId, bassin: c.situation.bassin ?? null, message: { id: m._id, from: 'agent', text, name: agent.name, at: at.toISOString() } });
    const delivered = await this.toPerson(c, this.d.flow.agentMessage(this.lang(c), caseId, agent.name, text) as Partial<Activity>);
    if (!delivered) return { ok: false, status: 503, code: 'not_delivered' };
    // A callback case written to on the person's channel: their answers now reach this case.
    if (c.mode === 'callback' && c.conversation?.key) await this.d.flow.bridge(c.conversation.key, c, this.lang(c));
    return { ok: true, value: m };
  }

  /** The Helpdesk's note on a case: anyone who may see the case may write it (it is the team's). */
  async note(agent: Agent, caseId: string, text: string): Promise<ActionResult<NonNullable<CaseRecord['note']>>> {
    const found = await this.visible(agent, caseId);
    if (!found.ok) return found;
    const note = { text, by: agent._id, name: agent.name, at: this.now() };
    await this.d.repo.setNote(caseId, note);
    await this.d.audit.record({ actor: agent._id, action: 'note_saved', caseId, detail: { chars: text.length } });
    return { ok: true, value: note };
  }

  async close(agent: Agent, caseId: string, outcome: Outcome): Promise<ActionResult> {
    const found = await this.visible(agent, caseId);
    if (!found.ok) return found;
    const c = found.value;
    if (c.status === 'closed') return { ok: false, status: 409, code: 'already_closed' };
    // Closed by someone who took it: an agent their own case; an admin any case somebody took.
    if (c.status === 'new') return { ok: false, status: 409, code: 'case_not_taken' };
    if (agent.role !== 'admin' && c.assignee !== agent._id) return { ok: false, status: 403, code: 'not_your_case' };
    const before = await this.d.repo.close(caseId, agent._id, outcome, this.d.caseRetentionDays, this.now());
    if (!before) return { ok: false, status: 409, code: 'already_closed' };
    await this.d.audit.record({ actor: agent._id, action: 'case_closed', caseId, detail: { outcome } });
    this.d.events.publish({ type: 'case', caseId, bassin: c.situation.bassin ?? null, status: 'closed', mode: c.mode });
    const bridged = c.mode === 'callback' && this.route(c) !== undefined && (await this.d.repo.messagesOf(caseId)).some((m) => m.from === 'agent');
    if ((c.mode === 'live' || bridged) && c.conversation?.key) {
      // The bot takes the conversation back and asks how it went.
      await this.d.flow.toFeedback(c.conversation.key, caseId, this.lang(c));
      await this.toPerson(before, this.d.flow.closed(this.lang(c), caseId, agent.name) as Partial<Activity>);
    }
    return { ok: true, value: undefined };
  }
}
