/**
 * Load test of `rsattae serve` with autocannon, on 127.0.0.1 only, bounded duration and connections: throughput and
 * p50/p99 latency at each connection count for single predictions, 100-pair batches, top-10 for known users
 * (precomputed, and live: the booster scoring every unrated item in one predict call) and fold-in recommendations
 * (when the server can fold in). Every answer other than 2xx is counted by status, with a sample body. Then, on each
 * server (score matrix kept, and booster only), a SIGTERM in the middle of closed-loop load on keep-alive
 * connections: every request whose bytes were written to the server's socket before the signal (in flight) must be
 * answered 200; later ones are answered or refused (connection refused), and the two are reported apart. The server
 * runs in a child process; ids are drawn with a seeded generator. Prints JSON.
 *
 *   node dist/bench/serve/bench.js --model DIR [--duration 10] [--connections 1,10,50] [--precompute 10]
 *     [--sigterm-seconds 4] [--seed 42] [--servers precomputed,live] [--scenarios single,batch100,…] [--out FILE]
 */
import { writeFile } from 'node:fs/promises';
import { Agent, request } from 'node:http';
import { cpus, loadavg } from 'node:os';
import { resolve } from 'node:path';
import autocannon from 'autocannon';
import { VERSION } from '../../src/index.js';
import { createRng, type Rng } from '../../src/public/data.js';
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
const onlyServers = arg('servers', 'precomputed,live').split(',');
const onlyScenarios = arg('scenarios', '');
const ids = bundleIds(model);

interface Scenario {
  readonly name: string;
  readonly method: 'GET' | 'POST';
  /** A fresh request (path and body) per call, from the seeded generator. */
  readonly next: (rng: Rng) => { path: string; body?: string };
}

/** `n` different elements of `xs`, drawn with `rng`. */
function distinct<T>(xs: readonly T[], n: number, rng: Rng): T[] {
  const chosen = new Set<T>();
  while (chosen.size < Math.min(n, xs.length)) chosen.add(pick(xs, rng));
  return [...chosen];
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
    // 20 distinct items: a body rating an item twice is a 400 (duplicate_id), which was the fold-in "errors" of
    // the first run (20 draws from 1,682 items repeat one about 11 % of the time)
    next: (rng) => ({ path: '/v1/recommendations', body: JSON.stringify({ k: 10, ratings: distinct(ids.items, 20, rng).map((id) => ({ id, rating: 1 + rng.nextInt(5) })) }) }),
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
  /** Answers other than 2xx by status, and the first body of each. */
  statuses: Record<string, number>;
  samples: Record<string, string>;
}

/**
 * Waits until the server has finished the work autocannon left behind (it stops at the deadline without waiting for
 * the answers): a request through the same FIFO work queue is answered only after it.
 */
async function idle(server: ServerProcess): Promise<void> {
  await fetch(`${server.url}/v1/items/${encodeURIComponent(ids.items[0])}/similar?k=1`).then((r) => r.text());
}

async function load(server: ServerProcess, key: string, c: number): Promise<Row> {
  const s = SCENARIOS[key];
  const rng = createRng(seed);
  const statuses: Record<string, number> = {};
  const samples: Record<string, string> = {};
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
        onResponse: (status, body) => {
          if (status >= 200 && status < 300) return;
          statuses[status] = (statuses[status] ?? 0) + 1;
          samples[status] ??= String(body).slice(0, 300);
        },
      },
    ],
  });
  await idle(server);
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
    statuses,
    samples,
  };
}

/** What became of one request of the SIGTERM run. */
interface Outcome {
  /** Status code, or the client error code (ECONNREFUSED, ECONNRESET, …). */
  readonly result: string;
  /** Its bytes were all written to the server's socket before the signal (on loopback: in the server's kernel). */
  readonly written: boolean;
}

/**
 * Closed-loop load of 100-pair batches on `c` keep-alive connections; SIGTERM after `sigtermSeconds / 2`. A request
 * is in flight when its last byte was written (the request's 'finish') before the signal: those must all be answered
 * 200. Requests written later are answered (with Connection: close), or refused once the server stopped listening;
 * a worker stops at its first refusal.
 */
async function sigtermUnderLoad(server: ServerProcess, c: number, name: string): Promise<Record<string, unknown>> {
  const agent = new Agent({ keepAlive: true, maxSockets: c });
  const rng = createRng(seed + 1);
  const url = new URL(server.url);
  let signalledAt = Number.POSITIVE_INFINITY;
  const outcomes: Outcome[] = [];
  const one = (): Promise<Outcome> =>
    new Promise((done) => {
      const { path, body } = SCENARIOS.batch100.next(rng);
      let writtenAt = Number.POSITIVE_INFINITY;
      const finish = (result: string): void => done({ result, written: writtenAt < signalledAt });
      const req = request({ host: url.hostname, port: url.port, method: 'POST', path, agent, headers: { 'content-type': 'application/json' } }, (res) => {
        res.resume();
        res.on('end', () => finish(String(res.statusCode)));
        res.on('error', (e: NodeJS.ErrnoException) => finish(e.code ?? e.message));
      });
      req.on('finish', () => {
        writtenAt = performance.now();
      });
      req.on('error', (e: NodeJS.ErrnoException) => finish(e.code ?? e.message));
      req.end(body);
    });
  const worker = async (): Promise<void> => {
    for (;;) {
      const o = await one();
      outcomes.push(o);
      if (o.result === 'ECONNREFUSED') return;
    }
  };
  const workers = Array.from({ length: c }, worker);
  await new Promise((r) => setTimeout(r, (sigtermSeconds * 1000) / 2));
  signalledAt = performance.now();
  server.proc.kill('SIGTERM');
  const code = await server.exited;
  const exitMs = Math.round(performance.now() - signalledAt);
  await Promise.all(workers);
  agent.destroy();
  const count = (xs: readonly Outcome[]): Record<string, number> => {
    const m: Record<string, number> = {};
    for (const o of xs) m[o.result] = (m[o.result] ?? 0) + 1;
    return m;
  };
  const inFlight = outcomes.filter((o) => o.written);
  const later = outcomes.filter((o) => !o.written);
  return {
    server: name,
    connections: c,
    scenario: 'batch100',
    signalAfterMs: (sigtermSeconds * 1000) / 2,
    inFlight: { requests: inFlight.length, byResult: count(inFlight) },
    writtenAfterSignal: { requests: later.length, byResult: count(later) },
    failedInFlight: inFlight.filter((o) => o.result !== '200').length,
    refusedAfterSignal: later.filter((o) => o.result === 'ECONNREFUSED' || o.result === '503').length,
    failedAfterSignal: later.filter((o) => !['200', '503', 'ECONNREFUSED'].includes(o.result)).length,
    serverExitCode: code,
    serverExitMs: exitMs,
  };
}

const rows: Row[] = [];
const servers: { name: string; extra: string[]; scenarios: string[] }[] = [
  { name: 'precomputed', extra: ['--precompute', String(precompute)], scenarios: ['single', 'batch100', 'top10', 'foldin'] },
  { name: 'live', extra: [], scenarios: ['single', 'batch100', 'top10live'] },
];
const skipped: string[] = [];
const sigterm: Record<string, unknown>[] = [];
const info: Record<string, unknown> = {};
for (const cfg of servers.filter((x) => onlyServers.includes(x.name))) {
  const server = await startServer(model, cfg.extra);
  const ready = (await (await fetch(`${server.url}/ready`)).json()) as { model: { foldIn: boolean } };
  info[cfg.name] = ready.model;
  for (const key of cfg.scenarios.filter((x) => !onlyScenarios || onlyScenarios.split(',').includes(x))) {
    if (key === 'foldin' && !ready.model.foldIn) {
      skipped.push('foldin: this build cannot fold in (fold-in not merged)');
      continue;
    }
    await load(server, key, 1); // warm-up, not reported
    for (const c of connections) {
      const row = { ...(await load(server, key, c)), server: cfg.name };
      rows.push(row);
      process.stderr.write(`${cfg.name} ${key} c=${c}: ${row.requestsPerSecond} req/s, p50 ${row.latencyMs.p50} ms, p99 ${row.latencyMs.p99} ms, errors ${row.errors + row.timeouts + row.non2xx} ${JSON.stringify(row.statuses)}\n`);
    }
  }
  // the SIGTERM run ends this server
  const s = await sigtermUnderLoad(server, Math.max(...connections), cfg.name);
  sigterm.push(s);
  process.stderr.write(`${cfg.name} SIGTERM: ${JSON.stringify(s)}\n`);
}

const at50 = (key: string, server = 'precomputed'): Row | undefined => rows.find((r) => r.scenario === key && r.connections === 50 && (r as Row & { server: string }).server === server);
const target = (key: string, server?: string) => {
  const r = at50(key, server);
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
  servers: info,
  targets: { top10At50Connections: target('top10'), batch100At50Connections: target('batch100'), batch100At50ConnectionsBoosterOnly: target('batch100', 'live') },
  sigterm,
};
const json = JSON.stringify(result, null, 2);
if (out) await writeFile(out, `${json}\n`);
process.stdout.write(`${json}\n`);
