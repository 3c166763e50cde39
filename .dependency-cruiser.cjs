/**
 * The import graph of src/, checked by `npm run check:imports` (dependency-cruiser; run in .ci/run after lint).
 *
 * Layers, lowest first; a file may import only from its own layer or the ones below it:
 *   1. core        src/core/        errors, version, rng, seeds, shared data types, atomic writes, crash injection, error metrics
 *   2. data        src/data/        readers, dataset model, encoders, splits, downloads, synthetic data
 *   3. algorithms  src/nn/ src/gbdt/ src/baselines/ (src/fm/)   each on core and data only, not on one another
 *   4. model       src/model/ src/store/   the RSAttAE model and its parts; model and baseline bundles, row export
 *   5. evaluation  src/evaluation/ ranking metrics, the paper's experiments
 *   6. apps        src/cli/ src/serve/ src/report/   the cli may use serve and report, not the other way round
 * src/index.ts and src/public/ (the subpath entries) may import from every layer; nothing in src/ imports them.
 * No file-level circle anywhere (type-only imports count), and no file that nothing imports and that imports nothing.
 */
const layer = {
  core: '^src/core/',
  data: '^src/data/',
  algorithms: '^src/(nn|gbdt|baselines|fm)/',
  model: '^src/(model|store)/',
  evaluation: '^src/evaluation/',
};

/** Every file of src/ is the entry or in one of these folders. */
const KNOWN = '^src/(index\\.ts$|(public|core|data|nn|gbdt|baselines|fm|model|store|evaluation|cli|serve|report)/)';

/** A rule forbidding `from` to import anything in src/ outside `allowed` (a path pattern). */
function only(name, comment, from, allowed) {
  return { name, comment, severity: 'error', from: { path: from }, to: { path: '^src/', pathNot: allowed } };
}

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      comment: 'Files must not import each other in a circle, not even through type-only imports.',
      severity: 'error',
      from: { path: '^src/' },
      to: { circular: true },
    },
    {
      name: 'no-orphans',
      comment: 'A file in src/ that nothing imports and that imports nothing is dead or forgotten.',
      severity: 'error',
      from: { orphan: true, path: '^src/' },
      to: {},
    },
    {
      name: 'no-import-of-entry',
      comment: 'src/index.ts and src/public/ are the public entries: they import every layer, so nothing in src/ may import them.',
      severity: 'error',
      from: { path: '^src/' },
      to: { path: '^src/(index\\.ts$|public/)' },
    },
    {
      name: 'no-import-outside-src',
      comment: 'The library does not depend on its tests, benchmarks, examples or scripts.',
      severity: 'error',
      from: { path: '^src/' },
      to: { path: '^(test|bench|examples|scripts)/' },
    },
    only('core-is-the-bottom', 'core imports nothing else of src/.', layer.core, '^src/core/'),
    only('data-on-core', 'data (the readers) imports only core.', layer.data, '^src/(core|data)/'),
    only('algorithms-on-core-and-data', 'nn, gbdt and baselines import only core, data and their own folder.', layer.algorithms, '^src/(core|data|$1)/'),
    only('model-below-evaluation', 'model and store import only core, data, the algorithms, model and store.', layer.model, '^src/(core|data|nn|gbdt|baselines|fm|model|store)/'),
    only('evaluation-below-apps', 'evaluation does not import cli, serve or report.', layer.evaluation, '^src/(core|data|nn|gbdt|baselines|fm|model|store|evaluation)/'),
    only('serve-not-on-cli-or-report', 'the server is used by the cli, and does not use it or the report.', '^src/serve/', '^src/(core|data|nn|gbdt|baselines|fm|model|store|evaluation|serve)/'),
    only('report-not-on-cli-or-serve', 'the report is used by the cli, and does not use it or the server.', '^src/report/', '^src/(core|data|nn|gbdt|baselines|fm|model|store|evaluation|report)/'),
    {
      name: 'every-file-in-a-layer',
      comment: 'A new folder in src/ must first be given its place in the layers (above, and in these rules).',
      severity: 'error',
      from: { path: '^src/', pathNot: KNOWN },
      to: {},
    },
    {
      name: 'only-files-in-a-layer',
      comment: 'Nothing imports a file of src/ that is in no layer (see every-file-in-a-layer).',
      severity: 'error',
      from: {},
      to: { path: '^src/', pathNot: KNOWN },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(dist|node_modules)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default', 'types'] },
  },
};
