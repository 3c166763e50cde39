/** The OpenAPI 3.1 document of the server, generated from the route table's zod schemas (`z.toJSONSchema`). */
import { z } from 'zod';
import { VERSION } from '../core/version.js';
import { errorResponseSchema } from './api-schemas.js';
import type { RouteSpec } from './route-spec.js';

type JsonSchema = Record<string, unknown>;

/** JSON Schema of `schema` as OpenAPI 3.1 embeds it (2020-12, without `$schema`). */
function jsonSchema(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
  const { $schema: _, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as JsonSchema;
  return rest;
}

/** One OpenAPI parameter per property of an object schema (path or query). */
function parameters(schema: z.ZodType | undefined, where: 'path' | 'query'): JsonSchema[] {
  if (!schema) return [];
  const s = jsonSchema(schema, 'input') as { properties?: Record<string, JsonSchema>; required?: string[] };
  return Object.entries(s.properties ?? {}).map(([name, p]) => ({
    name,
    in: where,
    required: where === 'path' || (s.required ?? []).includes(name),
    ...(typeof p.description === 'string' ? { description: p.description } : {}),
    schema: p,
  }));
}

const REASONS: Readonly<Record<number, string>> = {
  400: 'malformed JSON or a schema violation (issues give the field path and the reason)',
  401: 'missing or wrong bearer token',
  404: 'an unknown id (named in the message and issues)',
  413: 'request body over the limit',
  415: 'content type other than application/json',
  422: 'the new bundle failed to load or check; the previous model keeps serving',
  500: 'a fault of the server (never caused by request content)',
  501: 'not available in this build',
  503: 'shutting down (with Retry-After): /ready while draining; model routes whose work had not started when the shutdown grace ran out',
};

/** The OpenAPI document describing `routes`. */
export function openApiDocument(routes: readonly RouteSpec[]): Record<string, unknown> {
  const error = jsonSchema(errorResponseSchema, 'output');
  const paths: Record<string, Record<string, unknown>> = {};
  for (const r of routes) {
    const responses: Record<string, unknown> = {
      200: { description: 'success', content: { [r.produces ?? 'application/json']: { schema: jsonSchema(r.response, 'output') } } },
    };
    for (const status of [...r.errors, 500]) {
      responses[status] = { description: REASONS[status] ?? 'error', content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } };
    }
    paths[r.path] ??= {};
    paths[r.path][r.method.toLowerCase()] = {
      summary: r.summary,
      parameters: [...parameters(r.params, 'path'), ...parameters(r.query, 'query')],
      ...(r.body ? { requestBody: { required: true, content: { 'application/json': { schema: jsonSchema(r.body, 'input') } } } } : {}),
      ...(r.admin ? { security: [{ bearer: [] }] } : {}),
      responses,
    };
  }
  return {
    openapi: '3.1.0',
    info: { title: 'rsattae', version: VERSION, description: 'RSAttAE recommender: rating predictions, recommendations, similar items' },
    paths,
    components: { schemas: { Error: error }, securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
  };
}
