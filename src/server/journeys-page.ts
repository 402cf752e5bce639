/**
 * `GET /journeys`: the journeys as diagrams, read-only, for the people who maintain them.
 * Mermaid is served locally from its npm package (one file), never from a CDN.
 */
import path from 'node:path';
import express, { type Router } from 'express';
import type { LoadedGraphs } from '../engine/graph-loader';
import { journeyToMermaid } from '../engine/mermaid';
import type { Translate } from '../i18n/i18n';

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

export function mermaidBundlePath(): string {
  // The package exports only its ESM entry; its folder holds the standalone bundle.
  return path.join(path.dirname(require.resolve('mermaid')), 'mermaid.min.js');
}

export function journeysRoutes(graphs: LoadedGraphs, t: Translate): Router {
  const router = express.Router();
  const sections = [...graphs.graphs.values()]
    .map((g) => `<section><h2 id="${g.id}">${escapeHtml(t('fr', g.title))} <small>(${g.id}.json)</small></h2><pre class="mermaid">${escapeHtml(journeyToMermaid(g, t))}</pre></section>`)
    .join('\n');
  const page = `<!doctype html><html lang="fr"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Boussole — parcours</title><style>body{font-family:system-ui,sans-serif;margin:1rem;max-width:80rem}pre.mermaid{overflow:auto;border:1px solid #ccc;padding:.5rem}</style></head>
<body><h1>Boussole — parcours (lecture seule)</h1><p>Chaque parcours est un fichier de <code>dialogs/</code>. Vérifier : <code>npm run graph:check</code>.</p>
<nav><ul>${[...graphs.graphs.values()].map((g) => `<li><a href="#${g.id}">${escapeHtml(t('fr', g.title))}</a></li>`).join('')}</ul></nav>
${sections}
<script src="/vendor/mermaid.min.js"></script><script src="/journeys.js"></script></body></html>`;
  router.get('/journeys', (_req, res) => {
    res.set('Content-Security-Policy', "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:");
    res.type('html').send(page);
  });
  router.get('/journeys.js', (_req, res) => {
    res.type('application/javascript').send('window.mermaid.initialize({ startOnLoad: true, securityLevel: "strict", flowchart: { htmlLabels: true } });');
  });
  router.get('/vendor/mermaid.min.js', (_req, res) => {
    res.set('Cache-Control', 'public, max-age=86400');
    res.sendFile(mermaidBundlePath());
  });
  return router;
}
