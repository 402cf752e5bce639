/**
 * `ask` — asks for one fact, unless it is already known (then it goes straight on).
 *
 *   { "type": "ask", "fact": "housing_situation", "prompt": "logement.ask.situation",
 *     "options": ["no_roof", "eviction"], "next": "route" }
 *
 * `options` narrows a choice fact's options (default: all of them, as in dialogs/facts.json).
 * `clarify` is the locale key of the "which one?" question for this node when an answer (or a
 * guess the NLU is unsure of) could mean several values; default `common.ask_which_commune` for a
 * commune (a postal code or a name of several: "1050", "woluwe"), `common.ask_which_one` otherwise.
 * The answer is parsed by the NLU according to the fact's kind (choice, yesno, number, commune,
 * date, text); an answer not understood re-asks the question; an answer that could mean several
 * values (a postal code shared by communes) asks which one, with those values as choices.
 */
import { z } from 'zod';
import { registerNodeType } from '../registry';
import type { NodeBase } from '../types';

/** Locale key of the "which one?" question when an answer could mean several values. */
export const AMBIGUOUS_PROMPT = 'common.ask_which_one';
export const AMBIGUOUS_COMMUNE_PROMPT = 'common.ask_which_commune';

export interface AskNode extends NodeBase {
  type: 'ask';
  fact: string;
  prompt: string;
  options?: string[];
  clarify?: string;
  next: string;
}

export const askNode = {
  type: 'ask',
  doc: 'Asks for one fact unless it is already known.',
  terminal: false,
  schema: z.object({ type: z.literal('ask'), note: z.string().optional(), fact: z.string().min(1), prompt: z.string().min(1), options: z.array(z.string()).min(1).optional(), clarify: z.string().min(1).optional(), next: z.string().min(1) }).strict(),
  refs: (n: AskNode) => ({ facts: [n.fact], localeKeys: [n.prompt, n.clarify ?? AMBIGUOUS_PROMPT, AMBIGUOUS_COMMUNE_PROMPT], nodes: [n.next], factOptions: (n.options ?? []).map((o) => ({ fact: n.fact, option: o })) }),
  successors: (n: AskNode) => [n.next],
  describe: (n: AskNode) => ({ label: `ask ${n.fact}${n.options ? `: ${n.options.join(' / ')}` : ''}`, shape: 'rect' as const }),
  explain: (n: AskNode, w: import('../registry').Wording) => w.page('ask', { question: w.text(n.prompt) }),
  async execute(n: AskNode, ctx: import('../registry').ExecContext) {
    if (ctx.state.facts[n.fact] !== undefined) return { goto: n.next };
    const spec = ctx.facts[n.fact];
    const candidates = ctx.state.candidates?.fact === n.fact ? ctx.state.candidates.values : undefined;
    if (candidates?.length) ctx.emit({ kind: 'question', fact: n.fact, key: n.clarify ?? (spec.kind === 'commune' ? AMBIGUOUS_COMMUNE_PROMPT : AMBIGUOUS_PROMPT), spec, options: n.options ?? spec.options, retry: false, candidates });
    else ctx.emit({ kind: 'question', fact: n.fact, key: n.prompt, spec, options: n.options ?? spec.options, retry: ctx.state.misses > 0 });
    return { wait: true as const };
  },
};
registerNodeType<AskNode>(askNode);
