/*
 * What the page does to a bot message before Web Chat shows it:
 * - every phone number, e-mail address and web address becomes a link (tel:, mailto:, https:), in
 *   the text and in the cards' facts, so that a person on a phone reaches a service in one tap;
 * - in a right-to-left language, each of them, and each date, time or code written with digits, is
 *   kept as one left-to-right unit (Unicode isolates), so that "0465 46 47 01" is not shown as
 *   "01 47 46 0465" inside Arabic text, and a button's "call 0800 35 243" keeps its number whole.
 * Plain browser JavaScript (no build step), also loaded by the tests as a CommonJS module.
 */
(function (root, factory) {
  if (typeof module === 'object' && module.exports) module.exports = factory();
  else root.BoussoleFormat = factory();
})(typeof self !== 'undefined' ? self : this, function () {
  'use strict';

  var LRI = '\u2066';
  var PDI = '\u2069';

  // Belgian numbers as they are written: 0465 46 47 01, 02/543.12.34, +32 2 543 12 34, 0800 35 243.
  // (A date such as 01/12/2026 is not a number to call.)
  var PHONE = /(?:\+32[\s./-]?|\b(?!\d{1,2}[/.]\d{1,2}[/.]\d{2,4}\b)0)[1-9](?:[\s./-]?\d){6,9}\b/;
  // Short numbers a person in danger must reach in one tap (112 emergencies, 100 ambulance and fire,
  // 101 police, 106/107 Tele-Onthaal/Télé-Accueil, 1813 suicide line, 070 245 245 poison centre is long).
  var SHORT = /\b(?:112|100|101|106|107|1813)\b/;
  var EMAIL = /\b[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}\b/;
  var URL_RE = /\b(?:https?:\/\/|www\.)[^\s<>()[\]]*[^\s<>()[\].,;:!?'"»]/;
  // Dates, times and codes: 22/11/2026, 2026-11-22, 14:00–16:00, 1060 (a postal code) and the like.
  var DIGITS = /\d+(?:[/.:\-–]\d+)*(?:\s?[–-]\s?\d+(?:[/.:]\d+)*)?/;

  var LINKS = new RegExp('(' + URL_RE.source + ')|(' + EMAIL.source + ')|(' + PHONE.source + ')|(' + SHORT.source + ')', 'g');

  function telUri(phone) {
    var digits = phone.replace(/[^0-9+]/g, '');
    if (digits.charAt(0) === '+') return 'tel:' + digits;
    if (digits.charAt(0) === '0' && digits.length >= 9) return 'tel:+32' + digits.slice(1);
    return 'tel:' + digits;
  }

  function isolate(text) {
    return LRI + text + PDI;
  }

  /** Digits, dates and times in a right-to-left text, each as one left-to-right unit. */
  function isolateDigits(text) {
    return text.replace(new RegExp(DIGITS.source, 'g'), function (m) {
      return /\d[^\d]+\d/.test(m) ? isolate(m) : m;
    });
  }

  /** Markdown link text must not close the link early. */
  function escapeLabel(text) {
    return text.replace(/([[\]\\])/g, '\\$1');
  }

  /**
   * `text` with each match of `re` (global) replaced by `match(...)` (the arguments of a replace
   * callback) and each piece between matches by `gap(piece)`.
   */
  function mapMatches(text, re, gap, match) {
    var out = '';
    var last = 0;
    text.replace(re, function () {
      var m = arguments[0];
      var offset = arguments[arguments.length - 2];
      out += gap(text.slice(last, offset)) + match.apply(null, arguments);
      last = offset + m.length;
      return m;
    });
    return out + gap(text.slice(last));
  }

  function same(piece) {
    return piece;
  }

  /**
   * A text with its phone numbers, e-mail and web addresses as Markdown links; `rtl` isolates them
   * and every run of digits with separators. Text already inside a Markdown link is left alone.
   */
  function formatText(text, rtl) {
    if (typeof text !== 'string' || !text) return text;
    var parts = text.split(/(\[[^\]]*\]\([^)]*\))/);
    return parts
      .map(function (part, i) {
        if (i % 2 === 1) return part; // an existing Markdown link
        return mapMatches(part, LINKS, rtl ? isolateDigits : same, function (m, url, email) {
          var href = url ? (/^www\./.test(url) ? 'https://' + url : url) : email ? 'mailto:' + email : telUri(m);
          return '[' + escapeLabel(rtl ? isolate(m) : m) + '](' + href + ')';
        });
      })
      .join('');
  }

  /** A button or label (no links possible there): only the isolates. */
  function formatLabel(text, rtl) {
    if (!rtl || typeof text !== 'string') return text;
    return mapMatches(text, new RegExp(EMAIL.source + '|' + PHONE.source, 'g'), isolateDigits, isolate);
  }

  /** Adaptive Card elements, in place: texts and facts get links, action titles the isolates. */
  function formatCard(node, rtl, origin) {
    if (Array.isArray(node)) {
      for (var i = 0; i < node.length; i++) formatCard(node[i], rtl, origin);
      return node;
    }
    if (!node || typeof node !== 'object') return node;
    if (node.type === 'TextBlock' && typeof node.text === 'string') node.text = formatText(node.text, rtl);
    if (node.type === 'FactSet' && Array.isArray(node.facts)) {
      for (var f = 0; f < node.facts.length; f++) {
        var fact = node.facts[f];
        if (fact && typeof fact.value === 'string') fact.value = formatText(fact.value, rtl);
      }
    }
    if (typeof node.type === 'string' && node.type.indexOf('Action.') === 0 && typeof node.title === 'string') node.title = formatLabel(node.title, rtl);
    // A link of this site ("/calendar/…"): Web Chat opens only whole addresses.
    if (node.type === 'Action.OpenUrl' && typeof node.url === 'string' && /^\/[^/\\]/.test(node.url) && origin) node.url = origin + node.url;
    for (var key in node) {
      if (Object.prototype.hasOwnProperty.call(node, key) && key !== 'facts' && node[key] && typeof node[key] === 'object') formatCard(node[key], rtl, origin);
    }
    return node;
  }

  /**
   * The safety net's numbers as a block that stands out (heading, one call button per number), the
   * first of the message's attachments. `labels`: { crisisHeading, call } in the page language.
   */
  function crisisCard(activity, rtl, labels) {
    var numbers = activity.channelData.safety.numbers;
    return containerCard({
      type: 'Container',
      id: 'boussole-crisis-' + String(activity.id || '').replace(/[^A-Za-z0-9_-]/g, ''),
      items: [
        { type: 'TextBlock', text: '\u26A0\uFE0F ' + labels.crisisHeading, weight: 'Bolder', size: 'Medium', wrap: true, style: 'heading' },
        {
          type: 'ActionSet',
          actions: numbers.map(function (n) {
            return { type: 'Action.OpenUrl', title: labels.call + ' ' + n.number, url: telUri(n.number) };
          })
        }
      ]
    });
  }

  /** One Adaptive Card attachment holding one container (the page's own blocks). */
  function containerCard(container) {
    return { contentType: 'application/vnd.microsoft.card.adaptive', content: { type: 'AdaptiveCard', version: '1.3', body: [container] } };
  }

  /**
   * A Helpdesk agent's words, drawn as a person's message: their name over the words, in the
   * page's "person" style (an Adaptive Card container), not as one more bot bubble.
   */
  function agentCard(agent, rtl) {
    return containerCard({
      type: 'Container',
      style: 'accent',
      id: 'boussole-agent',
      items: [
        { type: 'TextBlock', text: formatLabel(String(agent.name) + ' \u00B7 Helpdesk', rtl), weight: 'Bolder', wrap: true },
        { type: 'TextBlock', text: formatText(String(agent.text), rtl), wrap: true }
      ]
    });
  }

  /**
   * A copy of a bot message activity, formatted for the page. `rtl`: the message's language is
   * written right to left; `labels` (optional): the page's words for the crisis block.
   */
  function formatActivity(activity, rtl, labels) {
    if (!activity || activity.type !== 'message') return activity;
    var copy = JSON.parse(JSON.stringify(activity));
    var handoff = copy.channelData && copy.channelData.handoff;
    if (handoff && handoff.from === 'agent' && handoff.agent && typeof handoff.agent.name === 'string' && typeof handoff.agent.text === 'string') {
      copy.attachments = [agentCard(handoff.agent, rtl)];
      delete copy.text;
      // Screen readers name the person who wrote, never "the bot" (speaker: the page's words).
      if (labels && labels.agentSays) copy.channelData['webchat:fallback-text'] = narration(labels.agentSays.replace('{name}', String(handoff.agent.name)), String(handoff.agent.text), [], null, labels);
      return copy;
    }
    var safety = copy.channelData && copy.channelData.safety;
    if (labels && labels.crisisHeading && labels.call && safety && Array.isArray(safety.numbers) && safety.numbers.length) {
      copy.attachments = [crisisCard(copy, rtl, labels)].concat(Array.isArray(copy.attachments) ? copy.attachments : []);
    }
    if (typeof copy.text === 'string') copy.text = formatText(copy.text, rtl);
    if (Array.isArray(copy.attachments)) {
      for (var i = 0; i < copy.attachments.length; i++) {
        var a = copy.attachments[i];
        if (a && a.contentType === 'application/vnd.microsoft.card.adaptive' && a.content) formatCard(a.content, rtl, labels && labels.origin);
      }
    }
    if (copy.suggestedActions && Array.isArray(copy.suggestedActions.actions)) {
      for (var j = 0; j < copy.suggestedActions.actions.length; j++) {
        var action = copy.suggestedActions.actions[j];
        // The title is shown; the value (what is sent back) stays as the bot gave it.
        if (action && typeof action.title === 'string') action.title = formatLabel(action.title, rtl);
      }
    }
    // The live region and the transcript's labels read who speaks, then the words, cards and choices.
    if (labels && labels.botSays) copy.channelData = Object.assign({}, copy.channelData, { 'webchat:fallback-text': narration(labels.botSays, copy.text, copy.attachments, copy.suggestedActions, labels) });
    return copy;
  }

  /** Text of a link as it is read: "[0800 35 243](tel:…)" → "0800 35 243". */
  function linkLabels(text) {
    return String(text || '').replace(/\[([^\]]+)\]\((?:tel:|mailto:|https?:)[^)\s]+\)/g, '$1');
  }

  /** The words of an Adaptive Card, in reading order (text blocks, facts, buttons). */
  function cardWords(element, out) {
    if (!element || typeof element !== 'object') return out;
    if (element.type === 'TextBlock' && typeof element.text === 'string') out.push(linkLabels(element.text));
    if (element.type === 'FactSet' && Array.isArray(element.facts)) {
      for (var i = 0; i < element.facts.length; i++) out.push(linkLabels(element.facts[i].title) + ' : ' + linkLabels(element.facts[i].value));
    }
    if (/^Action\./.test(element.type) && typeof element.title === 'string') out.push(element.title);
    var lists = [element.body, element.items, element.columns, element.actions];
    for (var j = 0; j < lists.length; j++) if (Array.isArray(lists[j])) for (var k = 0; k < lists[j].length; k++) cardWords(lists[j][k], out);
    return out;
  }

  /**
   * What a screen reader says for a message: the speaker ("Boussole", "Sara, du Helpdesk"), the
   * words, the cards' words and the choices offered.
   */
  function narration(speaker, text, attachments, suggestedActions, labels) {
    var parts = [speaker + ' :', linkLabels(text)];
    for (var i = 0; Array.isArray(attachments) && i < attachments.length; i++) {
      var a = attachments[i];
      if (a && a.contentType === 'application/vnd.microsoft.card.adaptive' && a.content) parts.push(cardWords(a.content, []).join('. '));
    }
    var actions = suggestedActions && Array.isArray(suggestedActions.actions) ? suggestedActions.actions : [];
    var titles = actions.map(function (x) { return x && x.title; }).filter(Boolean);
    if (titles.length && labels && labels.choices) parts.push(labels.choices.replace('{list}', titles.join(', ')));
    return parts.filter(Boolean).join(' ').replace(/\s+/g, ' ').trim();
  }

  return { formatText: formatText, formatLabel: formatLabel, formatActivity: formatActivity, telUri: telUri, narration: narration };
});
