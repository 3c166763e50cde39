/**
 * XGBRegressor parameters: xgboost's scikit-learn names in camelCase, validated with zod, and their translation to
 * native learner parameters.
 */
import { availableParallelism } from 'node:os';
import { z } from 'zod';
import { InputError, parseInput } from '../core/errors.js';
import { seedSchema } from '../core/seeds.js';

/** Tree construction algorithms accepted by `treeMethod` (CPU only). */
export const TREE_METHODS = ['hist', 'approx', 'exact', 'auto'] as const;
/** Regression objectives accepted by `objective`. */
export const OBJECTIVES = [
  'reg:squarederror',
  'reg:squaredlogerror',
  'reg:pseudohubererror',
  'reg:absoluteerror',
  'reg:logistic',
  'count:poisson',
  'reg:gamma',
  'reg:tweedie',
] as const;
/** Evaluation metrics accepted by `evalMetric`; all are minimised (early stopping keeps the lowest). */
export const EVAL_METRICS = ['rmse', 'rmsle', 'mae', 'mape', 'mphe', 'logloss', 'poisson-nloglik', 'gamma-nloglik'] as const;

const nonNegative = z.number().finite().min(0);
const fraction = z.number().gt(0).max(1);

/**
 * The XGBRegressor parameters' zod schema: the single source of their types, ranges, defaults (xgboost's own) and
 * descriptions. Other components (the pipeline's `xgboost` section) pick fields from its `shape` and put their own
 * defaults on them.
 */
export const xgbRegressorParamsSchema = z
  .object({
    nEstimators: z.number().int().min(1).max(1_000_000).describe('number of boosting rounds (trees)').default(100),
    maxDepth: z.number().int().min(0).max(1000).describe('maximum tree depth').default(6),
    learningRate: nonNegative.describe('shrinkage η of each tree (xgboost: eta)').default(0.3),
    subsample: fraction.describe('fraction of the rows sampled for each tree').default(1),
    colsampleBytree: fraction.describe('fraction of the columns sampled for each tree').default(1),
    regLambda: nonNegative.describe('L2 regularisation of the leaf weights (xgboost: lambda)').default(1),
    regAlpha: nonNegative.describe('L1 regularisation of the leaf weights (xgboost: alpha)').default(0),
    minChildWeight: nonNegative.describe('minimum hessian sum in a child').default(1),
    gamma: nonNegative.describe('minimum loss reduction to split (xgboost: min_split_loss)').default(0),
    maxBin: z.number().int().min(2).max(1 << 20).describe('histogram bins per feature of hist and approx').default(256),
    treeMethod: z.enum(TREE_METHODS).describe('tree construction algorithm').default('hist'),
    nThread: z.number().int().min(1).max(4096).describe('native threads for training, DMatrix construction and prediction (unset: os.availableParallelism())').optional(),
    seed: seedSchema.describe("seed of xgboost's random generator (row and column sampling)").default(0),
    objective: z.enum(OBJECTIVES).describe('learning objective').default('reg:squarederror'),
    evalMetric: z.enum(EVAL_METRICS).describe('metric reported to onIteration and used for early stopping').default('rmse'),
    verbosity: z
      .union([z.literal(0), z.literal(1), z.literal(2), z.literal(3)])
      .describe("xgboost's own logging to stderr: 0 silent, 1 warnings (xgboost's default), 2 info, 3 debug")
      .default(1),
  })
  .strict();

/**
 * Constructor parameters of {@link XGBRegressor}, every field optional. Names and meanings follow xgboost's
 * scikit-learn `XGBRegressor` (`n_estimators` → `nEstimators`, `n_jobs` → `nThread`, `random_state` → `seed`); each
 * field's description, range and default are in {@link xgbRegressorParamsSchema}.
 */
export type XGBRegressorParams = z.input<typeof xgbRegressorParamsSchema>;

/** Parameters with every default filled in. */
export type ResolvedXGBRegressorParams = Readonly<Required<z.output<typeof xgbRegressorParamsSchema>>>;

/** Every valid parameter name, for error messages. */
export const PARAM_NAMES: readonly string[] = Object.keys(xgbRegressorParamsSchema.shape);

/** Common spellings from Python's wrapper or the native API, mapped to our names. */
const ALIASES: Record<string, string> = {
  nJobs: 'nThread',
  nthread: 'nThread',
  randomState: 'seed',
  eta: 'learningRate',
  lambda: 'regLambda',
  alpha: 'regAlpha',
  colsampleByTree: 'colsampleBytree',
  minSplitLoss: 'gamma',
  numBoostRound: 'nEstimators',
};

function suggestion(key: string): string {
  const camel = key.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
  const target = PARAM_NAMES.includes(camel) ? camel : ALIASES[camel];
  return target ? ` (did you mean ${target}?)` : '';
}

/**
 * Validates user parameters and fills defaults.
 * @throws InputError naming the offending parameter (unknown names list the valid ones)
 */
export function resolveParams(params: unknown): ResolvedXGBRegressorParams {
  if (params === undefined) params = {};
  if (params === null || typeof params !== 'object' || Array.isArray(params)) {
    throw new InputError('XGBRegressor parameters must be an object', { issues: [{ code: 'invalid_type', path: [], message: 'expected an object' }] });
  }
  const unknown = Object.keys(params).filter((k) => !PARAM_NAMES.includes(k));
  if (unknown.length > 0) {
    const listed = unknown.map((k) => `${JSON.stringify(k)}${suggestion(k)}`).join(', ');
    const issues = unknown.map((k) => ({ code: 'unrecognized_keys', path: [k], message: `unknown parameter${suggestion(k)}` }));
    throw new InputError(`unknown XGBRegressor parameter ${listed}; valid parameters are: ${PARAM_NAMES.join(', ')}`, { issues });
  }
  // Explicit `undefined` means "use the default", as in an options object built with spreads.
  const defined = Object.fromEntries(Object.entries(params).filter(([, v]) => v !== undefined));
  const parsed = parseInput(xgbRegressorParamsSchema, defined, 'invalid XGBRegressor parameter', '(parameters)');
  return Object.freeze({ ...parsed, nThread: parsed.nThread ?? availableParallelism() });
}

/** Formats a number the way Python's `str()` does for the values we pass (shortest round-trip repr). */
function str(v: number): string {
  return String(v);
}

/**
 * Native learner parameters, in the order they are set. Mirrors what xgboost's scikit-learn wrapper hands to
 * `Booster(params)` (including `validate_parameters`), so the same settings give the same model as Python.
 */
export function nativeParams(p: ResolvedXGBRegressorParams): [string, string][] {
  return [
    ['objective', p.objective],
    ['max_depth', str(p.maxDepth)],
    ['eta', str(p.learningRate)],
    ['subsample', str(p.subsample)],
    ['colsample_bytree', str(p.colsampleBytree)],
    ['lambda', str(p.regLambda)],
    ['alpha', str(p.regAlpha)],
    ['min_child_weight', str(p.minChildWeight)],
    ['gamma', str(p.gamma)],
    ['max_bin', str(p.maxBin)],
    ['tree_method', p.treeMethod],
    ['nthread', str(p.nThread)],
    ['seed', str(p.seed)],
    ['verbosity', str(p.verbosity)],
    ['eval_metric', p.evalMetric],
    ['validate_parameters', '1'],
  ];
}
