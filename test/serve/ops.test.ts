/**
 * Operating the server: hot reload (HTTP with a bearer token, and SIGHUP) with a good and a damaged bundle, graceful
 * shutdown (requests in flight finish, new connections are refused), CORS, and the `rsattae serve` command.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { Agent, request } from 'node:http';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { RSAttAE } from 'rsattae';
import { ApiError, buildApp, createServer, ModelHolder, type RSAttAEServer, WorkQueue } from 'rsattae/serve';
import { REPO_ROOT, tempDir } from '../data/helpers.js';
import { type Answer, call, errorOf, tinyBundle, tinyModel } from './helpers.js';

const PAIRS = [
  { user: '1', item: '1' },
  { user: '5', item: '9' },
  { user: '30', item: '40' },
];
const want = (m: RSAttAE): number[] => Array.from(m.predictIndices(Int32Array.of(0, 4, 29), Int32Array.of(0, 8, 39)));
const served = async (base: string): Promise<number[]> => {
  const a = await call(base, 'POST', '/v1/predictions', { json: { pairs: PAIRS } });
  assert.equal(a.status, 200, a.text);
  return (a.body as { predictions: { rating: number }[] }).predictions.map((p) => p.rating);
};
/** Overwrites one byte of a bundle file: its checksum no longer matches. */
const damage = (dir: string): Promise<void> => writeFile(join(dir, 'user-embeddings.f32'), Buffer.alloc(8));

describe('hot reload', () => {
  let tmp: { path: string; cleanup: () => Promise<void> };
  let first: RSAttAE;
  let second: RSAttAE;
  let dir: string;
  let server: RSAttAEServer;
  let base: string;
  const TOKEN = 'test-token-123';

  before(async () => {
    tmp = await tempDir();
    ({ dir, model: first } = await tinyBundle(tmp.path, 'model', 1));
    second = await tinyModel(2);
    assert.notDeepEqual(want(first), want(second), 'the two models are told apart by their predictions');
    server = await createServer({ model: dir, adminToken: TOKEN, precompute: 3 });
    base = await server.listen({ port: 0 });
  });
  after(async () => {
    await server?.shutdown();
    first?.dispose();
    second?.dispose();
    await tmp?.cleanup();
  });

  test('POST /admin/reload needs the bearer token', async () => {
    const headerSets: Record<string, string>[] = [{}, { authorization: 'Bearer wrong' }, { authorization: TOKEN }, { authorization: `Basic ${TOKEN}` }];
    for (const headers of headerSets) {
      const a = await call(base, 'POST', '/admin/reload', { headers });
      assert.equal(a.status, 401, a.text);
      assert.equal(errorOf(a).code, 'unauthorized');
      assert.equal(a.headers.get('www-authenticate'), 'Bearer');
    }
    assert.deepEqual(await served(base), want(first));
  });

  test('a good bundle is swapped in; a damaged one is refused and the old model keeps serving', async () => {
    const auth = { authorization: `Bearer ${TOKEN}` };
    await second.save(dir);
    const ok = await call(base, 'POST', '/admin/reload', { headers: auth });
    assert.equal(ok.status, 200, ok.text);
    assert.equal((ok.body as { status: string }).status, 'reloaded');
    assert.deepEqual(await served(base), want(second));
    // the precomputed lists were rebuilt from the new model
    const recs = await call(base, 'GET', '/v1/users/4/recommendations?k=3');
    assert.deepEqual((recs.body as { items: unknown }).items, second.recommend('4', 3));

    await damage(dir);
    const bad = await call(base, 'POST', '/admin/reload', { headers: auth });
    assert.equal(bad.status, 422, bad.text);
    assert.equal(errorOf(bad).code, 'reload_failed');
    assert.match(errorOf(bad).message, /previous model keeps serving.*user-embeddings\.f32/);
    assert.deepEqual(await served(base), want(second));
    assert.equal((await call(base, 'GET', '/ready')).status, 200);

    const metrics = (await call(base, 'GET', '/metrics')).text;
    assert.match(metrics, /^rsattae_model_reloads_total\{result="ok"\} 1$/m);
    assert.match(metrics, /^rsattae_model_reloads_total\{result="failed"\} 1$/m);
    await second.save(dir);
  });
});

describe('graceful shutdown', () => {
  let tmp: { path: string; cleanup: () => Promise<void> };
  let model: RSAttAE;
  let dir: string;
  before(async () => {
    tmp = await tempDir();
    ({ dir, model } = await tinyBundle(tmp.path, 'model', 3));
  });
  after(async () => {
    model?.dispose();
    await tmp?.cleanup();
  });

  /**
   * A listening server whose /v1 requests are held after they are received (so that they are certainly in flight
   * when shutdown starts) until `release`; `held` are GETs of the recommendations of users 1…n, all in flight.
   */
  async function gatedServer(n: number, k: number): Promise<{ server: RSAttAEServer; base: string; held: Promise<Answer>[]; release: () => void }> {
    const server = await createServer({ model: dir });
    let release: () => void = () => {};
    const gate = new Promise<void>((r) => {
      release = r;
    });
    server.app.addHook('preHandler', async (req) => {
      if (req.url.startsWith('/v1/')) await gate;
    });
    const base = await server.listen({ port: 0 });
    const held = Array.from({ length: n }, (_, j) => call(base, 'GET', `/v1/users/${j + 1}/recommendations?k=${k}`));
    while (server.inFlight < held.length) await new Promise((r) => setTimeout(r, 5));
    return { server, base, held, release };
  }

  test('requests in flight finish with their answers; new connections are refused; /ready says 503 meanwhile', async () => {
    const { server, base, held, release } = await gatedServer(5, 4);

    const stopped = server.shutdown({ graceMs: 10_000 });
    assert.equal(server.draining, true);
    // it first accepts the connections queued in the kernel (a few event-loop turns), then stops listening
    while (server.app.server.listening) await new Promise((r) => setTimeout(r, 2));
    await assert.rejects(fetch(`${base}/health`), 'a new connection is refused');
    const ready = await server.app.inject({ method: 'GET', url: '/ready' });
    assert.equal(ready.statusCode, 503);
    assert.equal((ready.json() as { error: { code: string } }).error.code, 'shutting_down');

    release();
    const answers = await Promise.all(held);
    answers.forEach((a, j) => {
      assert.equal(a.status, 200, a.text);
      assert.deepEqual((a.body as { items: unknown }).items, model.recommend(j + 1, 4));
    });
    await stopped;
    assert.equal(server.inFlight, 0);
    assert.equal(server.app.server.listening, false);
    assert.equal(await server.shutdown(), undefined, 'a second shutdown returns the same completed promise');
  });

  /** A POST /v1/predictions on `agent` (false: a connection of its own): when its bytes are all written, and its outcome. */
  const send = (base: string, agent: Agent | false, user: number): { written: Promise<void>; outcome: Promise<{ result: string; connection?: string }> } => {
    const url = new URL(base);
    let written: () => void = () => {};
    const w = new Promise<void>((r) => {
      written = r;
    });
    const outcome = new Promise<{ result: string; connection?: string }>((done) => {
      const req = request({ host: url.hostname, port: url.port, method: 'POST', path: '/v1/predictions', agent, headers: { 'content-type': 'application/json' } }, (res) => {
        res.resume();
        res.on('end', () => done({ result: String(res.statusCode), connection: res.headers.connection }));
      });
      req.on('finish', written);
      req.on('error', (e: NodeJS.ErrnoException) => {
        written();
        done({ result: e.code ?? e.message });
      });
      req.end(JSON.stringify({ pairs: [{ user: String(1 + (user % 30)), item: String(1 + (user % 40)) }] }));
    });
    return { written: w, outcome };
  };

  test('under concurrent load on keep-alive and new connections: every request written before the shutdown is answered, none reset', async () => {
    const server = await createServer({ model: dir });
    const base = await server.listen({ port: 0 });
    const agent = new Agent({ keepAlive: true, maxSockets: 20 });
    try {
      // 20 keep-alive connections, idle after one answered request each
      const warm = await Promise.all(Array.from({ length: 20 }, (_, u) => send(base, agent, u).outcome));
      assert.deepEqual(new Set(warm.map((o) => o.result)), new Set(['200']));
      // a second request on each of them and a first one on 20 new connections, all written before the shutdown
      // starts (the new ones mostly still in the kernel's accept queue: the event loop accepts one per turn)
      const load = [...Array.from({ length: 20 }, (_, u) => send(base, agent, u)), ...Array.from({ length: 20 }, (_, u) => send(base, false, u + 20))];
      await Promise.all(load.map((r) => r.written));
      const stopped = server.shutdown({ graceMs: 10_000 });
      const outcomes = await Promise.all(load.map((r) => r.outcome));
      assert.deepEqual(
        outcomes.map((o) => o.result),
        Array(40).fill('200'),
        'no request already written is reset or refused',
      );
      assert.ok(
        outcomes.every((o) => o.connection === 'close'),
        'answers sent while draining close their connection',
      );
      await stopped;
      assert.equal((await send(base, false, 0).outcome).result, 'ECONNREFUSED', 'a later client is refused');
      assert.equal(server.inFlight, 0);
    } finally {
      agent.destroy();
      await server.shutdown();
    }
  });

  test('model work not started when the grace period ends is answered 503 with Retry-After, not cut', async () => {
    const { server, held, release } = await gatedServer(3, 2);
    const stopped = server.shutdown({ graceMs: 20 });
    while (!server.queue.refusing) await new Promise((r) => setTimeout(r, 2));
    release();
    for (const a of await Promise.all(held)) {
      assert.equal(a.status, 503, a.text);
      assert.equal(errorOf(a).code, 'shutting_down');
      assert.equal(a.headers.get('retry-after'), '1');
    }
    await stopped;
    assert.equal(server.inFlight, 0);
  });
});

describe('WorkQueue', () => {
  test('runs jobs in order on later turns; paused, it starts none; refusing rejects waiting and later jobs', async () => {
    const q = new WorkQueue();
    const order: number[] = [];
    const first = [1, 2, 3].map((n) => q.run(() => order.push(n)));
    assert.equal(order.length, 0, 'nothing runs synchronously');
    await Promise.all(first);
    assert.deepEqual(order, [1, 2, 3]);
    await assert.rejects(
      q.run(() => {
        throw new Error('boom');
      }),
      /boom/,
    );

    q.pause();
    const held = q.run(() => order.push(4));
    await new Promise((r) => setTimeout(r, 20));
    assert.deepEqual(order, [1, 2, 3], 'paused: the job waits');
    assert.equal(q.pending, 1);
    const refused = () => new ApiError(503, 'shutting_down', 'no');
    q.refuse(refused);
    await assert.rejects(held, (e: unknown) => e instanceof ApiError && e.status === 503);
    await assert.rejects(q.run(() => order.push(5)), (e: unknown) => e instanceof ApiError && e.status === 503);
    q.resume();
    await new Promise((r) => setTimeout(r, 5));
    assert.deepEqual(order, [1, 2, 3]);
    assert.equal(q.refusing, true);

    // refused while its turn is already scheduled: the turn finds nothing to run (and does not throw)
    const q2 = new WorkQueue();
    const scheduled = q2.run(() => 1);
    q2.refuse(refused);
    await assert.rejects(scheduled, (e: unknown) => e instanceof ApiError && e.status === 503);
    await new Promise((r) => setImmediate(r));
    assert.equal(q2.pending, 0);
  });
});

describe('CORS', () => {
  let tmp: { path: string; cleanup: () => Promise<void> };
  let holder: ModelHolder;
  before(async () => {
    tmp = await tempDir();
    const { dir, model } = await tinyBundle(tmp.path, 'model', 1);
    model.dispose();
    holder = await ModelHolder.open(dir);
  });
  after(async () => {
    holder?.close();
    await tmp?.cleanup();
  });

  test('off by default; --cors ORIGIN answers that origin and preflights', async () => {
    const plain = buildApp(holder).app;
    const off = await plain.inject({ method: 'GET', url: '/health', headers: { origin: 'https://app.example' } });
    assert.equal(off.statusCode, 200);
    assert.equal(off.headers['access-control-allow-origin'], undefined);
    await plain.close();

    const app = buildApp(holder, { cors: 'https://app.example' }).app;
    const on = await app.inject({ method: 'GET', url: '/health', headers: { origin: 'https://app.example' } });
    assert.equal(on.headers['access-control-allow-origin'], 'https://app.example');
    const pre = await app.inject({
      method: 'OPTIONS',
      url: '/v1/predictions',
      headers: { origin: 'https://app.example', 'access-control-request-method': 'POST' },
    });
    assert.equal(pre.statusCode, 204);
    assert.match(String(pre.headers['access-control-allow-methods']), /POST/);
    await app.close();
  });
});

describe('rsattae serve (the command)', () => {
  const bin = join(REPO_ROOT, 'bin', 'rsattae');
  let tmp: { path: string; cleanup: () => Promise<void> };
  let first: RSAttAE;
  let second: RSAttAE;
  let dir: string;
  let child: ChildProcess | undefined;
  before(async () => {
    tmp = await tempDir();
    ({ dir, model: first } = await tinyBundle(tmp.path, 'model', 1));
    second = await tinyModel(2);
  });
  after(async () => {
    child?.kill('SIGKILL');
    first?.dispose();
    second?.dispose();
    await tmp?.cleanup();
  });

  test('bad options and a missing bundle exit 2 with a message', () => {
    const port = spawnSync(process.execPath, [bin, 'serve', '--model', dir, '--port', '70000'], { encoding: 'utf8' });
    assert.equal(port.status, 2, port.stderr);
    assert.match(port.stderr, /--port.*0 to 65535/);
    const missing = spawnSync(process.execPath, [bin, 'serve', '--model', join(tmp.path, 'nothing-here')], { encoding: 'utf8' });
    assert.equal(missing.status, 2, missing.stderr);
    assert.match(missing.stderr, /nothing-here.*not a model bundle/);
  });

  test('serves, reloads on SIGHUP (keeping the old model when the new bundle is damaged), stops on SIGTERM', async () => {
    const proc = spawn(process.execPath, [bin, 'serve', '--model', dir, '--port', '0', '--log-level', 'warn'], { stdio: ['ignore', 'ignore', 'pipe'] });
    child = proc;
    let stderr = '';
    const waiters = new Set<() => void>();
    proc.stderr?.on('data', (d: Buffer) => {
      stderr += d.toString();
      for (const w of [...waiters]) w();
    });
    proc.once('exit', () => {
      for (const w of [...waiters]) w();
    });
    /** Resolves when stderr matches `re`; rejects if the process exits first. */
    const waitFor = (re: RegExp): Promise<RegExpMatchArray> =>
      new Promise((resolve, reject) => {
        const check = (): void => {
          const m = re.exec(stderr);
          if (m) resolve(m);
          else if (proc.exitCode !== null || proc.signalCode !== null) reject(new Error(`serve exited; stderr: ${stderr}`));
          else return;
          waiters.delete(check);
        };
        waiters.add(check);
        check();
      });
    const [, base] = await waitFor(/listening on (http:\/\/127\.0\.0\.1:\d+)/);
    assert.deepEqual(await served(base), want(first));

    await second.save(dir);
    proc.kill('SIGHUP');
    await waitFor(/reloaded /);
    assert.deepEqual(await served(base), want(second));

    await damage(dir);
    proc.kill('SIGHUP');
    await waitFor(/reload failed, the previous model keeps serving: .*user-embeddings\.f32/);
    assert.deepEqual(await served(base), want(second));

    const exited = new Promise<number | null>((r) => proc.once('exit', (code) => r(code)));
    proc.kill('SIGTERM');
    assert.equal(await exited, 0, stderr);
    assert.match(stderr, /SIGTERM: finishing requests in flight[\s\S]*stopped/);
    child = undefined;
  });
});
