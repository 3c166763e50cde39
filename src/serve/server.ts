/**
 * A running server: load the bundle, listen, hot reload, and a graceful shutdown that lets every request already
 * received finish while no new connection is accepted.
 */
import type { Socket } from 'node:net';
import { Server as NetServer } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { type AppOptions, buildApp } from './app.js';
import { type LoadServedOptions, ModelHolder } from './holder.js';
import type { ServerMetrics } from './metrics.js';
import type { ModelInfo } from './schemas.js';

/** Options of {@link createServer}. */
export interface ServeOptions extends Omit<AppOptions, 'isDraining'>, LoadServedOptions {
  /** The model bundle directory (`rsattae train --out DIR`); reloads read it again. */
  readonly model: string;
}

/** Options of {@link RSAttAEServer.shutdown}. */
export interface ShutdownOptions {
  /** Longest wait for requests to finish and clients to go before connections are cut (default 10 s). */
  readonly graceMs?: number;
  /** Idle connections are closed once no request has arrived for this long (default 250 ms). */
  readonly quietMs?: number;
}

/** A server built by {@link createServer}. */
export interface RSAttAEServer {
  /** The fastify instance (e.g. for `inject` in tests). */
  readonly app: FastifyInstance;
  readonly holder: ModelHolder;
  readonly metrics: ServerMetrics;
  /** Starts listening (port 0: any free port); resolves to the address, e.g. `http://127.0.0.1:8080`. */
  listen(opts?: { host?: string; port?: number }): Promise<string>;
  /** Reloads the bundle (see {@link ModelHolder.reload}); rejects with the reason, the old model still serving. */
  reload(): Promise<ModelInfo>;
  /** True once {@link RSAttAEServer.shutdown} has begun. */
  readonly draining: boolean;
  /** Requests received and not yet answered. */
  readonly inFlight: number;
  /**
   * Stops accepting connections, finishes every request already received (answers carry `Connection: close`, so
   * keep-alive clients go), then closes and frees the model. Idempotent: later calls return the same promise.
   */
  shutdown(opts?: ShutdownOptions): Promise<void>;
}

/**
 * Loads the bundle in `opts.model` (checked, and with top-N precomputed when asked) and builds the server around it.
 * @throws InputError when the bundle is missing or damaged
 */
export async function createServer(opts: ServeOptions): Promise<RSAttAEServer> {
  const holder = await ModelHolder.open(opts.model, { precompute: opts.precompute });
  let draining = false;
  let inFlight = 0;
  let lastRequest = 0;
  const { app, metrics, reload } = buildApp(holder, { ...opts, isDraining: () => draining });
  const sockets = new Set<Socket>();
  app.server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.once('close', () => sockets.delete(s));
  });
  app.addHook('onRequest', (_req, reply, done) => {
    inFlight++;
    lastRequest = performance.now();
    // 'close' fires once the response is sent or the client went away, whatever the route did
    reply.raw.once('close', () => inFlight--);
    if (draining) reply.header('connection', 'close');
    done();
  });
  app.addHook('onClose', (_app, done) => {
    holder.close();
    done();
  });

  let shuttingDown: Promise<void> | undefined;
  const drain = async (graceMs: number, quietMs: number): Promise<void> => {
    draining = true;
    // stop listening but keep open connections (http.Server.close would also cut idle keep-alive ones at once,
    // racing clients that are just sending their next request on them)
    if (app.server.listening) NetServer.prototype.close.call(app.server);
    const deadline = performance.now() + graceMs;
    for (;;) {
      const now = performance.now();
      const quiet = inFlight === 0 && (sockets.size === 0 || now - lastRequest >= quietMs);
      if (quiet || now >= deadline) break;
      await new Promise((r) => setTimeout(r, 10));
    }
    if (inFlight > 0) app.server.closeAllConnections();
    await app.close();
    for (const s of sockets) s.destroy();
  };

  return {
    app,
    holder,
    metrics,
    async listen(l = {}) {
      return app.listen({ host: l.host ?? '127.0.0.1', port: l.port ?? 8080 });
    },
    reload,
    get draining() {
      return draining;
    },
    get inFlight() {
      return inFlight;
    },
    shutdown(s = {}) {
      shuttingDown ??= drain(s.graceMs ?? 10_000, s.quietMs ?? 250);
      return shuttingDown;
    },
  };
}
