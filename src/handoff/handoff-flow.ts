/**
 * Handing a case to Helpdesk staff, as a conversation of its own inside the chat.
 * - Live (Helpdesk open and an agent available): consent, consent to share the transcript, then a
 *   live case; the person's messages go to the agent's console and the bot stays silent (the
 *   safety net still answers first); when the agent closes the case the bot asks for feedback.
 * - Callback (otherwise): consent, a validated contact (phone or e-mail), a time of day, consent to
 *   attach the transcript; the person is told when to expect the call and gets the number.
 * A case is written durably — or kept in the local outbox when the database is unreachable —
 * before the person is told it is registered. Steps live in MongoDB so any instance can go on.
 */
import crypto from 'node:crypto';
import { TurnContext } from 'botbuilder-core';
import { z } from 'zod';
import type { BassinId, Helpdesk, Lang } from '../catalogue/schema';
import type { ConversationView, HandoffRequest, HandoffSession, HandoffStarter } from '../bot/boussole-dialog';
import type { Reply } from '../bot/render/render-outputs';
import { formatHours } from '../bot/render/service-card';
import type { Translate } from '../i18n/i18n';
import type { Logger } from '../logging/logger';
import { HOST_STATES, type CaseMessage, type CaseRecord, type HandoffRepository, type SessionRecord } from '../repositories/handoff-repository';
import { parseContact } from './contact';
import { nextOpening } from './hours';
import { caseReference } from './reference';
import type { Outbox } from './outbox';

/** The Helpdesk side that live mode needs (implemented by src/helpdesk). */
export interface LiveDesk {
  /** The bassin's Helpdesk is open and an agent is available now. */
  canAnswer(bassin: BassinId | undefined, at: Date): boolean;
  caseOpened(c: CaseRecord): void;
  personWrote(c: CaseRecord | { _id: string; situation: { bassin?: string } }, m: CaseMessage): void;
}

export interface HandoffDeps {
  repo: HandoffRepository;
  outbox: Outbox;
  t: Translate;
  log: Logger;
  helpdesks: Helpdesk[];
  bassinName(b: BassinId, lang: Lang): string;
  /** yes / no / undefined, in any language (the NLU's yes/no parser). */
  yesNo(text: string, lang: Lang): boolean | undefined;
  /** A global command that leaves the handoff ("menu", "stop"…). */
  leaves(text: string, lang: Lang): boolean;
  caseRetentionDays: number;
  sessionMinutes?: number;
  /** How long a live conversation may stay open without a message (default 12 h). */
  liveSessionMinutes?: number;
  now?: () => Date;
  live?: LiveDesk;
}

export interface HandoffFlow {
  starter: HandoffStarter;
  session: HandoffSession;
  /** The agent closed a live case: the bot takes over again and asks for feedback. */
  toFeedback(conversationKey: string, caseId: string, lang: Lang): Promise<void>;
  /**
   * An agent wrote to a callback case on a channel that reaches back (WhatsApp): from now on the
   * person's messages go to the case, as in a live conversation, until the agent closes it.
   */
  bridge(conversationKey: string, c: Pick<CaseRecord, '_id' | 'language' | 'reason' | 'situation'>, lang: Lang): Promise<void>;
  /** What the person sees of the live conversation (delivered proactively by the Helpdesk side). */
  agentJoined(lang: Lang, caseId: string, name: string): Reply;
  agentMessage(lang: Lang, caseId: string, name: string, text: string): Reply;
  closed(lang: Lang, caseId: string, name: string): Reply;
}

export const FEEDBACK = ['useful', 'partly', 'not_useful'] as const;

/**
 * Channels where event activities come from the person's own page (our web chat, Azure's Direct
 * Line and Web Chat): a `handoff.status` there is never a host's report, so it is not heeded.
 */
const PERSON_CHANNELS = new Set(['directline', 'webchat']);
/** A host's `handoff.status` (Bot Framework handoff protocol), naming the case we announced. */
const hostStatus = z.object({ caseId: z.string().uuid(), state: z.enum(HOST_STATES) });

const TIMES = ['morning', 'afternoon', 'any'] as const;
type TimeOfDay = (typeof TIMES)[number];

export function sessionKey(ctx: TurnContext): string {
  return `${ctx.activity.channelId}/${ctx.activity.conversation.id}`;
}

function msg(text: string, lang: Lang, extra: Partial<Reply> = {}): Reply {
  return { type: 'message', text, locale: lang, ...extra };
}

function buttons(titles: string[]): Partial<Reply> {
  return { suggestedActions: { to: [], actions: titles.map((title) => ({ type: 'imBack', title, value: title })) } };
}

export function createHandoff(d: HandoffDeps): HandoffFlow {
  const now = () => (d.now ? d.now() : new Date());
  const t = (lang: Lang, key: string, params?: Record<string, unknown>) => d.t(lang, `handoff:${key}`, params);
  const helpdesk = (b?: BassinId) => (b ? d.helpdesks.find((h) => h.bassin === b) : undefined);
  const numberLine = (lang: Lang, b?: BassinId) => {
    const h = helpdesk(b);
    return h?.phone && b ? t(lang, 'helpdesk_line', { bassin: d.bassinName(b, lang), phone: h.phone, hours: formatHours(h.hours, { t: d.t, lang }) }) : t(lang, 'allo_line');
  };
  const yesNoButtons = (lang: Lang) => buttons([d.t(lang, 'common.yes'), d.t(lang, 'common.no')]);
  const expires = (minutes: number) => new Date(now().getTime() + minutes * 60000);

  // Steps are kept here and written through to MongoDB (so another instance can go on); when the
  // database is unreachable the handoff still goes on here, and its case lands in the outbox.
  const cache = new Map<string, SessionRecord>();
  const save = async (s: Omit<SessionRecord, 'expiresAt'>) => {
    const minutes = s.step === 'live' || s.step === 'feedback' ? (d.liveSessionMinutes ?? 720) : (d.sessionMinutes ?? 60);
    const rec = { ...s, expiresAt: expires(minutes) };
    cache.set(rec._id, rec);
    await d.repo.saveSession(rec).catch((err: Error) => d.log.warn('handoff.session_not_saved', { error: err }));
  };
  // The database is the truth (the console moves a live session to feedback); the local copy only
  // serves while the database is unreachable.
  const load = async (key: string): Promise<SessionRecord | null> => {
    try {
      const rec = await d.repo.session(key, now());
      if (rec) cache.set(key, rec);
      else cache.delete(key);
      return rec;
    } catch {
      const hit = cache.get(key);
      return hit && hit.expiresAt > now() ? hit : null;
    }
  };
  const end = async (key: string) => {
    cache.delete(key);
    await d.repo.endSession(key).catch(() => undefined);
  };

  const starter: HandoffStarter = async (ctx, req) => {
    const live = d.live?.canAnswer(req.bassin, now()) ?? false;
    await save({ _id: sessionKey(ctx), step: 'consent', data: { req, ref: TurnContext.getConversationReference(ctx.activity), live }, tries: 0 });
    const text = live ? [t(req.lang, 'live_intro'), t(req.lang, 'ask_live_consent')] : [t(req.lang, 'callback_intro'), t(req.lang, 'ask_consent')];
    return [msg(text.join('\n\n'), req.lang, { ...yesNoButtons(req.lang), channelData: { question: { slot: 'handoff_consent', kind: 'yesno' }, handoff: { mode: live ? 'live' : 'callback', step: 'consent' } } })];
  };

  const newCase = (ctx: TurnContext, s: SessionRecord, view: ConversationView, mode: CaseRecord['mode'], withTranscript: boolean): CaseRecord => {
    const req = s.data.req as HandoffRequest;
    const at = now();
    return {
      _id: crypto.randomUUID(),
      mode,
      reason: req.reason,
      language: req.lang,
      situation: { journey: req.journey, facts: { ...req.facts }, bassin: req.bassin, servicesSuggested: req.servicesSuggested },
      ...(mode === 'callback' ? { contact: s.data.contact as CaseRecord['contact'], ...(s.data.timeOfDay ? { timeOfDay: s.data.timeOfDay as TimeOfDay } : {}) } : {}),
      ...(withTranscript ? { transcript: view.transcript } : {}),
      conversation: { key: sessionKey(ctx), ...(mode === 'live' ? { ref: s.data.ref as Record<string, unknown> } : {}) },
      status: 'new',
      history: [{ status: 'new', at, by: 'person' }],
      assignee: null,
      outcome: null,
      createdAt: at,
      updatedAt: at,
      expiresAt: new Date(at.getTime() + d.caseRetentionDays * 86400000),
    };
  };

  /** Writes a case durably, or keeps it in the outbox; true when it had to be queued. */
  const store = async (c: CaseRecord): Promise<boolean> => {
    try {
      await d.repo.saveCase(c);
      return false;
    } catch (err) {
      // The database did not take it: keep it safely here, and give the number at once.
      d.outbox.put(c);
      d.log.warn('handoff.case_queued', { caseId: c._id, error: err as Error });
      return true;
    }
  };

  const initiateEvent = (c: CaseRecord, handoff: Record<string, unknown>): Reply => ({
    // Bot Framework handoff protocol: hosts that support it can take over from here.
    type: 'event',
    name: 'handoff.initiate',
    value: { caseId: c._id, mode: c.mode, reason: c.reason },
    ...(c.transcript ? { attachments: [{ contentType: 'application/json', name: 'transcript', content: { transcript: c.transcript } }] } : {}),
    channelData: { handoff },
  });

  async function openLive(ctx: TurnContext, s: SessionRecord, view: ConversationView, withTranscript: boolean): Promise<Reply[]> {
    const req = s.data.req as HandoffRequest;
    const lang = req.lang;
    if (!d.live?.canAnswer(req.bassin, now())) {
      // The last agent left in the meantime: a callback instead, nothing to repeat but the contact.
      await save({ ...s, step: 'contact', data: { ...s.data, live: false, transcriptConsent: withTranscript }, tries: 0 });
      return [msg([t(lang, 'live_gone'), t(lang, 'ask_contact')].join('\n\n'), lang, { channelData: { question: { slot: 'handoff_contact', kind: 'text' } } })];
    }
    const c = newCase(ctx, s, view, 'live', withTranscript);
    const queued = await store(c);
    const handoff = { caseId: c._id, mode: 'live', ...(queued ? { queued: true } : {}) };
    d.log.info('handoff.case_registered', { caseId: c._id, reason: c.reason, bassin: req.bassin ?? null, mode: 'live', queued });
    if (queued) {
      await end(sessionKey(ctx));
      return [msg([t(lang, 'live_offline'), numberLine(lang, req.bassin)].join('\n\n'), lang, { channelData: { handoff } }), initiateEvent(c, handoff)];
    }
    await save({ _id: s._id, step: 'live', data: { req, caseId: c._id }, tries: 0 });
    d.live.caseOpened(c);
    return [msg([t(lang, 'live_waiting'), numberLine(lang, req.bassin)].join('\n\n'), lang, { channelData: { handoff } }), initiateEvent(c, handoff)];
  }

  async function register(ctx: TurnContext, s: SessionRecord, view: ConversationView, withTranscript: boolean): Promise<Reply[]> {
    const req = s.data.req as HandoffRequest;
    const lang = req.lang;
    const c = newCase(ctx, s, view, 'callback', withTranscript);
    const queued = await store(c);
    await end(sessionKey(ctx));
    if (!queued) d.live?.caseOpened(c);
    const opening = nextOpening(helpdesk(req.bassin), c.createdAt);
    const when = opening
      ? t(lang, 'expect_call_at', { when: new Intl.DateTimeFormat(lang, { weekday: 'long', day: 'numeric', month: 'long', hour: '2-digit', minute: '2-digit', timeZone: 'Europe/Brussels' }).format(opening) })
      : t(lang, 'expect_call_soon');
    const reference = caseReference(c._id);
    const text = [t(lang, queued ? 'registered_offline' : 'registered'), t(lang, 'reference', { ref: reference }), when, numberLine(lang, req.bassin)].join('\n\n');
    const handoff = { caseId: c._id, reference, mode: 'callback', ...(queued ? { queued: true } : {}) };
    d.log.info('handoff.case_registered', { caseId: c._id, reason: c.reason, bassin: req.bassin ?? null, mode: 'callback', queued });
    return [msg(text, lang, { channelData: { handoff } }), initiateEvent(c, handoff)];
  }

  async function liveMessage(s: SessionRecord, text: string, alarm: string | undefined): Promise<Reply[] | undefined> {
    const req = s.data.req as HandoffRequest;
    const caseId = String(s.data.caseId);
    const at = now();
    const m: CaseMessage = { _id: crypto.randomUUID(), caseId, from: 'person', text, ...(alarm ? { alarm } : {}), at, expiresAt: new Date(at.getTime() + d.caseRetentionDays * 86400000) };
    try {
      await d.repo.addMessage(m);
    } catch (err) {
      d.log.warn('handoff.live_message_not_saved', { caseId, error: err as Error });
      return [msg([t(req.lang, 'live_not_delivered'), numberLine(req.lang, req.bassin)].join('\n\n'), req.lang)];
    }
    await save(s); // keeps the live session from expiring while the person writes
    d.live?.personWrote({ _id: caseId, situation: { bassin: req.bassin } }, m);
    return []; // bridged: the bot stays silent
  }

  function feedbackChoice(text: string, lang: Lang): (typeof FEEDBACK)[number] | undefined {
    const low = text.trim().toLowerCase();
    const byTitle = FEEDBACK.find((f) => t(lang, `feedback.${f}`).toLowerCase() === low);
    if (byTitle) return byTitle;
    if (/^[123]$/.test(low)) return FEEDBACK[Number(low) - 1];
    const yes = d.yesNo(text, lang);
    return yes === undefined ? undefined : yes ? 'useful' : 'not_useful';
  }

  const session: HandoffSession = {
    async intercept(ctx, text, view, opts = {}) {
      const key = sessionKey(ctx);
      const s = await load(key);
      if (!s) return undefined;
      const req = s.data.req as HandoffRequest;
      const lang = req.lang;
      if (s.step === 'live') {
        if (d.leaves(text, lang)) {
          // The person leaves the live conversation: the agent is told; the bot answers the command.
          const caseId = String(s.data.caseId);
          const at = now();
          const m: CaseMessage = { _id: crypto.randomUUID(), caseId, from: 'system', text: 'person_left', at, expiresAt: new Date(at.getTime() + d.caseRetentionDays * 86400000) };
          await d.repo.addMessage(m).catch(() => undefined);
          d.live?.personWrote({ _id: caseId, situation: { bassin: req.bassin } }, m);
          await end(key);
          return undefined;
        }
        return liveMessage(s, text, opts.alarm);
      }
      // A message in danger is not an answer to a form: the safety net's reply comes alone.
      if (opts.alarm === 'emergency') return undefined;
      if (d.leaves(text, lang)) {
        await end(key);
        return undefined;
      }
      switch (s.step) {
        case 'consent': {
          const yes = d.yesNo(text, lang);
          if (yes === undefined) return [msg(t(lang, 'ask_consent'), lang, yesNoButtons(lang))];
          if (!yes) {
            await end(key);
            return [msg([t(lang, 'declined'), numberLine(lang, req.bassin)].join('\n\n'), lang)];
          }
          if (s.data.live) {
            await save({ ...s, step: 'transcript', tries: 0 });
            return [msg(t(lang, 'ask_transcript'), lang, { ...yesNoButtons(lang), channelData: { question: { slot: 'handoff_transcript', kind: 'yesno' } } })];
          }
          await save({ ...s, step: 'contact', tries: 0 });
          return [msg(t(lang, 'ask_contact'), lang, { channelData: { question: { slot: 'handoff_contact', kind: 'text' } } })];
        }
        case 'contact': {
          const contact = parseContact(text);
          if (!contact) {
            if (s.tries >= 1) {
              await end(key);
              return [msg([t(lang, 'invalid_contact_again'), numberLine(lang, req.bassin)].join('\n\n'), lang)];
            }
            await save({ ...s, tries: s.tries + 1 });
            return [msg(t(lang, 'invalid_contact'), lang, { channelData: { question: { slot: 'handoff_contact', kind: 'text' } } })];
          }
          if (contact.kind === 'email') {
            // An e-mail is written to, not called: no "when should we call you?".
            const data = { ...s.data, contact };
            if (typeof s.data.transcriptConsent === 'boolean') return register(ctx, { ...s, data }, view, s.data.transcriptConsent);
            await save({ ...s, step: 'transcript', data, tries: 0 });
            return [msg(t(lang, 'ask_transcript'), lang, { ...yesNoButtons(lang), channelData: { question: { slot: 'handoff_transcript', kind: 'yesno' } } })];
          }
          await save({ ...s, step: 'time', data: { ...s.data, contact }, tries: 0 });
          return [msg(t(lang, 'ask_time'), lang, { ...buttons(TIMES.map((x) => t(lang, `time.${x}`))), channelData: { question: { slot: 'handoff_time', kind: 'choice', options: [...TIMES] } } })];
        }
        case 'time': {
          const low = text.trim().toLowerCase();
          const timeOfDay = TIMES.find((x) => t(lang, `time.${x}`).toLowerCase() === low) ?? (['1', '2', '3'].includes(low) ? TIMES[Number(low) - 1] : 'any');
          if (typeof s.data.transcriptConsent === 'boolean') return register(ctx, { ...s, data: { ...s.data, timeOfDay } }, view, s.data.transcriptConsent);
          await save({ ...s, step: 'transcript', data: { ...s.data, timeOfDay } });
          return [msg(t(lang, 'ask_transcript'), lang, { ...yesNoButtons(lang), channelData: { question: { slot: 'handoff_transcript', kind: 'yesno' } } })];
        }
        case 'transcript': {
          const yes = d.yesNo(text, lang);
          if (yes === undefined) return [msg(t(lang, 'ask_transcript'), lang, yesNoButtons(lang))];
          return s.data.live ? openLive(ctx, s, view, yes) : register(ctx, s, view, yes);
        }
        case 'feedback': {
          const choice = feedbackChoice(text, lang);
          await end(key);
          if (!choice) return undefined; // they moved on: the message is handled as usual
          await d.repo.setFeedback(String(s.data.caseId), choice).catch((err: Error) => d.log.warn('handoff.feedback_not_saved', { error: err }));
          d.log.info('handoff.feedback', { caseId: String(s.data.caseId), feedback: choice });
          return [msg(t(lang, 'feedback_thanks'), lang)];
        }
      }
      return undefined;
    },
    async onEvent(ctx) {
      const a = ctx.activity;
      if (a.name !== 'handoff.status') return undefined;
      // On a web chat the sender of an event is the person's own page: only a host may report.
      if (PERSON_CHANNELS.has(a.channelId)) {
        d.log.info('handoff.status_ignored', { channel: a.channelId, reason: 'person_channel' });
        return undefined;
      }
      const v = hostStatus.safeParse(a.value);
      const recorded = v.success && (await d.repo.recordHostState(v.data.caseId, sessionKey(ctx), v.data.state, now()));
      if (!recorded) d.log.info('handoff.status_ignored', { channel: a.channelId, reason: v.success ? 'not_this_conversation_or_full' : 'invalid' });
      return undefined;
    },
  };
  const toFeedback = async (conversationKey: string, caseId: string, lang: Lang): Promise<void> => {
    const s = await load(conversationKey);
    const req = (s?.data.req as HandoffRequest | undefined) ?? ({ reason: 'live', lang, facts: {}, servicesSuggested: [] } satisfies HandoffRequest);
    await save({ _id: conversationKey, step: 'feedback', data: { req, caseId }, tries: 0 });
  };

  const bridge = async (conversationKey: string, c: Pick<CaseRecord, '_id' | 'language' | 'reason' | 'situation'>, lang: Lang): Promise<void> => {
    const s = await load(conversationKey);
    if (s?.step === 'live' && s.data.caseId === c._id) return save(s);
    const bassin = c.situation.bassin as BassinId | undefined;
    const req: HandoffRequest = { reason: c.reason as HandoffRequest['reason'], lang, ...(bassin ? { bassin } : {}), facts: {}, servicesSuggested: [] };
    await save({ _id: conversationKey, step: 'live', data: { req, caseId: c._id }, tries: 0 });
  };

  const live = (caseId: string, extra: Record<string, unknown> = {}) => ({ handoff: { caseId, mode: 'live', ...extra } });
  return {
    starter,
    session,
    bridge,
    toFeedback,
    agentJoined: (lang, caseId, name) => msg(t(lang, 'agent_joined', { name }), lang, { channelData: live(caseId, { status: 'assigned' }) }),
    // The text names the agent for every channel; the web page also draws it as a person's message (channelData: name and words).
    agentMessage: (lang, caseId, name, text) => msg(t(lang, 'agent_message', { name, text }), lang, { channelData: live(caseId, { from: 'agent', agent: { name, text } }) }),
    closed: (lang, caseId, name) =>
      msg([t(lang, 'live_closed', { name }), t(lang, 'ask_feedback')].join('\n\n'), lang, {
        ...buttons(FEEDBACK.map((f) => t(lang, `feedback.${f}`))),
        channelData: { ...live(caseId, { status: 'closed' }), question: { slot: 'handoff_feedback', kind: 'choice', options: [...FEEDBACK] } },
      }),
  };
}
