/**
 * The HTTP API on a loopback port: every endpoint's answers checked against the library and against the response
 * schemas, and every error status with its body (code, field path, reason).
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { RSAttAE } from 'rsattae';
import { similarItems } from 'rsattae/model';
import { createServer, MAX_K, type RSAttAEServer } from 'rsattae/serve';
import type { z } from 'zod';
import * as schemas from '../../src/serve/api-schemas.js';
import { tempDir } from '../data/helpers.js';
import { type Answer, call, DATA, errorOf, tinyBundle } from './helpers.js';


/** Asserts a 2xx body matches its response schema and returns it parsed. */
function valid<S extends z.ZodType>(schema: S, a: Answer, status = 200): z.output<S> {
  assert.equal(a.status, status, a.text);
  const r = schema.safeParse(a.body);
  assert.ok(r.success, `body does not match the response schema: ${a.text}`);
  return r.data;
}

/** Asserts an error answer: status, code, and (when given) the path of the first issue. */
function fails(a: Answer, status: number, code: string, path?: string): ReturnType<typeof errorOf> {
  assert.equal(a.status, status, a.text);
  assert.ok(schemas.errorResponseSchema.safeParse(a.body).success, `error body shape: ${a.text}`);
  const e = errorOf(a);
  assert.equal(e.code, code, a.text);
  if (path !== undefined) assert.equal(e.issues?.[0]?.path, path, a.text);
  return e;
}

describe('rsattae serve: endpoints and errors', () => {
  let tmp: { path: string; cleanup: () => Promise<void> };
  let model: RSAttAE;
  let server: RSAttAEServer;
  let base: string;
  const PRECOMPUTE = 5;

  before(async () => {
    tmp = await tempDir();
    const b = await tinyBundle(tmp.path, 'model', 1);
    model = b.model;
    server = await createServer({ model: b.dir, precompute: PRECOMPUTE, maxBatch: 50, bodyLimit: 64 * 1024 });
    base = await server.listen({ port: 0 });
  });
  after(async () => {
    await server?.shutdown();
    model?.dispose();
    await tmp?.cleanup();
  });

  test('GET /health and GET /ready', async () => {
    assert.deepEqual(valid(schemas.healthResponseSchema, await call(base, 'GET', '/health')), { status: 'ok' });
    const ready = valid(schemas.readyResponseSchema, await call(base, 'GET', '/ready'));
    assert.equal(ready.status, 'ready');
    assert.deepEqual([ready.model.users, ready.model.items, ready.model.precomputedK], [30, 40, PRECOMPUTE]);
  });

  test('POST /v1/predictions: one batched prediction equal to the library, ids as strings or numbers', async () => {
    const pairs = [
      { user: 1, item: '2' },
      { user: '30', item: 40 },
      { user: '7', item: '13' },
    ];
    const out = valid(schemas.predictionsResponseSchema, await call(base, 'POST', '/v1/predictions', { json: { pairs } }));
    assert.deepEqual(
      out.predictions.map((p) => [p.user, p.item]),
      [
        ['1', '2'],
        ['30', '40'],
        ['7', '13'],
      ],
    );
    const want = model.predictIndices(Int32Array.of(0, 29, 6), Int32Array.of(1, 39, 12));
    assert.deepEqual(
      out.predictions.map((p) => p.rating),
      Array.from(want),
    );
    assert.equal(out.predictions[0].rating, model.predict(1, 2));
  });

  test('POST /v1/predictions: 400 with the field path, 404 naming unknown ids, 413, 415', async () => {
    const post = (json: unknown) => call(base, 'POST', '/v1/predictions', { json });
    fails(await post({ pairs: [{ user: true, item: '2' }] }), 400, 'invalid_request', 'body.pairs.0.user');
    assert.match(fails(await post({ pairs: [{ user: '1' }] }), 400, 'invalid_request', 'body.pairs.0.item').message, /body\.pairs\.0\.item: required/);
    assert.match(fails(await post({ pairs: [{ user: true, item: '2' }] }), 400, 'invalid_request').message, /expected a non-empty string or a whole number/);
    fails(await post({ pairs: [] }), 400, 'invalid_request', 'body.pairs');
    fails(await post({ pairs: [{ user: '1', item: '2' }], extra: 1 }), 400, 'invalid_request', 'body');
    fails(await post([1, 2]), 400, 'invalid_request', 'body');
    fails(await post({ pairs: [{ user: -1, item: '2' }] }), 400, 'invalid_request', 'body.pairs.0.user');
    fails(await post({ pairs: [{ user: '1', item: 'x'.repeat(300) }] }), 400, 'invalid_request', 'body.pairs.0.item');
    // over --max-batch (50 here)
    const many = Array.from({ length: 51 }, () => ({ user: '1', item: '1' }));
    const e = fails(await post({ pairs: many }), 400, 'invalid_request', 'body.pairs');
    assert.match(e.message, /50/);

    const unknown = fails(await post({ pairs: [{ user: '1', item: '2' }, { user: 'nobody', item: '2' }, { user: '1', item: '999' }] }), 404, 'unknown_id');
    assert.deepEqual(
      unknown.issues?.map((i) => i.path),
      ['body.pairs.1.user', 'body.pairs.2.item'],
    );
    assert.match(unknown.message, /unknown user id "nobody".*unknown item id "999"/);

    const raw = (body: string, type?: string) => call(base, 'POST', '/v1/predictions', { body, headers: type ? { 'content-type': type } : {} });
    fails(await raw('{"pairs": [', 'application/json'), 400, 'invalid_json');
    fails(await raw('', 'application/json'), 400, 'invalid_json');
    fails(await raw('{"__proto__": {"polluted": 1}}', 'application/json'), 400, 'invalid_json');
    fails(await raw('{"pairs": []}', 'text/plain'), 415, 'unsupported_media_type');
    fails(await raw('pairs=1', 'application/x-www-form-urlencoded'), 415, 'unsupported_media_type');
    fails(await raw(JSON.stringify({ pairs: [{ user: '1', item: '2'.repeat(100) }], pad: ' '.repeat(70 * 1024) }), 'application/json'), 413, 'body_too_large');
  });

  test('GET /v1/users/{id}/recommendations: the library top-k without rated items, precomputed or not', async () => {
    for (const k of [1, PRECOMPUTE, PRECOMPUTE + 3]) {
      for (const user of ['1', '17', '30']) {
        const out = valid(schemas.userRecommendationsResponseSchema, await call(base, 'GET', `/v1/users/${user}/recommendations?k=${k}`));
        assert.equal(out.user, user);
        assert.deepEqual(out.items, model.recommend(user, k), `user ${user}, k ${k}`);
      }
    }
    const dflt = valid(schemas.userRecommendationsResponseSchema, await call(base, 'GET', '/v1/users/2/recommendations'));
    assert.equal(dflt.items.length, 10);
    // the items user 2 rated in train + validation never come back, even when asking for all of them
    const all = valid(schemas.userRecommendationsResponseSchema, await call(base, 'GET', '/v1/users/2/recommendations?k=1000'));
    const rated = new Set<string>();
    for (const r of [DATA.train, DATA.validation]) for (let j = 0; j < r.user.length; j++) if (r.user[j] === 1) rated.add(String(r.item[j] + 1));
    assert.ok(rated.size > 0);
    assert.equal(all.items.length, 40 - rated.size);
    for (const it of all.items) assert.ok(!rated.has(it.item), `rated item ${it.item} recommended`);
  });

  test('GET /v1/users/{id}/recommendations: 400 for a bad k, 404 for an unknown user', async () => {
    for (const k of ['0', '-3', 'abc', '2.5', String(MAX_K + 1), '1e9', '']) {
      fails(await call(base, 'GET', `/v1/users/1/recommendations?k=${k}`), 400, 'invalid_request', 'query.k');
    }
    fails(await call(base, 'GET', '/v1/users/1/recommendations?k=1&k=2'), 400, 'invalid_request', 'query.k');
    fails(await call(base, 'GET', '/v1/users/1/recommendations?kk=2'), 400, 'invalid_request', 'query');
    const e = fails(await call(base, 'GET', '/v1/users/u%20x/recommendations'), 404, 'unknown_id', 'params.id');
    assert.equal(e.message, 'unknown user id "u x"');
    fails(await call(base, 'GET', `/v1/users/${'9'.repeat(300)}/recommendations`), 400, 'invalid_request', 'params.id');
    fails(await call(base, 'GET', '/v1/users/%FF/recommendations'), 400, 'invalid_url');
  });

  test('GET /v1/items/{id}/similar: nearest items by cosine, the item itself excluded', async () => {
    const out = valid(schemas.similarResponseSchema, await call(base, 'GET', '/v1/items/3/similar?k=5'));
    assert.equal(out.item, '3');
    assert.deepEqual(out.items, similarItems(model, '3', 5));
    assert.equal(out.items.length, 5);
    assert.ok(out.items.every((x) => x.item !== '3' && x.similarity <= 1 + 1e-9 && x.similarity >= -1 - 1e-9));
    for (let j = 1; j < out.items.length; j++) assert.ok(out.items[j - 1].similarity >= out.items[j].similarity);
    const all = valid(schemas.similarResponseSchema, await call(base, 'GET', '/v1/items/3/similar?k=1000'));
    assert.equal(all.items.length, 39);
    fails(await call(base, 'GET', '/v1/items/41/similar'), 404, 'unknown_id', 'params.id');
    fails(await call(base, 'GET', '/v1/items/3/similar?k=-1'), 400, 'invalid_request', 'query.k');
  });

  test('POST /v1/recommendations: the request is validated', async () => {
    const post = (json: unknown) => call(base, 'POST', '/v1/recommendations', { json });
    fails(await post({}), 400, 'invalid_request', 'body');
    fails(await post({ ratings: [] }), 400, 'invalid_request', 'body');
    fails(await post({ ratings: [{ id: '1', rating: 'five' }] }), 400, 'invalid_request', 'body.ratings.0.rating');
    fails(await post({ features: { group: 1 }, k: 0 }), 400, 'invalid_request', 'body.k');
    fails(await post({ features: { group: 1 }, method: 'magic' }), 400, 'invalid_request', 'body.method');
    fails(await post({ ratings: [{ id: '1', rating: 4 }], extra: true }), 400, 'invalid_request', 'body');
  });

  test('POST /v1/recommendations: a new user folded in from ratings', async () => {
    const post = (json: unknown) => call(base, 'POST', '/v1/recommendations', { json });
    const ratings = [
      { id: '1', rating: 5 },
      { id: '2', rating: 1 },
      { id: '3', rating: 4 },
    ];
    const out = valid(schemas.foldInResponseSchema, await post({ ratings, k: 6 }));
    assert.deepEqual(out.items, model.recommend(model.foldInUser({ ratings }), 6));
    assert.equal(out.items.length, 6);
    assert.ok(out.items.every((r) => !['1', '2', '3'].includes(r.item)), 'rated items are excluded');
    const unknown = fails(await post({ ratings: [{ id: 'no-such-item', rating: 3 }] }), 404, 'unknown_id');
    assert.match(unknown.message, /no-such-item/);
    fails(await post({ ratings: [{ id: '1', rating: 99 }] }), 400, 'invalid_request');
  });

  test('GET /openapi.json: every route, generated from the zod schemas', async () => {
    const a = await call(base, 'GET', '/openapi.json');
    assert.equal(a.status, 200);
    const doc = a.body as { openapi: string; paths: Record<string, Record<string, { requestBody?: unknown; parameters: { name: string; in: string }[]; responses: Record<string, unknown> }>> };
    assert.equal(doc.openapi, '3.1.0');
    assert.deepEqual(Object.keys(doc.paths).sort(), [
      '/health',
      '/metrics',
      '/openapi.json',
      '/ready',
      '/v1/items/{id}/similar',
      '/v1/predictions',
      '/v1/recommendations',
      '/v1/users/{id}/recommendations',
    ]);
    const rec = doc.paths['/v1/users/{id}/recommendations'].get;
    assert.deepEqual(
      rec.parameters.map((p) => [p.name, p.in]),
      [
        ['id', 'path'],
        ['k', 'query'],
      ],
    );
    assert.deepEqual(Object.keys(rec.responses).sort(), ['200', '400', '404', '500', '503']);
    const body = doc.paths['/v1/predictions'].post.requestBody as { content: { 'application/json': { schema: { properties: { pairs: { maxItems: number } } } } } };
    assert.equal(body.content['application/json'].schema.properties.pairs.maxItems, 50);
  });

  test('unknown routes: 404 in the same error shape', async () => {
    fails(await call(base, 'GET', '/v2/nothing'), 404, 'not_found');
    fails(await call(base, 'DELETE', '/v1/predictions'), 404, 'not_found');
    // no admin token configured: the reload route does not exist
    fails(await call(base, 'POST', '/admin/reload'), 404, 'not_found');
  });

  test('GET /metrics: Prometheus text with counts and latency histograms per route', async () => {
    await call(base, 'GET', '/v1/users/1/recommendations?k=2');
    const a = await call(base, 'GET', '/metrics');
    assert.equal(a.status, 200);
    assert.match(a.headers.get('content-type') ?? '', /^text\/plain/);
    assert.match(a.text, /^rsattae_http_requests_total\{method="GET",route="\/v1\/users\/:id\/recommendations",status="200"\} [1-9]\d*$/m);
    assert.match(a.text, /^rsattae_http_requests_total\{method="GET",route="\/v1\/users\/:id\/recommendations",status="400"\} [1-9]\d*$/m);
    assert.match(a.text, /^rsattae_http_requests_total\{method="POST",route="\/v1\/predictions",status="415"\} [1-9]\d*$/m);
    assert.match(a.text, /^rsattae_http_request_duration_seconds_bucket\{le="0.02",method="POST",route="\/v1\/predictions"\} \d+$/m);
    assert.match(a.text, /^rsattae_http_requests_total\{method="GET",route="unmatched",status="404"\} [1-9]\d*$/m);
  });
});
