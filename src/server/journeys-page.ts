/**
 * `GET /journeys?lang=fr`: the journeys drawn in plain words of the reader's language, for the
 * field staff who orient people (not for developers): the questions as a person reads them, the
 * answers on the arrows, the services each ending offers by name, the safety net always first.
 * Internal ids show only on hover. Mermaid is served locally from its npm package, never a CDN.
 */
import path from 'node:path';
import express, { type Router } from 'express';
import type { Lang, Service, Theme } from '../catalogue/schema';
import { LANGUAGES } from '../catalogue/schema';
import type { Places } from '../catalogue/places';
import { rankServices } from '../catalogue/ranking';
import { conditionInWords } from '../engine/conditions';
import type { LoadedGraphs } from '../engine/graph-loader';
import { journeyInWords } from '../engine/mermaid';
import type { Wording } from '../engine/registry';
import { knownText, pickText, type Translate } from '../i18n/i18n';

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

export function mermaidBundlePath(): string {
  // The package exports only its ESM entry; its folder holds the standalone bundle.
  return path.join(path.dirname(require.resolve('mermaid')), 'mermaid.min.js');
}

export interface JourneysPageDeps {
  graphs: LoadedGraphs;
  t: Translate;
  places: Places;
  /** The catalogue's services of these themes, as the bot reads them now. */
  servicesFor(themes: Theme[]): Promise<Service[]>;
}

/** Names of the services each recommendation can offer somewhere in the Region (union over the communes, nothing else known). */
async function servicesByNode(d: JourneysPageDeps, lang: Lang): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>();
  const now = new Date();
  for (const g of d.graphs.graphs.values())
    for (const n of Object.values(g.nodes)) {
      if (n.type !== 'recommend') continue;
      const q = n as unknown as { themes: Theme[]; tags: string[] };
      const key = JSON.stringify([q.themes, q.tags]);
      if (out.has(key)) continue;
      const services = await d.servicesFor(q.themes);
      const names = new Set<string>();
      for (const c of d.places.communes)
        for (const r of rankServices(services, { themes: q.themes, tags: q.tags, facts: {}, apply: [], commune: c.nis, language: lang, now }, (x) => d.places.bassinsOf(x)))
          names.add(pickText(r.service.name, lang)?.text ?? r.service.id);
      out.set(key, [...names]);
    }
  return out;
}

function wording(d: JourneysPageDeps, lang: Lang, services: Map<string, string[]>): Wording {
  const t = d.t;
  const page = (key: string, params?: Record<string, string>) => t(lang, `journeys:${key}`, params);
  const fact = (name: string) => knownText(t, lang, `console:facts.${name}`) ?? name;
  const option = (f: string, v: string) => (f === 'commune' ? (pickText(d.places.commune(v)?.name, lang)?.text ?? v) : (knownText(t, lang, `facts.${f}.options.${v}`) ?? v));
  return {
    text: (key) => t(lang, key),
    page,
    fact,
    condition: (c) => conditionInWords(c, { fact, option, page }),
    services: (q) => services.get(JSON.stringify([q.themes, q.tags])) ?? [],
    journey: (id) => {
      const g = d.graphs.graphs.get(id);
      return g ? t(lang, g.title) : id;
    },
  };
}

async function render(d: JourneysPageDeps, lang: Lang): Promise<string> {
  const t = d.t;
  const page = (key: string, params?: Record<string, string>) => escapeHtml(t(lang, `journeys:${key}`, params));
  const w = wording(d, lang, await servicesByNode(d, lang));
  const graphs = [...d.graphs.graphs.values()];
  const dir = lang === 'ar' ? 'rtl' : 'ltr';
  const languages = LANGUAGES.map((l) => `<li><a href="/journeys?lang=${l}" hreflang="${l}" lang="${l}"${l === lang ? ' aria-current="page"' : ''}>${escapeHtml(t(l, `facts.language.options.${l}`))}</a></li>`).join('');
  const sections = graphs
    .map((g) => `<section aria-labelledby="h-${g.id}"><h2 id="h-${g.id}" title="${escapeHtml(`dialogs/${g.id}.json`)}">${escapeHtml(t(lang, g.title))}</h2><div class="diagram" dir="ltr" tabindex="0" role="region" aria-label="${page('diagram', { journey: t(lang, g.title) })}"><pre class="mermaid">${escapeHtml(journeyInWords(g, w))}</pre></div></section>`)
    .join('\n');
  return `<!doctype html><html lang="${lang}" dir="${dir}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${page('title')}</title><link rel="icon" href="/favicon.svg" type="image/svg+xml">
<style>body{font-family:system-ui,sans-serif;margin:0;color:#1d2433}main{margin:0 auto;padding:1rem;max-width:90rem}.langs,.toc{display:flex;flex-wrap:wrap;gap:.4rem 1rem;list-style:none;padding:0}.safety{border-inline-start:4px solid #b00020;background:#fde7ea;padding:.5rem .8rem}.diagram{overflow:auto;border:1px solid #d8dde6;padding:.5rem}pre.mermaid{margin:0}a{color:#0b5fad}</style></head>
<body><main><h1>${page('title')}</h1>
<nav aria-label="${page('languages')}"><ul class="langs">${languages}</ul></nav>
<p>${page('intro')}</p><p class="safety">${page('safety')}</p>
<nav aria-label="${page('journeys')}"><ul class="toc">${graphs.map((g) => `<li><a href="#h-${g.id}">${escapeHtml(t(lang, g.title))}</a></li>`).join('')}</ul></nav>
${sections}
<p><small>${page('for_maintainers')}</small></p></main>
<script src="/vendor/mermaid.min.js"></script><script src="/journeys.js"></script></body></html>`;
}

// After Mermaid has drawn: each step's internal id as a tooltip (hover), never in the text.
const PAGE_SCRIPT = `window.mermaid.initialize({ startOnLoad: false, securityLevel: "strict", flowchart: { htmlLabels: true, useMaxWidth: false } });
window.mermaid.run().then(function () {
  document.querySelectorAll("g.node").forEach(function (g) {
    var m = /flowchart-(.+)-\\d+$/.exec(g.id || "");
    if (!m) return;
    var title = document.createElementNS("http://www.w3.org/2000/svg", "title");
    title.textContent = m[1];
    g.insertBefore(title, g.firstChild);
  });
  document.body.setAttribute("data-drawn", "1");
});`;

export function journeysRoutes(d: JourneysPageDeps): Router {
  const router = express.Router();
  // Built per language on first request, then kept a minute (the catalogue can change).
  const cache = new Map<Lang, { html: string; at: number }>();
  router.get('/journeys', async (req, res, next) => {
    const asked = String(req.query.lang ?? '');
    const lang: Lang = (LANGUAGES as readonly string[]).includes(asked) ? (asked as Lang) : 'fr';
    try {
      let hit = cache.get(lang);
      if (!hit || Date.now() - hit.at > 60_000) {
        hit = { html: await render(d, lang), at: Date.now() };
        cache.set(lang, hit);
      }
      res.set('Content-Security-Policy', "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:");
      res.type('html').send(hit.html);
    } catch (err) {
      next(err);
    }
  });
  router.get('/journeys.js', (_req, res) => {
    res.type('application/javascript').send(PAGE_SCRIPT);
  });
  router.get('/vendor/mermaid.min.js', (_req, res) => {
    res.set('Cache-Control', 'public, max-age=86400');
    res.sendFile(mermaidBundlePath());
  });
  return router;
}
