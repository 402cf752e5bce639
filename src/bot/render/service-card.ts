/** A catalogue service as an Adaptive Card (v1.3, what Web Chat renders), all labels from locales. */
import type { Attachment } from 'botbuilder-core';
import type { Lang, Schedule } from '../../catalogue/schema';
import type { RankedService } from '../../engine/types';
import { pickText, type Translate } from '../../i18n/i18n';

export interface CardContext {
  t: Translate;
  lang: Lang;
  audience?: 'resident' | 'professional';
  communeName(nis: string): string | undefined;
  /** Today, to tell an entry not checked for a year ("information to confirm"); absent: never said. */
  now?(): Date;
}

/** An entry not checked for this long is shown to residents as "information to confirm". */
export const STALE_AFTER_MONTHS = 12;

/** Whether `checkedAt` (YYYY-MM-DD) is more than STALE_AFTER_MONTHS before `now`. */
export function isStale(checkedAt: string, now: Date): boolean {
  const limit = new Date(now);
  limit.setUTCMonth(limit.getUTCMonth() - STALE_AFTER_MONTHS);
  return checkedAt < limit.toISOString().slice(0, 10);
}

/**
 * A day as the reader writes it ("22 novembre 2026", "22 november 2026", "22 نوفمبر 2026"), from a
 * catalogue date (YYYY-MM-DD); digits stay Western, as in the phone numbers next to it.
 */
export function formatDay(iso: string | undefined, lang: Lang): string | undefined {
  if (!iso || !/^\d{4}-\d{2}-\d{2}/.test(iso)) return iso;
  const day = new Date(`${iso.slice(0, 10)}T12:00:00Z`);
  if (Number.isNaN(day.getTime())) return iso;
  return dayFormat(lang).format(day);
}

/** Built once per language: a formatter costs far more to make than to use. */
const dayFormats = new Map<Lang, Intl.DateTimeFormat>();
function dayFormat(lang: Lang): Intl.DateTimeFormat {
  let f = dayFormats.get(lang);
  if (!f) {
    // English as written in Belgium (day first), not the US order.
    f = new Intl.DateTimeFormat(`${lang === 'en' ? 'en-GB' : lang}-u-nu-latn`, { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'Europe/Brussels' });
    dayFormats.set(lang, f);
  }
  return f;
}

/** "Mon–Fri 09:00–17:00; Sat 10:00–12:00" from structured slots. */
export function formatHours(h: Schedule | undefined, c: Pick<CardContext, 't' | 'lang'>, opts: { phone?: boolean } = {}): string {
  // "Call before you go" only where there is a number to call.
  const unknown = opts.phone === false ? 'card.hours_unknown_no_phone' : 'card.hours_unknown';
  if (!h) return c.t(c.lang, unknown);
  if (h.alwaysOpen) return c.t(c.lang, 'card.always_open');
  const parts = (h.slots ?? []).map((s) => {
    const days = [...s.days].sort((a, b) => a - b);
    const contiguous = days.every((d, i) => i === 0 || d === days[i - 1] + 1);
    const day = (d: number) => c.t(c.lang, `card.days.${d}`);
    const label = contiguous && days.length > 2 ? `${day(days[0])}–${day(days[days.length - 1])}` : days.map(day).join(', ');
    return `${label} ${s.open}–${s.close}`;
  });
  const note = pickText(h.note, c.lang)?.text;
  const text = [parts.join('; '), note].filter(Boolean).join('. ');
  return text || c.t(c.lang, unknown);
}

/** Digits only, with +32 for Belgian numbers: usable in a tel: link. */
export function telUri(phone: string): string {
  const digits = phone.replace(/[^0-9+]/g, '');
  if (digits.startsWith('+')) return `tel:${digits}`;
  if (digits.startsWith('0') && digits.length >= 9) return `tel:+32${digits.slice(1)}`;
  return `tel:${digits}`;
}

/** An Adaptive Card attachment (v1.3: what Web Chat renders). */
export function adaptiveCard(lang: Lang, body: unknown[], actions: unknown[] = []): Attachment {
  return { contentType: 'application/vnd.microsoft.card.adaptive', content: { type: 'AdaptiveCard', version: '1.3', lang, body, actions } };
}

export function serviceCard(r: RankedService, c: CardContext): Attachment {
  const s = r.service;
  const t = (k: string, p?: Record<string, unknown>) => c.t(c.lang, k, p);
  // A text the catalogue lacks in the reader's language is shown in another, said once per card.
  const fallbacks = new Set<Lang>();
  const txt = (v: Parameters<typeof pickText>[0]) => {
    const p = pickText(v, c.lang);
    if (p?.fallback) fallbacks.add(p.fallback);
    return p?.text;
  };
  const caveat = (field: string) => {
    const k = s.caveats?.[field as keyof NonNullable<typeof s.caveats>];
    return k ? ` (${t(k === 'dated' ? 'card.dated' : 'card.unverified')})` : '';
  };
  const facts: Array<{ title: string; value: string }> = [];
  const add = (title: string, value: string | undefined) => value && facts.push({ title: t(title), value });
  add('card.who', txt(s.audience));
  if (s.address) add('card.address', `${s.address.street}, ${s.address.postalCode} ${c.communeName(s.address.commune) ?? ''}`.trim() + caveat('address'));
  if (s.phone) add('card.phone', s.phone + caveat('phone'));
  if (s.email) add('card.email', s.email + caveat('email'));
  add('card.hours', formatHours(s.hours, c, { phone: Boolean(s.phone) }) + (s.hours ? caveat('hours') : ''));
  add('card.cost', (txt(s.cost) ?? (s.free ? t('card.free') : undefined)) && (txt(s.cost) ?? t('card.free')) + caveat('cost'));
  if (s.languages?.length) add('card.languages', s.languages.join(', '));
  if (c.audience === 'professional') {
    add('card.access', txt(s.accessConditions));
    add('card.pro_contact', txt(s.proContact));
  }
  const status = [t(`card.near_${r.proximity}`), r.openNow === true ? t('card.open_now') : r.openNow === false ? t('card.closed_now') : undefined].filter(Boolean).join(' · ');
  const actions: Array<Record<string, unknown>> = [];
  if (s.phone) actions.push({ type: 'Action.OpenUrl', title: `${t('card.call')} ${s.phone}`, url: telUri(s.phone) });
  if (s.website) actions.push({ type: 'Action.OpenUrl', title: t('card.open_website'), url: s.website });
  const name = txt(s.name);
  const description = txt(s.description);
  // A card a person cannot act on is a dead end: no number and no address → who can help reach it.
  const unreachable = !s.phone && !s.address;
  const notes = [
    unreachable ? t('card.no_contact') : undefined,
    ...[...fallbacks].map((language) => t('card.fallback_language', { language: t(`facts.language.options.${language}`) })),
  ].filter((x): x is string => Boolean(x));
  return adaptiveCard(
    c.lang,
    [
      { type: 'TextBlock', text: name, weight: 'Bolder', size: 'Medium', wrap: true, style: 'heading' },
      { type: 'TextBlock', text: status, isSubtle: true, spacing: 'None', wrap: true },
      { type: 'TextBlock', text: description, wrap: true },
      { type: 'FactSet', facts },
      ...notes.map((text) => ({ type: 'TextBlock', text, wrap: true, size: 'Small' })),
      c.now && isStale(s.checkedAt, c.now())
        ? { type: 'TextBlock', text: t('card.to_confirm', { date: formatDay(s.checkedAt, c.lang) }), weight: 'Bolder', size: 'Small', wrap: true }
        : { type: 'TextBlock', text: t('card.checked', { date: formatDay(s.checkedAt, c.lang) }), isSubtle: true, size: 'Small', wrap: true },
    ],
    actions,
  );
}
