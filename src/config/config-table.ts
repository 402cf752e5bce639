/** The README's configuration table, generated from the variables' schemas. */
import { VARIABLES } from './config';

export function configTable(): string {
  const rows = Object.entries(VARIABLES).map(([name, v]) => `| \`${name}\` | ${v.default === undefined ? '—' : `\`${v.default}\``} | ${v.doc} |`);
  return ['| variable | default | meaning |', '|---|---|---|', ...rows].join('\n');
}
