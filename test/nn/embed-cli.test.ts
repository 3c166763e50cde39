import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { needsRealData, REPO_ROOT, realDataDir } from '../data/helpers.js';

const bin = join(REPO_ROOT, 'bin', 'rsattae');
const run = (args: string[]) => spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8' });

describe('rsattae embed', () => {
  it('exits 2 on bad options', () => {
    assert.equal(run(['embed', '--dim', '0']).status, 2);
    assert.equal(run(['embed', '--side', 'items']).status, 2);
    assert.equal(run(['embed', '--backend', 'gpu']).status, 2);
  });

  it('trains both sides and prints one JSON object; --out writes embeddings and curves', { skip: needsRealData() }, () => {
    const out = mkdtempSync(join(tmpdir(), 'rsattae-embed-'));
    try {
      const r = run(['embed', '--epochs', '3', '--dim', '8', '--json', '--out', out, '--data-dir', realDataDir()!]);
      assert.equal(r.status, 0, r.stderr);
      const report = JSON.parse(r.stdout);
      for (const side of ['users', 'movies']) {
        assert.equal(report[side].epochsRun, 3);
        assert.ok(report[side].bestValidationRmse > 0);
        assert.ok(report[side].msPerEpoch > 0);
        const npy = readFileSync(join(out, side, 'embeddings.npy'));
        assert.equal(npy.subarray(1, 6).toString('latin1'), 'NUMPY');
        assert.equal(readFileSync(join(out, side, 'curves.csv'), 'utf8').trim().split('\n').length, 4);
        assert.ok(existsSync(join(out, side, 'model', 'model.json')));
      }
      assert.ok(report.peakRssMB > 0);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });
});
