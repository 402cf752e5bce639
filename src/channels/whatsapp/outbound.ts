/**
 * Bot Framework replies → WhatsApp Cloud API messages, never breaking a WhatsApp limit:
 * text split at sentence boundaries; up to 3 choices → reply buttons, 4–10 (or titles too long for
 * a button) → a list, more → a numbered text menu; Adaptive Cards → compact text with phone
 * numbers and links; Arabic lines kept right-to-left. Every visible string comes from the
 * activities themselves or from locales (`whatsapp` namespace).
 */
import type { Activity, Attachment, CardAction } from 'botbuilder-core';

/** WhatsApp Cloud API limits (characters). */
export const WA_LIMITS = { text: 4096, buttons: 3, buttonTitle: 20, replyId: 256, rows: 10, listButton: 20, rowTitle: 24, rowDescription: 72, body: 1024, templateParam: 900 } as const;

export type WaMessage =
  | { type: 'text'; text: { body: string; preview_url: boolean } }
  | { type: 'interactive'; interactive: { type: 'button'; body: { text: string }; action: { buttons: Array<{ type: 'reply'; reply: { id: string; title: string } }> } } }
  | { type: 'interactive'; interactive: { type: 'list'; body: { text: string }; action: { button: string; sections: Array<{ rows: Array<{ id: string; title: string; description?: string }> }> } } }
  | { type: 'template'; template: { name: string; language: { code: string }; components: Array<{ type: 'body'; parameters: Array<{ type: 'text'; text: string }> }> } };

export interface Mapped {
  messages: WaMessage[];
  /** The values of the choices shown (buttons, list or numbered menu): a number typed in reply picks one. */
  menu?: string[] | null;
  lang?: string;
  /** Safety numbers this reply gave (channelData.safety). */
  safety?: string[];
}

/** Localized words the mapping needs (the `whatsapp` namespace in the reply's language). */
export interface MappingWords {
  listButton: string;
  choose: string;
  menuHint: string;
}

const RLM = '\u200f';

/** Code units, as WhatsApp counts (a surrogate pair counts 2: conservative). */
const len = (s: string) => s.length;

const segmenter = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

/** Cuts at a grapheme boundary to at most `max` code units. */
function cutGraphemes(s: string, max: number): string {
  let out = '';
  for (const { segment } of segmenter.segment(s)) {
    if (out.length + segment.length > max) break;
    out += segment;
  }
  return out;
}

/**
 * A label shortened to `max` characters with care: first without a parenthesis, then whole
 * words with an ellipsis, and only as a last resort a cut inside a word (at a grapheme boundary,
 * so Arabic letters and accents stay whole).
 */
export function shorten(label: string, max: number): string {
  const clean = label.replace(/\s+/g, ' ').trim();
  if (len(clean) <= max) return clean;
  const bare = clean.replace(/\s*[([（][^)\]）]*[)\]）]\s*/g, ' ').replace(/\s+/g, ' ').trim();
  if (bare && len(bare) <= max) return bare;
  const words = bare.split(' ');
  let out = '';
  for (const w of words) {
    const next = out ? `${out} ${w}` : w;
    if (len(next) + 1 > max) break;
    out = next;
  }
  out = out.replace(/[\s,;:.\-–—/]+$/u, '');
  if (out && len(out) >= max / 2) return `${out}…`;
  return `${cutGraphemes(bare, max - 1).trimEnd()}…`;
}

/** Where to cut `text` so that the first part has at most `max` characters: paragraph, sentence, line, word. */
function cutAt(text: string, max: number): number {
  const window = text.slice(0, max + 1);
  const last = (re: RegExp, offset: number): number | undefined => {
    let best: number | undefined;
    for (const m of window.matchAll(re)) if (m.index + offset <= max) best = m.index + offset;
    return best !== undefined && best >= max * 0.3 ? best : undefined;
  };
  let cut = last(/\n\n/g, 0) ?? last(/[.!?؟…。](?=\s)/gu, 1) ?? last(/\n/g, 0) ?? last(/\s/g, 0) ?? max;
  if (cut === max) cut = cutGraphemes(text, max).length;
  return Math.max(1, cut);
}

/** Text in parts of at most `max` characters, split at sentence boundaries where possible. */
export function splitText(text: string, max: number = WA_LIMITS.text): string[] {
  const out: string[] = [];
  let rest = text.trim();
  while (len(rest) > max) {
    const cut = cutAt(rest, max);
    const part = rest.slice(0, cut).trimEnd();
    if (part) out.push(part);
    rest = rest.slice(cut).trimStart();
  }
  if (rest) out.push(rest);
  return out;
}

/** Markdown as Web Chat reads it → WhatsApp's (bold with one star, links spelled out). */
function whatsappMarkdown(text: string): string {
  return text.replace(/\*\*([^*\n]+)\*\*/g, '*$1*').replace(/\[([^\]\n]{1,200})\]\(([^)\s]{1,2000})\)/g, (_m, label: string, url: string) => (url.startsWith('tel:') ? label : `${label}: ${url}`));
}

interface CardElement {
  type?: string;
  text?: string;
  weight?: string;
  facts?: Array<{ title?: string; value?: string }>;
  items?: CardElement[];
  columns?: Array<{ items?: CardElement[] }>;
}

/** An Adaptive Card as compact text: its title in bold, its lines, its facts, its links (phone numbers are in the facts). */
export function cardText(attachment: Attachment): string | undefined {
  if (attachment.contentType !== 'application/vnd.microsoft.card.adaptive') return undefined;
  const card = attachment.content as { body?: CardElement[]; actions?: Array<{ type?: string; title?: string; url?: string }> } | undefined;
  if (!card || typeof card !== 'object') return undefined;
  const lines: string[] = [];
  const walk = (elements: CardElement[] | undefined, depth: number): void => {
    if (!Array.isArray(elements) || depth > 5) return;
    for (const el of elements) {
      if (!el || typeof el !== 'object') continue;
      if (el.type === 'TextBlock' && typeof el.text === 'string' && el.text.trim()) lines.push(el.weight === 'Bolder' ? `*${el.text.trim()}*` : el.text.trim());
      else if (el.type === 'FactSet') for (const f of el.facts ?? []) if (f?.title && f.value) lines.push(`${f.title}: ${f.value}`);
      walk(el.items, depth + 1);
      for (const c of el.columns ?? []) walk(c?.items, depth + 1);
    }
  };
  walk(card.body, 0);
  for (const a of card.actions ?? []) {
    if (a?.type !== 'Action.OpenUrl' || typeof a.url !== 'string' || !/^https?:\/\//.test(a.url)) continue;
    lines.push(`${a.title ?? ''}: ${a.url}`.replace(/^: /, ''));
  }
  return lines.length ? lines.join('\n') : undefined;
}

/** Right-to-left text starts every line with a right-to-left mark, so lines opening with a number or a Latin name stay right-aligned. */
function directional(text: string, lang: string | undefined): string {
  if (lang !== 'ar') return text;
  return text
    .split('\n')
    .map((l) => (l.trim() ? RLM + l : l))
    .join('\n');
}

function choicesOf(activity: Partial<Activity>): Array<{ title: string; value: string }> {
  const actions = (activity.suggestedActions?.actions ?? []) as CardAction[];
  return actions
    .filter((a) => a && (a.type === 'imBack' || a.type === 'postBack' || a.type === 'messageBack'))
    .map((a) => ({ title: String(a.title ?? a.value ?? ''), value: typeof a.value === 'string' ? a.value : String(a.title ?? '') }))
    .filter((c) => c.title.trim() && c.value.trim());
}

/** The reply id of a choice: its position and the value the bot reads (routed on in reply, never the title). */
export function choiceId(index: number, value: string): string {
  return `${index}|${value}`.slice(0, WA_LIMITS.replyId);
}

/** The value a reply id stands for (as typed text for the bot), or undefined when it is not ours. */
export function valueOfChoiceId(id: string): string | undefined {
  const m = /^\d{1,3}\|(.+)$/s.exec(id);
  return m ? m[1] : undefined;
}

const distinct = (xs: string[]) => new Set(xs.map((x) => x.toLowerCase())).size === xs.length;

function textMessages(text: string): WaMessage[] {
  return splitText(text, WA_LIMITS.text).map((body) => ({ type: 'text', text: { body, preview_url: false } }));
}

/** The text before an interactive message, and its body (at most 1024 characters). */
function withBody(text: string, fallback: string): { before: WaMessage[]; body: string } {
  const parts = splitText(text, WA_LIMITS.text);
  const last = parts.pop() ?? '';
  const tail = splitText(last, WA_LIMITS.body);
  const body = tail.pop() || fallback;
  return { before: textMessages([...parts, ...tail].join('\n\n')), body };
}

/** One activity as WhatsApp messages (nothing for events, typing and other non-message activities). */
export function mapActivity(activity: Partial<Activity>, words: MappingWords): Mapped {
  if (activity.type !== 'message') return { messages: [] };
  const lang = typeof activity.locale === 'string' ? activity.locale.slice(0, 2) : undefined;
  const cards = (activity.attachments ?? []).map(cardText).filter((x): x is string => Boolean(x));
  const raw = [typeof activity.text === 'string' ? whatsappMarkdown(activity.text) : '', ...cards].filter((x) => x.trim()).join('\n\n');
  const text = directional(raw, lang);
  const safetyData = (activity.channelData as { safety?: { numbers?: Array<{ number?: unknown }> } } | undefined)?.safety;
  const safety = safetyData?.numbers?.map((n) => String(n.number ?? '')).filter(Boolean);
  const base = { lang, ...(safety?.length ? { safety } : {}) };
  const choices = choicesOf(activity);
  if (!choices.length) return { ...base, messages: textMessages(text) };

  const ids = choices.map((c, i) => choiceId(i, c.value));
  const idsFit = choices.every((c, i) => ids[i] === `${i}|${c.value}`);
  const buttonTitles = choices.map((c) => shorten(c.title, WA_LIMITS.buttonTitle));
  if (idsFit && choices.length <= WA_LIMITS.buttons && buttonTitles.every((t, i) => t === choices[i].title.replace(/\s+/g, ' ').trim()) && distinct(buttonTitles)) {
    const { before, body } = withBody(text, words.choose);
    return {
      ...base,
      menu: choices.map((c) => c.value),
      messages: [...before, { type: 'interactive', interactive: { type: 'button', body: { text: body }, action: { buttons: choices.map((_c, i) => ({ type: 'reply' as const, reply: { id: ids[i], title: buttonTitles[i] } })) } } }],
    };
  }
  if (idsFit && choices.length <= WA_LIMITS.rows) {
    const { before, body } = withBody(text, words.choose);
    const rows = choices.map((c, i) => {
      const title = shorten(c.title, WA_LIMITS.rowTitle);
      const full = c.title.replace(/\s+/g, ' ').trim();
      return { id: ids[i], title, ...(title !== full ? { description: shorten(full, WA_LIMITS.rowDescription) } : {}) };
    });
    return {
      ...base,
      menu: choices.map((c) => c.value),
      messages: [...before, { type: 'interactive', interactive: { type: 'list', body: { text: body }, action: { button: shorten(words.listButton, WA_LIMITS.listButton), sections: [{ rows }] } } }],
    };
  }
  // More than a list holds: a numbered menu in the text; the number is understood in reply.
  const menuText = directional([...choices.map((c, i) => `${i + 1}. ${c.title}`), '', words.menuHint].join('\n'), lang);
  return { ...base, menu: choices.map((c) => c.value), messages: textMessages([text, menuText].filter(Boolean).join('\n\n')) };
}

/** The approved template carrying a message (outside the 24-hour window): one body parameter. */
export function templateMessage(name: string, code: string, text: string): WaMessage {
  // Template parameters may hold no new line, tab or more than four spaces in a row.
  const flat = text.replace(/[\t\n\r]+/g, ' ').replace(/ {4,}/g, '   ').replace(/\u200f/g, '').trim();
  const param = len(flat) > WA_LIMITS.templateParam ? `${cutGraphemes(flat, WA_LIMITS.templateParam - 1)}…` : flat;
  return { type: 'template', template: { name, language: { code }, components: [{ type: 'body', parameters: [{ type: 'text', text: param || '…' }] }] } };
}

/** Digits in any script the person may type ("٣", "۳") as a menu number. */
export function menuNumber(text: string): number | undefined {
  const t = text.trim().replace(/[\u0660-\u0669]/g, (d) => String(d.charCodeAt(0) - 0x0660)).replace(/[\u06f0-\u06f9]/g, (d) => String(d.charCodeAt(0) - 0x06f0)).replace(/[.)]$/, '');
  return /^\d{1,2}$/.test(t) ? Number(t) : undefined;
}
