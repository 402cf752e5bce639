/**
 * Node types register themselves here (one file each under nodes/). The interpreter and the
 * validator only talk to this registry, so adding a node type touches no other engine file.
 */
import type { z } from 'zod';
import type { EnginePorts, EngineState, FactRegistry, Graph, NodeBase, Output, Refs } from './types';
import type { Condition } from './conditions';

export interface ExecContext {
  graph: Graph;
  nodeId: string;
  state: EngineState;
  facts: FactRegistry;
  ports: EnginePorts;
  language: import('../catalogue/schema').Lang;
  emit(o: Output): void;
}

/** What executing a node decided: go on to a node, wait for an answer here, jump, or stop. */
export type Next =
  | { goto: string }
  | { wait: true }
  | { journey: string }
  | { stop: true };

export interface NodeType<N extends NodeBase = NodeBase> {
  type: string;
  /** Zod schema of the node's JSON shape (also published as JSON Schema). */
  schema: z.ZodType<N>;
  /** One-line description for the schema and the docs. */
  doc: string;
  /** Ends a path (a journey's leaves must be terminal). */
  terminal: boolean;
  refs(node: N): Partial<Refs>;
  /** Nodes this one can lead to, for reachability and loop checks. */
  successors(node: N): string[];
  execute(node: N, ctx: ExecContext): Promise<Next>;
  /** Mermaid label and shape, for the diagrams. */
  describe(node: N): { label: string; shape: 'rect' | 'diamond' | 'round' | 'stadium' | 'hex' };
  /** The step in plain words of the reader's language, for the journeys page (field staff). */
  explain(node: N, w: Wording): string;
}

/**
 * What a node needs to say itself in plain words (the journeys page gives it): a text of the bot
 * as the person reads it, a phrase of the page, a condition in words, the services a
 * recommendation offers by name.
 */
export interface Wording {
  /** A locale key of the bot's texts, in the reader's language. */
  text(key: string): string;
  /** A phrase of the journeys page (`journeys:` namespace) with its parameters. */
  page(key: string, params?: Record<string, string>): string;
  /** A condition over the facts, in words ("Logement : expulsion"). */
  condition(c: Condition): string;
  /** A fact's name in words ("Commune"). */
  fact(name: string): string;
  /** The names of the services a recommendation can offer, anywhere in the Region. */
  services(q: { themes: string[]; tags: string[] }): string[];
  /** A journey's title. */
  journey(id: string): string;
}

const types = new Map<string, NodeType>();

export function registerNodeType<N extends NodeBase>(t: NodeType<N>): void {
  if (types.has(t.type)) throw new Error(`node type ${t.type} registered twice`);
  types.set(t.type, t as unknown as NodeType);
}

export function nodeType(type: string): NodeType | undefined {
  return types.get(type);
}

export function allNodeTypes(): NodeType[] {
  return [...types.values()];
}

export function emptyRefs(): Refs {
  return { localeKeys: [], facts: [], factOptions: [], themes: [], nodes: [], journeys: [], tags: [] };
}
