/**
 * The package as a Node/TypeScript user meets it: `npm pack`, the tarball installed into an empty project, a consumer
 * type-checked with `--strict` and `skipLibCheck: false` (every declaration file the entry reaches is checked), then
 * run from ESM and from CommonJS (`require` of the ESM package, Node ≥ 20.19).
 */
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { VERSION } from 'rsattae';
import { REPO_ROOT, tempDir } from './data/helpers.js';

const NPM = process.platform === 'win32' ? 'npm.cmd' : 'npm';

test('package self-reference resolves and VERSION matches package.json', () => {
  const pkg = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string };
  assert.equal(VERSION, pkg.version);
});

test('the main entry exports at most 60 names, values and types', () => {
  const entry = readFileSync(join(REPO_ROOT, 'src', 'index.ts'), 'utf8').replace(/\/\*[\s\S]*?\*\/|\/\/[^\n]*/g, '');
  const names = [...entry.matchAll(/export\s+(?:type\s+)?\{([^}]*)\}/g)].flatMap((m) => m[1].split(',').map((n) => n.trim()).filter(Boolean));
  assert.ok(names.length >= 40 && names.length <= 60, `${names.length} names: ${names.join(', ')}`);
});

test('importing the main entry loads neither fastify nor vega', () => {
  // every module URL the ESM loader resolves, printed by a hook registered before the import
  const script = [
    "import { register } from 'node:module';",
    // writeSync: the hook runs on a loader thread, whose buffered stderr writes can be lost when the process exits
    `register(${JSON.stringify(`data:text/javascript,${encodeURIComponent("import { writeSync } from 'node:fs'; export async function resolve(s, c, next) { const r = await next(s, c); writeSync(2, r.url + '\\n'); return r; }")}`)});`,
    "await import('rsattae');",
  ].join('\n');
  const run = spawnSync(process.execPath, ['--input-type=module', '-e', script], { cwd: REPO_ROOT, encoding: 'utf8' });
  assert.equal(run.status, 0, run.stderr);
  const urls = run.stderr.split('\n').filter(Boolean);
  assert.ok(urls.some((u) => u.includes('/dist/src/model/rsattae.js')), 'the hook saw the library load');
  for (const pkg of ['fastify', 'vega', 'vega-lite', 'prom-client']) {
    assert.ok(!urls.some((u) => u.includes(`/node_modules/${pkg}/`)), `${pkg} was loaded: ${urls.filter((u) => u.includes(pkg)).join(', ')}`);
  }
});

describe('the packed package in an empty project', () => {
  let tmp: { path: string; cleanup: () => Promise<void> };
  let project: string;
  before(async () => {
    tmp = await tempDir();
    // --ignore-scripts: `prepare` would rebuild dist/ under the running suite
    execFileSync(NPM, ['pack', '--ignore-scripts', '--silent', '--pack-destination', tmp.path], { cwd: REPO_ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
    const tarball = readdirSync(tmp.path).find((f) => f.endsWith('.tgz'));
    assert.ok(tarball, 'npm pack wrote no tarball');
    project = join(tmp.path, 'consumer');
    mkdirSync(project);
    writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }));
    const typesNode = JSON.parse(execFileSync(NPM, ['ls', '@types/node', '--json', '--depth=0'], { cwd: REPO_ROOT, encoding: 'utf8' })) as { dependencies: Record<string, { version: string }> };
    execFileSync(NPM, ['install', '--no-audit', '--no-fund', '--prefer-offline', '--silent', join(tmp.path, tarball), `@types/node@${typesNode.dependencies['@types/node'].version}`], {
      cwd: project,
      stdio: ['ignore', 'ignore', 'inherit'],
    });
  });
  after(async () => {
    await tmp.cleanup();
  });

  test('a strict consumer type-checks against the shipped declarations, with skipLibCheck off', () => {
    writeFileSync(
      join(project, 'tsconfig.json'),
      JSON.stringify({ compilerOptions: { strict: true, skipLibCheck: false, module: 'nodenext', moduleResolution: 'nodenext', target: 'es2022', types: ['node'], outDir: 'out' }, files: ['consumer.ts'] }),
    );
    writeFileSync(
      join(project, 'consumer.ts'),
      [
        "import { type RSAttAEConfigInput, RSAttAE, resolveConfig } from 'rsattae';",
        "import { BASELINE_ALGORITHMS } from 'rsattae/baselines';",
        "import type { ServeOptions } from 'rsattae/serve';",
        "const serve: Partial<ServeOptions> = {};",
        "void serve;",
        "const input: RSAttAEConfigInput = { seed: 7, xgboost: { nEstimators: 10 } };",
        'const config = resolveConfig(input);',
        "const fit: typeof RSAttAE.fit = RSAttAE.fit;",
        "console.log(JSON.stringify({ seed: config.seed, trees: config.xgboost.nEstimators, fit: typeof fit, baselines: BASELINE_ALGORITHMS.length }));",
        '',
      ].join('\n'),
    );
    const tsc = spawnSync(process.execPath, [join(REPO_ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', project], { encoding: 'utf8' });
    assert.equal(tsc.status, 0, `tsc:\n${tsc.stdout}${tsc.stderr}`);
    const run = spawnSync(process.execPath, [join(project, 'out', 'consumer.js')], { cwd: project, encoding: 'utf8' });
    assert.equal(run.status, 0, run.stderr);
    assert.deepEqual(JSON.parse(run.stdout), { seed: 7, trees: 10, fit: 'function', baselines: 5 });
  });

  test('require() from CommonJS gets the same library, without loading the server or the report', () => {
    writeFileSync(
      join(project, 'consumer.cjs'),
      [
        "const lib = require('rsattae');",
        // a CommonJS package imported anywhere in the graph is in require.cache: fastify would be, were it loaded
        "const fastify = Object.keys(require.cache).some((k) => k.includes('/node_modules/fastify/'));",
        'console.log(JSON.stringify({ fit: typeof lib.RSAttAE.fit, seed: lib.resolveConfig({}).seed, fastify }));',
        '',
      ].join('\n'),
    );
    const run = spawnSync(process.execPath, [join(project, 'consumer.cjs')], { cwd: project, encoding: 'utf8' });
    assert.equal(run.status, 0, run.stderr);
    assert.deepEqual(JSON.parse(run.stdout), { fit: 'function', seed: 42, fastify: false });
  });
});
