import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

// dist/test/ → the repository root
const root = fileURLToPath(new URL('../../', import.meta.url));

function jsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) =>
    d.isDirectory() ? jsFiles(join(dir, d.name)) : d.name.endsWith('.js') ? [join(dir, d.name)] : [],
  );
}

test('tfjs is a dev dependency only: nothing the package ships imports @tensorflow/*', () => {
  const files = jsFiles(join(root, 'dist', 'src'));
  assert.ok(files.length > 20, `expected the built library in dist/src, found ${files.length} files`);
  const importers = files.filter((f) => /@tensorflow\//.test(readFileSync(f, 'utf8'))).map((f) => f.slice(root.length));
  assert.deepEqual(importers, []);
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { dependencies: Record<string, string>; devDependencies: Record<string, string> };
  assert.deepEqual(Object.keys(pkg.dependencies).filter((d) => d.startsWith('@tensorflow/')), []);
  assert.ok('@tensorflow/tfjs-core' in pkg.devDependencies, 'the tests still use tfjs as their oracle');
});
