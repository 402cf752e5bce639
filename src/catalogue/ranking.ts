/**
 * Which services fit a situation, best first. Pure: the same function serves the MongoDB
 * repository, the graph validator's coverage check and the tests.
 * Order: eligibility (hard filter) → proximity (commune, bassin, region) → fit (the first of the
 * journey's tags, in the order the journey lists them, that the service carries) → open now or soon →
 * language (speaks it, not stated, speaks others only) → catalogue order.
 * Fit comes before opening hours so that a 24/7 helpline does not push aside the psychologist the
 * person asked for; helplines still come first when they are what the journey asks for.
 */
import type { CatalogueQuery, RankedService } from '../engine/types';
import { isOpenAt, openScore } from './hours';
import type { BassinId, Service } from './schema';

export type BassinsOfCommune = (nis: string) => BassinId[];

export function isEligible(s: Service, q: Pick<CatalogueQuery, 'facts' | 'apply' | 'audience'>): boolean {
  const e = s.eligibility ?? {};
  const f = q.facts;
  for (const fact of q.apply) {
    switch (fact) {
      case 'age':
        if (typeof f.age === 'number' && ((e.ageMin !== undefined && f.age < e.ageMin) || (e.ageMax !== undefined && f.age > e.ageMax))) return false;
        // A children's line is not shown to an adult who did not give their age: most people who
        // write are adults, and the general lines (Télé-Accueil…) answer young people too.
        if (e.minorsOnly && !(typeof f.age === 'number' ? f.age < 18 : f.for_whom === 'child')) return false;
        break;
      case 'sex':
        if (e.sex && (f.sex === 'female' || f.sex === 'male') && f.sex !== e.sex) return false;
        break;
      case 'insured':
        if (e.insuranceRequired && f.insured === false) return false;
        break;
      case 'papers':
        if (f.papers === false && e.acceptsUndocumented === false) return false;
        if (f.papers === true && e.undocumentedOnly) return false;
        break;
      case 'pregnancy_status': // services for pregnant women also follow them after birth: nothing to exclude
        break;
      case 'audience':
        if (e.audience && q.audience && !e.audience.includes(q.audience)) return false;
        break;
    }
  }
  return true;
}

function matches(s: Service, q: Pick<CatalogueQuery, 'themes' | 'tags'>): boolean {
  if (!s.themes.some((t) => q.themes.includes(t))) return false;
  return q.tags.length === 0 || s.tags.some((t) => q.tags.includes(t));
}

function proximity(s: Service, q: Pick<CatalogueQuery, 'commune' | 'bassin'>, bassinsOf: BassinsOfCommune): RankedService['proximity'] | null {
  const a = s.area;
  if (a.scope === 'commune') return q.commune && a.communes.includes(q.commune) ? 'commune' : null; // e.g. a CPAS serves its own residents only
  if (q.commune && s.address?.commune === q.commune) return 'commune';
  if (q.bassin && a.scope === 'bassin' && a.bassins.includes(q.bassin)) return 'bassin';
  if (q.bassin && s.address && bassinsOf(s.address.commune).includes(q.bassin)) return 'bassin';
  return 'region';
}

const PROXIMITY_RANK = { commune: 0, bassin: 1, region: 2 } as const;

export function rankServices(services: Service[], q: CatalogueQuery, bassinsOf: BassinsOfCommune): RankedService[] {
  const scored: Array<RankedService & { order: number; open: number; fit: number; lang: number }> = [];
  services.forEach((service, order) => {
    if (!matches(service, q) || !isEligible(service, q)) return;
    const prox = proximity(service, q, bassinsOf);
    if (!prox) return;
    scored.push({
      service,
      proximity: prox,
      openNow: isOpenAt(service.hours, q.now),
      speaksLanguage: !!service.languages?.includes(q.language),
      order,
      open: openScore(service.hours, q.now),
      fit: q.tags.length ? Math.min(...service.tags.map((t) => q.tags.indexOf(t)).filter((i) => i >= 0)) : 0,
      lang: !service.languages?.length ? 1 : service.languages.includes(q.language) ? 2 : 0,
    });
  });
  scored.sort((a, b) => PROXIMITY_RANK[a.proximity] - PROXIMITY_RANK[b.proximity] || a.fit - b.fit || b.open - a.open || b.lang - a.lang || a.order - b.order);
  return scored.map(({ service, proximity: p, openNow, speaksLanguage }) => ({ service, proximity: p, openNow, speaksLanguage }));
}
