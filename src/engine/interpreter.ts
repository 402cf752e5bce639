/**
 * The one generic interpreter: walks any journey from a node until it needs an answer or ends.
 * Pure over its inputs: state in, state and outputs out; all I/O goes through EnginePorts.
 */
import type { Lang } from '../catalogue/schema';
import './nodes';
import { nodeType, type Next } from './registry';
import type { AnswerParser, EnginePorts, EngineState, FactRegistry, Facts, Graph, Output, StepResult } from './types';

/** Upper bound on nodes executed in one step: a guard against a loop the validator missed. */
const MAX_STEPS = 200;

/** The journeys whose nodes use the fact (ask it, branch on it…). */
export function journeysUsing(graphs: Map<string, Graph>, fact: string): string[] {
  return [...graphs].filter(([, g]) => Object.values(g.nodes).some((n) => nodeType(n.type)?.refs(n as never).facts?.includes(fact))).map(([id]) => id);
}

export class Engine {
  constructor(
    private readonly graphs: Map<string, Graph>,
    private readonly facts: FactRegistry,
    private readonly ports: EnginePorts,
    private readonly parse: AnswerParser,
  ) {}

  hasJourney(id: string): boolean {
    return this.graphs.has(id);
  }

  /** The journeys whose nodes use the fact (ask it, branch on it…): a fact only one theme's journey uses belongs to that theme. */
  journeysUsing(fact: string): string[] {
    let ids = this.usedBy.get(fact);
    if (!ids) {
      ids = journeysUsing(this.graphs, fact);
      this.usedBy.set(fact, ids);
    }
    return ids;
  }

  private readonly usedBy = new Map<string, string[]>();

  /** The fact the state's current question asks for, if it waits on one. */
  awaitedFact(state: EngineState): string | undefined {
    const node = state.node === null ? undefined : this.graphs.get(state.journey)?.nodes[state.node];
    return node?.type === 'ask' ? String(node.fact) : undefined;
  }

  /** True when the text is a valid answer to the state's current question (nothing is changed). */
  accepts(state: EngineState, text: string, lang: Lang): boolean {
    return this.parseAnswer(state, text, lang)?.parsed.ok === true;
  }

  /** The awaited fact and what the text makes of it; undefined when the state waits on no question. */
  private parseAnswer(state: EngineState, text: string, lang: Lang) {
    const fact = this.awaitedFact(state);
    return fact === undefined ? undefined : { fact, parsed: this.parse(text, fact, this.facts[fact], lang) };
  }

  /** Starts a journey from its first node with the facts already known. */
  async start(journey: string, facts: Facts, lang: Lang, candidates?: EngineState['candidates']): Promise<StepResult> {
    const g = this.graph(journey);
    return this.walk({ journey, node: g.start, facts: { ...facts }, trail: [], misses: 0, candidates }, lang);
  }

  /** Goes on from where the state waits, e.g. after new facts were added from free text. */
  async resume(state: EngineState, lang: Lang): Promise<StepResult> {
    if (state.node === null) return { state, outputs: [] };
    return this.walk({ ...state, facts: { ...state.facts } }, lang);
  }

  /** Takes a free-text or button answer to the question the state waits on. */
  async answer(state: EngineState, text: string, lang: Lang): Promise<StepResult> {
    const awaited = this.parseAnswer(state, text, lang);
    if (!awaited) return { state, outputs: [] };
    const { fact, parsed } = awaited;
    if (!parsed.ok) {
      const candidates = parsed.reason === 'ambiguous' && parsed.candidates?.length ? { fact, values: parsed.candidates } : undefined;
      const next: EngineState = { ...state, misses: candidates ? state.misses : state.misses + 1, candidates };
      const res = await this.walk(next, lang);
      return { ...res, misunderstood: true };
    }
    const facts = { ...state.facts, ...(parsed.extra ?? {}), [fact]: parsed.value };
    return this.walk({ ...state, facts, misses: 0, candidates: undefined }, lang);
  }

  /** Goes back to the previous question, forgetting its answer. */
  async back(state: EngineState, lang: Lang): Promise<StepResult> {
    const trail = [...state.trail];
    while (trail.length) {
      const step = trail.pop()!;
      const node = this.graphs.get(step.journey)?.nodes[step.node];
      if (node?.type === 'ask' && step.node !== state.node) {
        const facts = { ...state.facts };
        delete facts[String(node.fact)];
        return this.walk({ journey: step.journey, node: step.node, facts, trail, misses: 0 }, lang);
      }
    }
    return this.walk({ ...state, misses: 0 }, lang);
  }

  private graph(id: string): Graph {
    const g = this.graphs.get(id);
    if (!g) throw new Error(`unknown journey ${id}`);
    return g;
  }

  private async walk(initial: EngineState, lang: Lang): Promise<StepResult> {
    const outputs: Output[] = [];
    let state = initial;
    for (let i = 0; i < MAX_STEPS; i++) {
      if (state.node === null) return { state, outputs };
      const graph = this.graph(state.journey);
      const node = graph.nodes[state.node];
      const type = node && nodeType(node.type);
      if (!node || !type) throw new Error(`journey ${state.journey}: node ${state.node} is missing`);
      const nodeId = state.node;
      const next: Next = await type.execute(node, { graph, nodeId, state, facts: this.facts, ports: this.ports, language: lang, emit: (o) => outputs.push(o) });
      const trail = state.trail[state.trail.length - 1]?.node === nodeId ? state.trail : [...state.trail, { journey: state.journey, node: nodeId }];
      if ('wait' in next) return { state: { ...state, trail }, outputs };
      if ('stop' in next) return { state: { ...state, trail, node: null, misses: 0 }, outputs };
      if ('journey' in next) state = { ...state, trail, journey: next.journey, node: this.graph(next.journey).start, misses: 0 };
      else state = { ...state, trail, node: next.goto, misses: 0 };
    }
    throw new Error(`journey ${initial.journey}: more than ${MAX_STEPS} nodes in one step (a loop?)`);
  }
}
