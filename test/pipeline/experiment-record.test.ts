/** The record contract between `experiment` and `report`: stable keys, and records read back or rejected by name. */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { InputError } from 'rsattae';
import { readExperimentRecords, recordPath, runKey } from 'rsattae/experiment';

const dir = mkdtempSync(join(tmpdir(), 'rsattae-records-'));
after(() => rmSync(dir, { recursive: true, force: true }));

test('runKey ignores key order and undefined, and tells configs and experiments apart', () => {
  const a = runKey('table3', { method: 'svd', seed: 42, split: 'u1' });
  assert.match(a, /^[0-9a-f]{16}$/);
  assert.equal(runKey('table3', { split: 'u1', seed: 42, method: 'svd' }), a);
  assert.notEqual(runKey('table3', { method: 'svd', seed: 1, split: 'u1' }), a);
  assert.notEqual(runKey('cv', { method: 'svd', seed: 42, split: 'u1' }), a);
  assert.notEqual(runKey('table3', { method: 'svd', seed: '42', split: 'u1' }), a);
});

test('readExperimentRecords reads valid records in order and names the file and field of a bad one', async () => {
  const meta = { command: 'rsattae experiment table3', startedAt: 't0', finishedAt: 't1', seconds: 1, machine: 'm', version: '0' };
  const configs = [{ method: 'svd', seed: 2 }, { method: 'svd', seed: 1 }];
  for (const config of configs) {
    const key = runKey('table3', config);
    mkdirSync(join(dir, 'table3'), { recursive: true });
    writeFileSync(recordPath(dir, 'table3', key), JSON.stringify({ experiment: 'table3', key, config, result: { testRmse: 0.9 }, meta }));
  }
  const records = await readExperimentRecords(dir);
  assert.equal(records.length, 2);
  assert.deepEqual(records.map((r) => r.key), configs.map((c) => runKey('table3', c)).sort());
  writeFileSync(join(dir, 'table3', 'ffffffffffffffff.json'), JSON.stringify({ experiment: 'table3', key: 'ffffffffffffffff', config: {}, result: {}, meta: { ...meta, seconds: 'x' } }));
  await assert.rejects(readExperimentRecords(dir), (e: unknown) => e instanceof InputError && /ffffffffffffffff\.json: meta\.seconds: /.test(e.message));
});
