/** Shared by the serve benches: `rsattae serve` in a child process on 127.0.0.1, and seeded choices of ids. */
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Rng } from '../../src/public/data.js';

/** The repository root (bench files run from dist/bench/serve). */
export const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** `--name value` from argv, else the fallback. */
export function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && i + 1 < process.argv.length ? process.argv[i + 1] : fallback;
}

/** A server child process and its address. */
export interface ServerProcess {
  readonly proc: ChildProcess;
  readonly url: string;
  /** Everything it wrote on stderr so far. */
  stderr(): string;
  /** Resolves with the exit code once it has exited. */
  readonly exited: Promise<number | null>;
}

/** Starts `rsattae serve --model dir --port 0 …extra` (logs at warn) and waits for its address. */
export async function startServer(model: string, extra: readonly string[] = []): Promise<ServerProcess> {
  const proc = spawn(process.execPath, [join(ROOT, 'bin', 'rsattae'), 'serve', '--model', model, '--port', '0', '--log-level', 'warn', ...extra], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let err = '';
  const exited = new Promise<number | null>((r) => proc.once('exit', (code) => r(code)));
  const url = await new Promise<string>((resolve, reject) => {
    proc.stderr?.on('data', (d: Buffer) => {
      err += d.toString();
      const m = /listening on (http:\/\/[\d.]+:\d+)/.exec(err);
      if (m) resolve(m[1]);
    });
    void exited.then((code) => reject(new Error(`rsattae serve exited with ${code}: ${err}`)));
  });
  return { proc, url, stderr: () => err, exited };
}

/** The external user and item ids of a bundle (its ids.json). */
export function bundleIds(model: string): { users: string[]; items: string[] } {
  return JSON.parse(readFileSync(join(model, 'ids.json'), 'utf8')) as { users: string[]; items: string[] };
}

/** One of `xs`, chosen by `rng` (seeded: every random choice of the benches is reproducible). */
export function pick<T>(xs: readonly T[], rng: Rng): T {
  return xs[rng.nextInt(xs.length)];
}
