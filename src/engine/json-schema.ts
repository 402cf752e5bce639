/** The published JSON Schema of a journey file, generated from the node types' own zod schemas. */
import { z } from 'zod';
import { THEMES } from '../catalogue/schema';
import './nodes';
import { allNodeTypes } from './registry';

export function graphJsonSchema(): Record<string, unknown> {
  const nodes = allNodeTypes().map((t) => (t.schema as unknown as z.ZodType).describe(t.doc));
  const file = z
    .object({
      $schema: z.string().optional(),
      id: z.string().regex(/^[a-z][a-z0-9_]*$/).describe('Journey id; equals the file name without .json'),
      theme: z.enum(THEMES).optional().describe('Theme this journey serves'),
      title: z.string().describe('Locale key of the journey title'),
      note: z.string().optional(),
      start: z.string().describe('Id of the first node'),
      nodes: z.record(z.string().regex(/^[a-z][a-z0-9_]*$/), z.union(nodes as unknown as [z.ZodType, z.ZodType, ...z.ZodType[]])),
    })
    .strict();
  return { ...(z.toJSONSchema(file, { unrepresentable: 'any', io: 'input' }) as Record<string, unknown>), title: 'Boussole journey (dialogs/*.json)' };
}
