/**
 * Serves the web chat page (web/) and the one Web Chat bundle file, from memory, with ETags,
 * precompressed brotli/gzip variants, cache and security headers. Never the whole Web Chat dist/
 * folder: it holds a 141 MB stats.json.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import zlib from 'node:zlib';
import express, { type Request, type Response, type Router } from 'express';
import { SECURITY_HEADERS } from './security-headers';

const brotli = promisify(zlib.brotliCompress);
const gzip = promisify(zlib.gzip);

/** Page files change with the code and have no hashed names: always revalidate (cheap 304s). */
const REVALIDATE = 'no-cache';
/** The bundle changes only when the package is upgraded; the ETag still guards a stale copy. */
const BUNDLE_CACHE = 'public, max-age=86400';

export interface WebRoutesOptions {
  /** Folder holding index.html, app.js, format.js, style.css, strings.json. Default: the repository's web/. */
  webDir?: string;
  /** Path of Web Chat's prebuilt bundle. Default: botframework-webchat's dist/webchat.js. */
  webchatBundle?: string;
  /** Who runs the service and how to reach them, for the privacy notice (unset: not said). */
  operator?: { name?: string; contact?: string };
}

interface Asset {
  body: Buffer;
  type: string;
  cacheControl: string;
  etag: string;
  compressed?: Promise<{ br: Buffer; gzip: Buffer } | undefined>;
}

export function webchatBundlePath(): string {
  // The package `exports` map hides dist/: resolve its main (lib/index.js) and step over.
  return path.resolve(path.dirname(require.resolve('botframework-webchat')), '../dist/webchat.js');
}

/** web/ next to src/ in the repository, also when running from dist/src/… */
export function defaultWebDir(): string {
  let dir = __dirname;
  for (let i = 0; i < 6; i++) {
    const candidate = path.join(dir, 'web');
    if (fs.existsSync(path.join(candidate, 'index.html'))) return candidate;
    dir = path.dirname(dir);
  }
  throw new Error('web/index.html was not found above ' + __dirname);
}

function loadAsset(file: string, type: string, cacheControl: string): Asset {
  const body = fs.readFileSync(file);
  const asset: Asset = { body, type, cacheControl, etag: `"${crypto.createHash('sha256').update(body).digest('base64url').slice(0, 27)}"` };
  if (body.length > 1024) {
    // Off the main thread, once; a request that arrives before it is done waits for it.
    asset.compressed = Promise.all([
      brotli(body, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 9, [zlib.constants.BROTLI_PARAM_SIZE_HINT]: body.length } }),
      gzip(body, { level: 9 }),
    ])
      .then(([br, gz]) => ({ br, gzip: gz }))
      .catch(() => undefined);
  }
  return asset;
}

function serve(asset: Asset) {
  return async (req: Request, res: Response): Promise<void> => {
    res.set(SECURITY_HEADERS);
    res.set({ 'Content-Type': asset.type, 'Cache-Control': asset.cacheControl, ETag: asset.etag, Vary: 'Accept-Encoding' });
    if (req.fresh) {
      res.status(304).end();
      return;
    }
    let body = asset.body;
    const variants = asset.compressed ? await asset.compressed : undefined;
    const encoding = variants ? req.acceptsEncodings('br', 'gzip', 'identity') : 'identity';
    if (variants && encoding === 'br') body = variants.br;
    else if (variants && encoding === 'gzip') body = variants.gzip;
    if (body !== asset.body) res.set('Content-Encoding', encoding as string);
    res.set('Content-Length', String(body.length));
    res.status(200).end(body);
  };
}

export function webRoutes(opts: WebRoutesOptions = {}): Router {
  const webDir = opts.webDir ?? defaultWebDir();
  const assets: Record<string, Asset> = {
    '/': loadAsset(path.join(webDir, 'index.html'), 'text/html; charset=utf-8', REVALIDATE),
    '/app.js': loadAsset(path.join(webDir, 'app.js'), 'text/javascript; charset=utf-8', REVALIDATE),
    '/format.js': loadAsset(path.join(webDir, 'format.js'), 'text/javascript; charset=utf-8', REVALIDATE),
    '/favicon.svg': loadAsset(path.join(webDir, 'favicon.svg'), 'image/svg+xml', BUNDLE_CACHE),
    '/style.css': loadAsset(path.join(webDir, 'style.css'), 'text/css; charset=utf-8', REVALIDATE),
    '/strings.json': loadAsset(path.join(webDir, 'strings.json'), 'application/json; charset=utf-8', REVALIDATE),
    '/vendor/webchat.js': loadAsset(opts.webchatBundle ?? webchatBundlePath(), 'text/javascript; charset=utf-8', BUNDLE_CACHE),
  };
  const router = express.Router();
  for (const [route, asset] of Object.entries(assets)) router.get(route, serve(asset));
  // What the page says about who runs it (from the settings, so the same page serves any deployment).
  const site = { operator: opts.operator?.name ? { name: opts.operator.name, contact: opts.operator.contact ?? null } : null };
  router.get('/site.json', (_req, res) => {
    res.set('Cache-Control', REVALIDATE);
    res.json(site);
  });
  return router;
}
