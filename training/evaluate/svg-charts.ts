import { escapeHtml } from './escape';
import type { ReliabilityBin } from './metrics';

/** Plain SVG strings for a self-contained report: no scripts, fonts or styles from outside. */

export interface Point {
  x: number;
  y: number;
}

export interface LineSeries {
  name: string;
  points: readonly Point[];
  color: string;
  dashed?: boolean;
}

/** A highlighted point with dashed guides to both axes, e.g. the chosen abstain threshold. */
export interface ChartMarker extends Point {
  label: string;
}

export interface LineChartOptions {
  /** Read by screen readers and shown as the tooltip of the whole plot. */
  title: string;
  xLabel: string;
  yLabel: string;
  series: readonly LineSeries[];
  xDomain?: readonly [number, number];
  yDomain?: readonly [number, number];
  xFormat?: (value: number) => string;
  yFormat?: (value: number) => string;
  marker?: ChartMarker;
  width?: number;
  height?: number;
}

export interface Bar {
  label: string;
  /** Bar length, 0..1 of the axis. */
  value: number;
  /** Text printed after the bar. */
  valueLabel: string;
  /** Shown on hover (the SVG <title>). */
  tooltip: string;
}

export interface BarChartOptions {
  title: string;
  bars: readonly Bar[];
  width?: number;
  barHeight?: number;
  labelWidth?: number;
  color?: string;
}

const FONT = 'font-family="system-ui, -apple-system, Segoe UI, Roboto, sans-serif"';
const AXIS_COLOR = '#57606a';
const GRID_COLOR = '#eaeef2';
const MARGIN = { top: 34, right: 20, bottom: 46, left: 58 };

const n1 = (value: number): string => (Math.round(value * 10) / 10).toString();

/** Round tick values (1, 2 or 5 times a power of ten) covering [min, max]. */
export function niceTicks(min: number, max: number, count = 5): number[] {
  if (!(max > min)) return [min];
  const rough = (max - min) / count;
  const power = 10 ** Math.floor(Math.log10(rough));
  const step = ([1, 2, 5, 10].find((m) => m * power >= rough) ?? 10) * power;
  const ticks: number[] = [];
  for (let i = Math.ceil(min / step - 1e-9); i <= Math.floor(max / step + 1e-9); i++) {
    // toPrecision drops float noise (0.6000000000000001); `|| 0` turns -0 into 0.
    ticks.push(Number((i * step).toPrecision(12)) || 0);
  }
  return ticks;
}

function extent(values: readonly number[], fallback: readonly [number, number]): [number, number] {
  const finite = values.filter(Number.isFinite);
  if (finite.length === 0) return [fallback[0], fallback[1]];
  const low = Math.min(...finite);
  const high = Math.max(...finite);
  return low === high ? [low - 1, high + 1] : [low, high];
}

function svgOpen(width: number, height: number, title: string): string {
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" ` +
    `role="img" aria-label="${escapeHtml(title)}" ${FONT} font-size="12">` +
    `<title>${escapeHtml(title)}</title>`
  );
}

function legend(series: readonly LineSeries[], left: number): string {
  let x = left;
  return series
    .map((s) => {
      const item =
        `<line x1="${x}" y1="14" x2="${x + 18}" y2="14" stroke="${s.color}" stroke-width="2.5"` +
        `${s.dashed ? ' stroke-dasharray="5 3"' : ''}/>` +
        `<text x="${x + 24}" y="18" fill="#24292f">${escapeHtml(s.name)}</text>`;
      x += 40 + s.name.length * 7;
      return item;
    })
    .join('');
}

/** A line chart with axes, grid, legend, per-point tooltips and an optional marker. */
export function lineChart(options: LineChartOptions): string {
  const width = options.width ?? 640;
  const height = options.height ?? 300;
  const xFormat = options.xFormat ?? ((v: number) => String(v));
  const yFormat = options.yFormat ?? ((v: number) => String(v));
  const all = options.series.flatMap((s) => s.points);
  const [x0, x1] =
    options.xDomain ??
    extent(
      all.map((p) => p.x),
      [0, 1],
    );
  const [y0, y1] =
    options.yDomain ??
    extent(
      all.map((p) => p.y),
      [0, 1],
    );
  const plotW = width - MARGIN.left - MARGIN.right;
  const plotH = height - MARGIN.top - MARGIN.bottom;
  const sx = (x: number): number => MARGIN.left + ((x - x0) / (x1 - x0)) * plotW;
  const sy = (y: number): number => MARGIN.top + plotH - ((y - y0) / (y1 - y0)) * plotH;

  const parts = [svgOpen(width, height, options.title), legend(options.series, MARGIN.left)];
  for (const t of niceTicks(y0, y1)) {
    parts.push(
      `<line x1="${MARGIN.left}" y1="${n1(sy(t))}" x2="${width - MARGIN.right}" y2="${n1(sy(t))}" stroke="${GRID_COLOR}"/>`,
      `<text x="${MARGIN.left - 6}" y="${n1(sy(t) + 4)}" text-anchor="end" fill="${AXIS_COLOR}">${escapeHtml(yFormat(t))}</text>`,
    );
  }
  for (const t of niceTicks(x0, x1, 8)) {
    parts.push(
      `<line x1="${n1(sx(t))}" y1="${MARGIN.top + plotH}" x2="${n1(sx(t))}" y2="${MARGIN.top + plotH + 4}" stroke="${AXIS_COLOR}"/>`,
      `<text x="${n1(sx(t))}" y="${MARGIN.top + plotH + 17}" text-anchor="middle" fill="${AXIS_COLOR}">${escapeHtml(xFormat(t))}</text>`,
    );
  }
  parts.push(
    `<line x1="${MARGIN.left}" y1="${MARGIN.top + plotH}" x2="${width - MARGIN.right}" y2="${MARGIN.top + plotH}" stroke="${AXIS_COLOR}"/>`,
    `<line x1="${MARGIN.left}" y1="${MARGIN.top}" x2="${MARGIN.left}" y2="${MARGIN.top + plotH}" stroke="${AXIS_COLOR}"/>`,
    `<text x="${MARGIN.left + plotW / 2}" y="${height - 8}" text-anchor="middle" fill="#24292f">${escapeHtml(options.xLabel)}</text>`,
    `<text transform="translate(14 ${MARGIN.top + plotH / 2}) rotate(-90)" text-anchor="middle" fill="#24292f">${escapeHtml(options.yLabel)}</text>`,
  );
  for (const s of options.series) {
    const points = s.points.filter((p) => Number.isFinite(p.x) && Number.isFinite(p.y));
    if (points.length === 0) continue;
    parts.push(
      `<polyline fill="none" stroke="${s.color}" stroke-width="2" stroke-linejoin="round"` +
        `${s.dashed ? ' stroke-dasharray="5 3"' : ''} points="${points.map((p) => `${n1(sx(p.x))},${n1(sy(p.y))}`).join(' ')}"/>`,
    );
    // Dots (with their tooltips) only where they stay readable.
    if (points.length <= 60) {
      for (const p of points) {
        parts.push(
          `<circle cx="${n1(sx(p.x))}" cy="${n1(sy(p.y))}" r="3" fill="${s.color}">` +
            `<title>${escapeHtml(`${s.name} — ${options.xLabel} ${xFormat(p.x)}: ${yFormat(p.y)}`)}</title></circle>`,
        );
      }
    }
  }
  if (options.marker) {
    const m = options.marker;
    const [mx, my] = [n1(sx(m.x)), n1(sy(m.y))];
    const anchor = sx(m.x) > MARGIN.left + plotW * 0.6 ? 'end' : 'start';
    const dx = anchor === 'end' ? -8 : 8;
    parts.push(
      `<g><title>${escapeHtml(m.label)}</title>` +
        `<line x1="${mx}" y1="${my}" x2="${mx}" y2="${MARGIN.top + plotH}" stroke="#cf222e" stroke-dasharray="4 3"/>` +
        `<line x1="${MARGIN.left}" y1="${my}" x2="${mx}" y2="${my}" stroke="#cf222e" stroke-dasharray="4 3"/>` +
        `<circle cx="${mx}" cy="${my}" r="5" fill="#cf222e"/>` +
        `<text x="${n1(sx(m.x) + dx)}" y="${n1(sy(m.y) + 16)}" text-anchor="${anchor}" fill="#cf222e">${escapeHtml(m.label)}</text></g>`,
    );
  }
  parts.push('</svg>');
  return parts.join('');
}

/** Horizontal bars on a 0..1 axis, one row per bar, in the order given. */
export function barChart(options: BarChartOptions): string {
  const width = options.width ?? 720;
  const barHeight = options.barHeight ?? 18;
  const labelWidth = options.labelWidth ?? 270;
  const color = options.color ?? '#0969da';
  const valueWidth = 110;
  const top = 8;
  const height = top + options.bars.length * (barHeight + 6) + 8;
  const track = width - labelWidth - valueWidth;
  const parts = [svgOpen(width, height, options.title)];
  options.bars.forEach((bar, i) => {
    const y = top + i * (barHeight + 6);
    const length = Math.max(0, Math.min(1, bar.value)) * track;
    const label = bar.label.length > 36 ? `${bar.label.slice(0, 35)}…` : bar.label;
    parts.push(
      `<g><title>${escapeHtml(bar.tooltip)}</title>` +
        `<text x="${labelWidth - 8}" y="${n1(y + barHeight * 0.72)}" text-anchor="end" fill="#24292f">${escapeHtml(label)}</text>` +
        `<rect x="${labelWidth}" y="${y}" width="${n1(track)}" height="${barHeight}" fill="${GRID_COLOR}" rx="2"/>` +
        `<rect x="${labelWidth}" y="${y}" width="${n1(length)}" height="${barHeight}" fill="${color}" rx="2"/>` +
        `<text x="${labelWidth + track + 8}" y="${n1(y + barHeight * 0.72)}" fill="${AXIS_COLOR}">${escapeHtml(bar.valueLabel)}</text></g>`,
    );
  });
  parts.push('</svg>');
  return parts.join('');
}

/**
 * Accuracy against mean confidence per confidence bin. Bars under the diagonal are
 * over-confident bins; the shaded gap between a bar's top and the bin's mean confidence (the
 * dark tick) is what ECE averages, weighted by the bin's share of predictions.
 */
export function reliabilityDiagram(options: {
  bins: readonly ReliabilityBin[];
  ece: number;
  size?: number;
}): string {
  const size = options.size ?? 440;
  const plot = size - MARGIN.left - MARGIN.right;
  const height = plot + MARGIN.top + MARGIN.bottom;
  const sx = (v: number): number => MARGIN.left + v * plot;
  const sy = (v: number): number => MARGIN.top + plot - v * plot;
  const pct = (v: number): string => `${(v * 100).toFixed(1)}%`;
  const title = `Reliability diagram, expected calibration error ${pct(options.ece)}`;
  const parts = [svgOpen(size, height, title)];
  parts.push(
    `<text x="${MARGIN.left}" y="18" fill="#24292f">ECE ${escapeHtml(pct(options.ece))}</text>`,
    `<rect x="${MARGIN.left + 80}" y="8" width="12" height="12" fill="#0969da"/>` +
      `<text x="${MARGIN.left + 96}" y="18" fill="#24292f">accuracy</text>`,
    `<rect x="${MARGIN.left + 160}" y="8" width="12" height="12" fill="#cf222e" fill-opacity="0.3"/>` +
      `<text x="${MARGIN.left + 176}" y="18" fill="#24292f">gap</text>`,
    `<line x1="${MARGIN.left + 210}" y1="14" x2="${MARGIN.left + 224}" y2="14" stroke="#24292f" stroke-width="2"/>` +
      `<text x="${MARGIN.left + 230}" y="18" fill="#24292f">mean confidence</text>`,
  );
  for (const t of niceTicks(0, 1)) {
    parts.push(
      `<line x1="${MARGIN.left}" y1="${n1(sy(t))}" x2="${MARGIN.left + plot}" y2="${n1(sy(t))}" stroke="${GRID_COLOR}"/>`,
      `<text x="${MARGIN.left - 6}" y="${n1(sy(t) + 4)}" text-anchor="end" fill="${AXIS_COLOR}">${t.toFixed(1)}</text>`,
      `<text x="${n1(sx(t))}" y="${MARGIN.top + plot + 17}" text-anchor="middle" fill="${AXIS_COLOR}">${t.toFixed(1)}</text>`,
    );
  }
  for (const bin of options.bins) {
    if (bin.count === 0) continue;
    const x = n1(sx(bin.lower) + 1);
    const w = n1((bin.upper - bin.lower) * plot - 2);
    const gapTop = Math.max(bin.accuracy, bin.confidence);
    const gapBottom = Math.min(bin.accuracy, bin.confidence);
    parts.push(
      `<g><title>${escapeHtml(
        `confidence ${bin.lower.toFixed(2)}–${bin.upper.toFixed(2)}: ${bin.count} predictions, ` +
          `mean confidence ${pct(bin.confidence)}, accuracy ${pct(bin.accuracy)}`,
      )}</title>` +
        `<rect x="${x}" y="${n1(sy(gapTop))}" width="${w}" height="${n1((gapTop - gapBottom) * plot)}" fill="#cf222e" fill-opacity="0.3"/>` +
        `<rect x="${x}" y="${n1(sy(bin.accuracy))}" width="${w}" height="${n1(bin.accuracy * plot)}" fill="#0969da" fill-opacity="0.85"/>` +
        `<line x1="${x}" y1="${n1(sy(bin.confidence))}" x2="${n1(sx(bin.upper) - 1)}" y2="${n1(sy(bin.confidence))}" stroke="#24292f" stroke-width="2"/></g>`,
    );
  }
  parts.push(
    `<line x1="${sx(0)}" y1="${sy(0)}" x2="${sx(1)}" y2="${sy(1)}" stroke="${AXIS_COLOR}" stroke-dasharray="4 3"/>`,
    `<rect x="${MARGIN.left}" y="${MARGIN.top}" width="${plot}" height="${plot}" fill="none" stroke="${AXIS_COLOR}"/>`,
    `<text x="${MARGIN.left + plot / 2}" y="${height - 8}" text-anchor="middle" fill="#24292f">confidence (top-1 probability)</text>`,
    `<text transform="translate(14 ${MARGIN.top + plot / 2}) rotate(-90)" text-anchor="middle" fill="#24292f">accuracy (HS6)</text>`,
    '</svg>',
  );
  return parts.join('');
}
