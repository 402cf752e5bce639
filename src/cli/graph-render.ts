/** `npm run graph:render`: writes one Mermaid diagram per journey to docs/journeys/. */
import fs from 'node:fs';
import path from 'node:path';
import { loadGraphs } from '../engine/graph-loader';
import { journeyToMermaid } from '../engine/mermaid';
import { createI18n } from '../i18n/i18n';

const out = path.resolve(process.argv[2] ?? path.join(process.cwd(), 'docs', 'journeys'));
const { graphs, errors } = loadGraphs();
if (errors.length) {
  console.error(errors.join('\n'));
  process.exit(1);
}
const { t } = createI18n();
fs.mkdirSync(out, { recursive: true });
for (const g of graphs.values()) {
  const file = path.join(out, `${g.id}.mmd`);
  fs.writeFileSync(file, journeyToMermaid(g, t) + '\n');
  console.log(`wrote ${path.relative(process.cwd(), file)}`);
}
