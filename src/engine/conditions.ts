/**
 * Conditions over the facts collected so far, used by `branch` nodes.
 *
 * JSON shape (one of):
 *   { "fact": "age", "op": "gte", "value": 50 }      ops: eq ne gt gte lt lte in known unknown
 *   { "all": [cond, …] }   { "any": [cond, …] }   { "not": cond }
 * A comparison on an unknown fact is false (only `unknown` is true then).
 */
import { z } from 'zod';
import type { Facts, FactValue, Refs } from './types';

const scalar = z.union([z.string(), z.number(), z.boolean()]);
export const OPS = ['eq', 'ne', 'gt', 'gte', 'lt', 'lte', 'in', 'known', 'unknown'] as const;

export type Condition =
  | { fact: string; op: (typeof OPS)[number]; value?: FactValue | FactValue[] }
  | { all: Condition[] }
  | { any: Condition[] }
  | { not: Condition };

export const conditionSchema: z.ZodType<Condition> = z.lazy(() =>
  z.union([
    z
      .object({ fact: z.string().min(1), op: z.enum(OPS), value: z.union([scalar, z.array(scalar)]).optional() })
      .strict()
      .refine((c) => (c.op === 'known' || c.op === 'unknown' ? c.value === undefined : c.value !== undefined), { message: 'known/unknown take no value; other ops need one' })
      .refine((c) => (c.op === 'in') === Array.isArray(c.value), { message: '`in` takes a list; other ops a single value' }),
    z.object({ all: z.array(conditionSchema).min(1) }).strict(),
    z.object({ any: z.array(conditionSchema).min(1) }).strict(),
    z.object({ not: conditionSchema }).strict(),
  ]),
);

export function evaluate(c: Condition, facts: Facts): boolean {
  if ('all' in c) return c.all.every((x) => evaluate(x, facts));
  if ('any' in c) return c.any.some((x) => evaluate(x, facts));
  if ('not' in c) return !evaluate(c.not, facts);
  const v = facts[c.fact];
  if (c.op === 'unknown') return v === undefined;
  if (v === undefined) return false;
  switch (c.op) {
    case 'known':
      return true;
    case 'eq':
      return v === c.value;
    case 'ne':
      return v !== c.value;
    case 'in':
      return (c.value as FactValue[]).includes(v);
    case 'gt':
      return typeof v === 'number' && v > (c.value as number);
    case 'gte':
      return typeof v === 'number' && v >= (c.value as number);
    case 'lt':
      return typeof v === 'number' && v < (c.value as number);
    case 'lte':
      return typeof v === 'number' && v <= (c.value as number);
  }
}

/** Facts and option values a condition mentions (for the validator). */
export function conditionRefs(c: Condition, into: Pick<Refs, 'facts' | 'factOptions'>): void {
  if ('all' in c) return c.all.forEach((x) => conditionRefs(x, into));
  if ('any' in c) return c.any.forEach((x) => conditionRefs(x, into));
  if ('not' in c) return conditionRefs(c.not, into);
  into.facts.push(c.fact);
  const values = Array.isArray(c.value) ? c.value : c.value === undefined ? [] : [c.value];
  for (const v of values) if (typeof v === 'string') into.factOptions.push({ fact: c.fact, option: v });
}

/** Short human text of a condition, for diagrams. */
export function describeCondition(c: Condition): string {
  if ('all' in c) return c.all.map(describeCondition).join(' and ');
  if ('any' in c) return c.any.map(describeCondition).join(' or ');
  if ('not' in c) return `not (${describeCondition(c.not)})`;
  const sym: Record<string, string> = { eq: '=', ne: '≠', gt: '>', gte: '≥', lt: '<', lte: '≤', in: 'in' };
  if (c.op === 'known' || c.op === 'unknown') return `${c.fact} ${c.op}`;
  return `${c.fact} ${sym[c.op]} ${Array.isArray(c.value) ? c.value.join('/') : String(c.value)}`;
}

/** What a condition's words need: fact names, option labels and the page's phrases. */
export interface ConditionWords {
  fact(name: string): string;
  option(fact: string, value: string): string;
  page(key: string, params?: Record<string, string>): string;
}

/** A condition in plain words of the reader's language ("Logement : expulsion", "Âge : 18 ou plus"). */
export function conditionInWords(c: Condition, w: ConditionWords): string {
  if ('all' in c) return c.all.map((x) => conditionInWords(x, w)).join(w.page('cond.and'));
  if ('any' in c) return c.any.map((x) => conditionInWords(x, w)).join(w.page('cond.or'));
  if ('not' in c) return w.page('cond.not', { cond: conditionInWords(c.not, w) });
  const fact = w.fact(c.fact);
  const value = (v: FactValue) => (typeof v === 'string' ? w.option(c.fact, v) : typeof v === 'boolean' ? w.page(v ? 'cond.yes' : 'cond.no') : String(v));
  switch (c.op) {
    case 'known':
    case 'unknown':
      return w.page(`cond.${c.op}`, { fact });
    case 'in':
      return w.page('cond.eq', { fact, value: (c.value as FactValue[]).map(value).join(w.page('cond.or')) });
    default:
      return w.page(`cond.${c.op}`, { fact, value: value(c.value as FactValue) });
  }
}
