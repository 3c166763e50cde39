/** Shared by the server tests: tiny trained bundles and a JSON client. */
import { join } from 'node:path';
import { RSAttAE } from 'rsattae';
import { synthetic } from '../pipeline/synthetic.js';

/** The synthetic problem every server test serves: 30 users, 40 items, ids "1"…, ratings 1 to 5. */
export const DATA = { ...synthetic(30, 40, 5).data, scale: { min: 1, max: 5 } };

/** A model in a second: 3 epochs, 20 shallow trees (enough for distinct scores). */
export async function tinyModel(seed: number): Promise<RSAttAE> {
  return RSAttAE.fit(DATA, {
    seed,
    autoencoder: { dim: 4, epochs: 3, parallel: false },
    xgboost: { nEstimators: 20, maxDepth: 3, learningRate: 0.3, nThread: 1 },
  });
}

/** Trains a tiny model and saves it to `<parent>/<name>`; returns the bundle directory and the model. */
export async function tinyBundle(parent: string, name: string, seed: number): Promise<{ dir: string; model: RSAttAE }> {
  const model = await tinyModel(seed);
  const dir = join(parent, name);
  await model.save(dir);
  return { dir, model };
}

/** An HTTP answer: status, headers, body parsed as JSON when it is JSON. */
export interface Answer {
  readonly status: number;
  readonly headers: Headers;
  readonly body: unknown;
  readonly text: string;
}

/** Sends a request; `json` is serialised with content-type application/json. */
export async function call(base: string, method: string, path: string, opts: { json?: unknown; body?: string | Uint8Array; headers?: Record<string, string> } = {}): Promise<Answer> {
  const headers: Record<string, string> = { ...(opts.json !== undefined ? { 'content-type': 'application/json' } : {}), ...opts.headers };
  const res = await fetch(base + path, { method, headers, body: opts.json !== undefined ? JSON.stringify(opts.json) : opts.body });
  const text = await res.text();
  let body: unknown = text;
  if ((res.headers.get('content-type') ?? '').startsWith('application/json')) body = JSON.parse(text);
  return { status: res.status, headers: res.headers, body, text };
}

/** The `error` of an error body, asserting the shape loosely (tests check the fields they care about). */
export function errorOf(a: Answer): { code: string; message: string; issues?: { path: string; code: string; message: string }[] } {
  const b = a.body as { error?: { code: string; message: string; issues?: { path: string; code: string; message: string }[] } };
  if (!b?.error) throw new Error(`expected an error body, got ${a.status} ${a.text}`);
  return b.error;
}
