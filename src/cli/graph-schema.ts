/** Writes dialogs/schema/graph.schema.json (run after changing a node type). */
import fs from 'node:fs';
import path from 'node:path';
import { graphJsonSchema } from '../engine/json-schema';

const out = path.resolve(process.cwd(), 'dialogs', 'schema', 'graph.schema.json');
fs.mkdirSync(path.dirname(out), { recursive: true });
fs.writeFileSync(out, JSON.stringify(graphJsonSchema(), null, 2) + '\n');
console.log(`wrote ${path.relative(process.cwd(), out)}`);
