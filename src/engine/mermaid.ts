/** A journey as a Mermaid flowchart, for the people who maintain journeys (read-only). */
import type { Translate } from '../i18n/i18n';
import { nodeType } from './registry';
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
