/**
 * The shape of one HTTP route: what it accepts and answers, as zod schemas, and its handler. The route table of
 * app.ts is a list of these; openapi.ts describes the same list, so both import it from here.
 */
import type { FastifyReply } from 'fastify';
import type { z } from 'zod';

/** The parsed parts of a request a handler gets. */
interface Input<P, Q, B> {
  readonly params: P;
  readonly query: Q;
  readonly body: B;
}

/** One route: what it accepts and answers (for validation and the OpenAPI document) and its handler. */
export interface RouteSpec<P extends z.ZodType = z.ZodType, Q extends z.ZodType = z.ZodType, B extends z.ZodType = z.ZodType, R extends z.ZodType = z.ZodType> {
  readonly method: 'GET' | 'POST';
  /** OpenAPI form, `{id}` for a parameter. */
  readonly path: string;
  readonly summary: string;
  readonly params?: P;
  readonly query?: Q;
  readonly body?: B;
  /**
   * A fast check of a well-formed body: the value `body` would output, or undefined to let `body` (zod) decide and
   * word the error. Must accept nothing zod rejects.
   */
  readonly fastBody?: (body: unknown) => z.output<B> | undefined;
  readonly response: R;
  /** Response media type (default application/json). */
  readonly produces?: string;
  /** Error statuses it answers besides those of every route. */
  readonly errors: readonly number[];
  /** Needs the admin bearer token. */
  readonly admin?: boolean;
  /**
   * Model work: the handler runs through the {@link WorkQueue} (synchronously, on a later turn). A function decides
   * per request: false when the answer is a bounded lookup (score matrix), which then runs at once like `/health`.
   */
  readonly model?: boolean | (() => boolean);
  handler(input: Input<z.output<P>, z.output<Q>, z.output<B>>, reply: FastifyReply): z.input<R> | Promise<z.input<R>>;
}
