/**
 * Support nearby after a danger (data/safety/care.json): which journey's facts follow the numbers
 * for which categories. Data, so that adding one (a violence journey, say) needs no code.
 */
import fs from 'node:fs';
import path from 'node:path';
import { defaultSafetyDir } from './detect';

export interface CareJourney {
  categories: string[];
  facts: Record<string, string | number | boolean>;
}

export function loadCareJourneys(dir = defaultSafetyDir()): CareJourney[] {
  return (JSON.parse(fs.readFileSync(path.join(dir, 'care.json'), 'utf8')) as { journeys: CareJourney[] }).journeys;
}

/** The facts of the first journey that fits one of the categories, or undefined. */
export function careFacts(journeys: CareJourney[]): (categories: string[]) => Record<string, string | number | boolean> | undefined {
  return (categories) => journeys.find((j) => j.categories.some((c) => categories.includes(c)))?.facts;
}
