/**
 * The root dialog: every turn of every conversation goes through it.
 * Order per message: safety net → explicit language request → global commands → facts from the
 * free text → the decision-graph engine → rendering. Conversation memory lives in the dialog's
 * state, which Bot Framework persists through our MongoDB storage.
 */
import { ActivityTypes, type Activity, type TurnContext } from 'botbuilder-core';
// Not botbuilder-dialogs' index, which loads every prompt (boussole-bot.ts).
import { Dialog, type DialogTurnResult } from 'botbuilder-dialogs/lib/dialog';
import type { DialogContext } from 'botbuilder-dialogs/lib/dialogContext';
import type { BassinId, Lang, Rendezvous } from '../catalogue/schema';
import type { Engine } from '../engine/interpreter';
import type { EngineState, Facts, Output, RankedService, StepResult } from '../engine/types';
import { isLang, pickText, type Translate } from '../i18n/i18n';
import type { Logger } from '../logging/logger';
import { helpdeskLines, message, optionLabel, renderOutputs, servicesReply, type RenderContext, type Reply } from './render/render-outputs';
import { interpret } from './interpretation';
import { decide, type Situation } from './policy';
import { fillGaps, type Understanding } from './understanding';
import { UNDERSTOOD, understoodOf, withUnderstood, type Understood } from './understood';

export const ROOT_DIALOG = 'boussole';

/** What the dialog remembers between turns (persisted). */
export interface Memory {
  lang?: Lang;
  /** The person chose (or clearly wrote in) `lang`; before that it is only the channel's locale. */
  languageChosen?: boolean;
  engine: EngineState | null;
  /** Ranked services not shown yet ("more"). */
  pending: RankedService[];
  pendingIntro?: string;
  lastOrientation?: Record<string, unknown>;
  /** Consecutive turns not understood. */
  misses: number;
  welcomed: boolean;
  /** The last exchanges, for a Helpdesk case (sent only with the person's consent); erased with the state. */
  transcript?: TranscriptEntry[];
  /** Set by "forget me": the dialog ends and nothing more is recorded. */
  forgotten?: boolean;
  /** The safety net spoke: what it saw, so that the next message is met with care (not "which commune?"). */
  care?: Care;
  /** The language the welcome (what Boussole is, privacy, emergency) was last said in. */
  welcomeLang?: Lang;
  /** Confirmed Rendez-vous sessions this person was offered (ids only), to tell them if one is called off. */
  rendezvousTold?: Array<{ id: string; start: string }>;
}

/** How many offered sessions are followed. */
const RENDEZVOUS_FOLLOWED = 4;

export interface Care {
  categories: string[];
  /** The direct question asked (middle band), waiting for its answer. */
  question?: SafetyQuestion;
  /** The care offer (services, a person, back to the question) is on screen. */
  offered?: boolean;
}

export interface TranscriptEntry {
  from: 'person' | 'bot';
  text: string;
  at: string;
}

/** How much of the conversation is kept for a possible handoff. */
const TRANSCRIPT_MAX = 40;

/** What a handoff session may read of the conversation. */
export interface ConversationView {
  lang: Lang;
  facts: Facts;
  journey?: string;
  bassin?: BassinId;
  servicesSuggested: string[];
  transcript: TranscriptEntry[];
}

/**
 * A conversation that is in a Helpdesk flow (callback form, live bridge, feedback) is handled by
 * the session first. `undefined`: not in a session, go on; `[]`: consumed silently (bridged).
 */
export interface HandoffSession {
  intercept(ctx: TurnContext, text: string, view: ConversationView, opts?: { alarm?: string }): Promise<Reply[] | undefined>;
  /** Channel events such as `handoff.status`. */
  onEvent(ctx: TurnContext, view: ConversationView): Promise<Reply[] | undefined>;
}

/** The direct question of the safety net's middle band, and which answer means danger. */
export interface SafetyQuestion {
  id: string;
  dangerAnswer: boolean;
}

/**
 * What the safety net says of a message. `stop`: nothing else is done with it — never read as a
 * command, a language request or an answer (the person chooses to continue or to talk to
 * someone); otherwise (no shelter tonight) the numbers come first and the message goes on, still
 * never as a command.
 */
export interface SafetyVerdict {
  replies: Reply[];
  stop: boolean;
  level: string;
  categories: string[];
  question?: SafetyQuestion;
}

/** The safety net: a check on every message, and the full emergency answer for what it saw. */
export interface SafetyCheck {
  (text: string, lang: Lang, opts: { isAnswerButton: boolean }): SafetyVerdict | undefined;
  /** The numbers as for an emergency (an answer to the direct question said danger). */
  escalate(categories: string[], lang: Lang): Reply[];
}

export interface HandoffRequest {
  reason: string;
  lang: Lang;
  facts: Facts;
  journey?: string;
  bassin?: BassinId;
  servicesSuggested: string[];
}
/** Hands a conversation to Helpdesk staff; returns the replies to send (or undefined: not available). */
export type HandoffStarter = (ctx: TurnContext, req: HandoffRequest) => Promise<Reply[] | undefined>;

export interface DialogDeps {
  engine: Engine;
  understanding: Understanding;
  t: Translate;
  render: (lang: Lang, audience?: 'resident' | 'professional') => RenderContext;
  bassinOf(commune: string, district?: string): BassinId | undefined;
  log: Logger;
  maxChars: number;
  retentionDays: number;
  safety?: SafetyCheck;
  handoff?: HandoffStarter;
  session?: HandoffSession;
  /** Erases everything stored about this conversation (called on "forget me"). */
  forget?: (ctx: TurnContext) => Promise<void>;
  /** The facts that start the journey of support nearby after a danger (data/safety/care.json); undefined: none fits, a person is offered. */
  careJourney?: (categories: string[]) => Facts | undefined;
  /** Language remembered for this person on this channel. */
  rememberedLanguage?: (ctx: TurnContext) => Promise<Lang | undefined>;
  rememberLanguage?: (ctx: TurnContext, lang: Lang) => Promise<void>;
  /** A Rendez-vous session as the catalogue has it now (undefined: gone), to tell a person it was cancelled. */
  rendezvousSession?: (id: string) => Promise<Rendezvous | undefined>;
}

const LANGUAGE_CONFIDENCE = 0.55;

/** A button's title as typed back: case, accents and spacing aside. */
function normalizeTitle(s: string): string {
  return s.normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase().replace(/\s+/g, ' ').trim();
}

/** What a new request keeps of an ended journey: the language, who is asking, and where they live. */
const PERSON_FACTS = new Set(['language', 'audience', 'commune', 'district']);
function personFacts(facts: Facts): Facts {
  return Object.fromEntries(Object.entries(facts).filter(([k]) => PERSON_FACTS.has(k)));
}

function channelLanguage(activity: Partial<Activity>): Lang | undefined {
  const l = (activity.locale ?? '').slice(0, 2).toLowerCase();
  return isLang(l) ? l : undefined;
}

export class BoussoleDialog extends Dialog {
  constructor(private readonly deps: DialogDeps) {
    super(ROOT_DIALOG);
  }

  override async beginDialog(dc: DialogContext): Promise<DialogTurnResult> {
    const mem: Memory = { engine: null, pending: [], misses: 0, welcomed: false };
    dc.activeDialog!.state.memory = mem;
    return this.onTurn(dc, mem);
  }

  override async continueDialog(dc: DialogContext): Promise<DialogTurnResult> {
    const mem = dc.activeDialog!.state.memory as Memory;
    return this.onTurn(dc, mem);
  }

  private async onTurn(dc: DialogContext, mem: Memory): Promise<DialogTurnResult> {
    const ctx = dc.context;
    const a = ctx.activity;
    if (a.type === ActivityTypes.ConversationUpdate) {
      const humanJoined = (a.membersAdded ?? []).some((m) => m.id !== a.recipient?.id);
      if (humanJoined && !mem.welcomed) await this.welcome(ctx, mem);
      return Dialog.EndOfTurn;
    }
    if (a.type === ActivityTypes.Event) {
      const replies = this.deps.session ? await this.deps.session.onEvent(ctx, this.view(mem)) : undefined;
      if (replies?.length) await this.send(ctx, replies);
      return Dialog.EndOfTurn;
    }
    if (a.type !== ActivityTypes.Message) return Dialog.EndOfTurn;
    const raw = typeof a.value === 'string' ? a.value : typeof a.text === 'string' ? a.text : '';
    const text = raw.replace(/\s+/g, ' ').trim().slice(0, this.deps.maxChars);
    const welcomedNow = !mem.welcomed;
    if (welcomedNow) await this.welcome(ctx, mem, text);
    if (!text) return Dialog.EndOfTurn;
    const called = await this.calledOff(mem);
    const handled = await this.handleText(ctx, mem, text, welcomedNow);
    // A session the person was told about and that is now off: said at once, after the numbers if the safety net spoke.
    const numbers = handled.findIndex((r) => !(r.channelData as { safety?: unknown } | undefined)?.safety);
    const at = numbers < 0 ? handled.length : numbers;
    const replies = this.withNextSteps(mem, [...handled.slice(0, at), ...called, ...handled.slice(at)]);
    if (!mem.forgotten) this.record(mem, text, replies);
    await this.send(ctx, replies);
    if (mem.engine === null && mem.forgotten) return dc.endDialog();
    return Dialog.EndOfTurn;
  }

  /**
   * No dead end: when the last message of a turn neither asks something nor offers a choice, it
   * offers the next steps (start again, a person; after a callback request, start again). A
   * question waiting for typed words, a live chat with an agent and "forget me" are left as they are.
   */
  private withNextSteps(mem: Memory, replies: Reply[]): Reply[] {
    const last = [...replies].reverse().find((r) => r.type === 'message');
    if (!last || last.suggestedActions?.actions?.length) return replies;
    const data = (last.channelData ?? {}) as { question?: unknown; forgotten?: boolean; handoff?: { mode?: string; caseId?: string } };
    if (data.question || data.forgotten) return replies;
    if (data.handoff && !(data.handoff.mode === 'callback' && data.handoff.caseId)) return replies;
    const t = this.deps.t;
    const lang = this.lang(mem);
    const titles = data.handoff ? [t(lang, 'common.menu')] : [t(lang, 'common.menu'), t(lang, 'common.person')];
    last.suggestedActions = { to: [], actions: titles.map((title) => ({ type: 'imBack', title, value: title })) };
    return replies;
  }

  /** Sessions offered earlier and cancelled (or removed) since: one message saying which, and forgotten. */
  private async calledOff(mem: Memory): Promise<Reply[]> {
    if (!mem.rendezvousTold?.length || !this.deps.rendezvousSession) return [];
    const lang = this.lang(mem);
    const lines: string[] = [];
    const kept: Array<{ id: string; start: string }> = [];
    for (const told of mem.rendezvousTold) {
      const now = await this.deps.rendezvousSession(told.id).catch(() => 'unknown' as const);
      if (now === 'unknown' || (now && now.status === 'confirmed' && now.start === told.start)) {
        if (new Date(told.start).getTime() > Date.now()) kept.push(told);
        continue;
      }
      const when = new Intl.DateTimeFormat(lang, { dateStyle: 'full', timeStyle: 'short', timeZone: 'Europe/Brussels' }).format(new Date(told.start));
      lines.push(this.deps.t(lang, now && now.status === 'confirmed' && now.start ? 'rendezvous.moved' : 'rendezvous.cancelled', { date: when, place: now ? (pickText(now.place, lang)?.text ?? '') : '' }));
      if (now && now.status === 'confirmed' && now.start) kept.push({ id: told.id, start: now.start });
    }
    mem.rendezvousTold = kept;
    if (!lines.length) return [];
    return [message(lines.join('\n\n'), lang, { channelData: { rendezvousChanged: true } })];
  }

  private record(mem: Memory, text: string, replies: Reply[]): void {
    const at = new Date().toISOString();
    const entries: TranscriptEntry[] = [{ from: 'person', text, at }, ...replies.filter((r) => typeof r.text === 'string' && r.text).map((r) => ({ from: 'bot' as const, text: String(r.text), at }))];
    mem.transcript = [...(mem.transcript ?? []), ...entries].slice(-TRANSCRIPT_MAX);
  }

  private view(mem: Memory): ConversationView {
    const r = this.handoffRequest(mem, 'view');
    return { lang: r.lang, facts: r.facts, journey: r.journey, bassin: r.bassin, servicesSuggested: r.servicesSuggested, transcript: mem.transcript ?? [] };
  }

  private lang(mem: Memory): Lang {
    return mem.lang ?? 'fr';
  }

  private async send(ctx: TurnContext, replies: Reply[]): Promise<void> {
    if (replies.length) await ctx.sendActivities(replies);
  }

  private async welcome(ctx: TurnContext, mem: Memory, firstText?: string): Promise<void> {
    mem.welcomed = true;
    const remembered = this.deps.rememberedLanguage ? await this.deps.rememberedLanguage(ctx) : undefined;
    let lang = remembered ?? channelLanguage(ctx.activity);
    // A first message in a clear language beats the browser's locale.
    if (!remembered && firstText) {
      const d = this.deps.understanding.languageRequest(firstText) ?? this.confidentLanguage(firstText);
      if (d) lang = d;
    }
    const l = lang ?? 'fr';
    await ctx.sendActivity(this.welcomeText(l));
    mem.welcomeLang = l;
    // We speak the language of the welcome from now on; it counts as chosen only when remembered.
    mem.lang = l;
    if (remembered) mem.languageChosen = true;
    if (firstText) return; // the first message itself starts the journey (handleText)
    const start = await this.deps.engine.start('main', remembered ? { language: remembered } : {}, l);
    await this.apply(ctx, mem, start);
  }

  /** What Boussole is, what happens to the messages and the emergency number, in `lang`. */
  private welcomeText(lang: Lang): Reply {
    const t = this.deps.t;
    return message([t(lang, 'welcome.intro'), t(lang, 'welcome.automated'), t(lang, 'welcome.privacy', { days: this.deps.retentionDays }), t(lang, 'welcome.emergency')].join('\n\n'), lang, { channelData: { welcome: true } });
  }

  /** The welcome once more when the person moves to a language it was not said in (they may not have read it). */
  private welcomeAgain(mem: Memory): Reply[] {
    const lang = this.lang(mem);
    if (!mem.welcomed || !mem.welcomeLang || mem.welcomeLang === lang) return [];
    mem.welcomeLang = lang;
    return [this.welcomeText(lang)];
  }

  private confidentLanguage(text: string): Lang | undefined {
    const d = this.deps.understanding.detectLanguage(text);
    return d && d.confidence >= LANGUAGE_CONFIDENCE ? d.lang : undefined;
  }

  private async setLanguage(ctx: TurnContext, mem: Memory, lang: Lang): Promise<void> {
    mem.lang = lang;
    mem.languageChosen = true;
    if (mem.engine) mem.engine = { ...mem.engine, facts: { ...mem.engine.facts, language: lang } };
    if (this.deps.rememberLanguage) await this.deps.rememberLanguage(ctx, lang);
  }

  /** `welcomedNow`: the welcome (which greets) went out this turn. */
  private async handleText(ctx: TurnContext, mem: Memory, text: string, welcomedNow = false): Promise<Reply[]> {
    const u = this.deps.understanding;
    // Before the person has chosen a language, the numbers come in the language of this message.
    const safetyLang = (!mem.languageChosen && !mem.engine?.facts.language && this.confidentLanguage(text)) || this.lang(mem);
    const safety = this.deps.safety?.(text, safetyLang, { isAnswerButton: u.isOptionTitle(text) });
    const first = safety?.replies ?? [];
    // A conversation with the Helpdesk goes on (bridged: the agent sees the alarm too); a form
    // step does not take a message in danger as its answer.
    if (safety?.stop) mem.care = { categories: safety.categories, question: safety.question };
    const intercepted = this.deps.session ? await this.deps.session.intercept(ctx, text, this.view(mem), { alarm: safety ? safety.level : undefined }) : undefined;
    if (intercepted) return [...first, ...intercepted];
    if (safety?.stop) return safety.replies;
    let rest = !safety && mem.care ? await this.afterTheNumbers(ctx, mem, text) : undefined;
    rest ??= await this.handleAfterSafety(ctx, mem, text, welcomedNow, !!safety);
    // Every message gets an answer (only a live bridge, above, is silent on purpose).
    if (!first.length && !rest.length) rest = await this.nothingSaid(ctx, mem);
    return withUnderstood([...first, ...rest], ctx.turnState.get(UNDERSTOOD) as Understood | undefined);
  }

  /**
   * The answer when a path found nothing to say — a gap in the dialog, logged so that it is
   * fixed: the question waited on, or the closing words (start again, or talk to a person).
   */
  private async nothingSaid(ctx: TurnContext, mem: Memory): Promise<Reply[]> {
    this.deps.log.warn('dialog.no_reply', { journey: mem.engine?.journey, node: mem.engine?.node ?? null });
    const lang = this.lang(mem);
    const again = mem.engine?.node ? await this.replies(ctx, mem, await this.deps.engine.resume(mem.engine, lang)) : [];
    return again.length ? again : [message(this.deps.t(lang, 'common.end'), lang)];
  }

  /**
   * The message after the safety net spoke. The answer to its direct question is handled (danger:
   * the emergency numbers; safe: the care offer); "continue" gets the care offer — support nearby,
   * a person, or back to what the person was doing — not the next question as if nothing happened.
   * `undefined`: an ordinary message, handled as usual.
   */
  private async afterTheNumbers(ctx: TurnContext, mem: Memory, text: string): Promise<Reply[] | undefined> {
    const care = mem.care!;
    const lang = this.lang(mem);
    const t = this.deps.t;
    const u = this.deps.understanding;
    if (care.question) {
      const answer = u.parseAnswer(text, 'safety', { kind: 'yesno' }, lang);
      mem.care = { categories: care.categories };
      if (!answer.ok) return undefined;
      if (answer.value === care.question.dangerAnswer) return this.deps.safety!.escalate(care.categories, lang);
      return [message(t(lang, 'safety:care.glad'), lang), this.careOffer(mem)];
    }
    const same = (key: string) => normalizeTitle(text) === normalizeTitle(t(lang, key));
    if (care.offered && same('safety:care.services')) {
      mem.care = undefined;
      const start = this.deps.careJourney?.(care.categories);
      if (start) {
        const facts: Facts = { ...(mem.engine?.facts.language ? { language: mem.engine.facts.language } : mem.lang ? { language: mem.lang } : {}), ...(mem.engine?.facts.audience ? { audience: mem.engine.facts.audience } : {}), ...(mem.engine?.facts.commune ? { commune: mem.engine.facts.commune } : {}), ...start };
        return this.replies(ctx, mem, await this.deps.engine.start('main', facts, lang));
      }
    }
    if (care.offered && same('safety:care.back')) {
      mem.care = undefined;
      return this.replies(ctx, mem, await this.goOn(mem, lang));
    }
    if (!care.offered && u.globalIntent(text, lang) === 'continue') return [this.careOffer(mem)];
    mem.care = undefined;
    return undefined;
  }

  /** After the numbers: support nearby (where a journey fits the danger), a person, or back to the question. */
  private careOffer(mem: Memory): Reply {
    const lang = this.lang(mem);
    const t = this.deps.t;
    const care = mem.care ?? { categories: [] };
    mem.care = { categories: care.categories, offered: true };
    const services = this.deps.careJourney?.(care.categories) ? [t(lang, 'safety:care.services')] : [];
    const back = mem.engine?.node ? [t(lang, 'safety:care.back')] : [];
    const buttons = [...services, t(lang, 'common.person'), ...back];
    return message(t(lang, services.length ? 'safety:care.offer_services' : 'safety:care.offer'), lang, { suggestedActions: { to: [], actions: buttons.map((b) => ({ type: 'imBack', title: b, value: b })) } });
  }

  /**
   * Everything after the safety net, in two steps: the message is read once (interpretation.ts),
   * then the first rule of the policy that holds (policy.ts) decides; here each decision is
   * carried out. `inDanger`: the net spoke (the policy never reads such a message as a command or
   * a language request).
   */
  private async handleAfterSafety(ctx: TurnContext, mem: Memory, text: string, welcomedNow: boolean, inDanger = false): Promise<Reply[]> {
    const engine = this.deps.engine;
    const asked = mem.engine && engine.awaitedFact(mem.engine) ? mem.engine : undefined;
    const ended = mem.engine?.node === null ? mem.engine : undefined;
    const i = interpret(this.deps.understanding, text, inDanger, {
      lang: this.lang(mem),
      languageKnown: Boolean(mem.engine?.facts.language),
      audienceKnown: Boolean(mem.engine?.facts.audience),
      themeOpen: Boolean(ended) || mem.engine?.facts.theme === undefined,
      accepts: asked ? (t, l) => engine.accepts(asked, t, l) : undefined,
      languageConfidence: LANGUAGE_CONFIDENCE,
      journeysUsing: (f) => engine.journeysUsing(f),
    });
    const situation: Situation = { journey: !mem.engine ? 'none' : ended ? 'ended' : 'open', awaited: asked ? engine.awaitedFact(asked) : undefined, facts: mem.engine?.facts ?? {} };
    let decision = decide(i, situation).id;
    this.deps.log.debug('dialog.decision', { decision, journey: mem.engine?.journey, node: mem.engine?.node ?? null });

    if (decision === 'switch_language') {
      const requested = i.languageRequest!;
      await this.setLanguage(ctx, mem, requested);
      const again = mem.engine ? await engine.resume(mem.engine, requested) : await engine.start('main', { language: requested }, requested);
      return [message(this.deps.t(requested, 'global.language_changed'), requested), ...this.welcomeAgain(mem), ...(await this.replies(ctx, mem, again))];
    }
    // A command keeps who asks and where they live from its words ("… j'habite à Anderlecht"), not
    // the readings of the command's own words ("parler à quelqu'un" is also a need in two journeys).
    if (decision === 'command') return this.globalCommand(ctx, mem, i.command!, personFacts(i.told));
    // A language read from this very text counts as the person's choice; the channel's locale only
    // decides how we speak until they choose.
    if (i.language) await this.setLanguage(ctx, mem, i.language.lang);
    const lang = this.lang(mem);
    if (decision === 'pick') return this.replies(ctx, mem, await engine.answer(mem.engine!, text, lang));

    // Free text: what was read is said on every reply of the turn.
    const told: Facts = { ...i.told, ...(i.language ? { language: i.language.lang } : {}) };
    ctx.turnState.set(UNDERSTOOD, understoodOf(told, i.presumed, i.why, i.theme, i.language?.lang));
    const t = this.deps.t;
    const withGaps = (facts: Facts): Facts => ({ ...facts, ...fillGaps(facts, i.presumed) });
    const themeChoices = i.theme?.candidates;
    const candidates = i.ambiguous.commune?.length ? { fact: 'commune', values: i.ambiguous.commune } : themeChoices ? { fact: 'theme', values: themeChoices } : undefined;
    switch (decision) {
      case 'walk_again': {
        const again = await this.replies(ctx, mem, await engine.start('main', withGaps({ ...ended!.facts, ...told }), lang));
        return [message(t(lang, 'common.noted'), lang), ...again];
      }
      case 'new_request':
        // It starts again, knowing who asks, in which language, and where they live.
        return this.replies(ctx, mem, await engine.start('main', withGaps({ ...personFacts(ended!.facts), ...told }), lang, candidates));
      case 'close_with_thanks':
        return [message(t(lang, 'common.thanks_back'), lang), message(t(lang, 'common.end'), lang)];
      case 'greet_and_go_on':
        return [message(t(lang, 'common.hello_back'), lang), ...(await this.replies(ctx, mem, await this.goOn(mem, lang)))];
      case 'close':
        return [message(t(lang, 'common.end'), lang)];
      default:
        break;
    }
    let state = mem.engine;
    if (decision === 'start' || decision === 'start_and_read') {
      const known: Facts = mem.lang && (i.language || mem.languageChosen) ? { language: mem.lang } : {};
      const started = await engine.start('main', withGaps({ ...known, ...told }), lang, candidates);
      if (decision === 'start' || !started.state.node) return this.replies(ctx, mem, started);
      // Nothing told: the message is read against the first question, as if it had been asked.
      state = started.state;
      const awaited = engine.awaitedFact(state);
      decision = decide({ ...i, answers: awaited !== undefined && engine.accepts(state, text, lang) }, { journey: 'open', awaited, facts: state.facts }).id;
    }
    const merged: EngineState = { ...state!, facts: withGaps({ ...state!.facts, ...told }) };
    if (i.ambiguous.commune?.length && merged.facts.commune === undefined) merged.candidates = { fact: 'commune', values: i.ambiguous.commune };
    else if (themeChoices && merged.facts.theme === undefined) merged.candidates = { fact: 'theme', values: themeChoices };
    switch (decision) {
      case 'go_on':
        return this.replies(ctx, mem, await engine.resume(merged, lang));
      case 'pick':
      case 'answer':
      case 'misunderstood':
        return this.replies(ctx, mem, await engine.answer(merged, text, lang));
      default: {
        // noted, greet_back: the question again without "sorry", and the count of
        // misunderstandings stays as it was.
        const misses = mem.misses;
        const again = await this.replies(ctx, mem, await engine.resume({ ...merged, misses: 0 }, lang));
        mem.misses = misses;
        // The welcome has just greeted: no second "Bonjour !".
        const said = decision === 'noted' ? 'common.noted' : welcomedNow ? undefined : i.smallTalk === 'hello' ? 'common.hello_back' : 'common.thanks_back';
        return said ? [message(t(lang, said), lang), ...again] : again;
      }
    }
  }

  /** Where the person was: the question waited on, or (none yet, or the journey has ended) the theme question, keeping the person's facts. */
  private goOn(mem: Memory, lang: Lang): Promise<StepResult> {
    if (mem.engine?.node) return this.deps.engine.resume(mem.engine, lang);
    const known: Facts = mem.engine ? personFacts(mem.engine.facts) : mem.lang && mem.languageChosen ? { language: mem.lang } : {};
    return this.deps.engine.start('main', known, lang);
  }

  /** Applies an engine step: language sync, rendering, "more" memory, misunderstanding count. */
  private async replies(ctx: TurnContext, mem: Memory, step: StepResult): Promise<Reply[]> {
    const factLang = step.state.facts.language;
    if (isLang(factLang) && factLang !== mem.lang) await this.setLanguage(ctx, mem, factLang);
    const welcomeAgain = this.welcomeAgain(mem);
    const lang = this.lang(mem);
    mem.engine = step.state;
    mem.misses = step.misunderstood ? mem.misses + 1 : 0;
    const audience = step.state.facts.audience === 'professional' ? 'professional' : step.state.facts.audience === 'resident' ? 'resident' : undefined;
    const rc = this.deps.render(lang, audience);
    const { replies, pending } = renderOutputs(step.outputs, rc);
    for (const o of step.outputs) {
      if (o.kind !== 'rendezvous' || o.none) continue;
      const told = o.items.filter((r) => r.status === 'confirmed' && r.start).map((r) => ({ id: r.id, start: r.start as string }));
      mem.rendezvousTold = [...(mem.rendezvousTold ?? []).filter((x) => !told.some((y) => y.id === x.id)), ...told].slice(-RENDEZVOUS_FOLLOWED);
    }
    if (pending) {
      mem.pending = pending.services;
      const results = step.outputs.find((o): o is Extract<Output, { kind: 'results' }> => o.kind === 'results');
      mem.pendingIntro = results?.intro;
      const shown = replies.find((r) => (r.channelData as { orientation?: unknown } | undefined)?.orientation);
      mem.lastOrientation = (shown?.channelData as { orientation?: Record<string, unknown> }).orientation;
    }
    if (mem.misses >= 2) {
      const bassin = typeof step.state.facts.commune === 'string' ? this.deps.bassinOf(step.state.facts.commune) : undefined;
      replies.push(message([this.deps.t(lang, 'common.offer_person'), ...helpdeskLines(rc, bassin)].join('\n\n'), lang, { suggestedActions: { to: [], actions: [{ type: 'imBack', title: this.deps.t(lang, 'common.person'), value: this.deps.t(lang, 'common.person') }] } }));
    }
    const handoff = step.outputs.find((o): o is Extract<Output, { kind: 'handoff' }> => o.kind === 'handoff');
    if (handoff && this.deps.handoff) {
      const extra = await this.deps.handoff(ctx, this.handoffRequest(mem, handoff.reason));
      if (extra) replies.push(...extra);
    }
    return [...welcomeAgain, ...replies];
  }

  private async apply(ctx: TurnContext, mem: Memory, step: StepResult): Promise<void> {
    await this.send(ctx, await this.replies(ctx, mem, step));
  }

  /** `told`: what the message asking for a person also said ("… j'habite à Anderlecht"): the case keeps it. */
  private handoffRequest(mem: Memory, reason: string, told: Facts = {}): HandoffRequest {
    const facts: Facts = { ...(mem.engine?.facts ?? {}), ...told };
    const bassin = typeof facts.commune === 'string' ? this.deps.bassinOf(facts.commune, typeof facts.district === 'string' ? facts.district : undefined) : undefined;
    const services = ((mem.lastOrientation?.services as Array<{ id: string }> | undefined) ?? []).map((s) => s.id);
    return { reason, lang: this.lang(mem), facts, journey: mem.engine?.journey, bassin, servicesSuggested: services };
  }

  private async globalCommand(ctx: TurnContext, mem: Memory, intent: NonNullable<ReturnType<Understanding['globalIntent']>>, told: Facts = {}): Promise<Reply[]> {
    const t = this.deps.t;
    const lang = this.lang(mem);
    const engine = this.deps.engine;
    switch (intent) {
      case 'continue':
        return this.replies(ctx, mem, await this.goOn(mem, lang));
      case 'help': {
        const again = mem.engine ? await engine.resume(mem.engine, lang) : undefined;
        return [message(t(lang, 'global.help'), lang), ...(again ? await this.replies(ctx, mem, again) : [])];
      }
      case 'restart': {
        const keep: Facts = {};
        if (mem.lang) keep.language = mem.lang;
        if (mem.engine?.facts.audience) keep.audience = mem.engine.facts.audience;
        mem.pending = [];
        return [message(t(lang, 'global.restarted'), lang), ...(await this.replies(ctx, mem, await engine.start('main', keep, lang)))];
      }
      case 'back': {
        if (!mem.engine || mem.engine.trail.length === 0) return [message(t(lang, 'global.nothing_to_go_back'), lang)];
        return this.replies(ctx, mem, await engine.back(mem.engine, lang));
      }
      case 'change_language': {
        const options = ['fr', 'nl', 'en', 'ar', 'tr', 'es', 'ro'];
        return [
          message(t(lang, 'global.choose_language'), lang, {
            suggestedActions: { to: [], actions: options.map((o) => ({ type: 'imBack', title: optionLabel(t, lang, 'language', o), value: optionLabel(t, lang, 'language', o) })) },
            channelData: { question: { slot: 'language', kind: 'choice', options } },
          }),
        ];
      }
      case 'stop':
        mem.engine = null;
        mem.pending = [];
        return [message(t(lang, 'global.stopped'), lang)];
      case 'forget_me':
        if (this.deps.forget) await this.deps.forget(ctx);
        mem.engine = null;
        mem.pending = [];
        mem.lastOrientation = undefined;
        mem.misses = 0;
        mem.forgotten = true;
        // The page clears the conversation from the screen and the device when it sees this.
        return [message(t(lang, 'global.forgotten'), lang, { channelData: { forgotten: true } })];
      case 'more': {
        if (!mem.pending.length) {
          // Not a dead end: the next useful steps, a person or another need.
          const next = [t(lang, 'common.person'), t(lang, 'common.menu')];
          return [message(t(lang, 'common.no_more'), lang, { suggestedActions: { to: [], actions: next.map((b) => ({ type: 'imBack', title: b, value: b })) } })];
        }
        const page = mem.pending.slice(0, 3);
        mem.pending = mem.pending.slice(3);
        const rc = this.deps.render(lang, mem.engine?.facts.audience === 'professional' ? 'professional' : 'resident');
        const orientation = { ...(mem.lastOrientation ?? {}), services: page.map((r) => ({ id: r.service.id, themes: r.service.themes, proximity: r.proximity })), page: 'more' };
        return [servicesReply(page, mem.pending.length, '', rc, orientation)];
      }
      case 'human': {
        const req = this.handoffRequest(mem, 'asked_for_person', told);
        const viaHelpdesk = this.deps.handoff ? await this.deps.handoff(ctx, req) : undefined;
        if (viaHelpdesk) return viaHelpdesk;
        return [message([t(lang, 'handoff.offer'), ...helpdeskLines(this.deps.render(lang), req.bassin)].join('\n\n'), lang)];
      }
    }
  }
}
