import { loadGraphs } from '../../src/engine/graph-loader';
import { graphJsonSchema } from '../../src/engine/json-schema';
import { validateGraphs } from '../../src/engine/validator';
import { loadSeed } from '../../src/catalogue/seed';
import { loadResources } from '../../src/i18n/resources';
import committedSchema from '../../dialogs/schema/graph.schema.json';

test('the shipped journeys pass the validator with full coverage in every bassin', () => {
  const report = validateGraphs(loadGraphs(), loadSeed(), loadResources());
  expect(report.errors).toEqual([]);
  expect(report.coverage.length).toBeGreaterThanOrEqual(20);
});

test('the published JSON Schema (dialogs/schema/graph.schema.json) is current: run npm run graph:schema after changing a node type', () => {
  expect(graphJsonSchema()).toEqual(committedSchema);
});
