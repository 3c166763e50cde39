/**
 * Training of one RSAttAE (or vanilla) autoencoder as the reference does it — full batch, one ADOPT step per epoch on
 * the training entries with input dropout, then an evaluation-mode pass on train + validation input scored at the
 * validation entries — plus best-weights restore, early stopping, embeddings, and save/load.
 */
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { writeFileAtomic } from '../core/atomic-fs.js';
import { InputError, parseInput } from '../core/errors.js';
import { createRng } from '../core/rng.js';
import { deriveSeed } from '../core/seeds.js';
import type { CsrMatrix, FeatureMatrix, Float32Matrix } from '../core/types.js';
import { type AutoencoderConfig, autoencoderConfigSchema, defaultAdoptConfig, resolveAutoencoderConfig } from './autoencoder-config.js';
import { createContext } from './backend.js';
import { SizeCounter } from './kernels.js';
import { chooseOrientation, encodeBytes, encodeCsr, Net, type NetProblem, STREAM_THRESHOLD_BYTES } from './network.js';
import { initParams, type ModelShape, paramCount, paramSpecs, paramViews } from './param-layout.js';
import { checkCsr, dropZeros, groupFeatures, mergeCsr } from './sparse.js';

/** One side's data: rows are this side's entities (users: rows of R; movies: rows of Rᵀ). */
export interface SideData {
  /** Training ratings (n × m). */
  train: CsrMatrix;
  /** Validation ratings, same shape, pattern disjoint from `train`. */
  validation: CsrMatrix;
  /** Entity features (n × nf). */
  features: FeatureMatrix;
}

/** Progress report after each epoch (epochs are 1-based). */
export interface EpochInfo {
  epoch: number;
  epochs: number;
  trainLoss: number;
  validationRmse: number;
  bestValidationRmse: number;
}

/** Options of {@link trainAutoencoder}. */
export interface TrainOptions {
  /** Called after every epoch. */
  onEpoch?(e: EpochInfo): void;
  /** Aborting rejects the training promise with the signal's reason. */
  signal?: AbortSignal;
  /**
   * Start from these weights instead of the seeded initialisation (a warm start, e.g. {@link extendParams} of a
   * trained module); their length must fit the data's shape. The seed still drives the dropout masks.
   */
  initialParams?: Float32Array;
  /**
   * Size in bytes of the n × h activations above which dW1, dW4 stream them and scatter into the gradients, when the
   * rows are the bigger side (cache-friendly at MovieLens-20M scale; see {@link chooseOrientation}). Results are
   * bit-identical either way, so this only changes speed; default {@link STREAM_THRESHOLD_BYTES}. 0 forces the streamed
   * kernel (still only when n ≥ m), Infinity the classic one. The same threshold on the m × h column operands (W1, W4)
   * switches to the column-blocked kernels.
   */
  streamThresholdBytes?: number;
  /** Columns per block of the column-blocked kernels (default `BLOCK_COLS`, exported next to {@link chooseOrientation}); changes speed only. */
  blockCols?: number;
}

/** Learning curves, one value per epoch run. */
export interface TrainingHistory {
  trainLoss: Float32Array;
  validationRmse: Float32Array;
}

/** @internal Everything a {@link TrainedAutoencoder} holds, as plain data (what crosses a worker boundary). */
export interface TrainedState {
  config: AutoencoderConfig;
  shape: ModelShape;
  params: Float32Array;
  embeddings: Float32Matrix;
  attended?: Float32Matrix;
  history: TrainingHistory;
  bestEpoch: number;
  bestValidationRmse: number;
  epochsRun: number;
  msPerEpoch: number;
  groups: number | null;
}

/** A trained module: its weights, the embeddings of its entities and its learning curves. */
export class TrainedAutoencoder {
  /** Hyper-parameters it was trained with. */
  readonly config: AutoencoderConfig;
  /** Input width m, feature width, d, attention or not. */
  readonly shape: ModelShape;
  /** E = encoder(train + validation) in evaluation mode (n × d), with the restored weights. */
  readonly embeddings: Float32Matrix;
  /** Ê = LayerNorm(α·A·E + (1−α)·E) (attention model only). */
  readonly attended?: Float32Matrix;
  /** Per-epoch training loss and validation RMSE. */
  readonly history: TrainingHistory;
  /** 1-based epoch of the best validation RMSE. */
  readonly bestEpoch: number;
  /** Best validation RMSE seen. */
  readonly bestValidationRmse: number;
  /** Epochs actually run (fewer than configured with early stopping). */
  readonly epochsRun: number;
  /** Mean wall time of a training step + validation pass, in milliseconds. */
  readonly msPerEpoch: number;
  /**
   * G, the distinct feature rows the attention groups entities by (its cost grows as G²); null for the vanilla model
   * and for a module saved before G was recorded. Entities without features form one group.
   */
  readonly groups: number | null;
  private params: Float32Array | undefined;

  /** @internal use {@link trainAutoencoder} or {@link loadAutoencoder}. */
  constructor(s: TrainedState) {
    this.config = s.config;
    this.shape = s.shape;
    this.params = s.params;
    this.embeddings = s.embeddings;
    this.attended = s.attended;
    this.history = s.history;
    this.bestEpoch = s.bestEpoch;
    this.bestValidationRmse = s.bestValidationRmse;
    this.epochsRun = s.epochsRun;
    this.msPerEpoch = s.msPerEpoch;
    this.groups = s.groups;
  }

  /** The attention mix α (NaN for the vanilla model). */
  get alpha(): number {
    return this.shape.attention ? this.weights().alpha[0] : Number.NaN;
  }

  /** Named views of the weights (do not modify). */
  weights(): ReturnType<typeof paramViews> {
    if (!this.params) throw new Error('autoencoder was disposed');
    return paramViews(this.params, paramSpecs(this.shape));
  }

  /**
   * Encodes arbitrary rating rows (e.g. a cold-start user's ratings) in evaluation mode: E = encoder(input), rows ×
   * d. Attention is not applied (it needs the whole population), matching the reference's embeddings.
   */
  embed(input: CsrMatrix): Float32Matrix {
    if (input.cols !== this.shape.m) throw new InputError(`input has ${input.cols} columns, the module expects ${this.shape.m}`);
    checkCsr(input, 'embed input');
    const x = dropZeros(input);
    const w = this.weights();
    const ctx = createContext(this.config.backend, encodeBytes(new SizeCounter(), this.shape.m, this.shape.d, x));
    return { rows: x.rows, cols: this.shape.d, data: encodeCsr(ctx, w, this.shape.d, x) };
  }

  /** Writes the module to `dir` (`model.json` header + `model.bin` float32 little-endian), each file atomically. */
  async save(dir: string): Promise<void> {
    if (!this.params) throw new Error('autoencoder was disposed');
    await mkdir(dir, { recursive: true });
    const sections: [string, Float32Array, number, number][] = [
      ['params', this.params, 1, this.params.length],
      ['embeddings', this.embeddings.data, this.embeddings.rows, this.embeddings.cols],
      ['trainLoss', this.history.trainLoss, 1, this.history.trainLoss.length],
      ['validationRmse', this.history.validationRmse, 1, this.history.validationRmse.length],
    ];
    if (this.attended) sections.push(['attended', this.attended.data, this.attended.rows, this.attended.cols]);
    let total = 0;
    for (const s of sections) total += s[1].length;
    const bin = new Float32Array(total);
    const index: Record<string, { offset: number; rows: number; cols: number }> = {};
    let o = 0;
    for (const [name, data, rows, cols] of sections) {
      bin.set(data, o);
      index[name] = { offset: o, rows, cols };
      o += data.length;
    }
    const header: ModelHeader = {
      format: FORMAT,
      version: 1,
      littleEndian: true,
      config: this.config,
      shape: this.shape,
      tensors: paramSpecs(this.shape).map((p) => ({ name: p.name, rows: p.rows, cols: p.cols })),
      sections: index,
      bestEpoch: this.bestEpoch,
      bestValidationRmse: this.bestValidationRmse,
      epochsRun: this.epochsRun,
      msPerEpoch: this.msPerEpoch,
      alpha: this.alpha,
      groups: this.groups,
    };
    await writeFileAtomic(join(dir, 'model.bin'), Buffer.from(bin.buffer, bin.byteOffset, bin.byteLength));
    await writeFileAtomic(join(dir, 'model.json'), `${JSON.stringify(header, null, 2)}\n`);
  }

  /** @internal The module as plain data (the weights copied, the other arrays shared), e.g. to post it from a worker thread. */
  toState(): TrainedState {
    if (!this.params) throw new Error('autoencoder was disposed');
    return {
      config: this.config,
      shape: this.shape,
      params: this.params.slice(),
      embeddings: this.embeddings,
      attended: this.attended,
      history: this.history,
      bestEpoch: this.bestEpoch,
      bestValidationRmse: this.bestValidationRmse,
      epochsRun: this.epochsRun,
      msPerEpoch: this.msPerEpoch,
      groups: this.groups,
    };
  }

  /** Drops the weights; {@link TrainedAutoencoder.embed} and {@link TrainedAutoencoder.save} fail afterwards. */
  dispose(): void {
    this.params = undefined;
  }
}

const FORMAT = 'rsattae-autoencoder';

const count = z.number().int().min(0);
const size = z.number().int().min(1);

/** `model.json`: checked on load, so a damaged or foreign file is an {@link InputError} naming the field. */
const modelHeaderSchema = z.object({
  format: z.literal(FORMAT),
  version: z.literal(1),
  littleEndian: z.boolean(),
  config: autoencoderConfigSchema,
  shape: z.object({ m: size, nf: count, d: size, attention: z.boolean() }),
  tensors: z.array(z.object({ name: z.string(), rows: count, cols: count })),
  sections: z.record(z.string(), z.object({ offset: count, rows: count, cols: count })),
  bestEpoch: count,
  bestValidationRmse: z.number().nullable(),
  epochsRun: count,
  msPerEpoch: z.number().nullable(),
  alpha: z.number().nullable(),
  // absent in modules saved before G was recorded
  groups: z.number().int().min(1).nullable().optional(),
});

type ModelHeader = z.input<typeof modelHeaderSchema>;

async function readModelFile(file: string): Promise<Buffer> {
  try {
    return await readFile(file);
  } catch (e) {
    throw new InputError(`cannot read ${file}: ${(e as Error).message}`, { cause: e });
  }
}

/**
 * Reads a module written by {@link TrainedAutoencoder.save}.
 * @throws InputError when a file is missing, not JSON, of another format, truncated or inconsistent
 */
export async function loadAutoencoder(dir: string): Promise<TrainedAutoencoder> {
  const headerFile = join(dir, 'model.json');
  let json: unknown;
  try {
    json = JSON.parse((await readModelFile(headerFile)).toString('utf8'));
  } catch (e) {
    if (e instanceof InputError) throw e;
    throw new InputError(`${headerFile}: not JSON (${(e as Error).message})`, { cause: e });
  }
  const header = parseInput(modelHeaderSchema, json, `${headerFile} is not an rsattae autoencoder header`, '(header)');
  const raw = await readModelFile(join(dir, 'model.bin'));
  if (raw.byteLength % 4 !== 0) throw new InputError(`${dir}/model.bin: size ${raw.byteLength} is not a multiple of 4`);
  const bin = new Float32Array(raw.byteLength / 4);
  new Uint8Array(bin.buffer).set(raw);
  if (!header.littleEndian !== !isLittleEndian()) {
    const bytes = new Uint8Array(bin.buffer);
    for (let i = 0; i < bytes.length; i += 4) bytes.subarray(i, i + 4).reverse();
  }
  const section = (name: string): Float32Matrix | undefined => {
    const s = header.sections[name];
    if (!s) return undefined;
    const len = s.rows * s.cols;
    if (s.offset + len > bin.length) throw new InputError(`${dir}/model.bin is truncated (section ${name})`);
    return { rows: s.rows, cols: s.cols, data: bin.slice(s.offset, s.offset + len) };
  };
  const params = section('params');
  const embeddings = section('embeddings');
  if (!params || !embeddings) throw new InputError(`${dir}: missing params or embeddings`);
  if (params.data.length !== paramCount(paramSpecs(header.shape))) throw new InputError(`${dir}: parameter count does not match the shape`);
  return new TrainedAutoencoder({
    config: header.config,
    shape: header.shape,
    params: params.data,
    embeddings,
    attended: section('attended'),
    history: {
      trainLoss: section('trainLoss')?.data ?? new Float32Array(0),
      validationRmse: section('validationRmse')?.data ?? new Float32Array(0),
    },
    bestEpoch: header.bestEpoch,
    bestValidationRmse: header.bestValidationRmse ?? Number.NaN,
    epochsRun: header.epochsRun,
    msPerEpoch: header.msPerEpoch ?? Number.NaN,
    groups: header.groups ?? null,
  });
}

function isLittleEndian(): boolean {
  return new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;
}

const yieldToEventLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/**
 * Trains one module. Full batch: each epoch is one ADOPT step on the training entries (input = training ratings with
 * dropout) and one evaluation pass (input = train + validation, scored at the validation entries). Yields to the event
 * loop about every 50 ms so progress can render. With no validation entries the training loss picks the best epoch.
 * @throws InputError for an invalid configuration (see {@link autoencoderConfigSchema}) or data that does not fit
 *   (shapes, malformed CSR, no training ratings)
 */
export async function trainAutoencoder(data: SideData, config: Partial<AutoencoderConfig> = {}, opts: TrainOptions = {}): Promise<TrainedAutoencoder> {
  const cfg = resolveAutoencoderConfig(config);
  const { train, validation, features } = data;
  if (validation.rows !== train.rows || validation.cols !== train.cols) {
    throw new InputError(`validation is ${validation.rows}x${validation.cols}, train is ${train.rows}x${train.cols}`);
  }
  if (features.rows !== train.rows) throw new InputError(`features have ${features.rows} rows, ratings have ${train.rows}`);
  checkCsr(train, 'train');
  checkCsr(validation, 'validation');
  const attention = cfg.model === 'attention';
  const shape: ModelShape = { m: train.cols, nf: features.cols, d: cfg.dim, attention };
  const tr = dropZeros(train);
  const va = dropZeros(validation);
  if (tr.indptr[tr.rows] === 0) throw new InputError('no training ratings');
  const problem: NetProblem = { train: tr, validation: va, all: mergeCsr(tr, va), groups: attention ? groupFeatures(features) : undefined };
  const orientation = chooseOrientation(tr.rows, tr.cols, 2 * cfg.dim, opts.streamThresholdBytes ?? STREAM_THRESHOLD_BYTES, opts.blockCols);
  const ctx = createContext(cfg.backend, Net.bytesNeeded(new SizeCounter(), shape, problem, orientation));
  const net = new Net(ctx, shape, problem, orientation);
  if (opts.initialParams) {
    if (opts.initialParams.length !== net.params.length) {
      throw new InputError(`initial weights hold ${opts.initialParams.length} values, a module of shape ${JSON.stringify(shape)} has ${net.params.length}`);
    }
    net.params.set(opts.initialParams);
  } else initParams(net.params, net.specs, cfg.seed);
  const rng = createRng(deriveSeed(cfg.seed, 'dropout'));
  const step = {
    learningRate: cfg.learningRate,
    beta1: defaultAdoptConfig.beta1,
    beta2: defaultAdoptConfig.beta2,
    eps: defaultAdoptConfig.epsilon,
    weightDecay: cfg.weightDecay,
  };
  const hasValidation = net.validationCount > 0;
  const trainLoss = new Float32Array(cfg.epochs);
  const valRmse = new Float32Array(cfg.epochs);
  const best = new Float32Array(net.params.length);
  let bestScore = Number.POSITIVE_INFINITY;
  let bestEpoch = 0;
  let computeMs = 0;
  let lastYield = performance.now();
  let epoch = 0;
  while (epoch < cfg.epochs) {
    if (opts.signal?.aborted) throw opts.signal.reason ?? new Error('training aborted');
    const t0 = performance.now();
    net.drawDropout(cfg.dropout, rng.nextUint32);
    // float32 like the stored curves, so the reported best equals its history entry
    const loss = Math.fround(net.lossAndGrads());
    net.applyAdopt(step);
    const v = Math.fround(net.validationRmse());
    computeMs += performance.now() - t0;
    trainLoss[epoch] = loss;
    valRmse[epoch] = v;
    epoch++;
    const score = hasValidation ? v : loss;
    if (score < bestScore) {
      bestScore = score;
      bestEpoch = epoch;
      if (cfg.restore === 'best') best.set(net.params);
    }
    opts.onEpoch?.({ epoch, epochs: cfg.epochs, trainLoss: loss, validationRmse: v, bestValidationRmse: hasValidation ? bestScore : Number.NaN });
    if (cfg.patience !== undefined && cfg.patience > 0 && epoch - bestEpoch >= cfg.patience) break;
    if (performance.now() - lastYield > 50) {
      await yieldToEventLoop();
      lastYield = performance.now();
    }
  }
  if (cfg.restore === 'best' && bestEpoch > 0) net.params.set(best);
  const { e, ehat } = net.embeddings();
  const n = tr.rows;
  return new TrainedAutoencoder({
    config: cfg,
    shape,
    params: net.params.slice(),
    embeddings: { rows: n, cols: cfg.dim, data: e },
    attended: ehat ? { rows: n, cols: cfg.dim, data: ehat } : undefined,
    history: { trainLoss: trainLoss.slice(0, epoch), validationRmse: valRmse.slice(0, epoch) },
    bestEpoch,
    bestValidationRmse: hasValidation ? bestScore : Number.NaN,
    epochsRun: epoch,
    msPerEpoch: computeMs / epoch,
    groups: problem.groups ? problem.groups.count.length : null,
  });
}
