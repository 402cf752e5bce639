/**
 * Engine outputs → Bot Framework activities. Every user-visible string comes from locales; every
 * reply carries machine-readable channelData (question slot, orientation results).
 */
import type { Activity, Attachment } from 'botbuilder-core';
import type { BassinId, Helpdesk, Lang, Rendezvous } from '../../catalogue/schema';
import type { Output, RankedService } from '../../engine/types';
import { pickText, type Translate } from '../../i18n/i18n';
import { adaptiveCard, formatDay, formatHours, isStale, serviceCard, type CardContext } from './service-card';

export interface RenderContext extends CardContext {
  helpdesk(bassin: BassinId | undefined): Helpdesk | undefined;
  bassinName(b: BassinId): string;
  /** The "add to my calendar" address of a session (absent: no link is offered). */
  calendarLink?(sessionId: string): string;
}

export type Reply = Partial<Activity>;

/** What the dialog remembers for "more": the services not shown yet. */
export interface Pending {
  services: RankedService[];
}

export function message(text: string, lang: Lang, extra: Partial<Activity> = {}): Reply {
  return { type: 'message', text, locale: lang, ...extra };
}

function suggested(titles: string[]): Partial<Activity> {
  return { suggestedActions: { to: [], actions: titles.map((title) => ({ type: 'imBack', title, value: title })) } };
}

/**
 * The key to show: a professional asks for someone else, so where the locales have a wording about
 * "the person" (`<key>_pro`: "Dans quelle commune la personne habite-t-elle ?"), that one.
 * i18next gives back the key itself when it is missing.
 */
function forReader(c: RenderContext, key: string): string {
  const pro = `${key}_pro`;
  return c.audience === 'professional' && c.t(c.lang, pro) !== pro ? pro : key;
}

export function optionLabel(t: Translate, lang: Lang, fact: string, option: string): string {
  if (option === 'true') return t(lang, 'common.yes');
  if (option === 'false') return t(lang, 'common.no');
  return t(lang, `facts.${fact}.options.${option}`);
}

/** "mardi 5 janvier 2027, 14:00–16:00" in the person's language and Brussels time. */
function sessionWhen(r: Rendezvous, c: RenderContext): string {
  const start = new Date(r.start as string);
  const day = new Intl.DateTimeFormat(c.lang, { dateStyle: 'full', timeZone: 'Europe/Brussels' }).format(start);
  const hour = new Intl.DateTimeFormat(c.lang, { timeStyle: 'short', timeZone: 'Europe/Brussels' });
  return r.end ? c.t(c.lang, 'rendezvous.time_range', { date: day, from: hour.format(start), to: hour.format(new Date(r.end)) }) : c.t(c.lang, 'rendezvous.on', { date: `${day} ${hour.format(start)}` });
}

export function rendezvousCard(r: Rendezvous, c: RenderContext): Attachment {
  const t = (k: string, p?: Record<string, unknown>) => c.t(c.lang, k, p);
  const confirmed = r.status === 'confirmed' && r.start;
  const where = [pickText(r.place, c.lang)?.text, r.address ? `${r.address.street}, ${r.address.postalCode}` : undefined, c.communeName(r.commune)].filter(Boolean).join(', ');
  const facts = [
    ...(confirmed ? [{ title: t('rendezvous.when'), value: sessionWhen(r, c) }] : []),
    { title: t('rendezvous.where'), value: where },
    ...(r.access ? [{ title: t('rendezvous.access'), value: pickText(r.access, c.lang)?.text ?? '' }] : []),
    ...(r.languages?.length ? [{ title: t('card.languages'), value: languageNames(r.languages, c.lang) }] : []),
    ...(r.registration ? [{ title: t('rendezvous.registration'), value: r.registration.required ? (r.registration.contact ? t('rendezvous.registration_with', { contact: r.registration.contact }) : t('rendezvous.registration_required')) : t('rendezvous.registration_none') }] : []),
  ];
  const link = confirmed && c.calendarLink ? c.calendarLink(r.id) : undefined;
  const title = pickText(r.title, c.lang)?.text;
  return adaptiveCard(
    c.lang,
    [
      { type: 'TextBlock', text: t('rendezvous.title'), weight: 'Bolder', wrap: true, style: 'heading' },
      // The session's own title, unless it only repeats the heading ("Rendez-vous de la Prévention Santé").
      ...(title && !t('rendezvous.title').startsWith(title) ? [{ type: 'TextBlock', text: title, wrap: true }] : []),
      { type: 'FactSet', facts },
      ...(confirmed ? [] : [{ type: 'TextBlock', text: [t('rendezvous.provisional'), pickText(r.recurrence, c.lang)?.text].filter(Boolean).join(' '), wrap: true, isSubtle: true }]),
      c.now && isStale(r.checkedAt, c.now())
        ? { type: 'TextBlock', text: t('card.to_confirm', { date: formatDay(r.checkedAt, c.lang) }), weight: 'Bolder', size: 'Small', wrap: true }
        : { type: 'TextBlock', text: t('card.checked', { date: formatDay(r.checkedAt, c.lang) }), isSubtle: true, size: 'Small', wrap: true },
    ],
    link ? [{ type: 'Action.OpenUrl', title: t('rendezvous.add_to_calendar'), url: link }] : undefined,
  );
}

/** Language codes as names in the reader's language ("arabe, français"). */
function languageNames(codes: string[], lang: Lang): string {
  try {
    const names = new Intl.DisplayNames([lang], { type: 'language' });
    return codes.map((code) => names.of(code) ?? code).join(', ');
  } catch {
    return codes.join(', ');
  }
}

/** Text that points a person to the bassin's Helpdesk, or to "Allô? Aide sociale" when none is known. */
export function helpdeskLines(c: RenderContext, bassin: BassinId | undefined): string[] {
  const h = c.helpdesk(bassin);
  if (h?.phone && bassin) return [c.t(c.lang, 'handoff.helpdesk_contact', { bassin: c.bassinName(bassin), phone: h.phone, hours: formatHours(h.hours, c) })];
  return [c.t(c.lang, 'handoff.no_helpdesk')];
}

export function servicesReply(services: RankedService[], remaining: number, intro: string, c: RenderContext, orientation: Record<string, unknown>): Reply {
  const text = [intro, remaining > 0 ? c.t(c.lang, 'results.more_count', { count: remaining }) : ''].filter(Boolean).join('\n\n');
  return message(text, c.lang, {
    attachmentLayout: 'list',
    attachments: services.map((s) => serviceCard(s, c)),
    ...(remaining > 0 ? suggested([c.t(c.lang, 'common.more')]) : {}),
    channelData: { orientation },
  });
}

export function orientationData(o: Extract<Output, { kind: 'results' }>, shown: RankedService[], rendezvous: Rendezvous[], c: RenderContext) {
  return {
    theme: o.themes[0],
    themes: o.themes,
    journey: o.journey,
    commune: o.commune ? { nis: o.commune, name: c.communeName(o.commune) } : null,
    bassin: o.bassin ?? null,
    services: shown.map((r) => ({ id: r.service.id, name: pickText(r.service.name, c.lang)?.text, themes: r.service.themes, proximity: r.proximity })),
    rendezvous: rendezvousData(rendezvous),
  };
}

/** A Rendez-vous as machine-readable data: a start only when it is confirmed. */
export function rendezvousData(items: Rendezvous[]) {
  return items.map((r) => ({ id: r.id, status: r.status, start: r.status === 'confirmed' ? r.start : null, end: r.status === 'confirmed' ? r.end : null, commune: r.commune, bassin: r.bassin }));
}

export function renderOutputs(outputs: Output[], c: RenderContext, pageSize = 3): { replies: Reply[]; pending?: Pending } {
  const replies: Reply[] = [];
  let pending: Pending | undefined;
  let lastResults: Reply | undefined;
  for (const o of outputs) {
    switch (o.kind) {
      case 'say':
        replies.push(message(c.t(c.lang, forReader(c, o.key), o.params), c.lang));
        break;
      case 'question': {
        if (o.candidates?.length) {
          // "Which one?": the candidates are values of the fact (commune NIS codes), shown by name.
          const titles = o.candidates.map((v) => (o.spec.kind === 'commune' ? (c.communeName(v) ?? v) : optionLabel(c.t, c.lang, o.fact, v)));
          replies.push(message(c.t(c.lang, o.key), c.lang, { ...suggested(titles), inputHint: 'expectingInput', channelData: { question: { slot: o.fact, kind: o.spec.kind, options: o.candidates } } } as Partial<Activity>));
          break;
        }
        const options = o.spec.kind === 'yesno' ? ['true', 'false'] : (o.options ?? []);
        const prompt = c.t(c.lang, forReader(c, o.key));
        const text = o.retry ? `${c.t(c.lang, options.length ? 'common.not_understood' : 'common.not_understood_free')}\n\n${prompt}` : prompt;
        replies.push(message(text, c.lang, { ...(options.length ? suggested(options.map((x) => optionLabel(c.t, c.lang, o.fact, x))) : {}), inputHint: 'expectingInput', channelData: { question: { slot: o.fact, kind: o.spec.kind, options } } } as Partial<Activity>));
        break;
      }
      case 'results': {
        const shown = o.services.slice(0, pageSize);
        const reply = servicesReply(shown, o.total - shown.length, c.t(c.lang, o.intro), c, orientationData(o, shown, [], c));
        replies.push(reply);
        lastResults = reply;
        pending = { services: o.services.slice(pageSize) };
        break;
      }
      case 'rendezvous': {
        // The Rendez-vous belongs to the results of the same step (orientation.rendezvous).
        const cards = o.items.map((r) => rendezvousCard(r, c));
        // None confirmed: said plainly, with whom to ask.
        const none = o.none ? [c.t(c.lang, 'rendezvous.none_planned', { bassin: o.bassin ? c.bassinName(o.bassin) : '' }), ...helpdeskLines(c, o.bassin)].join(' ') : '';
        if (lastResults && none) lastResults.text = [lastResults.text, none].filter(Boolean).join('\n\n');
        if (lastResults) {
          lastResults.attachments = [...(lastResults.attachments ?? []), ...cards];
          const orientation = (lastResults.channelData as { orientation: ReturnType<typeof orientationData> }).orientation;
          orientation.rendezvous = rendezvousData(o.items);
        } else replies.push(message(none || c.t(c.lang, 'rendezvous.title'), c.lang, { attachments: cards, channelData: { rendezvous: rendezvousData(o.items) } }));
        break;
      }
      case 'nothing_fits':
        replies.push(
          message([c.t(c.lang, 'nothing_fits.text'), ...helpdeskLines(c, o.bassin), c.t(c.lang, 'nothing_fits.allo')].filter((x, k, a) => a.indexOf(x) === k).join('\n\n'), c.lang, {
            channelData: { orientation: { theme: o.themes[0], themes: o.themes, bassin: o.bassin ?? null, services: [], rendezvous: [], unmet: true } },
          }),
        );
        break;
      case 'handoff':
        replies.push(message([c.t(c.lang, o.key), ...helpdeskLines(c, undefined)].join('\n\n'), c.lang, { channelData: { handoffRequest: { reason: o.reason } } }));
        break;
      case 'end':
        if (o.key) replies.push(message(c.t(c.lang, o.key), c.lang, suggested([c.t(c.lang, 'common.menu'), c.t(c.lang, 'common.person')])));
        break;
    }
  }
  return { replies, pending };
}
