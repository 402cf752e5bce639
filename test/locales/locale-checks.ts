/**
 * Completeness checks over the locale files: every language holds every key of every namespace,
 * with non-empty values, the same {{placeholders}} and the plural forms its own plural rules need.
 * Pure functions over parsed JSON, plus one reader for `locales/<lang>/<namespace>.json`.
 */
import fs from 'node:fs';
import path from 'node:path';

/** language → namespace → parsed JSON (undefined when the file is missing or unreadable). */
export type LocaleSet = Record<string, Record<string, unknown>>;

export interface Problem {
  lang: string;
  ns: string;
  key: string;
  message: string;
}

export const formatProblem = (p: Problem): string => `${p.lang} ${p.ns}.json${p.key ? ` "${p.key}"` : ''}: ${p.message}`;

const CATEGORIES = ['zero', 'one', 'two', 'few', 'many', 'other'] as const;
type Category = (typeof CATEGORIES)[number];
// i18next v4 suffixes: key_one, key_other, key_ordinal_one, ...
const PLURAL_SUFFIX = /^(.+?)(_ordinal)?_(zero|one|two|few|many|other)$/;

/** Reads every `*.json` of every language folder; a file that is absent or does not parse is a problem. */
export function readLocaleSet(dir: string, langs: readonly string[]): { set: LocaleSet; problems: Problem[] } {
  const set: LocaleSet = {};
  const problems: Problem[] = [];
  const files: Record<string, string[]> = {};
  for (const lang of langs) {
    const ldir = path.join(dir, lang);
    files[lang] = fs.existsSync(ldir) ? fs.readdirSync(ldir).filter((f) => f.endsWith('.json')) : [];
  }
  const namespaces = [...new Set(Object.values(files).flat().map((f) => f.replace(/\.json$/, '')))].sort();
  for (const lang of langs) {
    set[lang] = {};
    for (const ns of namespaces) {
      const file = path.join(dir, lang, `${ns}.json`);
      if (!fs.existsSync(file)) {
        const holders = langs.filter((l) => files[l].includes(`${ns}.json`));
        problems.push({ lang, ns, key: '', message: `file missing (present in ${holders.join(', ')})` });
        continue;
      }
      try {
        set[lang][ns] = JSON.parse(fs.readFileSync(file, 'utf8')) as unknown;
      } catch (err) {
        problems.push({ lang, ns, key: '', message: `not valid JSON: ${(err as Error).message}` });
      }
    }
  }
  return { set, problems };
}

export function namespacesOf(set: LocaleSet): string[] {
  return [...new Set(Object.values(set).flatMap((byNs) => Object.keys(byNs)))].sort();
}

/** Dotted path → leaf value (string, array, or anything else that is not a plain object; an empty object holds no key). */
export function flatten(tree: unknown, prefix = '', out = new Map<string, unknown>()): Map<string, unknown> {
  if (tree !== null && typeof tree === 'object' && !Array.isArray(tree)) {
    for (const [k, v] of Object.entries(tree)) flatten(v, prefix ? `${prefix}.${k}` : k, out);
  } else if (prefix) out.set(prefix, tree);
  return out;
}

/** `{{name}}`, `{{- name}}` and `{{name, format}}` all count as the placeholder `name`. */
export function placeholders(value: unknown): string[] {
  const texts = Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : typeof value === 'string' ? [value] : [];
  const names = new Set<string>();
  for (const t of texts) for (const m of t.matchAll(/\{\{-?\s*([^}\s,]+)[^}]*\}\}/g)) names.add(m[1]);
  return [...names].sort();
}

export function pluralCategories(lang: string, type: 'cardinal' | 'ordinal'): Category[] {
  const cats = new Intl.PluralRules(lang, { type }).resolvedOptions().pluralCategories as Category[];
  return [...cats].sort((a, b) => CATEGORIES.indexOf(a) - CATEGORIES.indexOf(b));
}

/** One logical entry: a plain key, or a plural group whose forms are `base_<category>`. */
interface Entry {
  base: string;
  kind: 'plain' | 'cardinal' | 'ordinal';
  /** category (or '' for a plain key) → value */
  forms: Map<string, unknown>;
}

const entryId = (base: string, kind: Entry['kind']) => (kind === 'plain' ? base : `${base} (${kind} plural)`);
const formKey = (base: string, kind: Entry['kind'], cat: string) => (kind === 'plain' ? base : `${base}${kind === 'ordinal' ? '_ordinal' : ''}_${cat}`);

/**
 * Groups one namespace's keys, in every language, into entries. `x_other` with at least one other
 * category (`x_one`, `x_few`, …) in some language is a plural group; a lone `x_other` is a plain key.
 */
function entriesOf(byLang: Record<string, Map<string, unknown>>): Record<string, Map<string, Entry>> {
  const all = new Set(Object.values(byLang).flatMap((m) => [...m.keys()]));
  const groups = new Set<string>();
  for (const key of all) {
    const m = PLURAL_SUFFIX.exec(key);
    if (!m || m[3] === 'other') continue;
    const other = `${m[1]}${m[2] ?? ''}_other`;
    if (all.has(other)) groups.add(`${m[1]}${m[2] ?? ''}`);
  }
  const out: Record<string, Map<string, Entry>> = {};
  for (const [lang, leaves] of Object.entries(byLang)) {
    const entries = new Map<string, Entry>();
    for (const [key, value] of leaves) {
      const m = PLURAL_SUFFIX.exec(key);
      const group = m && groups.has(`${m[1]}${m[2] ?? ''}`) ? m : undefined;
      const base = group ? group[1] : key;
      const kind: Entry['kind'] = group ? (group[2] ? 'ordinal' : 'cardinal') : 'plain';
      const id = entryId(base, kind);
      const entry = entries.get(id) ?? { base, kind, forms: new Map<string, unknown>() };
      entry.forms.set(group ? group[3] : '', value);
      entries.set(id, entry);
    }
    out[lang] = entries;
  }
  return out;
}

function valueProblem(value: unknown, asArray: boolean): string | undefined {
  if (asArray) {
    if (!Array.isArray(value)) return `should be a list of words (as in the reference language), got ${JSON.stringify(value)}`;
    if (value.length === 0) return 'empty list';
    const bad = value.filter((v) => typeof v !== 'string' || v.trim() === '');
    return bad.length ? `list holds empty or non-text items: ${JSON.stringify(bad)}` : undefined;
  }
  if (typeof value !== 'string') return `should be a text, got ${JSON.stringify(value)}`;
  return value.trim() === '' ? 'empty text' : undefined;
}

/** Every problem of every language in every namespace; `langs[0]` is the reference language (fr). */
export function checkLocales(set: LocaleSet, langs: readonly string[]): Problem[] {
  const problems: Problem[] = [];
  for (const ns of namespacesOf(set)) {
    const present = langs.filter((l) => set[l]?.[ns] !== undefined);
    const leaves = Object.fromEntries(present.map((l) => [l, flatten(set[l][ns])]));
    const entries = entriesOf(leaves);
    const ids = [...new Set(present.flatMap((l) => [...entries[l].keys()]))].sort();
    for (const id of ids) {
      const holders = present.filter((l) => entries[l].has(id));
      // The reference shape (text or list) comes from fr, or the first language that has the key.
      const ref = entries[holders.includes(langs[0]) ? langs[0] : holders[0]].get(id)!;
      const asArray = [...ref.forms.values()].some(Array.isArray);
      const placeholderSets = new Map<string, string>();
      for (const lang of present) {
        const entry = entries[lang].get(id);
        if (!entry) {
          problems.push({ lang, ns, key: id, message: `missing (present in ${holders.join(', ')})` });
          continue;
        }
        for (const [cat, value] of entry.forms) {
          const p = valueProblem(value, asArray);
          if (p) problems.push({ lang, ns, key: formKey(entry.base, entry.kind, cat), message: p });
        }
        if (entry.kind !== 'plain') {
          const need = pluralCategories(lang, entry.kind);
          for (const cat of need)
            if (!entry.forms.has(cat)) problems.push({ lang, ns, key: formKey(entry.base, entry.kind, cat), message: `missing plural form (${lang} needs ${need.map((c) => `_${c}`).join(', ')})` });
        }
        // A plural group may leave {{count}} out of one form ("one more service"): compare the union of its forms.
        placeholderSets.set(lang, JSON.stringify([...new Set([...entry.forms.values()].flatMap(placeholders))].sort()));
      }
      problems.push(...placeholderProblems(placeholderSets, langs, ns, id));
    }
  }
  return problems;
}

/** The placeholder set most languages use (fr wins a tie) is the reference; the others are wrong. */
function placeholderProblems(sets: Map<string, string>, langs: readonly string[], ns: string, key: string): Problem[] {
  if (new Set(sets.values()).size <= 1) return [];
  const counts = new Map<string, number>();
  for (const s of sets.values()) counts.set(s, (counts.get(s) ?? 0) + 1);
  const best = Math.max(...counts.values());
  const tied = [...counts].filter(([, n]) => n === best).map(([s]) => s);
  const refLang = langs.find((l) => sets.has(l) && tied.includes(sets.get(l)!))!;
  const ref = sets.get(refLang)!;
  const show = (s: string) => (JSON.parse(s) as string[]).map((n) => `{{${n}}}`).join(' ') || 'none';
  return [...sets]
    .filter(([, s]) => s !== ref)
    .map(([lang, s]) => ({ lang, ns, key, message: `placeholders ${show(s)} differ from ${show(ref)} (as in ${refLang} and ${counts.get(ref)! - 1} other language(s))` }));
}
