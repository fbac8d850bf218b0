// Trend charts as PNG without a browser: a Vega-Lite 5 spec compiled to Vega, rendered to
// SVG by Vega's headless view, then rasterised by resvg (a Rust renderer shipped as a prebuilt
// npm binary) with the bundled DejaVu Sans, so the picture is the same on a bare server.
import { createRequire } from 'node:module';
import type { Trend } from './series.ts';

export const CHART_WIDTH = 1400;
export const CHART_HEIGHT = 700;

/** Okabe & Ito's colour-blind-safe palette (black left out); "other" is grey. */
const OKABE_ITO = ['#E69F00', '#56B4E9', '#009E73', '#0072B2', '#D55E00', '#CC79A7', '#F0E442'];
const OTHER = '#8C8C8C';
const FONT = 'DejaVu Sans';

function fontFiles(): string[] {
  const require = createRequire(import.meta.url);
  return [
    require.resolve('dejavu-fonts-ttf/ttf/DejaVuSans.ttf'),
    require.resolve('dejavu-fonts-ttf/ttf/DejaVuSans-Bold.ttf'),
  ];
}

export function trendSpec(
  trend: Trend,
  size = { width: CHART_WIDTH, height: CHART_HEIGHT },
): Record<string, unknown> {
  const values = trend.series.flatMap((s) =>
    s.values.map((count, i) => ({ period: trend.buckets[i], series: s.name, count })),
  );
  const names = trend.series.map((s) => s.name);
  const colours = names.map((n, i) => (n === 'other' ? OTHER : OKABE_ITO[i % OKABE_ITO.length]!));
  const big = size.width >= 1000;
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    width: size.width,
    height: size.height,
    autosize: { type: 'fit', contains: 'padding' },
    padding: big ? 24 : 12,
    background: 'white',
    title: {
      text: trend.title,
      subtitle: `${trend.since} to ${trend.until} (UTC)`,
      fontSize: big ? 30 : 18,
      subtitleFontSize: big ? 20 : 13,
      anchor: 'start',
      font: FONT,
      subtitleFont: FONT,
      limit: size.width - 60,
    },
    data: { values },
    mark: { type: 'line', point: { size: big ? 90 : 30 }, strokeWidth: big ? 4 : 2.5 },
    encoding: {
      x: {
        field: 'period',
        type: 'temporal',
        timeUnit: trend.by === 'week' ? 'yearmonthdate' : 'yearmonthdate',
        title: trend.by === 'week' ? 'Week starting (UTC)' : 'Day (UTC)',
        axis: { format: '%d %b', labelAngle: 0 },
      },
      y: { field: 'count', type: 'quantitative', title: `Stories per ${trend.by}`, axis: { tickMinStep: 1 } },
      color: {
        field: 'series',
        type: 'nominal',
        title: trend.split === 'theme' ? 'Theme' : 'Region',
        sort: names,
        scale: { domain: names, range: colours },
        legend: { orient: 'right' },
      },
      strokeDash: {
        field: 'series',
        type: 'nominal',
        sort: names,
        // A second cue besides colour: dashes differ per line.
        scale: {
          domain: names,
          range: names.map(
            (_, i) =>
              [
                [1, 0],
                [12, 6],
                [4, 4],
                [16, 4, 4, 4],
                [2, 6],
                [8, 8],
                [1, 0],
              ][i % 7],
          ),
        },
        // Same field as colour: Vega-Lite merges both into one legend.
      },
    },
    config: {
      font: FONT,
      axis: {
        labelFontSize: big ? 20 : 12,
        titleFontSize: big ? 22 : 13,
        labelFont: FONT,
        titleFont: FONT,
        gridColor: '#e4e4e4',
      },
      legend: {
        labelFontSize: big ? 20 : 12,
        titleFontSize: big ? 22 : 13,
        labelFont: FONT,
        titleFont: FONT,
        labelLimit: 400,
        symbolSize: big ? 300 : 80,
        symbolStrokeWidth: big ? 4 : 2,
      },
      view: { stroke: null },
    },
  };
}

export async function renderTrendSvg(
  trend: Trend,
  size?: { width: number; height: number },
): Promise<string> {
  const [{ compile }, vega] = await Promise.all([import('vega-lite'), import('vega')]);
  const spec = compile(trendSpec(trend, size) as never).spec;
  const view = new vega.View(vega.parse(spec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

export async function renderTrendPng(
  trend: Trend,
  size?: { width: number; height: number },
): Promise<Buffer> {
  const svg = await renderTrendSvg(trend, size);
  const { Resvg } = await import('@resvg/resvg-js');
  const resvg = new Resvg(svg, {
    background: 'white',
    font: { fontFiles: fontFiles(), loadSystemFonts: false, defaultFontFamily: FONT },
  });
  return resvg.render().asPng();
}

/** Width and height from a PNG's IHDR chunk. */
export function pngSize(png: Buffer): { width: number; height: number } | null {
  const signature = '89504e470d0a1a0a';
  if (png.length < 24 || png.subarray(0, 8).toString('hex') !== signature) return null;
  if (png.subarray(12, 16).toString('ascii') !== 'IHDR') return null;
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20) };
}
