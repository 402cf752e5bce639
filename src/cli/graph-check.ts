/** `npm run graph:check`: validates every journey and prints the coverage table. Exit 1 on any problem. */
import { loadSeed, SeedError } from '../catalogue/seed';
import { loadGraphs } from '../engine/graph-loader';
import { formatCoverage, validateGraphs } from '../engine/validator';
import { loadResources } from '../i18n/resources';

function main(): number {
  let seed;
  try {
    seed = loadSeed();
  } catch (e) {
    console.error(e instanceof SeedError ? e.message : String(e));
    return 1;
  }
  const loaded = loadGraphs();
  const report = validateGraphs(loaded, seed, loadResources());
  console.log(`Journeys: ${[...loaded.graphs.keys()].join(', ')}`);
  console.log('\nCoverage: services found by each recommend node, in the worst-served commune of each bassin\n');
  console.log(formatCoverage(report.coverage));
  if (report.errors.length) {
    console.error(`\n${report.errors.length} problem(s):`);
    for (const e of report.errors) console.error(`  - ${e}`);
    return 1;
  }
  console.log('\ngraph:check OK: schema, references, locales, reachability, no dead ends or loops, full coverage.');
  return 0;
}

process.exit(main());
