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
        "const input: RSAttAEConfigInput = { seed: 7, xgboost: { nEstimators: 10 } };",
        'const config = resolveConfig(input);',
        "const fit: typeof RSAttAE.fit = RSAttAE.fit;",
        "console.log(JSON.stringify({ seed: config.seed, trees: config.xgboost.nEstimators, fit: typeof fit }));",
        '',
      ].join('\n'),
    );
    const tsc = spawnSync(process.execPath, [join(REPO_ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', project], { encoding: 'utf8' });
    assert.equal(tsc.status, 0, `tsc:\n${tsc.stdout}${tsc.stderr}`);
    const run = spawnSync(process.execPath, [join(project, 'out', 'consumer.js')], { cwd: project, encoding: 'utf8' });
    assert.equal(run.status, 0, run.stderr);
    assert.deepEqual(JSON.parse(run.stdout), { seed: 7, trees: 10, fit: 'function' });
  });

  test('require() from CommonJS gets the same library', () => {
    writeFileSync(join(project, 'consumer.cjs'), "const lib = require('rsattae');\nconsole.log(JSON.stringify({ fit: typeof lib.RSAttAE.fit, seed: lib.resolveConfig({}).seed }));\n");
    const run = spawnSync(process.execPath, [join(project, 'consumer.cjs')], { cwd: project, encoding: 'utf8' });
    assert.equal(run.status, 0, run.stderr);
    assert.deepEqual(JSON.parse(run.stdout), { fit: 'function', seed: 42 });
  });
});
