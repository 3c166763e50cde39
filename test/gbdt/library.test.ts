import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { xgboostLibraryPath, xgboostVersion } from '../../src/gbdt/index.js';

// The library is loaded once per process, so other search settings are tried in child processes.
const libraryModule = fileURLToPath(new URL('../../src/gbdt/library.js', import.meta.url));

function probe(env: Record<string, string>): { status: number | null; stdout: string; stderr: string } {
  const script = `
    import { xgboostLibraryPath, xgboostVersion } from ${JSON.stringify(libraryModule)};
    try { console.log(JSON.stringify({ version: xgboostVersion(), path: xgboostLibraryPath() })); }
    catch (e) { console.log(JSON.stringify({ name: e.name, message: e.message })); }`;
  return spawnSync(process.execPath, ['--input-type=module', '-e', script], {
    encoding: 'utf8',
    env: { ...process.env, ...env },
  });
}

describe('finding libxgboost', () => {
  test('the rsattae/xgboost entry exports the gbdt API', async () => {
    const root = (await import('rsattae/xgboost')) as Record<string, unknown>;
    for (const name of ['XGBRegressor', 'xgboostVersion', 'xgboostLibraryPath', 'XGBoostError', 'XGBoostNotFoundError']) {
      assert.equal(typeof root[name], 'function', name);
    }
  });

  test('loads a library and reports its version', () => {
    assert.match(xgboostVersion(), /^\d+\.\d+\.\d+$/);
    assert.ok(xgboostLibraryPath().length > 0);
  });

  test('XGBOOST_LIBRARY pointing at the loaded library is used as given', () => {
    const found = JSON.parse(probe({}).stdout) as { version: string; path: string };
    // A bare loader name ("libxgboost.so") is also a valid XGBOOST_LIBRARY value.
    const r = JSON.parse(probe({ XGBOOST_LIBRARY: found.path }).stdout) as { version: string; path: string };
    assert.deepEqual(r, found);
  });

  test('a wrong XGBOOST_LIBRARY gives one clear error with install instructions, and no fallback', () => {
    const r = JSON.parse(probe({ XGBOOST_LIBRARY: '/nonexistent/libxgboost.so' }).stdout) as {
      name: string;
      message: string;
    };
    assert.equal(r.name, 'XGBoostNotFoundError');
    assert.match(r.message, /apt-get install libxgboost-dev/);
    assert.match(r.message, /brew install xgboost/);
    assert.match(r.message, /pip install xgboost/);
    assert.match(r.message, /XGBOOST_LIBRARY=\/nonexistent\/libxgboost\.so/);
  });
});
