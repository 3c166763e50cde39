/**
 * Fuzz of `rsattae serve`: a few thousand malformed or hostile requests (wrong types, huge and negative k, unknown
 * and absurd ids, deep JSON, huge bodies, wrong content types, non-UTF-8 bytes, malformed JSON and HTTP, wrong
 * methods and tokens) from a seeded generator, against a server child process on 127.0.0.1. Expects no status
 * ≥ 500 and a server that stays up; prints the counts as JSON. Without --model it serves a tiny synthetic model.
 *
 *   node dist/bench/serve/fuzz.js [--model DIR] [--precompute K] [--cases 2400] [--seed 7] [--concurrency 8] [--out FILE]
 *
 * `--precompute` (default 3 with the tiny model, 0 with --model) makes known pairs go through the score matrix.
 *
 * `serverByStatus` is the server's own count (from /metrics) of what it answered, including answers a client never
 * read: a body over the limit is answered 413 and the connection closed while the client is still sending, which the
 * client sees as ECONNRESET/EPIPE. FUZZ_DEBUG=1 prints every outcome that is not a 1xx–4xx status.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { Agent, request } from 'node:http';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { RSAttAE } from '../../src/index.js';
import { createRng } from '../../src/public/data.js';
import { synthetic } from '../../test/pipeline/synthetic.js';
import { arg, bundleIds, pick, startServer } from './spawn.js';

const TOKEN = 'fuzz-admin-token';
const nCases = Number(arg('cases', '2400'));
const seed = Number(arg('seed', '7'));
const concurrency = Number(arg('concurrency', '8'));
const out = arg('out', '');

let model = arg('model', '');
let scratch: string | undefined;
if (!model) {
  scratch = await mkdtemp(join(tmpdir(), 'rsattae-fuzz-'));
  const m = await RSAttAE.fit(synthetic(30, 40, 5).data, { seed: 1, autoencoder: { dim: 4, epochs: 3, parallel: false }, xgboost: { nEstimators: 20, nThread: 1 } });
  model = join(scratch, 'model');
  await m.save(model);
  m.dispose();
}
model = resolve(model);
const ids = bundleIds(model);

/** One request: over HTTP (method, path, headers, body) or raw bytes on a fresh socket. */
type Case = { category: string; method: string; path: string; headers: Record<string, string>; body?: Buffer } | { category: string; raw: Buffer };

const rng = createRng(seed);
const json = (v: unknown): Buffer => Buffer.from(JSON.stringify(v));
const JSON_TYPE: Record<string, string> = { 'content-type': 'application/json' };
const NO_HEADERS: Record<string, string> = {};
const HOSTILE: readonly unknown[] = [
  null, true, false, 0, -1, -0, 1.5, 1e308, -1e308, 2 ** 53 + 1, '', ' ', 'x'.repeat(5000), [], {}, [1, 2], { $gt: '' },
  '\u0000', '🙂', '../../etc/passwd', 'NaN', '1e999', '<script>', { toString: 'x' }, [[[[]]]], '%00', '\\', '"',
];
const K_VALUES: readonly string[] = [
  '0', '-1', '-99999999', '1000000000', '99999999999999999999999', '1.5', 'abc', '', '%00', 'Infinity', 'NaN', '0x10',
  '%205', '5%20', '%2B5', '1e2', '9'.repeat(400), '-0', '1001', '10;k=2', '%FF', '[]', '{}', 'null', 'true',
];
const someId = (): string => {
  const r = rng.nextInt(8);
  if (r === 0) return pick(ids.users, rng);
  if (r === 1) return 'x'.repeat(1 + rng.nextInt(3000));
  if (r === 2) return String(-rng.nextInt(1000));
  if (r === 3) return '..%2F..%2Fetc%2Fpasswd';
  if (r === 4) return encodeURIComponent('🙂 ünïcode');
  if (r === 5) return `${rng.nextInt(1e9)}`;
  if (r === 6) return '%C3%28';
  return encodeURIComponent(JSON.stringify(pick(HOSTILE, rng)) ?? 'undefined');
};
const randomBytes = (n: number): Buffer => Buffer.from(Array.from({ length: n }, () => rng.nextInt(256)));
const nest = (depth: number, open: string, close: string, balanced: boolean): Buffer => Buffer.from(open.repeat(depth) + (balanced ? close.repeat(depth) : ''));
const validPairs = (): Buffer => json({ pairs: [{ user: pick(ids.users, rng), item: pick(ids.items, rng) }] });

const GENERATORS: Record<string, [weight: number, make: () => Case]> = {
  'wrong-types': [
    300,
    () => {
      const body = rng.next() < 0.3 ? { pairs: pick(HOSTILE, rng) } : { pairs: [{ user: pick(HOSTILE, rng), item: rng.next() < 0.5 ? pick(HOSTILE, rng) : pick(ids.items, rng) }] };
      return { category: 'wrong-types', method: 'POST', path: '/v1/predictions', headers: JSON_TYPE, body: json(body) };
    },
  ],
  'k-values': [
    250,
    () => {
      const route = rng.next() < 0.5 ? `/v1/users/${encodeURIComponent(pick(ids.users, rng))}/recommendations` : `/v1/items/${encodeURIComponent(pick(ids.items, rng))}/similar`;
      const k = pick(K_VALUES, rng);
      return { category: 'k-values', method: 'GET', path: `${route}?k=${k}${rng.next() < 0.2 ? `&k=${pick(K_VALUES, rng)}` : ''}`, headers: {} };
    },
  ],
  'unknown-ids': [
    250,
    () => {
      const r = rng.nextInt(3);
      if (r === 0) return { category: 'unknown-ids', method: 'GET', path: `/v1/users/${someId()}/recommendations?k=5`, headers: {} };
      if (r === 1) return { category: 'unknown-ids', method: 'GET', path: `/v1/items/${someId()}/similar`, headers: {} };
      const pairs = Array.from({ length: 1 + rng.nextInt(50) }, () => ({ user: decodeURIComponentSafe(someId()), item: decodeURIComponentSafe(someId()) }));
      return { category: 'unknown-ids', method: 'POST', path: '/v1/predictions', headers: JSON_TYPE, body: json({ pairs }) };
    },
  ],
  'deep-json': [
    100,
    () => {
      const depth = pick([10, 100, 1000, 10_000, 100_000, 400_000], rng);
      const [o, c] = rng.next() < 0.5 ? ['[', ']'] : ['{"a":', '}'];
      const body = rng.next() < 0.5 ? nest(depth, o, c, rng.next() < 0.7) : Buffer.concat([Buffer.from('{"pairs":[{"user":'), nest(depth, '[', ']', true), Buffer.from(',"item":"1"}]}')]);
      const path = pick(['/v1/predictions', '/v1/recommendations'], rng);
      return { category: 'deep-json', method: 'POST', path, headers: JSON_TYPE, body };
    },
  ],
  'huge-bodies': [
    40,
    () => {
      const r = rng.nextInt(3);
      if (r === 0) return { category: 'huge-bodies', method: 'POST', path: '/v1/predictions', headers: JSON_TYPE, body: Buffer.alloc(1024 * 1024 + 1 + rng.nextInt(4 * 1024 * 1024), 0x20) };
      // a valid shape, far over --max-batch and the 10,000 ratings of a fold-in, but under the byte limit
      const pairs = Array.from({ length: 10_001 + rng.nextInt(9000) }, () => ({ user: '1', item: '1' }));
      if (r === 1) return { category: 'huge-bodies', method: 'POST', path: '/v1/predictions', headers: JSON_TYPE, body: json({ pairs }) };
      return { category: 'huge-bodies', method: 'POST', path: '/v1/recommendations', headers: JSON_TYPE, body: json({ ratings: pairs.map(() => ({ id: '1', rating: 3 })) }) };
    },
  ],
  'content-type': [
    200,
    () => {
      const type = pick(
        ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/xml', 'application/json; charset=utf-16', 'application/jsonx', ';;;', 'json', '*/*', 'application/octet-stream', 'text/json', 'application/json; charset=latin1'],
        rng,
      );
      const noType = rng.next() < 0.15;
      return { category: 'content-type', method: 'POST', path: pick(['/v1/predictions', '/v1/recommendations'], rng), headers: noType ? NO_HEADERS : { 'content-type': type }, body: validPairs() };
    },
  ],
  'non-utf8': [
    200,
    () => {
      const r = rng.nextInt(3);
      if (r === 0) return { category: 'non-utf8', method: 'POST', path: '/v1/predictions', headers: JSON_TYPE, body: randomBytes(1 + rng.nextInt(2000)) };
      if (r === 1) {
        const body = Buffer.concat([Buffer.from('{"pairs":[{"user":"'), randomBytes(1 + rng.nextInt(40)).map((b) => (b === 0x22 || b === 0x5c ? 0xff : b)), Buffer.from('","item":"1"}]}')]);
        return { category: 'non-utf8', method: 'POST', path: '/v1/predictions', headers: JSON_TYPE, body };
      }
      return { category: 'non-utf8', method: 'GET', path: `/v1/users/${pick(['%C3%28', '%FF%FE', '%E2%82', '%ED%A0%80', '%C0%AF'], rng)}/recommendations`, headers: {} };
    },
  ],
  'malformed-json': [
    300,
    () => {
      const good = validPairs().toString();
      const r = rng.nextInt(5);
      let text: string;
      if (r === 0) text = good.slice(0, rng.nextInt(good.length));
      else if (r === 1) {
        const at = rng.nextInt(good.length);
        text = good.slice(0, at) + String.fromCharCode(rng.nextInt(128)) + good.slice(at + 1);
      } else if (r === 2) text = pick(['{"pairs":[],}', "{'pairs':[]}", '{"pairs": NaN}', '/*x*/{}', '{"pairs":[{"user":1,"user":2,"item":3}]}', 'null', '"str"', '123', 'true', '[]'], rng);
      else if (r === 3) text = pick(['{"__proto__":{"x":1}}', '{"constructor":{"prototype":{"x":1}}}', '{"pairs":[{"__proto__":{"user":"1"},"item":"1"}]}'], rng);
      else text = `${good}${pick(['x', '}', ',', ' \u0000', '{}'], rng)}`;
      return { category: 'malformed-json', method: 'POST', path: pick(['/v1/predictions', '/v1/recommendations'], rng), headers: JSON_TYPE, body: Buffer.from(text) };
    },
  ],
  methods: [
    150,
    () => {
      const path = pick(['/health', '/ready', '/metrics', '/openapi.json', '/v1/predictions', '/v1/recommendations', '/v1/users/1/recommendations', '/v1/items/1/similar', '/admin/reload', '/', '/v1', '/v1/users//recommendations'], rng);
      const method = pick(['PUT', 'PATCH', 'DELETE', 'OPTIONS', 'HEAD', 'GET', 'POST'], rng);
      // node's client breaks its own connection when a HEAD request carries a body: none for HEAD
      const body = method !== 'HEAD' && rng.next() < 0.5 ? validPairs() : undefined;
      return { category: 'methods', method, path, headers: rng.next() < 0.5 ? JSON_TYPE : NO_HEADERS, body };
    },
  ],
  'fold-in': [
    200,
    () => {
      const r = rng.nextInt(5);
      let body: unknown;
      if (r === 0) body = { features: Object.fromEntries(Array.from({ length: 1 + rng.nextInt(5000) }, (_, j) => [`f${j}`, pick(HOSTILE, rng)])) };
      else if (r === 1) body = { ratings: Array.from({ length: 1 + rng.nextInt(20) }, () => ({ id: pick(HOSTILE, rng), rating: pick(HOSTILE, rng) })) };
      else if (r === 2) body = { ratings: [{ id: '1', rating: 3 }], k: pick(HOSTILE, rng) };
      else if (r === 3) body = { features: pick(HOSTILE, rng), method: pick(HOSTILE, rng) };
      else body = pick(HOSTILE, rng);
      return { category: 'fold-in', method: 'POST', path: '/v1/recommendations', headers: JSON_TYPE, body: json(body) };
    },
  ],
  admin: [
    50,
    () => {
      const auth = pick(['', 'Bearer', 'Bearer ', `Bearer ${TOKEN}x`, `bearer ${'a'.repeat(4000)}`, `Basic ${TOKEN}`, TOKEN, 'Bearer a b'], rng);
      return { category: 'admin', method: 'POST', path: '/admin/reload', headers: auth ? { authorization: auth } : NO_HEADERS };
    },
  ],
  'raw-http': [
    120,
    () => {
      const raw = pick(
        [
          'GARBAGE\r\n\r\n',
          'GET / HTTP/9.9\r\n\r\n',
          'GET /health\r\n\r\n',
          `GET /health HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`,
          'POST /v1/predictions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 5\r\n\r\n{"pairs":[]}',
          'POST /v1/predictions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\nZZ\r\n{}\r\n0\r\n\r\n',
          'POST /v1/predictions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 2\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n',
          'GET /v1/users/\u0000/recommendations HTTP/1.1\r\nHost: x\r\n\r\n',
          'GET /health HTTP/1.1\r\nHost: x\r\nBad Header\r\n\r\n',
          'POST /v1/predictions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: -1\r\n\r\n',
          'POST /v1/predictions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"pairs":',
        ],
        rng,
      );
      return { category: 'raw-http', raw: Buffer.from(raw, 'latin1') };
    },
  ],
};

function decodeURIComponentSafe(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

// each category its share of the cases, in a seeded random order
const totalWeight = Object.values(GENERATORS).reduce((a, [w]) => a + w, 0);
const cases: Case[] = [];
for (const [, [w, make]] of Object.entries(GENERATORS)) {
  const n = Math.max(1, Math.round((nCases * w) / totalWeight));
  for (let j = 0; j < n; j++) cases.push(make());
}
rng.shuffle(cases);

const precompute = arg('precompute', scratch ? '3' : '0');
const server = await startServer(model, ['--admin-token', TOKEN, '--precompute', precompute]);
const url = new URL(server.url);
const agent = new Agent({ keepAlive: true, maxSockets: concurrency });

/** The status, or the client-side error code, or `no-response` (a raw request the server waits on, e.g. a short body). */
function send(c: Case): Promise<string> {
  if ('raw' in c) {
    return new Promise((done) => {
      const s = connect(Number(url.port), url.hostname);
      let got = '';
      const finish = (v: string): void => {
        s.destroy();
        done(v);
      };
      const timer = setTimeout(() => finish(/^HTTP\/1\.[01] (\d{3})/.exec(got)?.[1] ?? 'no-response'), 1000);
      s.on('data', (d) => {
        got += d.toString('latin1');
        const m = /^HTTP\/1\.[01] (\d{3})/.exec(got);
        if (m) {
          clearTimeout(timer);
          finish(m[1]);
        }
      });
      s.on('error', (e: NodeJS.ErrnoException) => {
        clearTimeout(timer);
        finish(/^HTTP\/1\.[01] (\d{3})/.exec(got)?.[1] ?? (e.code ?? 'error'));
      });
      s.on('close', () => {
        clearTimeout(timer);
        finish(/^HTTP\/1\.[01] (\d{3})/.exec(got)?.[1] ?? 'closed-without-response');
      });
      s.end(c.raw);
    });
  }
  return new Promise((done) => {
    // an explicit length: without it node's client sends a GET or DELETE body unframed, which breaks its connection
    const headers = c.body ? { ...c.headers, 'content-length': String(c.body.length) } : c.headers;
    const req = request({ host: url.hostname, port: url.port, method: c.method, path: c.path, agent, headers, timeout: 30_000 }, (res) => {
      res.resume();
      res.on('end', () => done(String(res.statusCode)));
      res.on('error', () => done(String(res.statusCode)));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('socket', (sock) => {
      const tagged = sock as typeof sock & { lastCase?: string };
      const previous = tagged.lastCase;
      if (process.env.FUZZ_DEBUG) req.on('error', () => process.stderr.write(`  reused=${req.reusedSocket} previous on socket: ${previous}; this: ${c.method} ${c.path.slice(0, 80)} ${JSON.stringify(c.headers)} ${c.body?.toString('latin1').slice(0, 80)}\n`));
      tagged.lastCase = `${c.method} ${c.path.slice(0, 60)} ${JSON.stringify(c.headers)} ${c.body?.length ?? 0} bytes`;
    });
    req.on('error', (e: NodeJS.ErrnoException) => done(`client-error:${e.code ?? e.message}`));
    req.end(c.body);
  });
}

const byCategory: Record<string, Record<string, number>> = {};
const byStatus: Record<string, number> = {};
let next = 0;
await Promise.all(
  Array.from({ length: concurrency }, async () => {
    while (next < cases.length) {
      const c = cases[next++];
      const outcome = await send(c);
      if (process.env.FUZZ_DEBUG && !/^[1-4]\d\d$/.test(outcome)) {
        process.stderr.write(`${outcome}: ${'raw' in c ? c.raw.toString('latin1').slice(0, 200) : `${c.method} ${c.path.slice(0, 100)} ${JSON.stringify(c.headers)} ${c.body?.toString('latin1').slice(0, 200)}`}\n`);
      }
      byStatus[outcome] = (byStatus[outcome] ?? 0) + 1;
      byCategory[c.category] ??= {};
      byCategory[c.category][outcome] = (byCategory[c.category][outcome] ?? 0) + 1;
    }
  }),
);
agent.destroy();

// the server's own count of its answers by status (what it sent, whether or not the client read it)
const metricsText = await fetch(`${server.url}/metrics`).then((r) => r.text());
const serverByStatus: Record<string, number> = {};
for (const m of metricsText.matchAll(/^rsattae_http_requests_total\{[^}]*status="(\d+)"\} (\d+)$/gm)) {
  serverByStatus[m[1]] = (serverByStatus[m[1]] ?? 0) + Number(m[2]);
}
const health = await fetch(`${server.url}/health`).then(
  (r) => r.status,
  () => 0,
);
const aliveBeforeStop = server.proc.exitCode === null && server.proc.signalCode === null;
server.proc.kill('SIGTERM');
const exitCode = await server.exited;
if (scratch) await rm(scratch, { recursive: true, force: true });

const status5xx = Object.entries(byStatus).filter(([s]) => /^5\d\d$/.test(s));
const result = {
  bench: 'serve-fuzz',
  date: new Date().toISOString(),
  command: `node dist/bench/serve/fuzz.js ${process.argv.slice(2).join(' ')}`,
  model: scratch ? 'tiny synthetic (30 users, 40 items)' : model,
  precompute: Number(precompute),
  seed,
  requests: cases.length,
  byStatus,
  byCategory,
  status5xx: Object.fromEntries(status5xx),
  status5xxTotal: status5xx.reduce((a, [, n]) => a + n, 0),
  serverByStatus,
  server5xxTotal: Object.entries(serverByStatus).reduce((a, [st, n]) => a + (Number(st) >= 500 ? n : 0), 0),
  serverStayedUp: aliveBeforeStop && health === 200,
  healthAfter: health,
  exitCodeAfterSigterm: exitCode,
};
const text = JSON.stringify(result, null, 2);
if (out) await writeFile(out, `${text}\n`);
process.stdout.write(`${text}\n`);
