/**
 * The report in a real browser: Debian's chromium (installed by .ci/run) driven by playwright-core, the page opened
 * from disk. No console error, no request but the file itself, every chart an SVG of non-zero size drawing the marks
 * its data calls for. Saves a full-page screenshot under test-output/, and a small PNG of the key charts: to
 * docs/report.png (what docs/experiments-and-report.md embeds) when RSATTAE_UPDATE_DOCS=1, else to test-output/; drawn from the real
 * records in RSATTAE_DOCS_FROM when it is set, else from the fixture.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { type Browser, chromium, type Page } from 'playwright-core';
import { escapeHtml } from 'rsattae/report';
import { REPO_ROOT, tempDir } from '../data/helpers.js';
import { EXPECTED_MARKS, writeColdStart, writeEvaluation, writeModel, writeRecords } from './fixtures.js';

const CHROMIUM = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p): p is string => p !== undefined && existsSync(p));
const OUTPUT = join(REPO_ROOT, 'test-output');
/** The charts docs/experiments-and-report.md shows. */
const KEY_CHARTS = ['fig4a', 'fig4b', 'table2', 'table3'];
const DOCS_PNG_LIMIT = 300 * 1024;

describe('the report in chromium', { skip: CHROMIUM ? false : 'chromium is not installed here (apt-get install chromium; .ci/run installs it)' }, () => {
  let tmp: { path: string; cleanup: () => Promise<void> };
  let browser: Browser;
  let page: Page;
  const consoleErrors: string[] = [];
  const requests: string[] = [];
  let reportUrl: string;

  before(async () => {
    tmp = await tempDir('rsattae-report-browser-');
    const from = join(tmp.path, 'experiments');
    await writeRecords(from);
    const model = await writeModel(tmp.path);
    const out = join(OUTPUT, 'report.html');
    const args = ['report', '--from', from, '--out', out, '--model', model, '--evaluation', await writeEvaluation(tmp.path), '--coldstart', await writeColdStart(tmp.path)];
    const r = spawnSync(process.execPath, [join(REPO_ROOT, 'bin', 'rsattae'), ...args], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    reportUrl = pathToFileURL(out).href;
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu'] });
    page = await browser.newPage({ viewport: { width: 1000, height: 900 } });
    page.on('console', (m) => {
      if (m.type() === 'error') consoleErrors.push(m.text());
    });
    page.on('pageerror', (e) => consoleErrors.push(e.message));
    page.on('request', (req) => requests.push(req.url()));
    await page.goto(reportUrl, { waitUntil: 'load' });
  });
  after(async () => {
    await browser?.close();
    await tmp?.cleanup();
  });

  test('opens from disk with no console error and no request but the file itself', () => {
    assert.deepEqual(consoleErrors, []);
    assert.deepEqual(requests, [reportUrl]);
  });

  test('every chart is an SVG of non-zero size drawing the expected marks', async () => {
    const charts = await page.$$eval('figure.chart', (figures) =>
      figures.map((f) => {
        const svg = f.querySelector('svg');
        const box = svg?.getBoundingClientRect();
        const marks: Record<string, number> = {};
        for (const g of f.querySelectorAll('g.role-mark')) {
          const type = [...g.classList].find((c) => c.startsWith('mark-'))?.slice(5);
          if (type && type !== 'group') marks[type] = (marks[type] ?? 0) + g.children.length;
        }
        return { id: f.getAttribute('data-chart') ?? '', width: box?.width ?? 0, height: box?.height ?? 0, marks };
      }),
    );
    assert.deepEqual(charts.map((c) => c.id).sort(), Object.keys(EXPECTED_MARKS).sort());
    for (const c of charts) {
      assert.ok(c.width > 100 && c.height > 50, `${c.id}: the SVG is ${c.width} x ${c.height}`);
      assert.deepEqual(c.marks, EXPECTED_MARKS[c.id], `${c.id}: marks in the browser`);
    }
  });

  test('saves a full-page screenshot and a small PNG of the key charts', async () => {
    await mkdir(OUTPUT, { recursive: true });
    await page.screenshot({ path: join(OUTPUT, 'report-full.png'), fullPage: true });
    // RSATTAE_DOCS_FROM=DIR (real records of `rsattae experiment`) draws the key charts from measurements; without
    // it they come from the fixture and say so
    const real = process.env.RSATTAE_DOCS_FROM;
    if (real) {
      const out = join(OUTPUT, 'report-real.html');
      const r = spawnSync(process.execPath, [join(REPO_ROOT, 'bin', 'rsattae'), 'report', '--from', real, '--out', out], { encoding: 'utf8' });
      assert.equal(r.status, 0, r.stderr);
      await page.goto(pathToFileURL(out).href, { waitUntil: 'load' });
    }
    const cells: string[] = [];
    for (const id of KEY_CHARTS) {
      if ((await page.$(`#chart-${id} .plot`)) === null) continue;
      const title = await page.$eval(`#${id} h2`, (h) => h.textContent ?? '');
      const plot = await page.$eval(`#chart-${id} .plot`, (p) => p.innerHTML);
      cells.push(`<div><div class="t">${escapeHtml(title)}</div>${plot}</div>`);
    }
    assert.ok(cells.length > 0, 'at least one key chart to show');
    const heading = real
      ? 'rsattae report: key charts, measured on ML-100K u1 (rsattae experiment; the full report has the commands and machine)'
      : 'rsattae report: key charts (drawn from the test fixture: illustrative numbers, not measurements)';
    const style = await page.$eval('style', (s) => s.textContent ?? '');
    await page.setContent(
      `<!doctype html><html><head><style>${style} #key-charts{display:grid;grid-template-columns:minmax(0,1fr) minmax(0,1fr);gap:6px 28px;padding:14px 20px;background:#fff;width:1240px} #key-charts svg{display:block;max-width:100%;height:auto} #key-charts .t{font-weight:600;font-size:14px;margin:4px 0} #key-charts p{grid-column:1 / 3;margin:0;font-weight:600;color:#555}</style></head><body><div id="key-charts"><p>${escapeHtml(heading)}</p>${cells.join('')}</div></body></html>`,
    );
    await page.setViewportSize({ width: 1280, height: 900 });
    const target = process.env.RSATTAE_UPDATE_DOCS === '1' ? join(REPO_ROOT, 'docs', 'report.png') : join(OUTPUT, 'report-key-charts.png');
    await mkdir(join(target, '..'), { recursive: true });
    await page.locator('#key-charts').screenshot({ path: target });
    const { size } = await stat(target);
    assert.ok(size > 10_000 && size < DOCS_PNG_LIMIT, `${target} is ${size} bytes (a real image under 300 KB)`);
    assert.ok((await stat(join(OUTPUT, 'report-full.png'))).size > 50_000);
  });
});
