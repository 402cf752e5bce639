/**
 * Handing a case to Helpdesk staff by callback: explicit consent, a validated contact (phone or
 * e-mail), a time of day, consent to attach the transcript; then the case is written durably — or
 * kept in the local outbox when the database is unreachable — before the person is told it is
 * registered, with when to expect the call and the Helpdesk number. The steps live in MongoDB so a
 * handoff goes on on any instance. (Live chat with an agent console is not built yet.)
 */
import crypto from 'node:crypto';
import { TurnContext } from 'botbuilder-core';
import type { BassinId, Helpdesk, Lang } from '../catalogue/schema';
import type { ConversationView, HandoffRequest, HandoffSession, HandoffStarter } from '../bot/boussole-dialog';
import type { Reply } from '../bot/render/render-outputs';
import { formatHours } from '../bot/render/service-card';
import type { Translate } from '../i18n/i18n';
import type { Logger } from '../logging/logger';
import type { CaseRecord, HandoffRepository, SessionRecord } from '../repositories/handoff-repository';
import { parseContact } from './contact';
import { nextOpening } from './hours';
import type { Outbox } from './outbox';

export interface CallbackDeps {
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
  now?: () => Date;
}

const TIMES = ['morning', 'afternoon', 'any'] as const;
type TimeOfDay = (typeof TIMES)[number];

function sessionKey(ctx: TurnContext): string {
  return `${ctx.activity.channelId}/${ctx.activity.conversation.id}`;
}

function msg(text: string, lang: Lang, extra: Partial<Reply> = {}): Reply {
  return { type: 'message', text, locale: lang, ...extra };
}

function buttons(titles: string[]): Partial<Reply> {
  return { suggestedActions: { to: [], actions: titles.map((title) => ({ type: 'imBack', title, value: title })) } };
}

export function createCallbackHandoff(d: CallbackDeps): { starter: HandoffStarter; session: HandoffSession } {
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
    const rec = { ...s, expiresAt: expires(d.sessionMinutes ?? 60) };
    cache.set(rec._id, rec);
    await d.repo.saveSession(rec).catch((err: Error) => d.log.warn('handoff.session_not_saved', { error: err }));
  };
  const load = async (key: string) => {
    const hit = cache.get(key);
    if (hit && hit.expiresAt > now()) return hit;
    return d.repo.session(key).catch(() => null);
  };
  const end = async (key: string) => {
    cache.delete(key);
    await d.repo.endSession(key).catch(() => undefined);
  };

  const starter: HandoffStarter = async (ctx, req) => {
    await save({ _id: sessionKey(ctx), step: 'consent', data: { req, ref: TurnContext.getConversationReference(ctx.activity) }, tries: 0 });
    return [msg([t(req.lang, 'callback_intro'), t(req.lang, 'ask_consent')].join('\n\n'), req.lang, { ...yesNoButtons(req.lang), channelData: { question: { slot: 'handoff_consent', kind: 'yesno' } } })];
  };

  async function register(ctx: TurnContext, s: SessionRecord, view: ConversationView, withTranscript: boolean): Promise<Reply[]> {
    const req = s.data.req as HandoffRequest;
    const lang = req.lang;
    const at = now();
    const c: CaseRecord = {
      _id: crypto.randomUUID(),
      mode: 'callback',
      reason: req.reason,
      language: lang,
      situation: { journey: req.journey, facts: { ...req.facts }, bassin: req.bassin, servicesSuggested: req.servicesSuggested },
      contact: s.data.contact as CaseRecord['contact'],
      timeOfDay: s.data.timeOfDay as TimeOfDay,
      ...(withTranscript ? { transcript: view.transcript } : {}),
      status: 'new',
      history: [{ status: 'new', at, by: 'person' }],
      assignee: null,
      outcome: null,
      createdAt: at,
      updatedAt: at,
      expiresAt: new Date(at.getTime() + d.caseRetentionDays * 86400000),
    };
    let queued = false;
    try {
      await d.repo.saveCase(c);
    } catch (err) {
      // The database did not take it: keep it safely here, and give the number at once.
      d.outbox.put(c);
      queued = true;
      d.log.warn('handoff.case_queued', { caseId: c._id, error: err as Error });
    }
    await end(sessionKey(ctx));
    const opening = nextOpening(helpdesk(req.bassin), at);
    const when = opening
      ? t(lang, 'expect_call_at', { when: new Intl.DateTimeFormat(lang, { weekday: 'long', day: 'numeric', month: 'long', hour: '2-digit', minute: '2-digit', timeZone: 'Europe/Brussels' }).format(opening) })
      : t(lang, 'expect_call_soon');
    const text = [t(lang, queued ? 'registered_offline' : 'registered'), when, numberLine(lang, req.bassin)].join('\n\n');
    const handoff = { caseId: c._id, mode: 'callback', ...(queued ? { queued: true } : {}) };
    d.log.info('handoff.case_registered', { caseId: c._id, reason: c.reason, bassin: req.bassin ?? null, queued });
    return [
      msg(text, lang, { channelData: { handoff } }),
      // Bot Framework handoff protocol: hosts that support it can take over from here.
      {
        type: 'event',
        name: 'handoff.initiate',
        value: { caseId: c._id, mode: 'callback', reason: c.reason },
        ...(withTranscript ? { attachments: [{ contentType: 'application/json', name: 'transcript', content: { transcript: view.transcript } }] } : {}),
        channelData: { handoff },
      },
    ];
  }

  const session: HandoffSession = {
    async intercept(ctx, text, view) {
      const key = sessionKey(ctx);
      const s = await load(key);
      if (!s) return undefined;
      const req = s.data.req as HandoffRequest;
      const lang = req.lang;
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
          await save({ ...s, step: 'time', data: { ...s.data, contact }, tries: 0 });
          return [msg(t(lang, 'ask_time'), lang, { ...buttons(TIMES.map((x) => t(lang, `time.${x}`))), channelData: { question: { slot: 'handoff_time', kind: 'choice', options: [...TIMES] } } })];
        }
        case 'time': {
          const low = text.trim().toLowerCase();
          const timeOfDay = TIMES.find((x) => t(lang, `time.${x}`).toLowerCase() === low) ?? (['1', '2', '3'].includes(low) ? TIMES[Number(low) - 1] : 'any');
          await save({ ...s, step: 'transcript', data: { ...s.data, timeOfDay } });
          return [msg(t(lang, 'ask_transcript'), lang, { ...yesNoButtons(lang), channelData: { question: { slot: 'handoff_transcript', kind: 'yesno' } } })];
        }
        case 'transcript': {
          const yes = d.yesNo(text, lang);
          if (yes === undefined) return [msg(t(lang, 'ask_transcript'), lang, yesNoButtons(lang))];
          return register(ctx, s, view, yes);
        }
      }
    },
    async onEvent(ctx) {
      const a = ctx.activity;
      if (a.name !== 'handoff.status') return undefined;
      const v = (a.value ?? {}) as { caseId?: unknown; state?: unknown };
      if (typeof v.caseId === 'string' && typeof v.state === 'string' && /^[a-z_]{1,30}$/.test(v.state)) await d.repo.updateStatus(v.caseId, v.state, 'channel');
      return undefined;
    },
  };
  return { starter, session };
}
