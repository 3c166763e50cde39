/**
 * A running server: load the bundle, listen, hot reload, and a graceful shutdown that lets every request already
 * received finish while no new connection is accepted.
 */
import type { Socket } from 'node:net';
import { Server as NetServer } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { shuttingDown } from './api-errors.js';
import type { ModelInfo } from './api-schemas.js';
import { type AppOptions, buildApp } from './app.js';
import { type LoadServedOptions, ModelHolder } from './model-holder.js';
import type { ServerMetrics } from './server-metrics.js';
import type { WorkQueue } from './work-queue.js';

/** Options of {@link createServer}. */
export interface ServeOptions extends Omit<AppOptions, 'isDraining'>, LoadServedOptions {
  /** The model bundle directory (`rsattae train --out DIR`); reloads read it again. */
  readonly model: string;
}

/** Options of {@link RSAttAEServer.shutdown}. */
export interface ShutdownOptions {
  /**
   * Longest wait for the work already received (default 10 s). Model work not started by then is answered 503
   * `shutting_down` with `Retry-After`; connections still open a second later (e.g. a client that never finishes
   * sending its request) are cut.
   */
  readonly graceMs?: number;
  /** A keep-alive connection with no request in progress is closed once it has been idle this long (default 250 ms). */
  readonly quietMs?: number;
}

/** Longest time spent accepting the connections queued in the kernel before the listening socket closes. */
const MAX_ACCEPT_DRAIN_MS = 1000;
/** Event-loop ticks without a new connection after which the kernel's accept queue is taken to be empty. */
const QUIET_ACCEPT_TICKS = 3;
/** How long answers refused at the end of the grace period get to go out before connections are cut. */
const REFUSAL_FLUSH_MS = 1000;

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

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
  /** The queue model work runs through (see {@link WorkQueue}). */
  readonly queue: WorkQueue;
  /**
   * Graceful shutdown. Accepts the connections already queued in the kernel, then stops listening (later clients are
   * refused); answers every request received, each answer with `Connection: close` so keep-alive connections close
   * right after a response; closes keep-alive connections that stay idle; after the grace period answers work not
   * started with 503 and `Retry-After`; then closes and frees the model. Idempotent: later calls return the same
   * promise.
   */
  shutdown(opts?: ShutdownOptions): Promise<void>;
}

/**
 * Loads the bundle in `opts.model` (checked, and with top-N precomputed when asked) and builds the server around it.
 * @throws InputError when the bundle is missing or damaged
 */
export async function createServer(opts: ServeOptions): Promise<RSAttAEServer> {
  const holder = await ModelHolder.open(opts.model, { precompute: opts.precompute, scoreCacheBytes: opts.scoreCacheBytes });
  let draining = false;
  let inFlight = 0;
  let accepted = 0;
  const { app, metrics, reload, queue } = buildApp(holder, { ...opts, isDraining: () => draining });
  /** Open connections: requests in progress on each, and since when it has had none. */
  const sockets = new Map<Socket, { active: number; idleSince: number }>();
  app.server.on('connection', (s: Socket) => {
    accepted++;
    sockets.set(s, { active: 0, idleSince: performance.now() });
    s.once('close', () => sockets.delete(s));
  });
  app.addHook('onRequest', (req, reply, done) => {
    inFlight++;
    const conn = sockets.get(req.socket);
    if (conn) conn.active++;
    // 'close' fires once the response is sent or the client went away, whatever the route did
    reply.raw.once('close', () => {
      inFlight--;
      if (conn) {
        conn.active--;
        conn.idleSince = performance.now();
      }
    });
    done();
  });
  // decided when the answer goes out, so that every answer sent while draining closes its connection after it
  app.addHook('onSend', (_req, reply, _payload, done) => {
    if (draining) reply.header('connection', 'close');
    done();
  });
  app.addHook('onClose', (_app, done) => {
    holder.close();
    done();
  });

  /** Closes connections with no request in progress that have been idle `quietMs`, counting from `since` at least. */
  const closeIdle = (quietMs: number, since: number): void => {
    const now = performance.now();
    for (const [s, c] of sockets) if (c.active === 0 && now - Math.max(c.idleSince, since) >= quietMs) s.destroy();
  };

  let stopping: Promise<void> | undefined;
  const drain = async (graceMs: number, quietMs: number): Promise<void> => {
    const start = performance.now();
    const deadline = start + graceMs;
    draining = true;
    // 1. Accept what the kernel has queued: closing the listening socket would reset those connections, whose
    // requests may already be written. libuv accepts one connection per event-loop turn, so hold model work (turns
    // are then short) until a few turns pass without a new connection.
    if (app.server.listening) {
      queue.pause();
      let seen = accepted;
      let still = 0;
      const until = Math.min(deadline, start + MAX_ACCEPT_DRAIN_MS);
      while (still < QUIET_ACCEPT_TICKS && performance.now() < until) {
        await sleep(1);
        still = accepted === seen ? still + 1 : 0;
        seen = accepted;
      }
      // 2. Stop listening: later clients are refused. net.Server's close keeps the open connections (http.Server's
      // would also cut idle keep-alive ones at once, racing clients that are just sending a request on them).
      NetServer.prototype.close.call(app.server);
      queue.resume();
    }
    // 3. Answer everything received; connections close after their answer, idle keep-alive ones after quietMs.
    while (performance.now() < deadline && (inFlight > 0 || sockets.size > 0)) {
      closeIdle(quietMs, start);
      await sleep(5);
    }
    // 4. Out of time: work not started is answered 503 + Retry-After, not cut; what is still open after that goes.
    if (inFlight > 0) {
      queue.refuse(() => shuttingDown('the server is shutting down and its grace period is over; retry', 1));
      const cut = performance.now() + REFUSAL_FLUSH_MS;
      while (inFlight > 0 && performance.now() < cut) await sleep(5);
    }
    app.server.closeAllConnections();
    await app.close();
    for (const s of sockets.keys()) s.destroy();
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
    queue,
    shutdown(s = {}) {
      stopping ??= drain(s.graceMs ?? 10_000, s.quietMs ?? 250);
      return stopping;
    },
  };
}
