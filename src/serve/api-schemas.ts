/**
 * The HTTP API's request and response shapes, as zod schemas. Handlers validate with them and `GET /openapi.json`
 * is generated from them (`z.toJSONSchema`), so the documentation cannot drift from what the server accepts.
 */
import { z } from 'zod';

/** Largest `k` any endpoint accepts: a bound on work and response size per request. */
export const MAX_K = 1000;

/** Default largest number of (user, item) pairs in one `POST /v1/predictions`. */
export const DEFAULT_MAX_BATCH = 1000;

/** Longest external id accepted; longer ones cannot be in any model and would only cost memory. */
export const MAX_ID_LENGTH = 256;

/** An external id as in the data files; a JSON number is taken as its decimal string (MovieLens ids). */
export const idSchema = z
  .union([z.string().min(1).max(MAX_ID_LENGTH), z.number().int().nonnegative()], {
    // zod's own union message is a bare "Invalid input"; say what is missing or expected
    error: (iss) => (iss.input === undefined ? 'required' : 'expected a non-empty string or a whole number'),
  })
  .transform(String)
  .meta({ description: 'external id as in the data files; a whole number stands for its decimal string' });

/** `?k=`: how many items to return. */
export const kQuerySchema = z.strictObject({
  k: z.coerce.number().int().min(1).max(MAX_K).default(10).meta({ description: 'how many items to return' }),
});

/** Path parameter `{id}`. */
export const idParamsSchema = z.strictObject({ id: z.string().min(1).max(MAX_ID_LENGTH).meta({ description: 'external id' }) });

/** Body of `POST /v1/predictions`, with at most `maxBatch` pairs. */
export function predictionsRequestSchema(maxBatch: number) {
  return z.strictObject({
    pairs: z
      .array(z.strictObject({ user: idSchema, item: idSchema }))
      .min(1)
      .max(maxBatch)
      .meta({ description: `up to ${maxBatch} (user, item) pairs, external ids` }),
  });
}

/** One predicted rating. */
export const predictionSchema = z.object({ user: z.string(), item: z.string(), rating: z.number() });

/** Response of `POST /v1/predictions`: one prediction per pair, in request order. */
export const predictionsResponseSchema = z.object({ predictions: z.array(predictionSchema) });

/** One recommended item. */
export const recommendationSchema = z.object({
  item: z.string(),
  title: z.string().optional(),
  score: z.number().meta({ description: 'predicted rating' }),
});

/** Response of `GET /v1/users/{id}/recommendations`. */
export const userRecommendationsResponseSchema = z.object({ user: z.string(), items: z.array(recommendationSchema) });

/** Body of `POST /v1/recommendations`: a user the model has not seen, described by features and/or ratings. */
export const foldInRequestSchema = z
  .strictObject({
    features: z
      .record(z.string().max(MAX_ID_LENGTH), z.union([z.string().max(MAX_ID_LENGTH), z.number()]))
      .optional()
      .meta({ description: 'user feature values by column name, e.g. {"age": 31, "gender": "F"}' }),
    ratings: z
      .array(z.strictObject({ id: idSchema, rating: z.number() }))
      .max(10_000)
      .optional()
      .meta({ description: "the user's ratings of items the model knows (external item ids)" }),
    k: z.number().int().min(1).max(MAX_K).default(10),
    method: z.enum(['attention', 'encoder']).optional().meta({ description: 'how the embedding is folded in (library default if absent)' }),
  })
  .refine((b) => b.features !== undefined || (b.ratings !== undefined && b.ratings.length > 0), {
    message: 'give features, ratings or both',
  });

/** Response of `POST /v1/recommendations`. */
export const foldInResponseSchema = z.object({ items: z.array(recommendationSchema) });

/** One similar item. */
export const similarItemSchema = z.object({
  item: z.string(),
  title: z.string().optional(),
  similarity: z.number().meta({ description: 'cosine similarity of the item embeddings' }),
});

/** Response of `GET /v1/items/{id}/similar`. */
export const similarResponseSchema = z.object({ item: z.string(), items: z.array(similarItemSchema) });

/** What is being served. */
export const modelInfoSchema = z.object({
  dir: z.string(),
  users: z.number().int(),
  items: z.number().int(),
  createdAt: z.string().optional().meta({ description: 'when the bundle was saved' }),
  loadedAt: z.string(),
  precomputedK: z.number().int().nullable().meta({ description: 'top-N precomputed per known user at load, or null' }),
  scoreCacheBytes: z.number().int().nullable().meta({ description: 'bytes of the dense score matrix answering known pairs by lookup, or null (not precomputed, or over the cap)' }),
  foldIn: z.boolean().meta({ description: 'whether POST /v1/recommendations can fold new users in' }),
});

/** Response of `GET /health`. */
export const healthResponseSchema = z.object({ status: z.literal('ok') });

/** Response of `GET /ready` (200) and of `POST /admin/reload`. */
export const readyResponseSchema = z.object({ status: z.enum(['ready', 'reloaded']), model: modelInfoSchema });

/** The one error body of every 4xx and 5xx answer. */
export const errorResponseSchema = z.object({
  error: z.object({
    code: z.string().meta({ description: 'machine-readable reason, e.g. invalid_request, unknown_id, body_too_large' }),
    message: z.string(),
    issues: z
      .array(
        z.object({
          path: z.string().meta({ description: 'where: body.pairs.3.user, query.k, params.id' }),
          code: z.string(),
          message: z.string(),
        }),
      )
      .optional(),
  }),
});

/** The error body as a type. */
export type ErrorResponse = z.infer<typeof errorResponseSchema>;
/** One problem of an error body. */
export type ApiIssue = NonNullable<ErrorResponse['error']['issues']>[number];
/** What is being served, as a type. */
export type ModelInfo = z.infer<typeof modelInfoSchema>;
