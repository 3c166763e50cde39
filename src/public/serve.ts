/**
 * `rsattae/serve`: The HTTP server over a model bundle (fastify): the app, the served model with hot reload, the work queue, the OpenAPI document.
 * @packageDocumentation
 */

export { ApiError } from '../serve/api-errors.js';
export { type ApiIssue, DEFAULT_MAX_BATCH, type ErrorResponse, MAX_K, type ModelInfo } from '../serve/api-schemas.js';
export { type AppOptions, type BuiltApp, buildApp, DEFAULT_BODY_LIMIT, LOG_LEVELS, type LogLevel } from '../serve/app.js';
export { DEFAULT_SCORE_CACHE_BYTES, type LoadServedOptions, loadServed, ModelHolder, type Served, scoreMatrixBytes, scorePairs, type TopN } from '../serve/model-holder.js';
export { openApiDocument } from '../serve/openapi.js';
export type { RouteSpec } from '../serve/route-spec.js';
export { createServer, type RSAttAEServer, type ServeOptions, type ShutdownOptions } from '../serve/server.js';
export type { ServerMetrics } from '../serve/server-metrics.js';
export { WorkQueue } from '../serve/work-queue.js';
