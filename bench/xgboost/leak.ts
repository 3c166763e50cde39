/**
 * Native-memory leak check: RSS over many fit / predict / save / importance / dispose cycles on small data.
 *
 * Phase "dispose": every model is disposed explicitly. Phase "finalizer": models are dropped without dispose(), so
 * only the FinalizationRegistry frees them. RSS should stay flat in both (after a warm-up that loads the library and
 * starts XGBoost's thread pool).
 *
 * Usage: node --expose-gc dist/bench/xgboost/leak.js [--cycles 1000] [--finalizer-first]
 * Prints JSON per phase: RSS (MiB) at start (after warm-up), after 100 cycles, after all cycles, and every tenth of
 * the way (traceMiB), to tell a plateau (allocator caching) from a leak (steady growth).
 */
import { parseArgs } from 'node:util';
import { XGBRegressor } from '../../src/gbdt/index.js';

const { values: args } = parseArgs({
  options: { cycles: { type: 'string', default: '1000' }, 'finalizer-first': { type: 'boolean', default: false } },
});
const cycles = Number(args.cycles);
const rows = 500;
const cols = 10;

// Seeded data (a fixed LCG): identical on every run.
let state = 12345;
const next = () => {
  state = (Math.imul(state, 1103515245) + 12345) >>> 0;
  return state / 4294967296;
};
const X = { rows, cols, data: Float32Array.from({ length: rows * cols }, () => next() * 2 - 1) };
const y = Float32Array.from({ length: rows }, (_, i) => Math.sin(3 * X.data[i * cols]!) + X.data[i * cols + 1]!);

const gc = (globalThis as { gc?: () => void }).gc;
const mib = (n: number) => Math.round((n / 2 ** 20) * 10) / 10;

/** RSS after a full GC and a turn of the event loop (finalizers run asynchronously). */
async function rss(): Promise<number> {
  for (let i = 0; i < 3; i++) {
    gc?.();
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
  return mib(process.memoryUsage().rss);
}

function cycle(dispose: boolean): void {
  const model = new XGBRegressor({ nEstimators: 5, maxDepth: 4, nThread: 2 });
  model.fit(X, y, { evalSet: [X, y], earlyStoppingRounds: 3, onIteration: () => {} });
  model.predict(X);
  model.saveModelToBuffer('ubj');
  model.featureImportance('gain');
  if (dispose) model.dispose();
}

async function phase(dispose: boolean): Promise<Record<string, number | number[]>> {
  for (let i = 0; i < 20; i++) cycle(dispose); // warm-up
  const start = await rss();
  let after100 = Number.NaN;
  const trace: number[] = [];
  const step = Math.max(1, Math.floor(cycles / 10));
  for (let i = 1; i <= cycles; i++) {
    cycle(dispose);
    // Let finalizers run now and then, as they would in a real program.
    if (!dispose && i % 50 === 0) await rss();
    if (i === 100) after100 = await rss();
    if (i % step === 0) trace.push(await rss());
  }
  const end = await rss();
  return {
    startMiB: start,
    after100MiB: after100,
    [`after${cycles}MiB`]: end,
    growthMiB: Math.round((end - start) * 10) / 10,
    maxMiB: Math.max(start, ...trace),
    traceMiB: trace,
  };
}

const t0 = Date.now();
// Whichever phase runs first also absorbs the process's warm-up growth (V8 heap sizing, malloc arenas).
const finalizerFirst = args['finalizer-first'];
const finalized = finalizerFirst ? await phase(false) : undefined;
const disposed = await phase(true);
const finalizedLast = finalizerFirst ? undefined : await phase(false);
process.stdout.write(
  `${JSON.stringify(
    {
      benchmark: 'xgboost native memory over fit/predict/dispose cycles',
      cycles,
      data: { rows, cols, trees: 5, maxDepth: 4 },
      gcExposed: gc !== undefined,
      order: finalizerFirst ? 'finalizerOnly, dispose' : 'dispose, finalizerOnly',
      dispose: disposed,
      finalizerOnly: finalized ?? finalizedLast,
      seconds: (Date.now() - t0) / 1000,
    },
    null,
    2,
  )}\n`,
);
