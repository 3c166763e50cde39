/**
 * `rsattae embed`: trains the user and/or movie autoencoder on a MovieLens split and reports (or writes) the
 * embeddings and learning curves.
 *
 *   rsattae embed [dataset options, as train] [--side users|movies|both] [--model attention|vanilla] [--dim 64]
 *                 [--epochs 1000] [--patience N] [--seed 42] [--val-fraction 0.1] [--restore best|last]
 *                 [--backend wasm|cpu] [--out DIR] [--json] [--data-dir DIR]
 *
 * Progress goes to stderr; with `--json` stdout carries exactly one JSON object. `--out DIR` writes, per side,
 * `DIR/<side>/embeddings.npy` (float32 n × d, row k = id k+1), `DIR/<side>/curves.csv` and the module in `DIR/<side>/model/`.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Command } from 'commander';
import { writeFileAtomic } from '../core/atomic-fs.js';
import type { Float32Matrix } from '../core/types.js';
import { resolveDataDir } from '../data/location.js';
import { loadData } from '../model/prepare-data.js';
import { checkConfigInput } from '../model/rsattae-config.js';
import { resolveAutoencoderConfig } from '../nn/autoencoder-config.js';
import { initBackend, type TrainedAutoencoder, trainAutoencoder } from '../nn/index.js';
import { type Side, sideData } from '../nn/side-data.js';
import { createProgress, note, parseChoice, writeJson } from './command-helpers.js';
import { EMBED_AUTOENCODER_OPTIONS, PREPARATION_OPTIONS } from './config-options.js';
import { addDatasetOptions, type DatasetOptions, descriptorFromOptions } from './dataset-options.js';
import { addSchemaOptions, givenValues } from './schema-options.js';

/** The options of `embed` besides its configuration flags (read with givenValues). */
interface EmbedOptions extends DatasetOptions {
  side: Side | 'both';
  out?: string;
  json?: boolean;
}

/** A float32 matrix as NumPy .npy (format 1.0, little-endian, C order). */
function npy(m: Float32Matrix): Uint8Array {
  let header = `{'descr': '<f4', 'fortran_order': False, 'shape': (${m.rows}, ${m.cols}), }`;
  // magic (6) + version (2) + length (2) + header + '\n' must be a multiple of 64
  header += ' '.repeat(63 - ((10 + header.length) % 64));
  header += '\n';
  const out = new Uint8Array(10 + header.length + m.data.byteLength);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0, header.length & 0xff, header.length >> 8]);
  out.set(Buffer.from(header, 'latin1'), 10);
  const body = new DataView(out.buffer, 10 + header.length);
  for (let i = 0; i < m.data.length; i++) body.setFloat32(4 * i, m.data[i], true);
  return out;
}

async function writeSide(dir: string, res: TrainedAutoencoder): Promise<void> {
  await mkdir(dir, { recursive: true });
  await writeFileAtomic(join(dir, 'embeddings.npy'), npy(res.embeddings));
  if (res.attended) await writeFileAtomic(join(dir, 'attended.npy'), npy(res.attended));
  let csv = 'epoch,train_loss,validation_rmse\n';
  for (let e = 0; e < res.epochsRun; e++) csv += `${e + 1},${res.history.trainLoss[e]},${res.history.validationRmse[e]}\n`;
  await writeFileAtomic(join(dir, 'curves.csv'), csv);
  await res.save(join(dir, 'model'));
}

const round = (x: number, digits = 4): number | null => (Number.isFinite(x) ? Number(x.toFixed(digits)) : null);

/** Registers `embed` on the program. */
export function registerEmbedCommand(program: Command): void {
  const cmd = program.command('embed').description('train the user and/or item autoencoder and report or write their embeddings');
  // the split's seed and share as train takes them; the autoencoder's settings with its own defaults (the reference's)
  addDatasetOptions(addSchemaOptions(cmd, [...PREPARATION_OPTIONS, ...EMBED_AUTOENCODER_OPTIONS]))
    .option('--side <side>', 'users, movies or both', parseChoice(['users', 'movies', 'both'] as const), 'both')
    .option('--out <dir>', 'write embeddings (.npy), learning curves (.csv) and the modules here')
    .option('--json', 'print one JSON object with the results')
    .action(async (opts: EmbedOptions) => {
      const prep = checkConfigInput(givenValues(cmd, PREPARATION_OPTIONS));
      // every module of embed gets the seed as it is (train derives one per module)
      const settings = resolveAutoencoderConfig({ ...givenValues(cmd, EMBED_AUTOENCODER_OPTIONS), seed: prep.seed });
      await initBackend(settings.backend);
      const { data } = await loadData(await descriptorFromOptions(opts), {
        dataDir: resolveDataDir(opts.dataDir),
        valFraction: prep.valFraction,
        seed: prep.seed,
      });
      const sides: Side[] = opts.side === 'both' ? ['users', 'movies'] : [opts.side];
      const report: Record<string, unknown> = {};
      const { epochs } = settings;
      for (const side of sides) {
        const input = sideData(data, side);
        const progress = createProgress(`${side} autoencoder`, { total: epochs });
        const t0 = performance.now();
        const res = await trainAutoencoder(input, settings, { onEpoch: (e) => progress.update(e.epoch) });
        const seconds = (performance.now() - t0) / 1000;
        progress.stop(
          `${side}: best validation RMSE ${res.bestValidationRmse.toFixed(4)} at epoch ${res.bestEpoch} of ${res.epochsRun}, ` +
            `${res.msPerEpoch.toFixed(1)} ms/epoch, alpha ${Number.isNaN(res.alpha) ? '-' : res.alpha.toFixed(3)}`,
        );
        report[side] = {
          model: settings.model,
          dim: settings.dim,
          epochs,
          epochsRun: res.epochsRun,
          bestEpoch: res.bestEpoch,
          bestValidationRmse: round(res.bestValidationRmse, 5),
          msPerEpoch: round(res.msPerEpoch, 2),
          seconds: round(seconds, 2),
          alpha: round(res.alpha, 5),
        };
        if (opts.out) {
          await writeSide(join(opts.out, side), res);
          note(`${side}: wrote ${join(opts.out, side)}`);
        }
        res.dispose();
      }
      report.peakRssMB = Math.round(process.resourceUsage().maxRSS / 1024);
      if (opts.json) writeJson(report);
    });
}
