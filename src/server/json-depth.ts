/**
 * A bound on how deeply a JSON body may nest, for every JSON endpoint (Direct Line, /api/messages,
 * the Helpdesk API). Parsing a deep body is fine, but whatever walks it afterwards by recursion
 * (JSON.stringify, BSON, structuredClone, validators) throws a RangeError a few thousand levels
 * down — a 500 — although the body is well within the size limit. Such a body is refused at once
 * with a 400, before any handler sees it. The depth is measured with an explicit stack.
 *
 * 32 levels: a Bot Framework activity nests 3–4 deep (channelData, entities, conversation), an
 * Adaptive Card submission or invoke value 5–6 (value.action.data…), a Helpdesk body 2; a card
 * with containers in columns in containers stays under 20.
 */
import type { RequestHandler } from 'express';
import { sendError } from './errors';

export const MAX_JSON_DEPTH = 32;

/** The top-level object or array is level 1; a scalar adds no level. */
export function jsonDepthExceeds(value: unknown, max: number = MAX_JSON_DEPTH): boolean {
  const stack: Array<{ node: object; depth: number }> = [];
  if (typeof value === 'object' && value !== null) stack.push({ node: value, depth: 1 });
  while (stack.length) {
    const { node, depth } = stack.pop()!;
    if (depth > max) return true;
    for (const child of Array.isArray(node) ? node : Object.values(node)) {
      if (typeof child === 'object' && child !== null) stack.push({ node: child as object, depth: depth + 1 });
    }
  }
  return false;
}

/** Put right after the JSON body parser: a body nested deeper than `max` gets 400 `json_too_deep`. */
export function rejectDeepJson(max: number = MAX_JSON_DEPTH): RequestHandler {
  return (req, res, next) => {
    if (jsonDepthExceeds(req.body, max)) return sendError(res, 400, 'json_too_deep', `The request body nests deeper than ${max} levels.`);
    next();
  };
}
