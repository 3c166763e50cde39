/**
 * The documentation a newcomer walks: every relative link in README.md, BENCHMARKS.md and docs/ resolves to a file
 * that exists, and a `#fragment` to a heading of that page (GitHub's anchors); no heading carries a tracker number;
 * the README stays at most 250 lines.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { test } from 'node:test';
import { REPO_ROOT } from './data/helpers.js';

const README_MAX_LINES = 250;

/** README.md, BENCHMARKS.md and every .md file under docs/, as absolute paths. */
function markdownFiles(): string[] {
  const files = ['README.md', 'BENCHMARKS.md'].map((f) => join(REPO_ROOT, f)).filter((f) => existsSync(f));
  const walk = (dir: string): void => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.md')) files.push(p);
    }
  };
  walk(join(REPO_ROOT, 'docs'));
  return files;
}

/** The lines of `text` outside fenced code blocks, with their 1-based numbers. */
function proseLines(text: string): { line: string; n: number }[] {
  const out: { line: string; n: number }[] = [];
  let fence: string | undefined;
  text.split('\n').forEach((line, k) => {
    const m = /^\s*(```+|~~~+)/.exec(line);
    if (m) {
      if (fence === undefined) fence = m[1][0];
      else if (m[1][0] === fence) fence = undefined;
      return;
    }
    if (fence === undefined) out.push({ line, n: k + 1 });
  });
  return out;
}

/** The headings of a page, as `# …` lines outside code blocks. */
function headings(text: string): { text: string; n: number }[] {
  const out: { text: string; n: number }[] = [];
  for (const { line, n } of proseLines(text)) {
    const m = /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(line);
    if (m) out.push({ text: m[1], n });
  }
  return out;
}

/** GitHub's anchor of a heading: the rendered text lowercased, punctuation dropped, each space a hyphen. */
function slug(heading: string): string {
  const rendered = heading
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/`/g, '')
    .replace(/<[^>]+>/g, '');
  return rendered
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\p{M}\p{Pc} -]/gu, '')
    .replace(/ /g, '-');
}

/** Every anchor of a page, duplicates numbered as GitHub numbers them (`x`, `x-1`, `x-2`). */
function anchors(text: string): Set<string> {
  const seen = new Map<string, number>();
  const out = new Set<string>();
  for (const h of headings(text)) {
    const base = slug(h.text);
    const k = seen.get(base) ?? 0;
    seen.set(base, k + 1);
    out.add(k === 0 ? base : `${base}-${k}`);
  }
  return out;
}

/** The links of a page outside code (fenced blocks and inline spans): target and line. */
function links(text: string): { target: string; n: number }[] {
  const out: { target: string; n: number }[] = [];
  for (const { line, n } of proseLines(text)) {
    const prose = line.replace(/`[^`]*`/g, '');
    for (const m of prose.matchAll(/!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)) out.push({ target: m[1], n });
  }
  return out;
}

test('every relative link in the README, BENCHMARKS.md and docs/ resolves, headings included', () => {
  const files = markdownFiles();
  assert.ok(files.some((f) => f.endsWith(join('docs', 'cli.md'))), 'docs/ holds the documentation pages');
  const cache = new Map<string, Set<string>>();
  const anchorsOf = (file: string) => {
    let a = cache.get(file);
    if (!a) {
      a = anchors(readFileSync(file, 'utf8'));
      cache.set(file, a);
    }
    return a;
  };
  const broken: string[] = [];
  let checked = 0;
  for (const file of files) {
    for (const { target, n } of links(readFileSync(file, 'utf8'))) {
      if (/^[a-z][a-z0-9+.-]*:/i.test(target) || target.startsWith('//')) continue; // http:, https:, mailto: …
      checked++;
      const where = `${relative(REPO_ROOT, file)}:${n}: ${target}`;
      const hash = target.indexOf('#');
      const path = decodeURIComponent(hash < 0 ? target : target.slice(0, hash));
      const fragment = hash < 0 ? undefined : decodeURIComponent(target.slice(hash + 1));
      const dest = path === '' ? file : resolve(dirname(file), path);
      if (!existsSync(dest)) {
        broken.push(`${where} (no such file)`);
        continue;
      }
      if (fragment !== undefined) {
        if (statSync(dest).isDirectory() || !dest.endsWith('.md')) broken.push(`${where} (an anchor into a file that is not a page)`);
        else if (!anchorsOf(dest).has(fragment)) broken.push(`${where} (no heading #${fragment} in ${relative(REPO_ROOT, dest)})`);
      }
    }
  }
  assert.ok(checked > 50, `only ${checked} relative links found: is the scan broken?`);
  assert.deepEqual(broken, [], `broken links:\n${broken.join('\n')}`);
});

test('no heading carries a tracker number', () => {
  const found: string[] = [];
  for (const file of markdownFiles()) {
    for (const h of headings(readFileSync(file, 'utf8'))) {
      if (/#\d+|\bissues?\s+#?\d+/i.test(h.text)) found.push(`${relative(REPO_ROOT, file)}:${h.n}: ${h.text}`);
    }
  }
  assert.deepEqual(found, []);
});

test(`the README is at most ${README_MAX_LINES} lines`, () => {
  const lines = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8').replace(/\n$/, '').split('\n').length;
  assert.ok(lines <= README_MAX_LINES, `README.md has ${lines} lines; move detail into docs/`);
});

test('the anchors follow GitHub', () => {
  assert.equal(slug('What `train` runs: an honest, validated stack'), 'what-train-runs-an-honest-validated-stack');
  assert.equal(slug('`rsattae evaluate`, `predict`, `recommend`'), 'rsattae-evaluate-predict-recommend');
  assert.equal(slug('Baselines: `rsattae train --algorithm`'), 'baselines-rsattae-train---algorithm');
  assert.equal(slug("The paper's experiments on ML-100K u1"), 'the-papers-experiments-on-ml-100k-u1');
  assert.equal(slug('E or Ê into the booster'), 'e-or-ê-into-the-booster');
});
