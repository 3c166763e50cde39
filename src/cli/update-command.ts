/**
 * `rsattae update`: adds a ratings file to a saved model (new users and items too) and writes a new bundle. Thin over
 * {@link updateModel}: it rebuilds the ratings the model learnt from (the bundle's recorded dataset, read again as
 * `evaluate` does, plus the files of earlier updates), reads the new file with the recorded reading options, and
 * scores the new model on the recorded test set.
 */
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { InputError } from '../core/errors.js';
import { IdMap } from '../data/dataset.js';
import { readRatingsFile } from '../data/delimited.js';
import { type DatasetDescriptor, ratingsReading } from '../data/descriptor.js';
import { resolveDataDir } from '../data/location.js';
import { alignRatings } from '../data/split.js';
import {
  type BoosterUpdate,
  DEFAULT_UPDATE_EPOCHS,
  DEFAULT_UPDATE_ROUNDS,
  mergeRatings,
  type TrainedRatings,
  updateModel,
} from '../model/incremental-update.js';
import type { UpdateRecord } from '../model/model-types.js';
import { recordedDescriptor, reloadTrainedData } from '../model/prepare-data.js';
import { RSAttAE } from '../model/rsattae.js';
import { readManifest } from '../store/model-bundle.js';
import { addDataDirOption, createProgress, note, type Progress, parseChoice, parsePositiveInt, writeJson } from './command-helpers.js';
import { addReadingOptions, type DatasetOptions, readingFields } from './dataset-options.js';

interface UpdateCliOptions extends Pick<DatasetOptions, 'columns' | 'sep' | 'header' | 'encoding' | 'duplicates' | 'dataDir'> {
  model: string;
  ratings: string;
  out: string;
  epochs: number;
  booster: BoosterUpdate;
  rounds: number;
  json?: boolean;
}

const round = (x: number, digits = 4): number => Number(x.toFixed(digits));

/** The reading fields of a descriptor (what an update records for its file). */
function readingOf(d: Partial<DatasetDescriptor>): Partial<DatasetDescriptor> {
  const out: Record<string, unknown> = {};
  for (const k of ['sep', 'header', 'encoding', 'duplicates', 'columns'] as const) if (d[k] !== undefined) out[k] = d[k];
  return out as Partial<DatasetDescriptor>;
}

/** Reads a ratings file with `reading`, on the model's rating scale (a rating outside it names file:line). */
async function readNew(file: string, reading: Partial<DatasetDescriptor>, model: RSAttAE) {
  const users = new IdMap();
  const items = new IdMap();
  const read = await readRatingsFile(file, { ...ratingsReading(reading), scale: model.scale, users, items });
  return { ratings: read.ratings, users, items, sha256: read.sha256 };
}

async function update(opts: UpdateCliOptions): Promise<void> {
  const t0 = performance.now();
  const from = resolve(opts.model);
  const out = resolve(opts.out);
  if (out === from) throw new InputError(`--out ${opts.out} is the model bundle being updated; give another directory (the old bundle is kept)`);
  const manifest = await readManifest(from);
  const trained = recordedDescriptor(manifest, opts.model);
  if (!trained) {
    throw new InputError(`model bundle ${opts.model} records no dataset, so the ratings it learnt from cannot be read again; update it through the library (updateModel) with those ratings`);
  }
  const model = await RSAttAE.load(from, { autoencoders: true });
  let updated: RSAttAE | undefined;
  try {
    const { prepared, align } = await reloadTrainedData(trained, manifest.config, model, { dataDir: resolveDataDir(opts.dataDir) });
    const train = align(prepared.data.train);
    const validation = align(prepared.data.validation);
    if (train.unknown.ratings + validation.unknown.ratings > 0) {
      throw new InputError(`the dataset recorded in ${opts.model} has changed since training (${train.unknown.ratings + validation.unknown.ratings} of its ratings name users or items the model does not know); train a new model instead`);
    }
    // earlier updates' files, merged as they were (the same hold-out and replacements)
    let previous: TrainedRatings = { train: train.ratings, validation: validation.ratings };
    for (const u of manifest.data?.updates ?? []) {
      const read = await readNew(u.file, u.reading, model);
      if (read.sha256 !== u.sha256) throw new InputError(`${u.file}, added to this model by an earlier update, has changed since (its SHA-256 differs); the ratings the model learnt from cannot be rebuilt`);
      const aligned = alignRatings(read.ratings, read, model);
      if (aligned.unknown.ratings > 0) throw new InputError(`${u.file}, added by an earlier update, names users or items the model does not know`);
      previous = mergeRatings(previous, aligned.ratings, manifest.config.valFraction, manifest.config.seed);
    }
    const file = resolve(opts.ratings);
    const inherited = trained.ratings !== undefined ? readingOf(trained) : {};
    const reading = { ...inherited, ...readingFields(opts) };
    const fresh = await readNew(file, reading, model);
    if (fresh.ratings.rating.length === 0) throw new InputError(`${opts.ratings} holds no ratings`);
    const record: UpdateRecord = { file, sha256: fresh.sha256, reading };

    let bar: Progress | undefined;
    const done = { users: 0, movies: 0 };
    const outcome = await updateModel(
        model,
        previous,
        { ...fresh, userFeatures: prepared.dataset.userFeatures, itemFeatures: prepared.dataset.itemFeatures, record },
        {
          epochs: opts.epochs,
          booster: opts.booster,
          rounds: opts.rounds,
          onStage(stage) {
            if (stage === 'xgboost') {
              bar?.stop();
              bar = createProgress(opts.booster === 'continue' ? `xgboost (${opts.rounds} more trees)` : 'xgboost (retrain)');
            } else bar ??= createProgress(`autoencoders (warm start, ${opts.epochs} epochs each)`, { total: 2 * opts.epochs });
          },
          onProgress(p) {
            if (p.stage === 'xgboost') bar?.update(p.iteration + 1, p.nIterations);
            else {
              done[p.stage] = p.epoch;
              bar?.update(done.users + done.movies);
            }
          },
        },
      );
    updated = outcome.model;
    bar?.stop();
    const report = updated.report!;
    const testSet = alignRatings(prepared.test, { users: prepared.data.users!, items: prepared.data.items! }, updated);
    const test = testSet.ratings.rating.length > 0 ? updated.evaluate(testSet.ratings) : undefined;
    const added = alignRatings(fresh.ratings, fresh, updated).ratings;
    const testPairs = new Set(Array.from(testSet.ratings.user, (u, k) => `${u},${testSet.ratings.item[k]}`));
    const leaked = Array.from(added.user, (u, k) => `${u},${added.item[k]}`).filter((pair) => testPairs.has(pair)).length;
    if (leaked > 0) note(`warning: ${leaked} of the new ratings are pairs of the test set (${prepared.split}); its metrics below are not held out`);
    await updated.save(out, test ? { metrics: { test: { rmse: test.rmse, mae: test.mae } } } : {});
    const result = {
      model: out,
      from,
      ratings: file,
      added: {
        ratings: fresh.ratings.rating.length,
        newUsers: updated.nUsers - model.nUsers,
        newItems: updated.nItems - model.nItems,
        // new users / items with a row in the recorded dataset's feature files (the others have empty features)
        featuresFound: outcome.report.featuresFound,
        replaced: outcome.report.ratings.replaced,
      },
      data: { users: updated.nUsers, items: updated.nItems },
      booster: opts.booster,
      epochs: opts.epochs,
      metrics: {
        validation: { rmse: round(report.validation.rmse), mae: round(report.validation.mae) },
        ...(test ? { test: { rmse: round(test.rmse), mae: round(test.mae), count: test.count } } : {}),
      },
      seconds: {
        users: round(report.seconds.users, 2),
        movies: round(report.seconds.movies, 2),
        xgboost: round(report.seconds.xgboost, 2),
        total: round((performance.now() - t0) / 1000, 2),
      },
    };
    if (opts.json) writeJson(result);
    else {
      const m = result.metrics;
      process.stdout.write(
        `updated ${opts.model} with ${result.added.ratings} ratings of ${opts.ratings} (${result.added.newUsers} new users, ${result.added.newItems} new items): ${updated.nUsers} users, ${updated.nItems} items\n` +
          `  validation  RMSE ${m.validation.rmse.toFixed(4)}  MAE ${m.validation.mae.toFixed(4)}\n` +
          (m.test ? `  test        RMSE ${m.test.rmse.toFixed(4)}  MAE ${m.test.mae.toFixed(4)} (${m.test.count} ratings of ${prepared.split})\n` : '') +
          `  time        users ${result.seconds.users}s, movies ${result.seconds.movies}s, xgboost ${result.seconds.xgboost}s, total ${result.seconds.total}s\n` +
          `  model       ${out}\n`,
      );
    }
  } finally {
    model.dispose();
    updated?.dispose();
  }
}

/** Registers `update` on the program. */
export function registerUpdateCommand(program: Command): void {
  const cmd = program
    .command('update')
    .description('add new ratings (and new users and items) to a saved model: warm-started autoencoders, retrained or continued booster; writes a new bundle')
    .requiredOption('--model <dir>', 'the model bundle to update (left as it is)')
    .requiredOption('--ratings <file>', 'the new ratings (reading options default to those the model was trained with)')
    .requiredOption('--out <dir>', 'where to write the updated bundle')
    .option('--epochs <n>', 'warm-start epochs of each autoencoder', parsePositiveInt, DEFAULT_UPDATE_EPOCHS)
    .option('--booster <how>', 'retrain: a new booster (more accurate); continue: add --rounds trees to the saved one (faster)', parseChoice(['continue', 'retrain'] as const), 'retrain')
    .option('--rounds <n>', 'trees added by --booster continue', parsePositiveInt, DEFAULT_UPDATE_ROUNDS)
    .option('--json', 'print one JSON object on stdout');
  addDataDirOption(addReadingOptions(cmd)).action((opts: UpdateCliOptions) => update(opts));
}
