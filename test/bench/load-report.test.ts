/** The load benchmark's pure parts: percentiles, options, the SVG chart and the report tables. */
import { escapeXml, lineChart, niceTicks } from '../../bench/load/chart';
import { FULL, isFullRun, OptionError, parseOptions } from '../../bench/load/options';
import { floorRows, markdown, type LevelRow, type LoadResults, type ServerRun } from '../../bench/load/report';
import { percentile, summarize } from '../../bench/load/stats';

describe('percentiles', () => {
  test('nearest rank: always one of the samples', () => {
    const s = Array.from({ length: 100 }, (_, i) => i + 1); // 1..100
    expect(percentile(s, 50)).toBe(50);
    expect(percentile(s, 95)).toBe(95);
    expect(percentile(s, 99)).toBe(99);
    expect(percentile(s, 100)).toBe(100);
    expect(percentile(s, 0)).toBe(1);
    expect(percentile([10, 20, 30, 40], 50)).toBe(20);
    expect(percentile([10, 20, 30, 40], 51)).toBe(30);
    expect(percentile([7], 99)).toBe(7);
  });

  test('few samples: p99 is the largest', () => {
    expect(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 99)).toBe(10);
    expect(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 95)).toBe(10);
    expect(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 90)).toBe(9);
  });

  test('no samples: NaN; p outside 0..100 is refused', () => {
    expect(percentile([], 50)).toBeNaN();
    expect(() => percentile([1], 101)).toThrow(RangeError);
    expect(() => percentile([1], -1)).toThrow(RangeError);
  });

  test('summary of unsorted samples', () => {
    expect(summarize([30, 10, 20, 40])).toEqual({ n: 4, mean: 25, min: 10, p50: 20, p95: 40, p99: 40, max: 40 });
    const empty = summarize([]);
    expect(empty.n).toBe(0);
    expect(empty.p95).toBeNaN();
  });
});

/** A small XML well-formedness check: tags nest and close, text holds no bare `<` or `&`. */
function wellFormed(xml: string): void {
  const stack: string[] = [];
  const tag = /<(\/?)([a-zA-Z][\w:-]*)((?:\s+[\w:-]+="[^"<]*")*)\s*(\/?)>/g;
  let last = 0;
  for (let m = tag.exec(xml); m; m = tag.exec(xml)) {
    const text = xml.slice(last, m.index);
    expect(text).not.toMatch(/<|&(?!(lt|gt|amp|quot|apos);)/);
    last = m.index + m[0].length;
    const [, closing, name, , selfClosing] = m;
    if (closing) expect(stack.pop()).toBe(name);
    else if (!selfClosing) stack.push(name);
  }
  expect(xml.slice(last).trim()).toBe('');
  expect(stack).toEqual([]);
}

describe('SVG chart', () => {
  const svg = lineChart({
    title: 'p95 <by> concurrency & mode',
    xLabel: 'concurrent conversations',
    yLabel: 'p95 ms',
    series: [
      { name: 'WebSocket', points: [1, 10, 50, 100, 200, 500].map((x) => ({ x, y: 20 + x })) },
      { name: 'polling (every 1000 ms)', points: [1, 10, 50, 100, 200, 500].map((x) => ({ x, y: 600 + 2 * x })) },
    ],
  });

  test('is a well-formed SVG document', () => {
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    wellFormed(svg.trim());
    expect(svg).toContain('p95 &lt;by&gt; concurrency &amp; mode');
  });

  test('holds both series as polylines, with their names and every level as an x tick', () => {
    expect(svg.match(/<polyline /g)).toHaveLength(2);
    expect(svg).toContain('data-name="WebSocket"');
    expect(svg).toContain('data-name="polling (every 1000 ms)"');
    for (const x of [1, 10, 50, 100, 200, 500]) expect(svg).toContain(`>${x}</text>`);
    expect(svg).toContain('(log scale)');
    const points = [...svg.matchAll(/<polyline [^>]*points="([^"]+)"/g)].map((m) => m[1].split(' ').map((p) => p.split(',').map(Number)));
    for (const line of points) {
      expect(line).toHaveLength(6);
      for (const [x, y] of line) {
        expect(x).toBeGreaterThanOrEqual(0);
        expect(y).toBeGreaterThanOrEqual(0);
      }
      // x grows with concurrency; larger latency is drawn higher (smaller y).
      expect(line.map(([x]) => x)).toEqual([...line.map(([x]) => x)].sort((a, b) => a - b));
    }
    expect(points[1][5][1]).toBeLessThan(points[0][5][1]);
  });

  test('a series without finite points, or no data at all, still gives a valid chart', () => {
    const svg2 = lineChart({ title: 't', xLabel: 'x', yLabel: 'y', series: [{ name: 'a', points: [{ x: 1, y: NaN }] }, { name: 'b', points: [] }] });
    wellFormed(svg2.trim());
    expect(svg2.match(/<polyline /g)).toHaveLength(2);
  });

  test('round y ticks from 0 past the maximum; text is escaped', () => {
    expect(niceTicks(93)).toEqual([0, 20, 40, 60, 80, 100]);
    expect(niceTicks(1200)).toEqual([0, 500, 1000, 1500]);
    expect(niceTicks(0)).toEqual([0, 1]);
    expect(escapeXml(`a<b & "c" 'd'>`)).toBe('a&lt;b &amp; &quot;c&quot; &apos;d&apos;&gt;');
  });
});

describe('options', () => {
  test('defaults are the full measurement; flags win over the environment', () => {
    const full = parseOptions([], {}, 'bench/results');
    expect(full).toMatchObject({ ...FULL, out: 'bench/results' });
    expect(isFullRun(full as Exclude<typeof full, 'help'>)).toBe(true);
    const o = parseOptions(['--levels=1,20', '--think-scale=0.5', '--no-sweep'], { LOAD_LEVELS: '5', LOAD_MODES: 'ws', LOAD_SIZES: '10000,100000' }, 'x');
    expect(o).toMatchObject({ levels: [1, 20], modes: ['ws'], thinkScale: 0.5, sweep: false, echo: true, sizes: [10000, 100000] });
    expect(isFullRun(o as Exclude<typeof o, 'help'>)).toBe(false);
    expect(parseOptions(['--quick'], {}, 'x')).toMatchObject({ levels: [1, 10], sizes: [10000] });
    expect(parseOptions(['--help'], {}, 'x')).toBe('help');
  });

  test('a wrong value or an unknown option is refused with its name', () => {
    expect(() => parseOptions(['--levels=0,10'], {}, 'x')).toThrow(OptionError);
    expect(() => parseOptions(['--modes=sse'], {}, 'x')).toThrow(/--modes/);
    expect(() => parseOptions(['--level=10'], {}, 'x')).toThrow(/unknown option --level/);
    expect(() => parseOptions(['10'], {}, 'x')).toThrow(/unknown argument/);
  });
});

describe('report', () => {
  const level = (users: number, turnsPerSecond: number, p95: number): LevelRow => ({
    mode: 'ws',
    users,
    windowS: 60,
    reply: { n: 10, mean: p95 / 2, min: 1, p50: p95 / 2, p95, p99: p95, max: p95 },
    welcome: summarize([5]),
    post: summarize([2]),
    turns: turnsPerSecond * 60,
    turnsPerSecond,
    conversations: 3,
    journeysCompleted: 2,
    keptLocally: 0,
    repliesFromMemory: 0,
    errors: users === 10 ? { 'post:http_429': 2 } : ({} as Record<string, number>),
    errorCount: users === 10 ? 2 : 0,
    rampErrors: {},
    serverProblems: {},
  });
  const runs: ServerRun[] = [
    { server: 'boussole', mode: 'ws', startMs: 9000, levels: [level(1, 0.5, 60), level(10, 4, 120)] },
    { server: 'echo', mode: 'ws', startMs: 800, levels: [level(1, 0.5, 20), level(10, 5, 30)] },
  ];

  test('Boussole as a fraction of the echo floor, level by level', () => {
    expect(floorRows(runs)).toEqual([
      { mode: 'ws', users: 1, boussoleTurnsPerSecond: 0.5, echoTurnsPerSecond: 0.5, fraction: 1, boussoleP95Ms: 60, echoP95Ms: 20 },
      { mode: 'ws', users: 10, boussoleTurnsPerSecond: 4, echoTurnsPerSecond: 5, fraction: 0.8, boussoleP95Ms: 120, echoP95Ms: 30 },
    ]);
  });

  test('tables name a partial run as such and list the errors', () => {
    const results: LoadResults = {
      startedAt: '2026-12-07T00:00:00Z',
      finishedAt: '2026-12-07T00:10:00Z',
      run: 'partial',
      machine: { cpus: 2, model: 'cpu', memoryGb: 4, node: 'v20', loadAverageAtStart: [0, 0, 0] },
      options: { ...FULL, levels: [1, 10], modes: ['ws'], out: 'x' },
      runs,
      floor: floorRows(runs),
      sweep: [],
    };
    const md = markdown(results);
    expect(md).toContain('Partial or quick run');
    expect(md).toContain('| WebSocket | 10 | – | 240 | 4.00 | 60 | 120 |');
    expect(md).toContain('post:http_429 ×2');
    expect(md).toContain('| WebSocket | 10 | 4.00 | 5.00 | 0.80 | 120 | 30 |');
  });
});
