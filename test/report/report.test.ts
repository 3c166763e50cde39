/**
 * The report's content: the measured numbers in its tables, the comparison with the paper, captions naming command,
 * date and machine, escaping, missing experiments stated with their command, and `rsattae report` as a user runs it
 * (writes the file, exit 2 naming the bad file on bad input, an older report left intact).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cp, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { recordPath, runKey } from 'rsattae/experiment';
import { buildReport, readReportInputs } from 'rsattae/report';
import { REPO_ROOT, tempDir } from '../data/helpers.js';
import { EXPECTED_MARKS, writeColdStart, writeEvaluation, writeModel, writeRecord, writeRecords } from './fixtures.js';

const bin = join(REPO_ROOT, 'bin', 'rsattae');
const run = (...args: string[]) => spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8' });

/** The text of the section with this id (up to the next section), tags kept. */
function section(html: string, id: string): string {
  const start = html.indexOf(`<section id="${id}">`);
  assert.ok(start >= 0, `section ${id} is in the report`);
  const end = html.indexOf('</section>', start);
  return html.slice(start, end);
}

/** The comparison table's row whose first cell starts with `quantity`, as its cells' text. */
function comparisonRow(html: string, quantity: string): string[] {
  const body = section(html, 'comparison');
  const rows = [...body.matchAll(/<tr>(.*?)<\/tr>/g)].map((m) => [...m[1].matchAll(/<td[^>]*>(.*?)<\/td>/g)].map((c) => c[1]));
  const row = rows.find((r) => r[0]?.startsWith(quantity));
  assert.ok(row, `comparison row "${quantity}" in ${rows.map((r) => r[0]).join(' | ')}`);
  return row;
}

describe('report content', () => {
  let tmp: { path: string; cleanup: () => Promise<void> };
  let full: string;
  let html: string;

  before(async () => {
    tmp = await tempDir('rsattae-report-');
    full = join(tmp.path, 'experiments');
    await writeRecords(full);
    const inputs = await readReportInputs({ from: full, evaluation: await writeEvaluation(tmp.path), coldstart: await writeColdStart(tmp.path) });
    const report = await buildReport(inputs, { generatedAt: new Date('2026-11-29T19:00:00Z'), machine: 'Report machine', command: 'rsattae report --from x --out y' });
    html = report.html;
    assert.deepEqual(report.missing, []);
    const { training: _, ...expected } = EXPECTED_MARKS;
    assert.deepEqual(Object.fromEntries(report.charts.map((c) => [c.id, c.marks])), expected, 'every chart draws the marks its data calls for');
    assert.deepEqual(report.charts.flatMap((c) => c.warnings), [], 'Vega-Lite compiled every spec without a warning');
  });
  after(() => tmp?.cleanup());

  test('the header names date, machine, version and command, and there is a table of contents', () => {
    assert.match(html, /<dt>generated<\/dt><dd>2026-11-29 19:00 UTC<\/dd>/);
    assert.match(html, /<dt>machine<\/dt><dd>Report machine<\/dd>/);
    assert.match(html, /<dt>rsattae<\/dt><dd>\d+\.\d+\.\d+/);
    assert.match(html, /<code>rsattae report --from x --out y<\/code>/);
    for (const id of ['comparison', 'fig2', 'fig4a', 'fig4b', 'table2', 'table3', 'cv', 'training', 'ranking', 'coldstart']) {
      assert.match(html, new RegExp(`<li><a href="#${id}">`), `contents link to ${id}`);
    }
  });

  test('the tables carry the measured numbers: mean ± sd over seeds, range, and the paper beside them', () => {
    const t3 = section(html, 'table3');
    // RSAttAE over seeds 0.9, 0.9012, 0.9024: mean 0.9012, sd 0.0012, the paper's 0.898, Δ +0.0032
    assert.match(t3, /<td>RSAttAE<\/td><td class="num">0\.9012 ± 0\.0012 \(3\)<\/td><td class="num">0\.9000 – 0\.9024<\/td>/);
    assert.match(t3, /<td class="num">0\.8980<\/td><td class="worse">\+0\.0032<\/td>/);
    assert.match(t3, /<td>GLocal-K<\/td><td class="absent">not measured<\/td>/);
    // test MAE beside the RMSE, and the settings the runs record in the caption
    assert.match(t3, /<td>RSAttAE<\/td><td class="num">[^<]+<\/td><td class="num">[^<]+<\/td><td class="num">0\.7119<\/td>/);
    assert.match(t3, /Settings: dataset ml-100k, split u1, epochs 1000, trees 1900, valFraction 0\.1\./);
    const t2 = section(html, 'table2');
    // setup 1 over seeds: 0.8995, 0.9, 0.9005; the paper's table row 0.8705 and text 0.9006
    assert.match(t2, /<td class="num">1<\/td><td class="num">1300<\/td><td class="num">0\.9000 ± 0\.0005 \(3\)<\/td><td class="num">0\.8995 – 0\.9005<\/td><td class="num">0\.8705<\/td><td class="num">0\.9006<\/td>/);
    assert.match(section(html, 'fig4a'), /<td class="num">64<\/td><td class="num">0\.9520 ± 0\.0010 \(3\)<\/td><td class="num">0\.9020 ± 0\.0010 \(3\)<\/td>/);
    assert.match(section(html, 'cv'), /<td>SVD<\/td><td class="num">0\.9380 ± 0\.0016 \(5\)<\/td>/);
    assert.match(section(html, 'ranking'), /<td>NDCG@10<\/td><td class="num">0\.1896<\/td>/);
    assert.match(section(html, 'coldstart'), /<td>global mean<\/td><td class="num">1\.2800<\/td>/);
  });

  test("the comparison table sets ours against the paper's Fig 4A, Table II (row and text) and Table III, with the difference", () => {
    assert.deepEqual(comparisonRow(html, 'Fig 4A · best d, users').slice(1, 4), ['64', '64', 'same']);
    assert.deepEqual(comparisonRow(html, 'Fig 4A · best validation RMSE, users').slice(1, 4), ['0.9520', '0.9380', '+0.0140']);
    assert.deepEqual(comparisonRow(html, 'Fig 4A · best validation RMSE, movies').slice(1, 4), ['0.9020', '0.8920', '+0.0100']);
    assert.deepEqual(comparisonRow(html, 'Table II · setup 1 (1300 trees), validation RMSE').slice(1, 4), ['0.9000', '0.8705', '+0.0295']);
    assert.deepEqual(comparisonRow(html, 'Table II · setup 1 (1300 trees), against the paper&#39;s text').slice(1, 4), ['0.9000', '0.9006', '−0.0006']);
    assert.deepEqual(comparisonRow(html, 'Table II · setup 4 (1900 trees), against the paper&#39;s text').slice(1, 4), ['0.8970', '0.8989', '−0.0019']);
    assert.deepEqual(comparisonRow(html, 'Table III · RSAttAE test RMSE').slice(1, 4), ['0.9012', '0.8980', '+0.0032']);
  });

  test('every chart is an inline SVG with a caption naming the command, the date and the machine', () => {
    const figures = [...html.matchAll(/<figure class="chart" id="chart-([a-z0-9]+)"[^>]*><div class="plot"><svg[\s\S]*?<\/svg><\/div><figcaption>([\s\S]*?)<\/figcaption><\/figure>/g)];
    assert.deepEqual(figures.map((f) => f[1]), ['fig2', 'fig4a', 'fig4b', 'table2', 'table3', 'cv', 'ranking', 'coldstart']);
    for (const [, id, cap] of figures) {
      assert.match(cap, /Command: <code>[^<]+<\/code>/, `${id}: command`);
      assert.match(cap, /Date: 20\d\d-\d\d-\d\d \d\d:\d\d UTC/, `${id}: date`);
      if (id !== 'ranking') assert.match(cap, /Machine: [^.]+/, `${id}: machine`);
    }
    const fig4a = figures.find((f) => f[1] === 'fig4a')![2];
    assert.match(fig4a, /<code>rsattae experiment fig4a --out experiments --seeds 1<\/code>/);
    assert.match(fig4a, /Date: 2026-11-20 10:00 UTC – 2026-11-20 10:30 UTC \(30 runs\)/);
    // the machine string has <x86> in it: escaped, not markup
    assert.match(fig4a, /Machine: Fixture CPU &lt;x86&gt;, 2 cores/);
  });

  test('text from the records is escaped, and the page loads nothing from anywhere', () => {
    assert.ok(html.includes('<td>item-kNN &lt;k=40 &amp; shrink&gt;</td>'), 'the method name is shown as text');
    assert.ok(!html.includes('<k=40'), 'and never as markup');
    assert.doesNotMatch(html, /<script/i);
    assert.doesNotMatch(html, /\b(?:src|href)="(?!#|data:)/, 'no src or href but anchors and data: URLs');
    assert.doesNotMatch(html, /url\((?!#)/, 'no url() but references within the page (SVG clip paths)');
    assert.match(html, /Content-Security-Policy" content="default-src 'none'/);
    // many SVGs share one document: their clip paths must not collide
    const ids = [...html.matchAll(/\bid="([^"]+)"/g)].map((m) => m[1]);
    assert.equal(new Set(ids).size, ids.length, 'ids are unique');
    for (const [, ref] of html.matchAll(/url\(#([^)]+)\)/g)) assert.ok(ids.includes(ref), `url(#${ref}) points at an element of the page`);
  });

  test('missing experiments and inputs are stated with the command that makes them', async () => {
    const partial = join(tmp.path, 'partial');
    await writeRecords(partial, ['fig2', 'table3']);
    // a method run on data without test ratings records null test metrics
    await writeRecord(partial, 'table3', { method: 'global-mean', split: 'none', seed: 1 }, { testRmse: null, testMae: null, fitSeconds: 0.1 });
    const report = await buildReport(await readReportInputs({ from: partial }), { machine: 'm' });
    assert.deepEqual(report.missing, ['fig4a', 'fig4b', 'table2', 'cv']);
    assert.deepEqual(report.charts.map((c) => c.id), ['fig2', 'table3']);
    for (const e of report.missing) {
      assert.ok(section(report.html, e).includes(`Not run yet: <code>rsattae experiment ${e} --out ${partial}</code>`), `${e} says how to run it`);
    }
    assert.deepEqual(comparisonRow(report.html, 'Fig 4A · best d, users').slice(1, 3), ['not run yet', '64']);
    assert.deepEqual(comparisonRow(report.html, 'Fig 4A · best validation RMSE, movies').slice(1, 3), ['not run yet', '0.8920']);
    assert.deepEqual(comparisonRow(report.html, 'Table II · setup 3 (1700 trees)').slice(1, 3), ['not run yet', '0.8695']);
    assert.deepEqual(comparisonRow(report.html, 'Table III · RSAttAE test RMSE').slice(1, 4), ['0.9012', '0.8980', '+0.0032']);
    assert.match(section(report.html, 'table3'), /No test ratings, so no test RMSE, for: GlobalMean\./);
    assert.match(section(report.html, 'training'), /No model given: add <code>--model DIR<\/code>/);
    assert.match(section(report.html, 'ranking'), /No evaluation given/);
    assert.match(section(report.html, 'coldstart'), /No fold-in results given/);
    assert.match(report.html, /<a href="#fig4a">[^<]+<\/a> <span class="absent">\(not run yet\)<\/span>/);
  });
});

describe('rsattae report', () => {
  let tmp: { path: string; cleanup: () => Promise<void> };
  let from: string;
  let model: string;
  before(async () => {
    tmp = await tempDir('rsattae-report-cli-');
    from = join(tmp.path, 'experiments');
    await writeRecords(from, ['table3', 'fig4b']);
    model = await writeModel(tmp.path);
  });
  after(() => tmp?.cleanup());

  test('writes the report with the learning curves of --model, its command in the header', async () => {
    const out = join(tmp.path, 'out', 'report.html');
    const r = run('report', '--from', from, '--out', out, '--model', model);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stderr, /wrote .*report\.html \(3 charts, \d+ KB; not run yet: fig2, fig4a, table2, cv\)/);
    const html = await readFile(out, 'utf8');
    assert.ok(html.startsWith('<!doctype html>'));
    assert.ok(html.includes(`<code>rsattae report --from ${from} --out ${out} --model ${model}</code>`));
    const training = section(html, 'training');
    assert.match(training, /<svg/);
    assert.match(training, new RegExp(`Command: <code>rsattae train --out ${model}</code> \\(the bundle records no command line or machine\\)\\. Date: 20\\d\\d-`));
    // 20 epochs on both sides, dim 8
    assert.match(training, /<td>users<\/td><td class="num">8<\/td><td class="num">20<\/td>/);
    assert.match(training, /<td>movies<\/td><td class="num">8<\/td><td class="num">20<\/td>/);
  });

  test("the documented report command runs as written, on the repository's fold-in results", async () => {
    const doc = await readFile(join(REPO_ROOT, 'docs', 'experiments-and-report.md'), 'utf8');
    const line = doc.split('\n').find((l) => l.startsWith('./bin/rsattae report '));
    assert.ok(line, 'docs/experiments-and-report.md shows ./bin/rsattae report');
    const args = line.slice('./bin/rsattae '.length).split(/\s+/);
    // the documented paths, laid out in a scratch folder: the records, a model, its evaluation, the fold-in results
    const cwd = join(tmp.path, 'readme');
    await writeRecords(join(cwd, args[args.indexOf('--from') + 1]));
    await cp(model, join(cwd, args[args.indexOf('--model') + 1]), { recursive: true });
    await cp(await writeEvaluation(tmp.path), join(cwd, args[args.indexOf('--evaluation') + 1]));
    const coldstart = args[args.indexOf('--coldstart') + 1];
    await cp(join(REPO_ROOT, coldstart), join(cwd, coldstart), { recursive: true });
    const r = spawnSync(process.execPath, [bin, ...args], { cwd, encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    const html = await readFile(join(cwd, args[args.indexOf('--out') + 1]), 'utf8');
    assert.doesNotMatch(html, /Not run yet|No model given|No evaluation given|No fold-in results given/);
    assert.match(section(html, 'coldstart'), /<td>attention, alpha mix \(default\)<\/td>/, 'the real fold-in study is charted');
  });

  test('bad input exits 2 naming the file and field, and leaves an older report intact', async () => {
    const out = join(tmp.path, 'kept.html');
    await writeFile(out, 'older report');
    const missing = run('report', '--from', join(tmp.path, 'nope'), '--out', out);
    assert.equal(missing.status, 2);
    assert.match(missing.stderr, /experiments folder .*nope does not exist/);

    const bad = join(tmp.path, 'bad');
    const config = { side: 'users', dim: 'large', seed: 1 };
    const key = runKey('fig4a', config);
    await mkdir(join(bad, 'fig4a'), { recursive: true });
    const meta = { command: 'c', startedAt: 't', finishedAt: 't', seconds: 1, machine: 'm', version: 'v' };
    await writeFile(recordPath(bad, 'fig4a', key), JSON.stringify({ experiment: 'fig4a', key, config, result: { bestValRmse: 0.9, bestEpoch: 3 }, meta }));
    const r = run('report', '--from', bad, '--out', out);
    assert.equal(r.status, 2);
    assert.ok(r.stderr.includes(`${recordPath(bad, 'fig4a', key)}: config: dim: `), r.stderr);

    const notModel = run('report', '--from', from, '--out', out, '--model', from);
    assert.equal(notModel.status, 2);
    assert.match(notModel.stderr, /no manifest\.json here/);

    const cs = join(tmp.path, 'cs.json');
    await writeFile(cs, JSON.stringify({ date: 'd', command: 'c', machine: {}, users: { k: [0, 1], rmse: { a: [1] } } }));
    const badCs = run('report', '--from', from, '--out', out, '--coldstart', cs);
    assert.equal(badCs.status, 2);
    assert.match(badCs.stderr, /cs\.json: users\.rmse\.a: 1 values for 2 values of k/);

    const noOut = run('report', '--from', from);
    assert.equal(noOut.status, 2);
    assert.match(noOut.stderr, /--out/);
    assert.equal(await readFile(out, 'utf8'), 'older report');
  });
});
