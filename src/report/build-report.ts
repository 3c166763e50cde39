/**
 * The experiment report: one self-contained HTML page (inline CSS and SVG, no script, no external resource) with the
 * paper's figures and tables as measured by `rsattae experiment`, a comparison against the paper's own numbers, and
 * optionally the last training run's learning curves, its test and ranking metrics and the fold-in study.
 */

import { VERSION } from '../core/version.js';
import { EXPERIMENT_NAMES, type ExperimentName, PUBLISHED, type RunMeta } from '../evaluation/experiment-record.js';
import { machineDescription } from '../evaluation/experiment-run.js';
import { type BandRow, type BarRow, type ColdRow, type CurveRow, coldstartSpec, curvesSpec, type DotRow, dotPlotSpec, fig2Spec, fig4aSpec, fig4bSpec, rankingSpec, table2Spec } from './charts.js';
import { type Cell, figure, type Html, html, page, type Section, table } from './html.js';
import type { ColdStart, Evaluation, ExperimentRuns, ModelCurves, ReportInputs, Run } from './inputs.js';
import { type MarkCounts, renderChart } from './render.js';
import { fixed, groupBy, type Spread, signed, spread } from './stats.js';

/** Options of {@link buildReport}. */
export interface ReportOptions {
  /** When the report is made (default now); shown in its header. */
  readonly generatedAt?: Date;
  /** The machine making it (default: this one, from `os`). */
  readonly machine?: string;
  /** The command line that made it, shown in its header. */
  readonly command?: string;
  /** Most epochs drawn per learning curve; longer curves are thinned evenly (the last epoch is always kept). Default 600. */
  readonly maxCurvePoints?: number;
}

/** A chart in the report: its anchor id, title and the data marks it draws (what a browser should show). */
export interface ReportChart {
  readonly id: string;
  readonly title: string;
  readonly marks: MarkCounts;
  /** What Vega-Lite warned about while compiling it (none expected). */
  readonly warnings: readonly string[];
}

/** What {@link buildReport} made. */
export interface Report {
  readonly html: string;
  readonly charts: readonly ReportChart[];
  /** Experiments with no record under `--from`: the report says how to run them. */
  readonly missing: readonly ExperimentName[];
}

function when(iso: string): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : `${d.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

function listed(values: readonly string[], max = 3): string[] {
  const distinct = [...new Set(values)].sort();
  return distinct.length <= max ? distinct : [...distinct.slice(0, max), `… and ${distinct.length - max} more`];
}

/** The caption line naming the command(s), date(s) and machine(s) behind a chart. */
function provenance(metas: readonly RunMeta[]): Html {
  const commands = listed(metas.map((m) => m.command));
  const starts = metas.map((m) => m.startedAt).sort();
  const ends = metas.map((m) => m.finishedAt).sort();
  const first = when(starts[0]);
  const last = when(ends[ends.length - 1]);
  const date = first === last ? first : `${first} – ${last}`;
  const runs = metas.length === 1 ? '1 run' : `${metas.length} runs`;
  return html`<p class="provenance">Command: ${commands.map((c, i) => html`${i > 0 ? '; ' : ''}<code>${c}</code>`)}. Date: ${date} (${runs}). Machine: ${listed(metas.map((m) => m.machine)).join('; ')}. rsattae ${listed(metas.map((m) => m.version)).join(', ')}.</p>`;
}

function caption(what: Html | string, prov: Html): Html {
  return html`<p class="what">${what}</p>${prov}`;
}

function notRun(experiment: ExperimentName, from: string): Html {
  return html`<p class="missing">Not run yet: <code>rsattae experiment ${experiment} --out ${from}</code></p>`;
}

function seedsOf(runs: readonly Run<{ seed?: number }, unknown>[]): string {
  const seeds = [...new Set(runs.map((r) => r.config.seed).filter((s): s is number => s !== undefined))].sort((a, b) => a - b);
  return seeds.length === 0 ? 'no recorded seed' : `seed${seeds.length === 1 ? '' : 's'} ${seeds.join(', ')}`;
}

/** Config fields that say how the runs were made, as "Settings: epochs 1000, trees 1900, …" (each distinct value). */
const SETTINGS = ['dataset', 'split', 'epochs', 'trees', 'nEstimators', 'dim', 'valFraction'] as const;

function settingsOf(runs: readonly Run<Readonly<Record<string, unknown>>, unknown>[], skip: readonly string[] = []): string {
  const parts: string[] = [];
  for (const key of SETTINGS) {
    if (skip.includes(key)) continue;
    const values = [...new Set(runs.map((r) => r.config[key]).filter((v) => typeof v === 'string' || typeof v === 'number'))];
    if (values.length > 0) parts.push(`${key} ${values.join(' / ')}`);
  }
  return parts.length > 0 ? `Settings: ${parts.join(', ')}.` : '';
}

function meanCell(s: Spread): string {
  return s.n > 1 ? `${fixed(s.mean)} ± ${fixed(s.sd)} (${s.n})` : `${fixed(s.mean)} (1)`;
}

function rangeCell(s: Spread): string {
  return s.n > 1 ? `${fixed(s.min)} – ${fixed(s.max)}` : '—';
}

/** A Δ cell: ours − paper, coloured by whether our RMSE is lower. */
function deltaCell(ours: number, paper: number): Cell {
  const d = ours - paper;
  const cls = Math.abs(d) < 5e-5 ? 'even' : d < 0 ? 'better' : 'worse';
  return { value: signed(d), cls };
}

function sideName(side: string): string {
  return side === 'items' ? 'movies' : side;
}

/** Users before movies, then by name: the order of every table and legend. */
function bySideFirst(a: string, b: string): number {
  const rank = (s: string): number => (s === 'users' ? 0 : s === 'movies' || s === 'items' ? 1 : 2);
  return rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0);
}

/** Method names as the paper writes them, for the ids `rsattae` uses. */
const METHOD_NAMES: Readonly<Record<string, string>> = {
  rsattae: 'RSAttAE',
  svd: 'SVD',
  svdpp: 'SVD++',
  'rsattae-attended': 'RSAttAE, attention at inference',
  'vanilla-ae-xgboost': 'vanilla AE + XGBoost',
  'xgboost-features': 'XGBoost on features only',
  'knn-baseline': 'KNNBaseline',
  'baseline-only': 'BaselineOnly',
  'global-mean': 'GlobalMean',
};

function methodName(id: string): string {
  return METHOD_NAMES[id] ?? id;
}

function sameMethod(a: string, b: string): boolean {
  const norm = (s: string): string => s.toLowerCase().replace(/[^a-z0-9+]/g, '');
  return norm(a) === norm(b);
}

class Builder {
  readonly charts: ReportChart[] = [];
  readonly sections: Section[] = [];
  readonly absent: string[] = [];
  readonly comparison: Cell[][] = [];

  constructor(
    readonly inputs: ReportInputs,
    readonly opts: ReportOptions,
  ) {}

  async chart(id: string, title: string, spec: Parameters<typeof renderChart>[0], cap: Html): Promise<Html> {
    const { svg, marks, warnings } = await renderChart(spec);
    this.charts.push({ id, title, marks, warnings });
    return figure(id, svg, cap);
  }

  /** States an experiment that has no record, with its comparison rows: the paper's value beside "not run yet". */
  missing(id: ExperimentName, title: string, paperRows: readonly (readonly [quantity: string, paper: string, note: string])[] = []): void {
    this.absent.push(id);
    this.sections.push({ id, title, body: notRun(id, this.inputs.from) });
    for (const [quantity, paper, note] of paperRows) this.comparison.push([quantity, { value: 'not run yet', cls: 'absent' }, paper, '', note]);
  }

  async fig2(runs: ExperimentRuns['fig2']): Promise<void> {
    const title = 'Fig 2 · Feature distributions';
    if (runs.length === 0) return this.missing('fig2', title);
    const latest = [...runs].sort((a, b) => (a.meta.finishedAt < b.meta.finishedAt ? -1 : 1))[runs.length - 1];
    const d = latest.result.distributions;
    const chart = await this.chart('fig2', title, fig2Spec(d), caption(`Counts of users and movies per feature value (${d.length} features).`, provenance([latest.meta])));
    this.sections.push({ id: 'fig2', title, body: chart });
  }

  async fig4a(runs: ExperimentRuns['fig4a']): Promise<void> {
    const title = 'Fig 4A · Validation RMSE against the embedding dimension';
    const p = PUBLISHED.fig4a;
    const paperOf = (side: string): number | undefined => (side === 'users' ? p.usersValRmse : side === 'movies' || side === 'items' ? p.moviesValRmse : undefined);
    if (runs.length === 0) {
      return this.missing('fig4a', title, [
        ['Fig 4A · best d, users', String(p.bestDim), ''],
        ['Fig 4A · best d, movies', String(p.bestDim), ''],
        ['Fig 4A · best validation RMSE, users', fixed(p.usersValRmse), 'at d = 64'],
        ['Fig 4A · best validation RMSE, movies', fixed(p.moviesValRmse), 'at d = 64'],
      ]);
    }
    const rows: BandRow[] = [];
    const bySide = new Map([...groupBy(runs, (r) => r.config.side)].sort(([a], [b]) => bySideFirst(a, b)));
    const tableRows: Cell[][] = [];
    const dims = [...new Set(runs.map((r) => r.config.dim))].sort((a, b) => a - b);
    const spreads = new Map<string, Map<number, Spread>>();
    for (const [side, list] of bySide) {
      const byDim = new Map<number, Spread>();
      for (const [dim, at] of groupBy(list, (r) => r.config.dim)) {
        const s = spread(at.map((r) => r.result.bestValRmse));
        byDim.set(dim, s);
        rows.push({ series: side, x: dim, mean: s.mean, min: s.min, max: s.max, n: s.n });
      }
      spreads.set(side, byDim);
      const [bestDim, best] = [...byDim].reduce((a, b) => (b[1].mean < a[1].mean ? b : a));
      const name = sideName(side);
      const paper = paperOf(side);
      this.comparison.push([`Fig 4A · best d, ${name}`, String(bestDim), String(p.bestDim), { value: bestDim === p.bestDim ? 'same' : `${bestDim > p.bestDim ? '+' : '−'}${Math.abs(bestDim - p.bestDim)}`, cls: bestDim === p.bestDim ? 'even' : 'worse' }, 'smallest mean best validation RMSE over seeds']);
      if (paper !== undefined) {
        this.comparison.push([`Fig 4A · best validation RMSE, ${name} (at our best d = ${bestDim})`, fixed(best.mean), fixed(paper), deltaCell(best.mean, paper), `mean over ${best.n} seed${best.n === 1 ? '' : 's'}; the paper's is at d = 64`]);
        const at64 = byDim.get(p.bestDim);
        if (bestDim !== p.bestDim && at64) this.comparison.push([`Fig 4A · validation RMSE, ${name} at d = 64`, fixed(at64.mean), fixed(paper), deltaCell(at64.mean, paper), 'same d as the paper']);
      }
    }
    for (const dim of dims) tableRows.push([String(dim), ...[...spreads.values()].map((m) => (m.has(dim) ? meanCell(m.get(dim)!) : '—'))]);
    const paperMarks = [...bySide.keys()].flatMap((side) => {
      const v = paperOf(side);
      return v === undefined ? [] : [{ series: side, x: p.bestDim, value: v }];
    });
    const chart = await this.chart(
      'fig4a',
      title,
      fig4aSpec(rows, paperMarks),
      caption(`Best validation (reconstruction) RMSE of each autoencoder against its embedding dimension: line = mean over ${seedsOf(runs)}, band = min–max over seeds; hollow diamonds = the paper's values at d = 64. ${settingsOf(runs, ['dim'])}`, provenance(runs.map((r) => r.meta))),
    );
    const t = table(['d', ...[...spreads.keys()].map((s) => `${sideName(s)}: mean ± sd (seeds)`)], tableRows);
    this.sections.push({ id: 'fig4a', title, body: html`${chart}${t}` });
  }

  async fig4b(runs: ExperimentRuns['fig4b']): Promise<void> {
    const title = 'Fig 4B · Validation RMSE against epochs, attention vs vanilla';
    if (runs.length === 0) return this.missing('fig4b', title);
    const maxPoints = this.opts.maxCurvePoints ?? 600;
    const rows: (BandRow & { side: string })[] = [];
    const tableRows: Cell[][] = [];
    let thinned = 1;
    const groups = [...groupBy(runs, (r) => `${r.config.side}\u0000${r.config.model}`).values()].map((list) => ({ side: list[0].config.side, model: list[0].config.model, list }));
    groups.sort((a, b) => bySideFirst(a.side, b.side) || (a.model < b.model ? -1 : a.model > b.model ? 1 : 0));
    for (const { side, model, list } of groups) {
      const epochs = Math.max(...list.map((r) => r.result.valRmse.length));
      const step = Math.max(1, Math.ceil(epochs / maxPoints));
      thinned = Math.max(thinned, step);
      for (let e = 0; e < epochs; e++) {
        if (e % step !== 0 && e !== epochs - 1) continue;
        const at = list.map((r) => r.result.valRmse[e]).filter((v): v is number => v !== undefined);
        const s = spread(at);
        rows.push({ side, series: model, x: e + 1, mean: s.mean, min: s.min, max: s.max, n: s.n });
      }
      const best = spread(list.map((r) => Math.min(...r.result.valRmse)));
      const bestEpoch = spread(list.map((r) => r.result.valRmse.indexOf(Math.min(...r.result.valRmse)) + 1));
      const last = spread(list.map((r) => r.result.valRmse[r.result.valRmse.length - 1]));
      tableRows.push([sideName(side), model, meanCell(best), bestEpoch.mean.toFixed(0), meanCell(last), String(epochs)]);
    }
    const chart = await this.chart(
      'fig4b',
      title,
      fig4bSpec(rows),
      caption(`Validation RMSE per epoch: line = mean over ${seedsOf(runs)}, band = min–max over seeds${thinned > 1 ? `; one epoch in ${thinned} drawn` : ''}. ${settingsOf(runs)}`, provenance(runs.map((r) => r.meta))),
    );
    const t = table(['side', 'autoencoder', 'best validation RMSE', 'mean best epoch', 'last-epoch RMSE', 'epochs'], tableRows);
    this.sections.push({ id: 'fig4b', title, body: html`${chart}${t}` });
  }

  async table2(runs: ExperimentRuns['table2']): Promise<void> {
    const title = 'Table II · XGBoost setups';
    const setups = PUBLISHED.table2.setups;
    if (runs.length === 0) return this.missing('table2', title, setups.map((s) => [`Table II · setup ${s.setup} (${s.nEstimators} trees), validation RMSE`, fixed(s.tableRmse), "the paper's table row"]));
    const oursLabel = 'ours';
    const sources = [oursLabel, 'paper: table row', 'paper: text'];
    const bars: BarRow[] = [];
    const tableRows: Cell[][] = [];
    const bySetup = groupBy(runs, (r) => r.config.setup);
    for (const s of setups) {
      const list = bySetup.get(s.setup);
      const group = `setup ${s.setup} · ${s.nEstimators} trees`;
      if (list) {
        const o = spread(list.map((r) => r.result.valRmse));
        // a sweep run with --trees scales the setups: say so wherever ours is set beside the paper's
        const trees = [...new Set(list.map((r) => r.config.nEstimators).filter((n) => typeof n === 'number' && n !== s.nEstimators))];
        const fewer = trees.length > 0 ? `; ours with ${trees.join(' / ')} trees` : '';
        bars.push({ group, source: oursLabel, value: o.mean, ...(o.n > 1 ? { min: o.min, max: o.max } : {}), label: fixed(o.mean) });
        this.comparison.push([`Table II · setup ${s.setup} (${s.nEstimators} trees), validation RMSE`, fixed(o.mean), fixed(s.tableRmse), deltaCell(o.mean, s.tableRmse), `the paper's table row; ours: mean over ${o.n} seed${o.n === 1 ? '' : 's'}${fewer}`]);
        if (s.textRmse !== null) this.comparison.push([`Table II · setup ${s.setup} (${s.nEstimators} trees), against the paper's text`, fixed(o.mean), fixed(s.textRmse), deltaCell(o.mean, s.textRmse), `the paper's text, which disagrees with its table${fewer}`]);
        tableRows.push([String(s.setup), `${s.nEstimators}${trees.length > 0 ? ` (ours ${trees.join(' / ')})` : ''}`, meanCell(o), rangeCell(o), fixed(s.tableRmse), s.textRmse === null ? '—' : fixed(s.textRmse)]);
      } else {
        this.comparison.push([`Table II · setup ${s.setup} (${s.nEstimators} trees), validation RMSE`, { value: 'not run yet', cls: 'absent' }, fixed(s.tableRmse), '', "the paper's table row"]);
        tableRows.push([String(s.setup), String(s.nEstimators), { value: 'not run yet', cls: 'absent' }, '—', fixed(s.tableRmse), s.textRmse === null ? '—' : fixed(s.textRmse)]);
      }
      bars.push({ group, source: sources[1], value: s.tableRmse, label: fixed(s.tableRmse) });
      if (s.textRmse !== null) bars.push({ group, source: sources[2], value: s.textRmse, label: fixed(s.textRmse) });
    }
    const params = Object.entries(PUBLISHED.table2.params)
      .map(([k, v]) => `${k} = ${v}`)
      .join(', ');
    const chart = await this.chart(
      'table2',
      title,
      table2Spec(bars, sources),
      caption(
        `Validation RMSE of the XGBoost regressor per setup (only n_estimators varies; ${params}). Ours: mean over ${seedsOf(runs)}, the dark line at the bar's end spans min–max. Grey: the paper's table row, light grey: its text. The paper's Table II row and its text disagree (text: ${setups
          .filter((x) => x.textRmse !== null)
          .map((x) => `${fixed(x.textRmse!)} for setup ${x.setup}`)
          .join(', ')}); both are shown, and the comparison uses the table row first. ${settingsOf(runs, ['nEstimators'])}`,
        provenance(runs.map((r) => r.meta)),
      ),
    );
    const t = table(['setup', 'n_estimators', 'ours: mean ± sd (seeds)', 'ours: min – max', "paper's table", "paper's text"], tableRows);
    this.sections.push({ id: 'table2', title, body: html`${chart}${t}` });
  }

  /** Table III and the cross-validation share one layout: a table and a dot plot of test RMSE per method. */
  async methods(id: 'table3' | 'cv', runs: ExperimentRuns['table3'], title: string): Promise<void> {
    const published = id === 'table3' ? PUBLISHED.table3 : [];
    if (runs.length === 0) return this.missing(id, title, id === 'table3' ? [['Table III · RSAttAE test RMSE', fixed(PUBLISHED.table3.find((m) => m.method === 'RSAttAE')!.rmse), '']] : []);
    const ours = [...groupBy(runs, (r) => r.config.method)].flatMap(([method, list]) => {
      const tested = list.flatMap((r) => (r.result.testRmse === null ? [] : [{ rmse: r.result.testRmse, mae: r.result.testMae ?? undefined }]));
      if (tested.length === 0) return [];
      const maes = tested.flatMap((t) => (t.mae === undefined ? [] : [t.mae]));
      return [
        {
          method: methodName(method),
          test: spread(tested.map((t) => t.rmse)),
          mae: maes.length === tested.length ? spread(maes) : undefined,
          val: list.every((r) => r.result.valRmse !== undefined) ? spread(list.map((r) => r.result.valRmse!)) : undefined,
          fit: spread(list.map((r) => r.result.fitSeconds)),
          splits: [...new Set(list.map((r) => r.config.split))],
        },
      ];
    });
    const untested = [...new Set(runs.filter((r) => r.result.testRmse === null).map((r) => methodName(r.config.method)))];
    const names = [...ours.map((o) => o.method), ...published.filter((p) => !ours.some((o) => sameMethod(o.method, p.method))).map((p) => p.method)];
    const rmseOf = (name: string): number => ours.find((o) => o.method === name)?.test.mean ?? published.find((p) => p.method === name)?.rmse ?? Number.POSITIVE_INFINITY;
    const order = [...names].sort((a, b) => rmseOf(a) - rmseOf(b));
    const dots: DotRow[] = [];
    for (const o of ours) dots.push({ method: o.method, source: 'ours', value: o.test.mean, ...(o.test.n > 1 ? { min: o.test.min, max: o.test.max } : {}) });
    for (const p of published) {
      const mine = ours.find((o) => sameMethod(o.method, p.method));
      dots.push({ method: mine?.method ?? p.method, source: 'paper', value: p.rmse });
      if (mine) this.comparison.push([`Table III · ${p.method} test RMSE (${mine.splits.join(', ')})`, fixed(mine.test.mean), fixed(p.rmse), deltaCell(mine.test.mean, p.rmse), `mean over ${mine.test.n} seed${mine.test.n === 1 ? '' : 's'}`]);
    }
    const paperRsattae = PUBLISHED.table3.find((m) => m.method === 'RSAttAE')!.rmse;
    if (id === 'table3' && !ours.some((o) => sameMethod(o.method, 'RSAttAE'))) this.comparison.push(['Table III · RSAttAE test RMSE', { value: 'not run yet', cls: 'absent' }, fixed(paperRsattae), '', '']);
    const hasVal = ours.some((o) => o.val !== undefined);
    const hasMae = ours.some((o) => o.mae !== undefined);
    const tableRows: Cell[][] = order.map((name) => {
      const o = ours.find((x) => x.method === name);
      const p = published.find((x) => sameMethod(x.method, name));
      return [
        name,
        o ? meanCell(o.test) : { value: 'not measured', cls: 'absent' },
        o ? rangeCell(o.test) : '—',
        ...(hasMae ? [o?.mae ? fixed(o.mae.mean) : '—'] : []),
        ...(hasVal ? [o?.val ? fixed(o.val.mean) : '—'] : []),
        o ? `${o.fit.mean.toFixed(1)} s` : '—',
        ...(id === 'table3' ? [p ? fixed(p.rmse) : '—', o && p ? deltaCell(o.test.mean, p.rmse) : ''] : []),
      ];
    });
    const splits = [...new Set(runs.map((r) => r.config.split))];
    const note = untested.length > 0 ? html`<p class="note">No test ratings, so no test RMSE, for: ${untested.join(', ')}.</p>` : html``;
    if (ours.length === 0) {
      this.sections.push({ id, title, body: note });
      return;
    }
    const chart = await this.chart(
      id,
      title,
      dotPlotSpec(dots, order, 'test RMSE (rating points)'),
      caption(
        `Test RMSE per method on ${splits.join(', ')}: filled dots = our mean over ${id === 'cv' ? `the folds (${seedsOf(runs)})` : seedsOf(runs)}, the line spans min–max${id === 'table3' ? "; hollow diamonds = the paper's Table III" : ''}. ${settingsOf(runs)}`,
        provenance(runs.map((r) => r.meta)),
      ),
    );
    const head = [
      'method',
      `ours: test RMSE ± sd (${id === 'cv' ? 'runs' : 'seeds'})`,
      'min – max',
      ...(hasMae ? ['test MAE'] : []),
      ...(hasVal ? ['validation RMSE'] : []),
      'fit time',
      ...(id === 'table3' ? ["paper's RMSE", 'Δ ours − paper'] : []),
    ];
    this.sections.push({ id, title, body: html`${table(head, tableRows)}${note}${chart}` });
  }

  async training(model: ModelCurves | undefined): Promise<void> {
    const id = 'training';
    const title = 'Learning curves of the last training run';
    if (!model) {
      this.absent.push(id);
      this.sections.push({ id, title, body: html`<p class="missing">No model given: add <code>--model DIR</code> (a bundle from <code>rsattae train --out DIR</code>).</p>` });
      return;
    }
    const maxPoints = this.opts.maxCurvePoints ?? 600;
    const rows: CurveRow[] = [];
    const best: { side: string; epoch: number; value: number }[] = [];
    const tableRows: Cell[][] = [];
    for (const side of ['users', 'movies'] as const) {
      const c = model.curves[side];
      const n = c.validationRmse.length;
      const step = Math.max(1, Math.ceil(n / maxPoints));
      for (let e = 0; e < n; e++) {
        if (e % step !== 0 && e !== n - 1) continue;
        rows.push({ side, series: 'validation RMSE', epoch: e + 1, value: c.validationRmse[e] });
        if (c.trainLoss[e] !== undefined) rows.push({ side, series: 'training loss', epoch: e + 1, value: c.trainLoss[e] });
      }
      const bestEpoch = c.bestEpoch ?? c.validationRmse.indexOf(Math.min(...c.validationRmse)) + 1;
      const bestValue = c.validationRmse[bestEpoch - 1];
      if (bestValue !== undefined) best.push({ side, epoch: bestEpoch, value: bestValue });
      tableRows.push([side, String(model.dims[side]), String(n), String(bestEpoch), bestValue === undefined ? '—' : fixed(bestValue), n > 0 ? fixed(c.validationRmse[n - 1]) : '—', n > 0 ? fixed(c.trainLoss[n - 1]) : '—']);
    }
    const metrics = Object.entries(model.metrics).map(([name, m]) => [name, fixed(m.rmse), fixed(m.mae)] as Cell[]);
    const v = model.versions;
    const chart = await this.chart(
      id,
      title,
      curvesSpec(rows, best),
      caption(
        'Training loss (dashed; RMSE on the training entries, with dropout) and validation RMSE (solid) per epoch of both autoencoders; dots = the epoch whose weights were kept.',
        html`<p class="provenance">Command: <code>rsattae train --out ${model.dir}</code> (the bundle records no command line or machine). Date: ${when(model.createdAt)}. Trained with rsattae ${v.rsattae}, Node ${v.node}, XGBoost ${v.xgboost}${model.dataset ? `, on ${model.dataset} ${model.split ?? ''}` : ''}.</p>`,
      ),
    );
    const t = table(['side', 'd', 'epochs', 'kept epoch', 'validation RMSE there', 'last validation RMSE', 'last training loss'], tableRows);
    const mt = metrics.length > 0 ? table(['stored metric', 'RMSE', 'MAE'], metrics, 'Metrics the bundle stores (rating points)') : html``;
    this.sections.push({ id, title, body: html`${chart}${t}${mt}` });
  }

  async ranking(evaluation: Evaluation | undefined): Promise<void> {
    const id = 'ranking';
    const title = 'Test and ranking metrics';
    if (!evaluation) {
      this.absent.push(id);
      this.sections.push({ id, title, body: html`<p class="missing">No evaluation given: save <code>rsattae evaluate --model DIR --json &gt; evaluation.json</code> and add <code>--evaluation evaluation.json</code>.</p>` });
      return;
    }
    const e = evaluation;
    const rows: Cell[][] = [
      ['test RMSE', fixed(e.test.rmse)],
      ['test MAE', fixed(e.test.mae)],
      ['test ratings scored', String(e.test.count)],
    ];
    const prov = html`<p class="provenance">Command: <code>rsattae evaluate … --json</code>, saved as <code>${e.file}</code> (the output records no command line or machine). Date: ${when(e.modifiedAt)} (the file's modification time).</p>`;
    let chart = html``;
    if (e.ranking) {
      const r = e.ranking;
      const metrics = [
        { metric: `precision@${r.k}`, value: r.precision },
        { metric: `recall@${r.k}`, value: r.recall },
        { metric: `NDCG@${r.k}`, value: r.ndcg },
        { metric: `MAP@${r.k}`, value: r.map },
        { metric: `hit rate@${r.k}`, value: r.hitRate },
        { metric: `coverage@${r.k}`, value: r.coverage },
      ];
      for (const m of metrics) rows.push([m.metric, fixed(m.value)]);
      chart = await this.chart(id, title, rankingSpec(metrics), caption(`Top-${r.k} ranking of ${r.users} test users with a test rating ≥ ${r.relevance}; every item a user has not rated is ranked. Coverage is the share of the catalogue in anyone's top ${r.k}.`, prov));
    }
    const t = table(['metric', 'value'], rows, `${e.algorithm ? `${e.algorithm} on ` : ''}${e.dataset} ${e.split}`);
    this.sections.push({ id, title, body: html`${t}${chart}${e.ranking ? '' : html`<p class="note">The evaluation holds no ranking metrics (run <code>rsattae evaluate</code> with ranking on).</p>${prov}`}` });
  }

  async coldstart(cs: ColdStart | undefined): Promise<void> {
    const id = 'coldstart';
    const title = 'Fold-in (cold start)';
    if (!cs) {
      this.absent.push(id);
      this.sections.push({ id, title, body: html`<p class="missing">No fold-in results given: add <code>--coldstart bench/coldstart/results.json</code>.</p>` });
      return;
    }
    const rows: ColdRow[] = [];
    const ceilings: { side: string; rmse: number }[] = [];
    const methods: string[] = [];
    const details: Html[] = [];
    for (const side of ['users', 'items'] as const) {
      const s = cs[side];
      if (!s) continue;
      for (const [method, values] of Object.entries(s.rmse)) {
        if (!methods.includes(method)) methods.push(method);
        values.forEach((v, i) => {
          if (v !== null) rows.push({ side, method, k: s.k[i], rmse: v });
        });
      }
      if (s.ceilingRetrainedWithFirst20 !== undefined) ceilings.push({ side, rmse: s.ceilingRetrainedWithFirst20 });
      const head = ['method', ...s.k.map((k) => `k = ${k}`)];
      const body = Object.entries(s.rmse).map(([method, values]) => [method, ...values.map((v) => (v === null ? '—' : fixed(v)))] as Cell[]);
      details.push(html`<details><summary>New ${side}: RMSE per method and k (${s.scoredRatings ?? '?'} test ratings of ${s.scoredEntities ?? '?'} ${side})</summary>${table(head, body)}</details>`);
    }
    const m = cs.machine;
    const machine = [m.cpu, m.cores === undefined ? undefined : `${m.cores} cores`, m.memGB === undefined ? undefined : `${m.memGB} GB`, m.node ? `Node ${m.node}` : undefined].filter(Boolean).join(', ');
    const chart = await this.chart(
      id,
      title,
      coldstartSpec(rows, ceilings, methods),
      caption(
        `Test RMSE of a new user's (left) or item's (right) ratings, after folding in the first k of them, per method; the dashed line is the ceiling of a model retrained with the first 20 ratings.`,
        html`<p class="provenance">Command: <code>${cs.command}</code>. Date: ${when(cs.date)}. Machine: ${machine || 'not recorded'}. File: <code>${cs.file}</code>.</p>`,
      ),
    );
    this.sections.push({ id, title, body: html`${chart}${details}` });
  }
}

/**
 * Builds the report page from what {@link readReportInputs} read. Missing experiments and absent optional inputs are
 * stated in the page (with the command that makes them), never errors. Returns the HTML; the caller writes it.
 */
export async function buildReport(inputs: ReportInputs, opts: ReportOptions = {}): Promise<Report> {
  const b = new Builder(inputs, opts);
  const runs = inputs.runs;
  await b.fig2(runs.fig2);
  await b.fig4a(runs.fig4a);
  await b.fig4b(runs.fig4b);
  await b.table2(runs.table2);
  await b.methods('table3', runs.table3, 'Table III · Test RMSE on ML-100K u1');
  await b.methods('cv', runs.cv, 'Cross-validation · Test RMSE over folds');
  await b.training(inputs.model);
  await b.ranking(inputs.evaluation);
  await b.coldstart(inputs.coldstart);

  const missing = EXPERIMENT_NAMES.filter((e) => runs[e].length === 0);
  const comparison: Section = {
    id: 'comparison',
    title: "Our figures against the paper's",
    body: html`<p>Δ = ours − paper, in RMSE (rating points): <span style="color:var(--better)">negative</span> means our error is lower. Table II's row and its text disagree in the paper; each setup is compared with the table row, and setups 1 and 4 also with the text.</p>${table(['quantity', 'ours', 'paper', 'Δ', 'note'], b.comparison)}`,
  };
  const generatedAt = opts.generatedAt ?? new Date();
  const counts = EXPERIMENT_NAMES.map((e) => `${e} ${runs[e].length}`).join(', ');
  const header = html`<p class="lede">RSAttAE (attention autoencoders + XGBoost) measured against the paper's figures and tables.</p><dl class="meta"><dt>generated</dt><dd>${when(generatedAt.toISOString())}</dd><dt>machine</dt><dd>${opts.machine ?? machineDescription()}</dd><dt>rsattae</dt><dd>${VERSION}</dd>${opts.command ? html`<dt>command</dt><dd><code>${opts.command}</code></dd>` : ''}<dt>experiments</dt><dd><code>${inputs.from}</code> · runs: ${counts}${missing.length > 0 ? `; not run yet: ${missing.join(', ')}` : ''}</dd></dl>`;
  const footer = html`Made by <code>rsattae report</code> ${VERSION}. Self-contained: inline styles and SVG, no scripts, no network.`;
  const html_ = page('RSAttAE experiment report', header, [comparison, ...b.sections], b.absent, footer);
  return { html: html_, charts: b.charts, missing };
}
