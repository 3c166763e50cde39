/**
 * Vega-Lite spec → inline SVG, headless in Node (vega's 'none' renderer: no canvas, no DOM, no network), and the
 * number of data marks drawn, so a test can check a browser shows the same marks.
 */
import { logger, parse, View, Warn } from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';

/** Data marks a chart draws, by Vega mark type; a line or area counts once per drawn path, others once per item. */
export type MarkCounts = Readonly<Record<string, number>>;

/** An SVG chart, its marks, and what Vega-Lite or Vega warned about while making it (the library never prints). */
export interface RenderedChart {
  readonly svg: string;
  readonly marks: MarkCounts;
  readonly warnings: readonly string[];
}

interface SceneNode {
  readonly marktype?: string;
  readonly role?: string;
  readonly items?: readonly SceneNode[];
}

/** Counts data marks the way they appear in the SVG: each `<g class="mark-… role-mark">` child element. */
function countMarks(node: SceneNode, into: Record<string, number>): void {
  const items = node.items ?? [];
  if (node.marktype !== undefined && node.role === 'mark' && node.marktype !== 'group') {
    const n = node.marktype === 'line' || node.marktype === 'area' ? Math.min(items.length, 1) : items.length;
    if (n > 0) into[node.marktype] = (into[node.marktype] ?? 0) + n;
    return;
  }
  for (const child of items) countMarks(child, into);
}

/** Shared look of every chart: the report's font, quiet axes, no chart border. */
export const CHART_CONFIG = {
  font: 'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif',
  view: { stroke: null },
  axis: { labelColor: '#444', titleColor: '#222', titleFontWeight: 500, titleFontSize: 12, labelFontSize: 11, gridColor: '#e6e6e6', domainColor: '#888', tickColor: '#888' },
  legend: { labelFontSize: 11, titleFontSize: 11, titleFontWeight: 500, labelLimit: 260 },
  header: { labelFontSize: 12, labelFontWeight: 600, titleFontSize: 12 },
  title: { fontSize: 12, fontWeight: 600, anchor: 'start', color: '#222' },
} as const;

/** Renders a Vega-Lite spec to an SVG string with {@link CHART_CONFIG}; data must be inline (no loader is given). */
export async function renderChart(spec: TopLevelSpec): Promise<RenderedChart> {
  const withConfig = { ...spec, config: { ...CHART_CONFIG, ...spec.config } } as TopLevelSpec;
  const warnings: string[] = [];
  const log = logger(Warn, 'warn', (_method, _level, args) => {
    warnings.push(args.map(String).join(' '));
  });
  const view = new View(parse(compile(withConfig, { logger: log }).spec), { renderer: 'none', logger: log });
  try {
    await view.runAsync();
    const svg = await view.toSVG();
    const marks: Record<string, number> = {};
    countMarks((view.scenegraph() as unknown as { root: SceneNode }).root, marks);
    return { svg, marks, warnings };
  } finally {
    view.finalize();
  }
}
