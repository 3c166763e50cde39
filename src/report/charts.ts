/**
 * The report's Vega-Lite specs, built from summaries computed in TypeScript (means and ranges over seeds), so each
 * spec is plain marks over inline rows and its mark count follows from the data. One palette for every chart: ours in
 * blue, the paper in greys, users teal and movies coral, the vanilla autoencoder purple.
 */
import type { TopLevelSpec } from 'vega-lite';

/** The colours every chart uses for the same thing. */
export const COLORS = {
  ours: '#2f6db3',
  paper: '#6e6e6e',
  paperText: '#b8b8b8',
  users: '#17908a',
  movies: '#e0703a',
  attention: '#2f6db3',
  vanilla: '#9a5fc9',
} as const;

const WIDTH = 560;

/** A legend of solid strokes, whatever the opacity of the bands that share its colour scale. */
const SOLID_LEGEND = { orient: 'top', symbolType: 'stroke', symbolOpacity: 1, symbolStrokeWidth: 3 } as const;

/** Sixteen distinct colours for the fold-in methods (Tableau 10 and six more), no light twins of dark ones. */
const METHOD_COLORS = ['#4e79a7', '#f28e2b', '#e15759', '#76b7b2', '#59a14f', '#edc948', '#b07aa1', '#ff9da7', '#9c755f', '#5c5c5c', '#1b9e77', '#7570b3', '#d95f02', '#66a61e', '#e7298a', '#a6761d'];

/** The colour of a side, whatever the experiment calls it ('items' and 'movies' are the same side). */
function sideLabel(side: string): string {
  return side === 'items' ? 'movies' : side;
}

/** One bar chart per feature distribution (Fig 2), three to a row. */
export function fig2Spec(distributions: readonly { side: string; feature: string; bins: readonly { label: string; count: number }[] }[]): TopLevelSpec {
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    description: 'Feature distributions of the dataset',
    columns: 3,
    spacing: { row: 24, column: 28 },
    concat: distributions.map((d) => {
      const side = sideLabel(d.side);
      return {
        title: `${side}: ${d.feature}`,
        width: 170,
        height: Math.max(40, 13 * d.bins.length),
        data: { values: d.bins.map((b, i) => ({ label: b.label, count: b.count, order: i })) },
        mark: { type: 'bar', color: side === 'users' ? COLORS.users : COLORS.movies, cornerRadiusEnd: 1 },
        encoding: {
          y: { field: 'label', type: 'nominal', sort: { field: 'order' }, title: null, axis: { labelLimit: 110, labelFontSize: 10 } },
          x: { field: 'count', type: 'quantitative', title: `${side} (count)`, axis: { tickCount: 4, format: '~s' } },
        },
      };
    }),
  } as TopLevelSpec;
}

/** A side's mean, range over seeds and count at one x (epoch, dimension). */
export interface BandRow {
  readonly series: string;
  readonly x: number;
  readonly mean: number;
  readonly min: number;
  readonly max: number;
  readonly n: number;
}

/** Fig 4A: best validation RMSE against the embedding dimension, per side, with the range over seeds and the paper's d = 64 values. */
export function fig4aSpec(rows: readonly BandRow[], paper: readonly { series: string; x: number; value: number }[]): TopLevelSpec {
  const domain = ['users', 'movies', 'paper (d = 64)'];
  const color = { field: 'series', type: 'nominal', title: null, scale: { domain, range: [COLORS.users, COLORS.movies, COLORS.paper] }, legend: SOLID_LEGEND };
  const x = { field: 'x', type: 'quantitative', title: 'embedding dimension d (log scale)', scale: { type: 'log', base: 2 }, axis: { values: [...new Set(rows.map((r) => r.x))].sort((a, b) => a - b), format: 'd' } };
  const y = { type: 'quantitative', title: 'best validation RMSE (rating points)', scale: { zero: false } };
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    description: 'Fig 4A: best validation RMSE against the embedding dimension',
    width: WIDTH,
    height: 280,
    layer: [
      {
        data: { values: rows.map((r) => ({ ...r, series: sideLabel(r.series) })) },
        layer: [
          { mark: { type: 'area', opacity: 0.18 }, encoding: { x, y: { ...y, field: 'min' }, y2: { field: 'max' }, color } },
          { mark: { type: 'line', strokeWidth: 2 }, encoding: { x, y: { ...y, field: 'mean' }, color } },
          { mark: { type: 'point', filled: true, size: 40 }, encoding: { x, y: { ...y, field: 'mean' }, color } },
        ],
      },
      {
        data: { values: paper.map((p) => ({ ...p, series: 'paper (d = 64)', side: sideLabel(p.series) })) },
        mark: { type: 'point', shape: 'diamond', filled: false, size: 110, strokeWidth: 2 },
        encoding: { x, y: { ...y, field: 'value' }, color },
      },
    ],
  } as TopLevelSpec;
}

/** Fig 4B: validation RMSE per epoch, attention against vanilla, one panel per side, with the range over seeds. */
export function fig4bSpec(rows: readonly (BandRow & { side: string })[]): TopLevelSpec {
  const color = { field: 'series', type: 'nominal', title: 'autoencoder', scale: { domain: ['attention', 'vanilla'], range: [COLORS.attention, COLORS.vanilla] }, legend: SOLID_LEGEND };
  const x = { field: 'x', type: 'quantitative', title: 'epoch' };
  // the first epochs start near 3.5 and would flatten everything after them: the axis covers the lowest point + 0.8
  // and clamps the start to its top (said in the title)
  const lowest = Math.min(...rows.map((r) => r.min));
  const lo = Math.floor(lowest * 10) / 10;
  const hi = lo + 0.8;
  const clamped = rows.some((r) => r.max > hi);
  const y = { type: 'quantitative', title: `validation RMSE (rating points${clamped ? `; clamped at ${hi.toFixed(1)}` : ''})`, scale: clamped ? { domain: [lo, hi], clamp: true } : { zero: false } };
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    description: 'Fig 4B: validation RMSE against epochs',
    data: { values: rows.map((r) => ({ ...r, side: sideLabel(r.side) })) },
    facet: { column: { field: 'side', type: 'nominal', title: null, sort: ['users', 'movies'] } },
    spacing: 24,
    spec: {
      width: 260,
      height: 240,
      layer: [
        { mark: { type: 'area', opacity: 0.2 }, encoding: { x, y: { ...y, field: 'min' }, y2: { field: 'max' }, color } },
        { mark: { type: 'line', strokeWidth: 1.6 }, encoding: { x, y: { ...y, field: 'mean' }, color } },
      ],
    },
  } as TopLevelSpec;
}

/** A bar with an optional range (Table II, ranking metrics). */
export interface BarRow {
  readonly group: string;
  readonly source: string;
  readonly value: number;
  readonly min?: number;
  readonly max?: number;
  readonly label: string;
}

/** Table II: validation RMSE per XGBoost setup, ours (mean, range over seeds) beside the paper's table row and text. */
export function table2Spec(rows: readonly BarRow[], sources: readonly string[]): TopLevelSpec {
  const color = { field: 'source', type: 'nominal', title: null, scale: { domain: [...sources], range: [COLORS.ours, COLORS.paper, COLORS.paperText] }, legend: { orient: 'top' } };
  const y = { field: 'group', type: 'nominal', title: null, sort: null, axis: { labelLimit: 200 } };
  const yOffset = { field: 'source', type: 'nominal', sort: [...sources], scale: { domain: [...sources], paddingInner: 0.1 } };
  // the setups differ by thousandths, so the axis starts just below the smallest value (stated in its title), not at 0
  const lo = Math.floor((Math.min(...rows.map((r) => r.min ?? r.value)) - 0.01) * 100) / 100;
  const hi = Math.max(...rows.map((r) => r.max ?? r.value));
  const x = { type: 'quantitative', title: `validation RMSE (rating points; axis from ${lo.toFixed(2)})`, scale: { domain: [lo, hi + (hi - lo) * 0.25], zero: false } };
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    description: 'Table II: validation RMSE per XGBoost setup',
    data: { values: rows },
    width: WIDTH - 120,
    height: { step: 16 },
    layer: [
      // bars start at the axis' start (x2), not at 0, which would lie far off the plot
      { transform: [{ calculate: String(lo), as: 'base' }], mark: { type: 'bar', cornerRadiusEnd: 1 }, encoding: { y, yOffset, x: { ...x, field: 'value' }, x2: { field: 'base' }, color } },
      { transform: [{ filter: 'isValid(datum.min)' }], mark: { type: 'rule', color: '#1b3a5c', strokeWidth: 1.5 }, encoding: { y, yOffset, x: { ...x, field: 'min' }, x2: { field: 'max' } } },
      { mark: { type: 'text', align: 'left', dx: 4, fontSize: 10, color: '#333' }, encoding: { y, yOffset, x: { ...x, field: 'labelAt' }, text: { field: 'label' } }, transform: [{ calculate: 'isValid(datum.max) ? datum.max : datum.value', as: 'labelAt' }] },
    ],
  } as TopLevelSpec;
}

/** A method's dot: our mean and range, or the paper's value. */
export interface DotRow {
  readonly method: string;
  readonly source: 'ours' | 'paper';
  readonly value: number;
  readonly min?: number;
  readonly max?: number;
}

/** Table III: test RMSE per method, ours as dots with the range over seeds, the paper's as hollow diamonds. */
export function dotPlotSpec(rows: readonly DotRow[], order: readonly string[], title: string): TopLevelSpec {
  // only the sources drawn get a legend entry (the cross-validation has no paper values)
  const domain = (['ours', 'paper'] as const).filter((s) => rows.some((r) => r.source === s));
  const pick = <T>(ours: T, paper: T): T[] => domain.map((s) => (s === 'ours' ? ours : paper));
  const color = { field: 'source', type: 'nominal', title: null, scale: { domain, range: pick(COLORS.ours, COLORS.paper) }, legend: { orient: 'top' } };
  const shape = { field: 'source', type: 'nominal', title: null, scale: { domain, range: pick('circle', 'diamond') } };
  const fill = { field: 'source', type: 'nominal', title: null, scale: { domain, range: pick(COLORS.ours, '#ffffff') } };
  const y = { field: 'method', type: 'nominal', title: null, sort: [...order], axis: { labelLimit: 280 } };
  const x = { type: 'quantitative', title, scale: { zero: false, padding: 12 } };
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    description: title,
    data: { values: rows },
    width: WIDTH - 120,
    height: { step: 22 },
    layer: [
      { transform: [{ filter: 'isValid(datum.min)' }], mark: { type: 'rule', strokeWidth: 2 }, encoding: { y, x: { ...x, field: 'min' }, x2: { field: 'max' }, color } },
      { mark: { type: 'point', size: 70, strokeWidth: 2 }, encoding: { y, x: { ...x, field: 'value' }, color, shape, fill } },
    ],
  } as TopLevelSpec;
}

/** One point of a learning curve. */
export interface CurveRow {
  readonly side: string;
  readonly series: 'training loss' | 'validation RMSE';
  readonly epoch: number;
  readonly value: number;
}

/** The last training run's learning curves: both sides, training loss dashed, validation solid, the kept epoch marked. */
export function curvesSpec(rows: readonly CurveRow[], best: readonly { side: string; epoch: number; value: number }[]): TopLevelSpec {
  const color = { field: 'side', type: 'nominal', title: 'side', scale: { domain: ['users', 'movies'], range: [COLORS.users, COLORS.movies] }, legend: { orient: 'top' } };
  const dash = { field: 'series', type: 'nominal', title: null, scale: { domain: ['validation RMSE', 'training loss'], range: [[1, 0], [5, 3]] }, legend: { orient: 'top', symbolType: 'stroke' } };
  const x = { field: 'epoch', type: 'quantitative', title: 'epoch' };
  const y = { field: 'value', type: 'quantitative', title: 'RMSE (rating points)', scale: { zero: false } };
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    description: 'Learning curves of the last training run',
    width: WIDTH,
    height: 260,
    layer: [
      { data: { values: rows }, mark: { type: 'line', strokeWidth: 1.6 }, encoding: { x, y, color, strokeDash: dash, detail: { field: 'series' } } },
      { data: { values: best }, mark: { type: 'point', filled: true, size: 60, shape: 'circle' }, encoding: { x, y, color } },
    ],
  } as TopLevelSpec;
}

/** Ranking metrics at k as horizontal bars on [0, 1]. */
export function rankingSpec(rows: readonly { metric: string; value: number }[]): TopLevelSpec {
  const y = { field: 'metric', type: 'nominal', title: null, sort: null };
  const x = { field: 'value', type: 'quantitative', title: 'value (fraction, 0–1)', scale: { domain: [0, 1] } };
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    description: 'Ranking metrics',
    data: { values: rows.map((r) => ({ ...r, label: r.value.toFixed(4) })) },
    width: WIDTH - 120,
    height: { step: 22 },
    layer: [
      { mark: { type: 'bar', color: COLORS.ours, cornerRadiusEnd: 1 }, encoding: { y, x } },
      { mark: { type: 'text', align: 'left', dx: 4, fontSize: 10, color: '#333' }, encoding: { y, x, text: { field: 'label' } } },
    ],
  } as TopLevelSpec;
}

/** One fold-in method's RMSE at one k, or a side's retrain ceiling (method = the ceiling's name, k = null). */
export interface ColdRow {
  readonly side: string;
  readonly method: string;
  readonly k: number;
  readonly rmse: number;
}

/** Fold-in: RMSE against the ratings known of the new user or item, one line per method, one panel per side. */
export function coldstartSpec(rows: readonly ColdRow[], ceilings: readonly { side: string; rmse: number }[], methods: readonly string[]): TopLevelSpec {
  const color = { field: 'method', type: 'nominal', title: null, scale: { domain: [...methods], range: METHOD_COLORS }, legend: { orient: 'bottom', columns: 1, symbolType: 'stroke', symbolStrokeWidth: 3, labelLimit: 520 } };
  const x = { field: 'k', type: 'quantitative', title: 'ratings known of the new user / item (k)' };
  const y = { type: 'quantitative', title: 'test RMSE (rating points)', scale: { zero: false } };
  const sides = [...new Set(rows.map((r) => r.side))];
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    description: 'Fold-in RMSE against k',
    data: { values: [...rows.map((r) => ({ ...r, kind: 'method' })), ...ceilings.map((c) => ({ ...c, kind: 'ceiling' }))] },
    facet: { column: { field: 'side', type: 'nominal', title: null, sort: sides } },
    spacing: 24,
    resolve: { scale: { y: 'independent' } },
    spec: {
      width: 270,
      height: 260,
      layer: [
        { transform: [{ filter: "datum.kind === 'method'" }], mark: { type: 'line', strokeWidth: 1.5 }, encoding: { x, y: { ...y, field: 'rmse' }, color } },
        { transform: [{ filter: "datum.kind === 'method'" }], mark: { type: 'point', filled: true, size: 22 }, encoding: { x, y: { ...y, field: 'rmse' }, color } },
        { transform: [{ filter: "datum.kind === 'ceiling'" }], mark: { type: 'rule', strokeDash: [4, 3], color: '#222' }, encoding: { y: { ...y, field: 'rmse' } } },
      ],
    },
  } as TopLevelSpec;
}
