/**
 * The decision-graph engine's vocabulary. The engine knows nothing of Bot Framework, MongoDB or
 * i18next: channels render its outputs, repositories answer its catalogue queries (ports below).
 */
import type { BassinId, Lang, Rendezvous, Service, Theme } from '../catalogue/schema';

export type FactValue = string | number | boolean;
export type Facts = Record<string, FactValue>;

export type FactKind = 'choice' | 'yesno' | 'number' | 'commune' | 'date' | 'text';
export interface FactSpec {
  kind: FactKind;
  options?: string[];
  min?: number;
  max?: number;
  maxLength?: number;
}
export type FactRegistry = Record<string, FactSpec>;

/** A node as written in a graph file; each type refines it (see nodes/). */
export interface NodeBase {
  type: string;
  /** Free comment for the people who maintain the journey. */
  note?: string;
}

export interface Graph {
  id: string;
  /** Theme this journey serves (absent for the entry journey). */
  theme?: Theme;
  /** Locale key of the journey's title (shown in diagrams and menus). */
  title: string;
  start: string;
  nodes: Record<string, NodeBase & Record<string, unknown>>;
}

/** What a journey references, so a validator can check the whole graph. */
export interface Refs {
  localeKeys: string[];
  facts: string[];
  /** fact → option ids used (in conditions, asks). */
  factOptions: Array<{ fact: string; option: string }>;
  themes: string[];
  nodes: string[];
  journeys: string[];
  tags: string[];
}

export interface RankedService {
  service: Service;
  proximity: 'commune' | 'bassin' | 'region';
  openNow: boolean | null;
  speaksLanguage: boolean;
}

export interface CatalogueQuery {
  themes: Theme[];
  tags: string[];
  facts: Facts;
  /** Eligibility facts to apply as hard filters. */
  apply: string[];
  commune?: string;
  bassin?: BassinId;
  language: Lang;
  audience?: 'resident' | 'professional';
  now: Date;
}

export interface UnmetNeed {
  journey: string;
  node: string;
  themes: Theme[];
  tags: string[];
  bassin?: BassinId;
  /** Only the facts a planner needs; never free text, contact data or the commune. */
  facts: Facts;
}

/** Ports the engine calls; implemented over MongoDB in production and in memory for checks. */
export interface EnginePorts {
  findServices(q: CatalogueQuery): Promise<RankedService[]>;
  nextRendezvous(q: { themes: Theme[]; bassin?: BassinId; now: Date; lang?: Lang }): Promise<Rendezvous[]>;
  bassinOf(commune: string, district?: string): BassinId | undefined;
  recordUnmetNeed(n: UnmetNeed): Promise<void>;
  now(): Date;
}

export type Output =
  | { kind: 'say'; key: string; params?: Record<string, string | number> }
  | { kind: 'question'; fact: string; key: string; spec: FactSpec; options?: string[]; retry: boolean; candidates?: string[] }
  | {
      kind: 'results';
      journey: string;
      node: string;
      themes: Theme[];
      intro: string;
      services: RankedService[];
      total: number;
      commune?: string;
      bassin?: BassinId;
    }
  /** `none`: no confirmed session is planned (items then holds at most a provisional one). */
  | { kind: 'rendezvous'; items: Rendezvous[]; bassin?: BassinId; none?: boolean }
  | { kind: 'nothing_fits'; themes: Theme[]; bassin?: BassinId }
  | { kind: 'handoff'; reason: string; key: string }
  | { kind: 'end'; key?: string };

/** Where a conversation is in the graph; persisted with the conversation state. */
export interface EngineState {
  journey: string;
  /** The node waiting for an answer, or null once the walk has ended. */
  node: string | null;
  facts: Facts;
  /** Nodes visited, for "back". */
  trail: Array<{ journey: string; node: string }>;
  /** Consecutive answers not understood at the current question. */
  misses: number;
  /** Values an answer could mean (e.g. the communes of a shared postal code): the fact's question asks which one. */
  candidates?: { fact: string; values: string[] };
}

export interface StepResult {
  state: EngineState;
  outputs: Output[];
  /** True when the last answer could not be understood. */
  misunderstood?: boolean;
}

export type AnswerParse = { ok: true; value: FactValue; extra?: Facts } | { ok: false; reason: 'no_match' | 'ambiguous' | 'out_of_range'; candidates?: string[] };

/** Turns a free-text answer into a fact value (implemented by the NLU). */
export type AnswerParser = (text: string, fact: string, spec: FactSpec, lang: Lang) => AnswerParse;
