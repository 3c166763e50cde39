import assert from 'node:assert/strict';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { test } from 'node:test';
import { resolveDataDir } from '../../src/data/location.js';

test('resolveDataDir precedence: --data-dir, RSATTAE_DATA_DIR, XDG_CACHE_HOME, ~/.cache', () => {
  const env = { RSATTAE_DATA_DIR: '/env/data', XDG_CACHE_HOME: '/xdg' };
  assert.equal(resolveDataDir('/explicit', env), '/explicit');
  assert.equal(resolveDataDir('rel/dir', env), resolve('rel/dir'));
  assert.equal(resolveDataDir(undefined, env), '/env/data');
  assert.equal(resolveDataDir(undefined, { XDG_CACHE_HOME: '/xdg' }), '/xdg/rsattae');
  assert.equal(resolveDataDir(undefined, { RSATTAE_DATA_DIR: '', XDG_CACHE_HOME: '' }), join(homedir(), '.cache', 'rsattae'));
  assert.equal(resolveDataDir(undefined, { XDG_CACHE_HOME: 'relative' }), join(homedir(), '.cache', 'rsattae'));
});
