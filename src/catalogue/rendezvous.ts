/**
 * The next Rendez-vous de la Prévention Santé for a bassin and themes: confirmed future dates first
 * (soonest first), then provisional ones (never presented as confirmed). Past ones are dropped.
 */
import type { BassinId, Rendezvous, Theme } from './schema';

export function nextRendezvous(all: Rendezvous[], q: { themes: Theme[]; bassin?: BassinId; now: Date }): Rendezvous[] {
  if (!q.bassin) return [];
  const now = q.now.getTime();
  return all
    .filter((r) => r.bassin === q.bassin && r.themes.some((t) => q.themes.includes(t)))
    .filter((r) => (r.end ?? r.start) === null || new Date((r.end ?? r.start) as string).getTime() >= now)
    .sort((a, b) => {
      if (a.status !== b.status) return a.status === 'confirmed' ? -1 : 1;
      const ta = a.start ? new Date(a.start).getTime() : Infinity;
      const tb = b.start ? new Date(b.start).getTime() : Infinity;
      return ta - tb;
    });
}
