/** A catalogue service as an Adaptive Card (v1.3, what Web Chat renders), all labels from locales. */
import type { Attachment } from 'botbuilder-core';
import type { Lang, Schedule } from '../../catalogue/schema';
import type { RankedService } from '../../engine/types';
import { pickText, textForReader, type Translate } from '../../i18n/i18n';

export interface CardContext {
  t: Translate;
  lang: Lang;
  audience?: 'resident' | 'professional';
  communeName(nis: string): string | undefined;
}

/** "Mon–Fri 09:00–17:00; Sat 10:00–12:00" from structured slots. */
export function formatHours(h: Schedule | undefined, c: Pick<CardContext, 't' | 'lang'>): string {
  if (!h) return c.t(c.lang, 'card.hours_unknown');
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
  return text || c.t(c.lang, 'card.hours_unknown');
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
  const txt = (v: Parameters<typeof pickText>[0]) => textForReader(c.t, c.lang, v);
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
  add('card.hours', formatHours(s.hours, c) + (s.hours ? caveat('hours') : ''));
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
  return adaptiveCard(
    c.lang,
    [
      { type: 'TextBlock', text: txt(s.name), weight: 'Bolder', size: 'Medium', wrap: true, style: 'heading' },
      { type: 'TextBlock', text: status, isSubtle: true, spacing: 'None', wrap: true },
      { type: 'TextBlock', text: txt(s.description), wrap: true },
      { type: 'FactSet', facts },
      { type: 'TextBlock', text: t('card.checked', { date: s.checkedAt }), isSubtle: true, size: 'Small', wrap: true },
    ],
    actions,
  );
}
