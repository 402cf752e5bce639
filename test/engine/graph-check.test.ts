import { loadGraphs } from '../../src/engine/graph-loader';
import { validateGraphs, formatCoverage } from '../../src/engine/validator';
import { loadSeed } from '../../src/catalogue/seed';
import { loadResources } from '../../src/i18n/resources';

test('the shipped journeys pass the validator with full coverage', () => {
  const report = validateGraphs(loadGraphs(), loadSeed(), loadResources());
  console.log(formatCoverage(report.coverage));
  expect(report.errors).toEqual([]);
});
