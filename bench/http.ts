/**
 * End-to-end latency through the real server: a web chat message posted to /v3/directline until the
 * bot's reply is visible in the polled activity list (embedded FerretDB, real NLU and catalogue);
 * and "forget me" at the end of each conversation until its confirmation is visible (the erasure of
 * the conversation's log, state and cases happens before it).
 * Writes bench/results/http.{json,md}. Run: npm run bench
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { startBoussole } from '../src/app/boussole';
import { silentLogger } from '../src/logging/logger';

async function json<T>(url: string, init: RequestInit & { token?: string } = {}): Promise<T> {
  const headers: Record<string, string> = { 'Content-Type': 'application/json' };
  if (init.token) headers.Authorization = `Bearer ${init.token}`;
  const r = await fetch(url, { ...init, headers });
  return (await r.json()) as T;
}

async function main(conversations = 30) {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'boussole-bench-'));
  // Polling every 5 ms is far beyond a person's Web Chat: the poll limits are off for this measure.
  const app = await startBoussole({ env: { ...process.env, MONGODB_URI: process.env.BENCH_MONGODB_URI, DATA_DIR: dataDir, PORT: '0', BOT_AUTH: 'local', RATE_LIMIT_POLLS_PER_MINUTE: '0', RATE_LIMIT_ADDRESS_POLLS_PER_MINUTE: '0' }, log: silentLogger });
  const api = `${app.url}v3/directline`;
  const samples: number[] = [];
  const forget: number[] = [];
  try {
    for (let c = 0; c < conversations; c++) {
      const { token, conversationId } = await json<{ token: string; conversationId: string }>(`${api}/tokens/generate`, { method: 'POST', body: '{}' });
      const user = (JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString()) as { user: string }).user;
      await json(`${api}/conversations`, { method: 'POST', token, body: JSON.stringify({ locale: 'fr-BE' }) });
      let watermark = '';
      type Seen = { from: { role?: string }; replyToId?: string; channelData?: Record<string, unknown> };
      const waitFor = async (pred: (a: Seen) => boolean) => {
        for (;;) {
          const r = await json<{ activities: Seen[]; watermark: string }>(`${api}/conversations/${conversationId}/activities?watermark=${watermark}`, { token });
          watermark = r.watermark;
          if (r.activities.some(pred)) return;
          await new Promise((res) => setTimeout(res, 5));
        }
      };
      await waitFor((a) => a.from.role === 'bot' && !!a.channelData?.question);
      for (const text of ['Français', 'Pour moi ou un proche', 'logement expulsion Schaerbeek']) {
        const t0 = performance.now();
        await json(`${api}/conversations/${conversationId}/activities`, { method: 'POST', token, body: JSON.stringify({ type: 'message', text, from: { id: user }, channelData: { clientActivityID: `b${t0}` } }) });
        await waitFor((a) => a.from.role === 'bot' && !!(a.channelData?.question || a.channelData?.orientation));
        samples.push(performance.now() - t0);
      }
      const t0 = performance.now();
      const { id } = await json<{ id: string }>(`${api}/conversations/${conversationId}/activities`, { method: 'POST', token, body: JSON.stringify({ type: 'message', text: 'oublie-moi', from: { id: user }, channelData: { clientActivityID: `f${t0}` } }) });
      await waitFor((a) => a.from.role === 'bot' && a.replyToId === id);
      forget.push(performance.now() - t0);
    }
  } finally {
    await app.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
  const stats = (xs: number[]) => {
    const s = [...xs].sort((a, b) => a - b);
    const q = (p: number) => s[Math.min(s.length - 1, Math.floor(p * s.length))];
    return { turns: s.length, meanMs: s.reduce((a, b) => a + b, 0) / s.length, p50Ms: q(0.5), p95Ms: q(0.95), maxMs: s[s.length - 1] };
  };
  const reply = stats(samples);
  const forgetMe = stats(forget);
  const result = { at: new Date().toISOString(), ...reply, forgetMe };
  const out = path.resolve(__dirname, '../../bench/results');
  fs.mkdirSync(out, { recursive: true });
  fs.writeFileSync(path.join(out, 'http.json'), JSON.stringify(result, null, 2));
  const row = (name: string, r: ReturnType<typeof stats>) => `| ${name} | ${r.turns} | ${r.meanMs.toFixed(1)} | ${r.p50Ms.toFixed(1)} | ${r.p95Ms.toFixed(1)} | ${r.maxMs.toFixed(1)} |\n`;
  const md =
    '| measure | turns | mean ms | p50 ms | p95 ms | max ms |\n|---|---:|---:|---:|---:|---:|\n' +
    row('web chat message → reply visible (Direct Line, polling every 5 ms)', reply) +
    row('"oublie-moi" after three messages → confirmation visible (everything erased first)', forgetMe);
  fs.writeFileSync(path.join(out, 'http.md'), md);
  console.log(md);
}

void main();
