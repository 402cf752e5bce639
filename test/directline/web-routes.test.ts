/** The web page and the Web Chat bundle as the server sends them: headers, caching, compression. */
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import zlib from 'node:zlib';
import express from 'express';
import { CONTENT_SECURITY_POLICY } from '../../src/channels/directline/security-headers';
import { webchatBundlePath, webRoutes } from '../../src/channels/directline/web-routes';

const WEB = path.resolve(__dirname, '../../web');
let server: http.Server;
let base: string;

beforeAll(async () => {
  const app = express();
  app.use(webRoutes());
  server = http.createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => new Promise<void>((resolve) => server.close(() => resolve())));

/** Raw GET (fetch would decompress on its own). */
function get(p: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }> {
  return new Promise((resolve, reject) => {
    http
      .get(`${base}${p}`, { headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      })
      .on('error', reject);
  });
}

const sha = (b: Buffer) => crypto.createHash('sha256').update(b).digest('hex');

test.each([
  ['/', 'text/html', 'no-cache', 'index.html'],
  ['/app.js', 'text/javascript', 'no-cache', 'app.js'],
  ['/format.js', 'text/javascript', 'no-cache', 'format.js'],
  ['/favicon.svg', 'image/svg+xml', 'public, max-age=86400', 'favicon.svg'],
  ['/style.css', 'text/css', 'no-cache', 'style.css'],
  ['/strings.json', 'application/json', 'no-cache', 'strings.json'],
])('%s is served as %s with security headers', async (route, type, cache, file) => {
  const r = await get(route);
  expect(r.status).toBe(200);
  expect(r.headers['content-type']).toContain(type);
  expect(r.headers['cache-control']).toBe(cache);
  expect(r.headers['content-security-policy']).toBe(CONTENT_SECURITY_POLICY);
  expect(r.headers).toMatchObject({ 'x-content-type-options': 'nosniff', 'x-frame-options': 'DENY', 'referrer-policy': 'no-referrer' });
  expect(sha(r.body)).toBe(sha(fs.readFileSync(path.join(WEB, file))));
  const again = await get(route, { 'If-None-Match': String(r.headers.etag) });
  expect(again.status).toBe(304);
});

test.each([
  ['br', (b: Buffer) => zlib.brotliDecompressSync(b)],
  ['gzip', (b: Buffer) => zlib.gunzipSync(b)],
  ['identity', (b: Buffer) => b],
])('the Web Chat bundle is one file, sent with %s encoding', async (encoding, decode) => {
  const r = await get('/vendor/webchat.js', { 'Accept-Encoding': encoding });
  expect(r.status).toBe(200);
  expect(r.headers['cache-control']).toBe('public, max-age=86400');
  expect(r.headers['content-encoding']).toBe(encoding === 'identity' ? undefined : encoding);
  expect(sha(decode(r.body))).toBe(sha(fs.readFileSync(webchatBundlePath())));
});

test.each(['/vendor/stats.json', '/vendor/webchat-es5.js', '/vendor/', '/index.html', '/web/app.js', '/../package.json'])('%s is not served', async (route) => {
  expect((await get(route)).status).toBe(404);
});

test('the page names itself, its language and loads the bundle then app.js', () => {
  const html = fs.readFileSync(path.join(WEB, 'index.html'), 'utf8');
  expect(html).toMatch(/<html lang="fr" dir="ltr">/);
  expect(html).toMatch(/<title>Boussole<\/title>/);
  expect(html).toMatch(/name="viewport" content="width=device-width, initial-scale=1"/);
  expect(html.indexOf('/vendor/webchat.js')).toBeLessThan(html.indexOf('/app.js'));
  expect(html.indexOf('/format.js')).toBeLessThan(html.indexOf('/app.js'));
  expect(html).not.toMatch(/<script>|\son\w+="/); // nothing inline: the CSP forbids it
});

const strings = JSON.parse(fs.readFileSync(path.join(WEB, 'strings.json'), 'utf8')) as Record<string, Record<string, string>>;
test.each(['fr', 'nl', 'en', 'ar', 'tr', 'es', 'ro'])('page strings in %s have every key, none empty', (lang) => {
  expect(Object.keys(strings[lang]).sort()).toEqual(Object.keys(strings.fr).sort());
  for (const value of Object.values(strings[lang])) expect(value.trim()).not.toBe('');
});

test('every data-i18n key of the page exists in the strings', () => {
  const html = fs.readFileSync(path.join(WEB, 'index.html'), 'utf8');
  const keys = [...html.matchAll(/data-i18n(?:-aria-label)?="([^"]+)"/g)].map((m) => m[1]);
  expect(keys.length).toBeGreaterThan(3);
  for (const key of keys) expect(strings.fr).toHaveProperty(key);
});

test('/site.json says who runs the service when the settings name them, and nothing otherwise', async () => {
  const unset = await get('/site.json');
  expect(unset.status).toBe(200);
  expect(JSON.parse(unset.body.toString('utf8'))).toEqual({ operator: null });
  const app = express();
  app.use(webRoutes({ operator: { name: 'Exemple asbl', contact: 'privacy@example.org' } }));
  const named = http.createServer(app);
  await new Promise<void>((resolve) => named.listen(0, '127.0.0.1', resolve));
  try {
    const res = await fetch(`http://127.0.0.1:${(named.address() as AddressInfo).port}/site.json`);
    expect(res.headers.get('cache-control')).toBe('no-cache');
    expect(await res.json()).toEqual({ operator: { name: 'Exemple asbl', contact: 'privacy@example.org' } });
  } finally {
    await new Promise<void>((resolve) => named.close(() => resolve()));
  }
});
