/** A journey as a Mermaid flowchart, for the people who maintain journeys (read-only). */
import type { Translate } from '../i18n/i18n';
import type { Condition } from './conditions';
import { nodeType, type Wording } from './registry';
import type { Graph } from './types';

const esc = (s: string) => s.replace(/"/g, "'").replace(/[<>]/g, ' ');

export function journeyToMermaid(g: Graph, t?: Translate): string {
  const lines = ['flowchart TD'];
  const label = (id: string) => {
    const n = g.nodes[id];
    const d = nodeType(n.type)!.describe(n);
    const prompt = t && typeof n.prompt === 'string' ? `<br/><i>${esc(t('fr', n.prompt))}</i>` : '';
    const text = `"${esc(id)}: ${esc(d.label)}${prompt}"`;
    switch (d.shape) {
      case 'diamond':
        return `${id}{${text}}`;
      case 'round':
        return `${id}(${text})`;
      case 'stadium':
        return `${id}([${text}])`;
      case 'hex':
        return `${id}{{${text}}}`;
      default:
        return `${id}[${text}]`;
    }
  };
  for (const id of Object.keys(g.nodes)) lines.push(`  ${label(id)}`);
  for (const [id, n] of Object.entries(g.nodes)) {
    if (n.type === 'branch') {
      const rules = n.rules as Array<{ next: string }>;
      rules.forEach((r, i) => lines.push(`  ${id} -->|${i + 1}| ${r.next}`));
      lines.push(`  ${id} -->|else| ${String(n.default)}`);
    } else for (const next of nodeType(n.type)!.successors(n)) lines.push(`  ${id} --> ${next}`);
  }
  lines.push(`  classDef start stroke-width:3px`, `  class ${g.start} start`);
  return lines.join('\n');
}

/** A label for Mermaid: no quotes or angle brackets, and long texts cut at a word. */
function wordsLabel(s: string, max = 320): string {
  // A line break in the words ("\n") stays one; any other white space is one space.
  const lines = s.split('\n').map((l) => esc(l).replace(/\s+/g, ' ').trim());
  const clean = lines.join('\n');
  const cut = clean.length <= max ? clean : `${clean.slice(0, max).slice(0, Math.max(clean.slice(0, max).lastIndexOf(' '), max - 20))} …`;
  return cut.replace(/\n/g, '<br/>');
}

/**
 * A journey as a Mermaid flowchart in plain words of the reader's language (the journeys page, for
 * field staff): the questions as the person reads them, the answers on the arrows, the services
 * each ending offers by name, and the safety net drawn first. Node ids stay Mermaid's ids (the page
 * shows them on hover), never in the text.
 */
export function journeyInWords(g: Graph, w: Wording): string {
  const lines = ['flowchart TD', `  safety_net(["${wordsLabel(w.page('safety_node'))}"])`];
  for (const [id, n] of Object.entries(g.nodes)) {
    const type = nodeType(n.type)!;
    const text = `"${wordsLabel(type.explain(n, w))}"`;
    const shape = type.describe(n).shape;
    lines.push(`  ${id}${shape === 'diamond' ? `{${text}}` : shape === 'round' ? `(${text})` : shape === 'stadium' ? `([${text}])` : shape === 'hex' ? `{{${text}}}` : `[${text}]`}`);
  }
  lines.push(`  safety_net --> ${g.start}`);
  for (const [id, n] of Object.entries(g.nodes)) {
    if (n.type === 'branch') {
      for (const r of n.rules as Array<{ when: Condition; next: string }>) lines.push(`  ${id} -->|"${wordsLabel(w.condition(r.when), 80)}"| ${r.next}`);
      lines.push(`  ${id} -->|"${wordsLabel(w.page('otherwise'))}"| ${String(n.default)}`);
    } else for (const next of nodeType(n.type)!.successors(n)) lines.push(`  ${id} --> ${next}`);
  }
  lines.push('  classDef safety fill:#fde7ea,stroke:#b00020,stroke-width:2px,color:#1d2433', '  class safety_net safety', '  classDef start stroke-width:3px', `  class ${g.start} start`);
  return lines.join('\n');
}
