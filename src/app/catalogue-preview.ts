/**
 * What the staff console's preview shows: the very cards the bot would send for a draft entry, in
 * a language, and the journey tags an entry can carry (from the graphs, so a new theme's tags come
 * with its graph file).
 */
import { seriesSessions, SESSION_HORIZON_DAYS } from '../catalogue/rendezvous';
import type { ClosurePeriod, Rendezvous, Series, Service } from '../catalogue/schema';
import { rendezvousCard, type RenderContext } from '../bot/render/render-outputs';
import { serviceCard } from '../bot/render/service-card';
import type { Entry, EntryKind } from '../repositories/catalogue-editing';
import { pickText } from '../i18n/i18n';

const DAY_MS = 86_400_000;

export async function previewEntry(kind: EntryKind, entry: Entry, c: RenderContext, holidays: () => Promise<{ periods: ClosurePeriod[] }>): Promise<{ text: string; cards: unknown[] }> {
  if (kind === 'service') {
    const s = entry as Service;
    return { text: pickText(s.name, c.lang)?.text ?? s.name.fr, cards: [serviceCard({ service: s, proximity: s.area.scope === 'region' ? 'region' : 'commune', openNow: null, speaksLanguage: true }, c).content] };
  }
  let session: Rendezvous = entry as Rendezvous;
  if (kind === 'series') {
    // A series is shown as its next session would be (or as unconfirmed when none is left).
    const now = (c.now ?? (() => new Date()))();
    const next = seriesSessions({ ...(entry as Series), revision: 1 }, { after: now, before: new Date(now.getTime() + SESSION_HORIZON_DAYS * DAY_MS) }, (await holidays()).periods).find((x) => x.status !== 'cancelled');
    const { rule: _r, cancelledDates: _c, ...rest } = entry as Series;
    session = next ?? { ...rest, start: null, end: null, status: 'provisional' };
  }
  return { text: c.t(c.lang, 'rendezvous.title'), cards: [rendezvousCard(session, c).content] };
}

/** Every tag a `recommend` node of the graphs asks for, sorted. */
export function tagsOfGraphs(graphs: unknown): string[] {
  const found = new Set<string>();
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') {
      for (const [k, x] of Object.entries(v)) {
        if (k === 'tags' && Array.isArray(x)) x.forEach((tag) => typeof tag === 'string' && found.add(tag));
        else walk(x);
      }
    }
  };
  walk(graphs instanceof Map ? [...graphs.values()] : graphs);
  return [...found].sort();
}
