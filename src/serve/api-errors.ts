/**
 * The server's errors: one body shape for every failure, and the mapping from whatever was thrown (our own
 * {@link ApiError}, the library's InputError, fastify's parser errors) to a status. Anything a client can send ends
 * in a 4xx; only a fault of the server itself is a 5xx.
 */
import type { z } from 'zod';
import { formatPath, InputError, UNKNOWN_ID } from '../core/errors.js';
import type { ApiIssue, ErrorResponse } from './api-schemas.js';

/** An answer other than 2xx, with the code and issues of its body. */
export class ApiError extends Error {
  override readonly name: string = 'ApiError';
  /**
   * @param status HTTP status
   * @param code machine-readable reason (`invalid_request`, `unknown_id`, …)
   * @param message human-readable, naming what is wrong
   * @param issues the individual problems, with the path of each
   */
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly issues?: readonly ApiIssue[],
  ) {
    super(message);
  }

  /** Seconds for a `Retry-After` header (503 while shutting down). */
  retryAfter?: number;

  /** The response body. */
  body(): ErrorResponse {
    return { error: { code: this.code, message: this.message, ...(this.issues ? { issues: [...this.issues] } : {}) } };
  }
}

/** 503 `shutting_down`, with `Retry-After` (the request can go to another instance, or here after a restart). */
export function shuttingDown(message: string, retryAfterSeconds = 1): ApiError {
  const e = new ApiError(503, 'shutting_down', message);
  e.retryAfter = retryAfterSeconds;
  return e;
}

/** A 400 from a zod validation failure of one part of the request (`body`, `query`, `params`). */
export function validationError(where: 'body' | 'query' | 'params', error: z.ZodError): ApiError {
  const issues = error.issues.map((i) => ({ path: formatPath([where, ...i.path]), code: i.code, message: i.message }));
  const message = `invalid ${where}: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`;
  return new ApiError(400, 'invalid_request', message, issues);
}

/** Status and code of fastify's own client errors, by fastify error code. */
const FASTIFY_CODES: Readonly<Record<string, readonly [number, string]>> = {
  FST_ERR_CTP_INVALID_MEDIA_TYPE: [415, 'unsupported_media_type'],
  FST_ERR_CTP_BODY_TOO_LARGE: [413, 'body_too_large'],
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: [400, 'invalid_content_length'],
  FST_ERR_CTP_EMPTY_JSON_BODY: [400, 'invalid_json'],
  FST_ERR_CTP_INVALID_JSON_BODY: [400, 'invalid_json'],
  FST_ERR_BAD_URL: [400, 'invalid_url'],
};

/** The error as an {@link ApiError}; `internal` (500) only for what is not the client's doing. */
export function toApiError(err: unknown): ApiError {
  if (err instanceof ApiError) return err;
  if (err instanceof InputError) {
    const issues = err.issues.map((i) => ({ path: formatPath(i.path, ''), code: i.code, message: i.message }));
    // an unknown id is a missing resource; every other library complaint about the input is a bad request
    if (err.issues.length > 0 && err.issues.every((i) => i.code === UNKNOWN_ID)) return new ApiError(404, UNKNOWN_ID, err.message, issues);
    return new ApiError(400, 'invalid_request', err.message, issues.length > 0 ? issues : undefined);
  }
  const e = err as { code?: unknown; statusCode?: unknown; message?: unknown };
  const known = typeof e.code === 'string' ? FASTIFY_CODES[e.code] : undefined;
  if (known) return new ApiError(known[0], known[1], String(e.message));
  // fastify marks other client errors (e.g. prototype poisoning in JSON, a malformed body stream) with a 4xx
  if (typeof e.statusCode === 'number' && e.statusCode >= 400 && e.statusCode < 500) {
    return new ApiError(e.statusCode, e.statusCode === 400 ? 'bad_request' : `http_${e.statusCode}`, String(e.message));
  }
  return new ApiError(500, 'internal', 'internal server error');
}
