/** One i18next instance for the process, loaded synchronously from `locales/`. */
import i18next, { type i18n as I18n } from 'i18next';
import { LANGUAGES, type Lang, type LocalText } from '../catalogue/schema';
import { loadResources, type Resources } from './resources';

export type Translate = (lng: Lang, key: string, params?: Record<string, unknown>) => string;

export function createI18n(resources: Resources = loadResources()): { i18n: I18n; t: Translate } {
  const i18n = i18next.createInstance();
  void i18n.init({
    resources,
    lng: 'fr',
    fallbackLng: false,
    supportedLngs: [...LANGUAGES],
    ns: Object.keys(resources.fr ?? { translation: {} }),
    defaultNS: 'translation',
    initAsync: false,
    interpolation: { escapeValue: false },
    returnNull: false,
  });
  const t: Translate = (lng, key, params) => i18n.t(key, { lng, ...(params ?? {}) }) as string;
  return { i18n, t };
}

export function isLang(x: unknown): x is Lang {
  return typeof x === 'string' && (LANGUAGES as readonly string[]).includes(x);
}

/** The best text for a language; when it falls back, says which language it fell back to. */
export function pickText(text: LocalText | undefined, lng: Lang): { text: string; fallback?: Lang } | undefined {
  if (!text) return undefined;
  const chain: Lang[] = [lng, ...(lng === 'nl' ? (['en', 'fr'] as Lang[]) : lng === 'en' ? (['fr', 'nl'] as Lang[]) : (['fr', 'en', 'nl'] as Lang[]))];
  for (const l of chain) {
    const v = (text as Partial<Record<Lang, string>>)[l];
    if (v) return l === lng ? { text: v } : { text: v, fallback: l };
  }
  return undefined;
}

/** The text for a person reading `lng`: theirs, or the nearest one followed by "(text only available in …)". */
export function textForReader(t: Translate, lng: Lang, text: LocalText | undefined): string | undefined {
  const p = pickText(text, lng);
  if (!p) return undefined;
  return p.fallback ? `${p.text} ${t(lng, 'card.fallback_language', { language: t(lng, `facts.language.options.${p.fallback}`) })}` : p.text;
}

/** The text for `key`, or undefined where the locales have none (i18next gives the key back). */
export function knownText(t: Translate, lang: Lang, key: string): string | undefined {
  const text = t(lang, key);
  const bare = key.includes(':') ? key.slice(key.indexOf(':') + 1) : key;
  return text && text !== key && text !== bare ? text : undefined;
}
