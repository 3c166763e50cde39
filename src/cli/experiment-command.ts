/**
 * `rsattae experiment <name>`: the paper's experiments as resumable sweeps (see src/evaluation/experiment-*.ts). A thin layer:
 * parse options, draw progress on stderr (a bar on a terminal, one line per run otherwise), print a summary (one JSON
 * object with --json). `--dry-run` lists the runs and their estimated time without training anything.
 */
import { resolve } from 'node:path';
import { MultiBar } from 'cli-progress';
import { type Command, InvalidArgumentError } from 'commander';
import { resolveDataDir } from '../data/location.js';
import type { PlannedRun } from '../evaluation/experiment-plan.js';
import { experimentSettingsSchema, parseExperimentName, TABLE3_METHODS } from '../evaluation/experiment-plan.js';
import { EXPERIMENT_NAMES, type ExperimentRecord } from '../evaluation/experiment-record.js';
import { type ExperimentEvent, type ExperimentPlan, planRuns, runExperiment } from '../evaluation/experiment-run.js';
import { note, writeJson } from './command-helpers.js';
import { addDatasetOptions, type DatasetOptions, descriptorFromOptions } from './dataset-options.js';
import { addSchemaOptions, type SchemaOption } from './schema-options.js';

interface ExperimentCliOptions extends DatasetOptions {
  seeds?: number[];
  out: string;
  epochs?: number;
  trees?: number;
  dim?: number;
  dims?: number[];
  valFraction?: number;
  methods?: string[];
  dryRun?: boolean;
  json?: boolean;
}

/** A comma-separated list parsed item by item (commander usage error, exit 2, on a bad item). */
function listOf<T>(parse: (v: string) => T): (value: string) => T[] {
  return (value) => {
    const parts = value.split(',').map((p) => p.trim());
    if (parts.some((p) => p === '')) throw new InvalidArgumentError('expected a comma-separated list without empty items.');
    return parts.map(parse);
  };
}

/** Duration as `1 h 02 min`, `3 min 05 s` or `12 s`. */
export function formatSeconds(s: number): string {
  const t = Math.round(s);
  if (t >= 3600) return `${Math.floor(t / 3600)} h ${String(Math.floor((t % 3600) / 60)).padStart(2, '0')} min`;
  if (t >= 60) return `${Math.floor(t / 60)} min ${String(t % 60).padStart(2, '0')} s`;
  return `${t} s`;
}

/** A run's label: the config fields whose values differ between the plan's runs (e.g. `method=svd seed=1`). */
function labeller(runs: readonly PlannedRun[]): (run: PlannedRun) => string {
  const varying = new Set<string>();
  for (const r of runs) {
    for (const [k, v] of Object.entries(r.config)) if (JSON.stringify(runs[0].config[k]) !== JSON.stringify(v)) varying.add(k);
  }
  return (run) => {
    const parts = Object.entries(run.config).filter(([k]) => varying.has(k));
    return parts.length === 0 ? run.key : parts.map(([k, v]) => `${k}=${Array.isArray(v) ? v.join(',') : v}`).join(' ');
  };
}

/** The headline numbers of a record's result, for the per-run line. */
function headline(r: ExperimentRecord): string {
  const fmt = (k: string): string | undefined => (typeof r.result[k] === 'number' ? `${k} ${(r.result[k] as number).toFixed(4)}` : undefined);
  const shown = ['testRmse', 'valRmse', 'bestValRmse'].map(fmt).filter((x) => x !== undefined);
  if (Array.isArray(r.result.valRmse)) shown.push(`${r.result.valRmse.length} epochs`);
  if (Array.isArray(r.result.distributions)) shown.push(`${r.result.distributions.length} features`);
  return shown.join(', ');
}

/** Progress on stderr: a bar over the runs plus the current stage on a terminal, plain lines otherwise. */
function progressReporter(): { onEvent: (e: ExperimentEvent) => void; stop: () => void } {
  const tty = process.stderr.isTTY === true;
  const multi = tty ? new MultiBar({ stream: process.stderr, format: '{label} [{bar}] {value}/{total} runs | {stage} | {left}', hideCursor: true, clearOnComplete: false }) : undefined;
  let bar: ReturnType<MultiBar['create']> | undefined;
  let label: (r: PlannedRun) => string = (r) => r.key;
  let todo = 0;
  let finished = 0;
  // time left: the cost model's estimate of the runs not finished, corrected by how the finished ones compared
  let estimatedLeft = 0;
  let estimatedDone = 0;
  let actualDone = 0;
  const left = (): string => `about ${formatSeconds(estimatedLeft * (estimatedDone > 0 ? actualDone / estimatedDone : 1))} left`;
  const line = (s: string): void => {
    if (multi) multi.log(`${s}\n`);
    else note(s);
  };
  return {
    onEvent(e) {
      if (e.type === 'plan') {
        label = labeller(e.plan.runs);
        todo = e.plan.runs.filter((r) => !r.done).length;
        const skipped = e.plan.runs.length - todo;
        note(`${e.plan.experiment}: ${e.plan.runs.length} runs, ${skipped} already recorded, ${todo} to run (estimated ${formatSeconds(e.plan.estimatedSeconds)})`);
        estimatedLeft = e.plan.estimatedSeconds;
        bar = multi?.create(todo, 0, { label: e.plan.experiment, stage: '', left: left() });
      } else if (e.type === 'start') {
        line(`[${finished + 1}/${todo}] ${label(e.run)}: started (estimated ${formatSeconds(e.run.estimatedSeconds)})`);
      } else if (e.type === 'progress') {
        bar?.update(finished, { stage: `${e.stage} ${e.done}/${e.total}`, left: left() });
      } else {
        finished++;
        estimatedLeft -= e.run.estimatedSeconds;
        if (e.run.estimatedSeconds > 0) {
          estimatedDone += e.run.estimatedSeconds;
          actualDone += e.record.meta.seconds;
        }
        bar?.update(finished, { stage: '', left: left() });
        line(`[${finished}/${todo}] ${label(e.run)}: ${headline(e.record)} (${e.record.meta.seconds.toFixed(1)} s)`);
      }
    },
    stop() {
      multi?.stop();
    },
  };
}

/** mean ± sample std of testRmse per method (table3 and cv), the summary printed at the end. */
function methodSummary(records: readonly ExperimentRecord[]): { method: string; runs: number; mean: number; std: number }[] {
  const by = new Map<string, number[]>();
  for (const r of records) {
    const m = r.config.method;
    const v = r.result.testRmse;
    if (typeof m === 'string' && typeof v === 'number') by.set(m, [...(by.get(m) ?? []), v]);
  }
  return [...by].map(([method, xs]) => {
    const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
    const std = xs.length > 1 ? Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / (xs.length - 1)) : 0;
    return { method, runs: xs.length, mean, std };
  });
}

function printPlan(plan: ExperimentPlan, out: string): void {
  const label = labeller(plan.runs);
  const todo = plan.runs.filter((r) => !r.done).length;
  process.stdout.write(`${plan.experiment}: ${plan.runs.length} runs into ${resolve(out, plan.experiment)}/, ${plan.runs.length - todo} already recorded\n`);
  for (const r of plan.runs) {
    process.stdout.write(`  ${r.key}  ${r.done ? 'done    ' : formatSeconds(r.estimatedSeconds).padStart(8)}  ${label(r)}\n`);
  }
  process.stdout.write(`estimated time of the ${todo} runs to do: ${formatSeconds(plan.estimatedSeconds)} (cost model: COST_MODEL in src/evaluation/experiment-plan.ts)\n`);
}

async function experiment(name: string, opts: ExperimentCliOptions): Promise<void> {
  const experimentName = parseExperimentName(name);
  const common = {
    dataset: await descriptorFromOptions(opts),
    dataDir: resolveDataDir(opts.dataDir),
    out: resolve(opts.out),
    seeds: opts.seeds,
    epochs: opts.epochs,
    trees: opts.trees,
    dim: opts.dim,
    dims: opts.dims,
    valFraction: opts.valFraction,
    methods: opts.methods,
  };
  if (opts.dryRun) {
    const plan = await planRuns(experimentName, common);
    if (opts.json) {
      writeJson({
        experiment: plan.experiment,
        out: common.out,
        estimatedSeconds: Math.round(plan.estimatedSeconds),
        runs: plan.runs.map((r) => ({ key: r.key, file: r.file, done: r.done, estimatedSeconds: Math.round(r.estimatedSeconds), config: r.config })),
      });
    } else printPlan(plan, common.out);
    return;
  }
  const abort = new AbortController();
  const onSigint = (): void => {
    if (abort.signal.aborted) process.exit(130);
    note('stopping after the current run (Ctrl-C again to stop at once; recorded runs are kept either way)');
    abort.abort(new Error('interrupted: rerun the same command to continue'));
  };
  process.on('SIGINT', onSigint);
  const progress = progressReporter();
  const command = ['rsattae', ...process.argv.slice(2)].map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, "'\\''")}'`)).join(' ');
  let summary: Awaited<ReturnType<typeof runExperiment>>;
  try {
    summary = await runExperiment(experimentName, { ...common, command, onEvent: progress.onEvent, signal: abort.signal });
  } finally {
    progress.stop();
    process.off('SIGINT', onSigint);
  }
  const methods = methodSummary(summary.records);
  if (opts.json) {
    writeJson({ experiment: summary.experiment, out: common.out, ran: summary.ran, skipped: summary.skipped, ...(methods.length ? { testRmse: methods } : {}), records: summary.records });
    return;
  }
  process.stdout.write(`${summary.experiment}: ${summary.ran} runs done now, ${summary.skipped} were already recorded; records in ${resolve(common.out, summary.experiment)}/\n`);
  for (const m of methods) {
    process.stdout.write(`  ${m.method.padEnd(20)} test RMSE ${m.mean.toFixed(4)} ± ${m.std.toFixed(4)} (${m.runs} run${m.runs === 1 ? '' : 's'})\n`);
  }
}

/** Registers `experiment` on the program. */
export function registerExperimentCommand(program: Command): void {
  const cmd = program
    .command('experiment')
    .description(`run one of the paper's experiments (${EXPERIMENT_NAMES.join(', ')}) as a resumable sweep: one JSON record per run in --out; a rerun skips recorded runs`)
    .argument('<name>', `the experiment: ${EXPERIMENT_NAMES.join(', ')}`);
  // the sweep's settings: description, default and validation from the experiment's schema (the configuration's fields)
  const settings = experimentSettingsSchema.shape;
  const flag = (flags: string, field: keyof typeof settings): SchemaOption => ({ flags, path: [field], schema: settings[field] });
  addSchemaOptions(cmd, [
    flag('--seeds <list>', 'seeds'),
    flag('--epochs <n>', 'epochs'),
    flag('--trees <n>', 'trees'),
    flag('--dim <n>', 'dim'),
    flag('--dims <list>', 'dims'),
    flag('--val-fraction <f>', 'valFraction'),
  ]);
  addDatasetOptions(cmd)
    .option('--out <dir>', 'where records go: <dir>/<experiment>/<key>.json', 'experiments')
    .option('--methods <list>', `table3 / cv: the methods (default all: ${TABLE3_METHODS.join(', ')})`, listOf(String))
    .option('--dry-run', 'list the runs (done or to do) with their estimated time, and train nothing')
    .option('--json', 'print one JSON object on stdout')
    .action((name: string, opts: ExperimentCliOptions) => experiment(name, opts));
}
