/** `rsattae report`: reads experiment records (and optionally a model, an evaluation, fold-in results) and writes one HTML page. */
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { writeFileAtomic } from '../core/atomic-fs.js';
import { buildReport } from '../report/build-report.js';
import { readReportInputs } from '../report/inputs.js';
import { note } from './command-helpers.js';

interface ReportCliOptions {
  from: string;
  out: string;
  model?: string;
  evaluation?: string;
  coldstart?: string;
}

/** The command line as the user typed it, for the report's header. */
function commandLine(argv: readonly string[]): string {
  const quote = (a: string): string => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`);
  return ['rsattae', ...argv.map(quote)].join(' ');
}

async function report(opts: ReportCliOptions, argv: readonly string[]): Promise<void> {
  const inputs = await readReportInputs({ from: opts.from, model: opts.model, evaluation: opts.evaluation, coldstart: opts.coldstart });
  const result = await buildReport(inputs, { command: commandLine(argv) });
  const out = resolve(opts.out);
  await writeFileAtomic(out, result.html);
  const missing = result.missing.length > 0 ? `; not run yet: ${result.missing.join(', ')}` : '';
  note(`wrote ${out} (${result.charts.length} charts, ${Math.round(Buffer.byteLength(result.html) / 1024)} KB${missing})`);
}

/** Registers `report`. */
export function registerReportCommand(program: Command): void {
  program
    .command('report')
    .description('write one self-contained HTML report (charts as inline SVG) of the experiments in --from, compared with the paper')
    .requiredOption('--from <dir>', 'the folder `rsattae experiment --out` wrote its records to')
    .requiredOption('--out <file>', 'the HTML file to write (replaced atomically)')
    .option('--model <dir>', 'a model bundle (`rsattae train --out DIR`): its learning curves')
    .option('--evaluation <file>', 'the output of `rsattae evaluate --json` (test and ranking metrics)')
    .option('--coldstart <file>', "the fold-in study's results (bench/coldstart/results.json)")
    .action((opts: ReportCliOptions) => report(opts, process.argv.slice(2)));
}
