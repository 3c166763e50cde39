/**
 * The HTTP API over a served model, as a fastify instance. Every route is one entry of a table (method, path, zod
 * schemas of its params, query, body and response, the error statuses it can answer): the table drives both the
 * validation and `GET /openapi.json`.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { z } from 'zod';
import { UNKNOWN_ID } from '../core/errors.js';
import type { IdMap } from '../data/dataset.js';
import { similarItems } from '../model/similar-items.js';
import { ApiError, shuttingDown, toApiError, validationError } from './api-errors.js';
import {
  type ApiIssue,
  DEFAULT_MAX_BATCH,
  foldInRequestSchema,
  foldInResponseSchema,
  healthResponseSchema,
  idParamsSchema,
  kQuerySchema,
  type ModelInfo,
  predictionsRequestSchema,
  predictionsResponseSchema,
  readyResponseSchema,
  similarResponseSchema,
  userRecommendationsResponseSchema,
} from './api-schemas.js';
import { checkPredictionsBody } from './fast-predictions.js';
import { foldInRecommend } from './foldin-recommend.js';
import { type ModelHolder, precomputed, scorePairs } from './model-holder.js';
import { openApiDocument } from './openapi.js';
import type { RouteSpec } from './route-spec.js';
import { createMetrics, type ServerMetrics } from './server-metrics.js';
import { WorkQueue } from './work-queue.js';

/** Default request body limit: far above a full batch of pairs, far below what would hurt. */
export const DEFAULT_BODY_LIMIT = 1024 * 1024;

/** Log levels of `--log-level` (pino's). */
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
/** One of {@link LOG_LEVELS}. */
export type LogLevel = (typeof LOG_LEVELS)[number];

/** Options of {@link buildApp}. */
export interface AppOptions {
  /** Most pairs in one `POST /v1/predictions` (default {@link DEFAULT_MAX_BATCH}). */
  readonly maxBatch?: number;
  /** Largest request body in bytes; larger ones get 413 (default {@link DEFAULT_BODY_LIMIT}). */
  readonly bodyLimit?: number;
  /** Enables `POST /admin/reload` for requests bearing this token; absent: the route does not exist. */
  readonly adminToken?: string;
  /** Answers cross-origin requests from this origin (`*` for any); absent: no CORS headers. */
  readonly cors?: string;
  /** Structured request logs (pino, JSON on stdout) at this level; absent: no logs. */
  readonly logLevel?: LogLevel;
  /** True once shutdown has begun: `/ready` then answers 503 so load balancers stop sending. */
  readonly isDraining?: () => boolean;
}

function route<P extends z.ZodType, Q extends z.ZodType, B extends z.ZodType, R extends z.ZodType>(spec: RouteSpec<P, Q, B, R>): RouteSpec {
  return spec as unknown as RouteSpec;
}

function parsePart<S extends z.ZodType>(where: 'body' | 'query' | 'params', schema: S | undefined, value: unknown): z.output<S> | undefined {
  if (!schema) return undefined;
  const r = schema.safeParse(value);
  if (!r.success) throw validationError(where, r.error);
  return r.data;
}

const digest = (s: string): Buffer => createHash('sha256').update(s).digest();

/** Checks `Authorization: Bearer <token>` in constant time. @throws ApiError 401 */
function checkBearer(req: FastifyRequest, token: string): void {
  const header = req.headers.authorization ?? '';
  const m = /^Bearer +(\S+)\s*$/i.exec(header);
  if (!m || !timingSafeEqual(digest(m[1]), digest(token))) {
    throw new ApiError(401, 'unauthorized', 'this route needs the admin token: Authorization: Bearer <token>');
  }
}

/**
 * The index of `id` in `ids`; when unknown, an issue is added to `unknown` (and 0 returned), at `path`, or at
 * `path.pair.what` for a pair of a batch (built only then: a batch has hundreds of ids).
 */
function lookup(ids: IdMap, id: string, what: 'user' | 'item', unknown: ApiIssue[], path: string, pair?: number): number {
  const k = ids.index(id);
  if (k !== undefined) return k;
  unknown.push({ path: pair === undefined ? path : `${path}.${pair}.${what}`, code: UNKNOWN_ID, message: `unknown ${what} id ${JSON.stringify(id)}` });
  return 0;
}

/** @throws ApiError 404 naming the unknown ids, when there are any */
function throwUnknown(unknown: readonly ApiIssue[]): void {
  if (unknown.length === 0) return;
  const shown = unknown.slice(0, 5).map((x) => (unknown.length > 1 ? `${x.path}: ${x.message}` : x.message));
  const message = unknown.length > 1 ? `${unknown.length} unknown ids: ${shown.join('; ')}${unknown.length > 5 ? '; …' : ''}` : shown[0];
  throw new ApiError(404, UNKNOWN_ID, message, unknown.slice(0, 100));
}

/** The routes over `holder`. */
function routes(holder: ModelHolder, opts: AppOptions, metrics: ServerMetrics, reload: () => Promise<ModelInfo>, document: () => unknown): RouteSpec[] {
  const maxBatch = opts.maxBatch ?? DEFAULT_MAX_BATCH;
  const list: RouteSpec[] = [
    route({
      method: 'GET',
      path: '/health',
      summary: 'Liveness: the process answers',
      response: healthResponseSchema,
      errors: [],
      handler: () => ({ status: 'ok' as const }),
    }),
    route({
      method: 'GET',
      path: '/ready',
      summary: 'Readiness: a model is loaded and the server is not shutting down (503 while it drains)',
      response: readyResponseSchema,
      errors: [503],
      handler: () => {
        if (opts.isDraining?.()) throw shuttingDown('the server is shutting down');
        return { status: 'ready' as const, model: holder.current.info };
      },
    }),
    route({
      method: 'POST',
      path: '/v1/predictions',
      summary: `Predicted ratings of up to ${maxBatch} (user, item) pairs: looked up in the score matrix when it is kept, else one batched prediction`,
      body: predictionsRequestSchema(maxBatch),
      fastBody: (body) => checkPredictionsBody(body, maxBatch),
      response: predictionsResponseSchema,
      errors: [400, 404, 413, 415, 503],
      // lookups in the score matrix (at most maxBatch) cost no more than parsing the body: no need to queue them
      model: () => holder.current.scores === undefined,
      handler: ({ body }) => {
        const served = holder.current;
        const { users, items } = served.model;
        const { pairs } = body;
        const u = new Int32Array(pairs.length);
        const i = new Int32Array(pairs.length);
        const unknown: ApiIssue[] = [];
        for (let k = 0; k < pairs.length; k++) {
          u[k] = lookup(users, pairs[k].user, 'user', unknown, 'body.pairs', k);
          i[k] = lookup(items, pairs[k].item, 'item', unknown, 'body.pairs', k);
        }
        throwUnknown(unknown);
        const scores = scorePairs(served, u, i);
        return { predictions: pairs.map((p, k) => ({ user: p.user, item: p.item, rating: scores[k] })) };
      },
    }),
    route({
      method: 'GET',
      path: '/v1/users/{id}/recommendations',
      summary: 'The k items a known user has not rated with the highest predicted ratings',
      params: idParamsSchema,
      query: kQuerySchema,
      response: userRecommendationsResponseSchema,
      errors: [400, 404, 503],
      model: true,
      handler: ({ params, query }) => {
        const served = holder.current;
        const unknown: ApiIssue[] = [];
        const u = lookup(served.model.users, params.id, 'user', unknown, 'params.id');
        throwUnknown(unknown);
        const items = precomputed(served, u, query.k) ?? served.model.recommend(params.id, query.k);
        return { user: params.id, items };
      },
    }),
    route({
      method: 'POST',
      path: '/v1/recommendations',
      summary: 'Recommendations for a user the model has not seen, from features and/or ratings (fold-in)',
      body: foldInRequestSchema,
      response: foldInResponseSchema,
      errors: [400, 404, 413, 415, 503],
      model: true,
      handler: ({ body }) => {
        const input = { ...(body.features ? { features: body.features } : {}), ...(body.ratings ? { ratings: body.ratings } : {}) };
        return { items: foldInRecommend(holder.current.model, input, body.k, body.method) };
      },
    }),
    route({
      method: 'GET',
      path: '/v1/items/{id}/similar',
      summary: 'The k items nearest to an item by cosine similarity of the item embeddings',
      params: idParamsSchema,
      query: kQuerySchema,
      response: similarResponseSchema,
      errors: [400, 404, 503],
      model: true,
      handler: ({ params, query }) => {
        const { model } = holder.current;
        const unknown: ApiIssue[] = [];
        lookup(model.items, params.id, 'item', unknown, 'params.id');
        throwUnknown(unknown);
        return { item: params.id, items: similarItems(model, params.id, query.k) };
      },
    }),
    route({
      method: 'GET',
      path: '/metrics',
      summary: 'Prometheus metrics: request counts and latency histograms per route, reloads, process',
      response: z.string(),
      produces: 'text/plain; version=0.0.4; charset=utf-8',
      errors: [],
      handler: () => metrics.registry.metrics(),
    }),
    route({
      method: 'GET',
      path: '/openapi.json',
      summary: 'This document',
      response: z.object({ openapi: z.string() }).loose(),
      errors: [],
      handler: () => document() as { openapi: string },
    }),
  ];
  if (opts.adminToken !== undefined) {
    list.push(
      route({
        method: 'POST',
        path: '/admin/reload',
        summary: 'Loads the bundle again from the model directory, checks it, then swaps it in; a damaged bundle leaves the old model serving (422)',
        response: readyResponseSchema,
        admin: true,
        errors: [401, 422],
        handler: async () => {
          try {
            return { status: 'reloaded' as const, model: await reload() };
          } catch (err) {
            const message = err instanceof Error ? err.message : String(err);
            throw new ApiError(422, 'reload_failed', `reload failed, the previous model keeps serving: ${message}`);
          }
        },
      }),
    );
  }
  return list;
}

/** What {@link buildApp} builds. */
export interface BuiltApp {
  readonly app: FastifyInstance;
  readonly metrics: ServerMetrics;
  /** The route table (what `/openapi.json` describes). */
  readonly routes: readonly RouteSpec[];
  /** The queue every model route's work runs through (shutdown pauses it and, after the grace period, refuses). */
  readonly queue: WorkQueue;
  /** Reloads the model (see {@link ModelHolder.reload}), counting the result in the metrics. */
  reload(): Promise<ModelInfo>;
}

/**
 * Builds the fastify instance serving `holder`'s model (not listening yet: see `createServer`, or use `inject`).
 * Every answer other than 2xx has the body `{error: {code, message, issues?}}`.
 */
export function buildApp(holder: ModelHolder, opts: AppOptions = {}): BuiltApp {
  const app = Fastify({
    logger: opts.logLevel === undefined ? false : { level: opts.logLevel },
    bodyLimit: opts.bodyLimit ?? DEFAULT_BODY_LIMIT,
    // requests arriving while draining are answered (with Connection: close), not refused with 503
    return503OnClosing: false,
    routerOptions: { maxParamLength: 1024 },
    // a malformed URL (e.g. `%FF`) fails before routing: answer it in the one error shape too
    frameworkErrors: (err, _req, reply) => {
      const e = toApiError(err);
      (reply as unknown as FastifyReply).code(e.status).send(e.body());
    },
  });
  const metrics = createMetrics();
  const queue = new WorkQueue();
  const reload = async (): Promise<ModelInfo> => {
    try {
      const served = await holder.reload();
      metrics.reloads.inc({ result: 'ok' });
      return served.info;
    } catch (err) {
      metrics.reloads.inc({ result: 'failed' });
      throw err;
    }
  };
  let doc: unknown;
  const table = routes(holder, opts, metrics, reload, () => {
    doc ??= openApiDocument(table);
    return doc;
  });

  // only JSON bodies: fastify's text/plain parser would turn a wrong content type into a string body (400 not 415)
  app.removeContentTypeParser('text/plain');

  app.addHook('onResponse', (req, reply, done) => {
    const labels = { method: req.method, route: req.routeOptions.url ?? 'unmatched' };
    metrics.requests.inc({ ...labels, status: String(reply.statusCode) });
    metrics.duration.observe(labels, reply.elapsedTime / 1000);
    done();
  });

  if (opts.cors !== undefined) {
    const origin = opts.cors;
    app.addHook('onRequest', (_req, reply, done) => {
      reply.header('access-control-allow-origin', origin);
      if (origin !== '*') reply.header('vary', 'Origin');
      done();
    });
    app.options('*', (_req, reply) => {
      reply
        .header('access-control-allow-methods', 'GET, POST, OPTIONS')
        .header('access-control-allow-headers', 'content-type, authorization')
        .header('access-control-max-age', '600')
        .code(204)
        .send();
    });
  }

  for (const spec of table) {
    app.route({
      method: spec.method,
      url: spec.path.replace(/\{(\w+)\}/g, ':$1'),
      handler: async (req, reply) => {
        if (spec.admin) checkBearer(req, opts.adminToken ?? '');
        const params = parsePart('params', spec.params, req.params);
        const query = parsePart('query', spec.query, req.query);
        const body = spec.fastBody?.(req.body) ?? parsePart('body', spec.body, req.body);
        const input = { params, query, body };
        const queued = typeof spec.model === 'function' ? spec.model() : spec.model === true;
        const out = await (queued ? queue.run(() => spec.handler(input, reply)) : spec.handler(input, reply));
        if (spec.produces) reply.type(spec.produces);
        return out;
      },
    });
  }

  app.setNotFoundHandler((req, reply) => {
    const e = new ApiError(404, 'not_found', `no route ${req.method} ${req.url.split('?')[0]}`);
    reply.code(e.status).send(e.body());
  });
  app.setErrorHandler((err, req, reply) => {
    const e = toApiError(err);
    if (e.status >= 500 && e.status !== 501 && e.status !== 503) req.log.error({ err }, 'request failed');
    if (e.status === 401) reply.header('www-authenticate', 'Bearer');
    if (e.retryAfter !== undefined) reply.header('retry-after', String(e.retryAfter));
    reply.code(e.status).send(e.body());
  });
  return { app, metrics, routes: table, reload, queue };
}
