/**
 * A line chart as a standalone SVG (no dependency): axes with ticks, one polyline and markers per
 * series, a legend. The x axis is logarithmic when the values span more than a factor 10 (load
 * levels 1 … 500), its ticks the x values present; the y axis starts at 0 with round steps.
 */
export interface Point {
  x: number;
  y: number;
}

export interface Series {
  name: string;
  points: Point[];
}

export interface ChartOptions {
  title: string;
  xLabel: string;
  yLabel: string;
  series: Series[];
  width?: number;
  height?: number;
}

const COLORS = ['#0b5cad', '#d1495b', '#2a9d8f', '#e9a03b'];
const MARGIN = { top: 48, right: 24, bottom: 56, left: 72 };

export function escapeXml(text: string): string {
  return text.replace(/[<>&"']/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c]!);
}

/** About five round steps (1, 2 or 5 × 10^k) from 0 to at least `max`. */
export function niceTicks(max: number): number[] {
  if (!(max > 0)) return [0, 1];
  const raw = max / 5;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * magnitude).find((s) => s >= raw)!;
  const ticks: number[] = [];
  for (let v = 0; v < max + step - 1e-9; v += step) ticks.push(Number(v.toPrecision(12)));
  return ticks;
}

const num = (v: number) => (Math.round(v * 10) / 10).toString();

export function lineChart(opts: ChartOptions): string {
  const width = opts.width ?? 720;
  const height = opts.height ?? 420;
  const plotW = width - MARGIN.left - MARGIN.right;
  const plotH = height - MARGIN.top - MARGIN.bottom;
  const series = opts.series.map((s) => ({ ...s, points: s.points.filter((p) => Number.isFinite(p.x) && Number.isFinite(p.y)).sort((a, b) => a.x - b.x) }));
  const all = series.flatMap((s) => s.points);
  const xs = [...new Set(all.map((p) => p.x))].sort((a, b) => a - b);
  const xMin = xs.length ? xs[0] : 0;
  const xMax = xs.length ? xs[xs.length - 1] : 1;
  const log = xMin > 0 && xMax / xMin > 10;
  const tx = (x: number): number => {
    if (xMax === xMin) return MARGIN.left + plotW / 2;
    const f = log ? (Math.log(x) - Math.log(xMin)) / (Math.log(xMax) - Math.log(xMin)) : (x - xMin) / (xMax - xMin);
    return MARGIN.left + f * plotW;
  };
  const yTicks = niceTicks(Math.max(0, ...all.map((p) => p.y)));
  const yTop = yTicks[yTicks.length - 1];
  const ty = (y: number): number => MARGIN.top + plotH - (y / yTop) * plotH;

  const out: string[] = [];
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="system-ui, sans-serif" font-size="12">`);
  out.push(`<title>${escapeXml(opts.title)}</title>`);
  out.push(`<rect x="0" y="0" width="${width}" height="${height}" fill="#ffffff"/>`);
  out.push(`<text x="${width / 2}" y="24" text-anchor="middle" font-size="15" font-weight="bold">${escapeXml(opts.title)}</text>`);
  // Grid and y ticks.
  for (const v of yTicks) {
    const y = num(ty(v));
    out.push(`<line x1="${MARGIN.left}" y1="${y}" x2="${MARGIN.left + plotW}" y2="${y}" stroke="#e4e4e4"/>`);
    out.push(`<text x="${MARGIN.left - 8}" y="${y}" text-anchor="end" dominant-baseline="middle">${escapeXml(String(v))}</text>`);
  }
  // x ticks: the levels measured.
  for (const x of xs) {
    const px = num(tx(x));
    out.push(`<line x1="${px}" y1="${MARGIN.top + plotH}" x2="${px}" y2="${MARGIN.top + plotH + 5}" stroke="#333333"/>`);
    out.push(`<text x="${px}" y="${MARGIN.top + plotH + 18}" text-anchor="middle">${escapeXml(String(x))}</text>`);
  }
  // Axes and their labels.
  out.push(`<line x1="${MARGIN.left}" y1="${MARGIN.top}" x2="${MARGIN.left}" y2="${MARGIN.top + plotH}" stroke="#333333"/>`);
  out.push(`<line x1="${MARGIN.left}" y1="${MARGIN.top + plotH}" x2="${MARGIN.left + plotW}" y2="${MARGIN.top + plotH}" stroke="#333333"/>`);
  out.push(`<text x="${MARGIN.left + plotW / 2}" y="${height - 14}" text-anchor="middle">${escapeXml(opts.xLabel + (log ? ' (log scale)' : ''))}</text>`);
  out.push(`<text x="18" y="${MARGIN.top + plotH / 2}" text-anchor="middle" transform="rotate(-90 18 ${MARGIN.top + plotH / 2})">${escapeXml(opts.yLabel)}</text>`);
  // Series, then the legend (on a white box, above the lines).
  const legendW = 56 + 7 * Math.max(0, ...series.map((s) => s.name.length));
  const legend: string[] = [];
  series.forEach((s, i) => {
    const color = COLORS[i % COLORS.length];
    const pts = s.points.map((p) => `${num(tx(p.x))},${num(ty(p.y))}`).join(' ');
    out.push(`<g class="series" data-name="${escapeXml(s.name)}">`);
    out.push(`<polyline fill="none" stroke="${color}" stroke-width="2" points="${pts}"/>`);
    for (const p of s.points) out.push(`<circle cx="${num(tx(p.x))}" cy="${num(ty(p.y))}" r="3.5" fill="${color}"><title>${escapeXml(`${s.name}: ${p.x} → ${num(p.y)}`)}</title></circle>`);
    out.push('</g>');
    const ly = MARGIN.top + 8 + i * 18;
    legend.push(`<line x1="${MARGIN.left + 12}" y1="${ly}" x2="${MARGIN.left + 36}" y2="${ly}" stroke="${color}" stroke-width="2"/>`);
    legend.push(`<text x="${MARGIN.left + 42}" y="${ly}" dominant-baseline="middle">${escapeXml(s.name)}</text>`);
  });
  if (series.length) out.push(`<rect x="${MARGIN.left + 6}" y="${MARGIN.top - 3}" width="${legendW}" height="${series.length * 18 + 4}" fill="#ffffff" fill-opacity="0.9" stroke="#cccccc"/>`, ...legend);
  out.push('</svg>');
  return out.join('\n') + '\n';
}
