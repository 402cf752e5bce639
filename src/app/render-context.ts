/** Builds the rendering context (labels, commune and bassin names, Helpdesks) for a language. */
import type { Places } from '../catalogue/places';
import type { Bassin, BassinId, Helpdesk, Lang } from '../catalogue/schema';
import type { RenderContext } from '../bot/render/render-outputs';
import { pickText, type Translate } from '../i18n/i18n';

export function renderContextFactory(t: Translate, places: Places, bassins: Bassin[], helpdesks: Helpdesk[], opts: { now?: () => Date; calendarLink?: (sessionId: string, lang: Lang) => string } = {}) {
  return (lang: Lang, audience?: 'resident' | 'professional'): RenderContext => ({
    t,
    lang,
    audience,
    communeName: (nis) => {
      const c = places.commune(nis);
      return c ? (lang === 'nl' ? c.name.nl : c.name.fr) : undefined;
    },
    bassinName: (b: BassinId) => pickText(bassins.find((x) => x.id === b)?.name as Parameters<typeof pickText>[0], lang)?.text ?? b,
    helpdesk: (b) => (b ? helpdesks.find((h) => h.bassin === b) : undefined),
    ...(opts.now ? { now: opts.now } : {}),
    ...(opts.calendarLink ? { calendarLink: (id: string) => opts.calendarLink!(id, lang) } : {}),
  });
}
