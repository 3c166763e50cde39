/**
 * Load test of `rsattae serve` with autocannon, on 127.0.0.1 only, bounded duration and connections: throughput and
 * p50/p99 latency at each connection count for single predictions, 100-pair batches, top-10 for known users
 * (precomputed, and live: the booster scoring every unrated item in one predict call) and fold-in recommendations
 * (when the server can fold in). Then a SIGTERM in the middle of load: requests sent before the signal must all be
 * answered 200. The server runs in a child process; ids are drawn with a seeded generator. Prints JSON.
 *
 *   node dist/bench/serve/bench.js --model DIR [--duration 10] [--connections 1,10,50] [--precompute 10]
 *     [--sigterm-seconds 4] [--seed 42] [--out FILE]
 */
import { writeFile } from 'node:fs/promises';
import { Agent, request } from 'node:http';
import { cpus, loadavg } from 'node:os';
import { resolve } from 'node:path';
import autocannon from 'autocannon';
import { createRng, type Rng, VERSION } from '../../src/index.js';
import { arg, bundleIds, pick, type ServerProcess, startServer } from './spawn.js';

const modelArg = arg('model', '');
if (!modelArg) {
  process.stderr.write('usage: node dist/bench/serve/bench.js --model DIR [--duration 10] [--connections 1,10,50] [--precompute 10] [--out FILE]\n');
  process.exit(2);
}
const model = resolve(modelArg);
const duration = Number(arg('duration', '10'));
const connections = arg('connections', '1,10,50').split(',').map(Number);
const precompute = Number(arg('precompute', '10'));
const sigtermSeconds = Number(arg('sigterm-seconds', '4'));
const seed = Number(arg('seed', '42'));
const out = arg('out', '');
const ids = bundleIds(model);

interface Scenario {
  readonly name: string;
  readonly method: 'GET' | 'POST';
  /** A fresh request (path and body) per call, from the seeded generator. */
  readonly next: (rng: Rng) => { path: string; body?: string };
}

const pairs = (n: number, rng: Rng): string => JSON.stringify({ pairs: Array.from({ length: n }, () => ({ user: pick(ids.users, rng), item: pick(ids.items, rng) })) });
const topN = (rng: Rng) => ({ path: `/v1/users/${encodeURIComponent(pick(ids.users, rng))}/recommendations?k=10` });
const SCENARIOS: Record<string, Scenario> = {
  single: { name: 'single prediction', method: 'POST', next: (rng) => ({ path: '/v1/predictions', body: pairs(1, rng) }) },
  batch100: { name: '100-pair batch', method: 'POST', next: (rng) => ({ path: '/v1/predictions', body: pairs(100, rng) }) },
  top10: { name: `top-10, known user (precomputed top-${precompute})`, method: 'GET', next: topN },
  top10live: { name: 'top-10, known user (live: every unrated item in one predict call)', method: 'GET', next: topN },
  foldin: {
    name: 'fold-in: top-10 for a new user from 20 ratings',
    method: 'POST',
    next: (rng) => ({ path: '/v1/recommendations', body: JSON.stringify({ k: 10, ratings: Array.from({ length: 20 }, () => ({ id: pick(ids.items, rng), rating: 1 + rng.nextInt(5) })) }) }),
  },
};

interface Row {
  scenario: string;
  connections: number;
  seconds: number;
  requestsPerSecond: number;
  latencyMs: { p50: number; p99: number; max: number };
  requests: number;
  errors: number;
  timeouts: number;
  non2xx: number;
}

async function load(server: ServerProcess, key: string, c: number): Promise<Row> {
  const s = SCENARIOS[key];
  const rng = createRng(seed);
  const r = await autocannon({
    url: server.url,
    connections: c,
    duration,
    timeout: 10,
    requests: [
      {
        method: s.method,
        headers: { 'content-type': 'application/json' },
        setupRequest: (req) => ({ ...req, ...s.next(rng) }),
      },
    ],
  });
  return {
    scenario: key,
    connections: c,
    seconds: duration,
    requestsPerSecond: Math.round(r.requests.average),
    latencyMs: { p50: r.latency.p50, p99: r.latency.p99, max: r.latency.max },
    requests: r.requests.total,
    errors: r.errors,
    timeouts: r.timeouts,
    non2xx: r.non2xx,
  };
}

async function stop(server: ServerProcess): Promise<number | null> {
  server.proc.kill('SIGTERM');
  return server.exited;
}

/** Closed-loop load on `c` keep-alive connections; SIGTERM after half of `seconds`; every request classified. */
async function sigtermUnderLoad(c: number): Promise<Record<string, unknown>> {
  const server = await startServer(model, ['--precompute', String(precompute)]);
  const agent = new Agent({ keepAlive: true, maxSockets: c });
  const rng = createRng(seed + 1);
  const url = new URL(server.url);
  let signalled = false;
  const before = { ok: 0, failed: 0, failures: {} as Record<string, number> };
  const after = { ok: 0, refused: 0, other: {} as Record<string, number> };
  const one = (): Promise<string> =>
    new Promise((done) => {
      const { path, body } = SCENARIOS.batch100.next(rng);
      const req = request({ host: url.hostname, port: url.port, method: 'POST', path, agent, headers: { 'content-type': 'application/json' } }, (res) => {
        res.resume();
        res.on('end', () => done(String(res.statusCode)));
        res.on('error', (e: NodeJS.ErrnoException) => done(e.code ?? e.message));
      });
      req.on('error', (e: NodeJS.ErrnoException) => done(e.code ?? e.message));
      req.end(body);
    });
  const worker = async (): Promise<void> => {
    for (;;) {
      const sentBefore = !signalled;
      const outcome = await one();
      if (sentBefore) {
        if (outcome === '200') before.ok++;
        else {
          before.failed++;
          before.failures[outcome] = (before.failures[outcome] ?? 0) + 1;
        }
      } else if (outcome === '200') after.ok++;
      else if (outcome === 'ECONNREFUSED') {
        after.refused++;
        return; // the server has stopped listening: this client is done
      } else after.other[outcome] = (after.other[outcome] ?? 0) + 1;
    }
  };
  const workers = Array.from({ length: c }, worker);
  await new Promise((r) => setTimeout(r, (sigtermSeconds * 1000) / 2));
  signalled = true;
  server.proc.kill('SIGTERM');
  const code = await server.exited;
  await Promise.all(workers);
  agent.destroy();
  return { connections: c, scenario: 'batch100', sentBeforeSignal: before, sentAfterSignal: after, serverExitCode: code, failedInFlight: before.failed };
}

const rows: Row[] = [];
const servers: { name: string; extra: string[]; scenarios: string[] }[] = [
  { name: 'precomputed', extra: ['--precompute', String(precompute)], scenarios: ['single', 'batch100', 'top10', 'foldin'] },
  { name: 'live', extra: [], scenarios: ['top10live'] },
];
const skipped: string[] = [];
for (const cfg of servers) {
  const server = await startServer(model, cfg.extra);
  const ready = (await (await fetch(`${server.url}/ready`)).json()) as { model: { foldIn: boolean } };
  for (const key of cfg.scenarios) {
    if (key === 'foldin' && !ready.model.foldIn) {
      skipped.push('foldin: this build cannot fold in (fold-in not merged)');
      continue;
    }
    await load(server, key, 1); // warm-up, not reported
    for (const c of connections) {
      const row = await load(server, key, c);
      rows.push(row);
      process.stderr.write(`${key} c=${c}: ${row.requestsPerSecond} req/s, p50 ${row.latencyMs.p50} ms, p99 ${row.latencyMs.p99} ms, errors ${row.errors + row.timeouts + row.non2xx}\n`);
    }
  }
  await stop(server);
}
const sigterm = await sigtermUnderLoad(Math.max(...connections));

const at50 = (key: string): Row | undefined => rows.find((r) => r.scenario === key && r.connections === 50);
const target = (key: string) => {
  const r = at50(key);
  return r ? { p99Ms: r.latencyMs.p99, errors: r.errors + r.timeouts + r.non2xx, met: r.latencyMs.p99 <= 20 && r.errors + r.timeouts + r.non2xx === 0 } : null;
};
const result = {
  bench: 'serve',
  date: new Date().toISOString(),
  machine: { cpus: cpus().length, cpu: cpus()[0]?.model, loadavg: loadavg().map((x) => Number(x.toFixed(2))) },
  node: process.version,
  rsattae: VERSION,
  command: `node dist/bench/serve/bench.js ${process.argv.slice(2).join(' ')}`,
  model,
  users: ids.users.length,
  items: ids.items.length,
  rows,
  skipped,
  targets: { top10At50Connections: target('top10'), batch100At50Connections: target('batch100') },
  sigterm,
};
const json = JSON.stringify(result, null, 2);
if (out) await writeFile(out, `${json}\n`);
process.stdout.write(`${json}\n`);
