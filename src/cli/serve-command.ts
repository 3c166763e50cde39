/**
 * `rsattae serve`: the HTTP server over a model bundle. Thin over src/serve: parse options, wire the signals
 * (SIGTERM/SIGINT: graceful shutdown; SIGHUP: hot reload), say where it listens.
 */
import { resolve } from 'node:path';
import { type Command, InvalidArgumentError } from 'commander';
import { DEFAULT_MAX_BATCH } from '../serve/api-schemas.js';
import { DEFAULT_BODY_LIMIT, LOG_LEVELS, type LogLevel } from '../serve/app.js';
import { DEFAULT_SCORE_CACHE_BYTES } from '../serve/model-holder.js';
import { createServer } from '../serve/server.js';
import { note, parseChoice, parseNonNegativeInt, parsePositiveInt, parsePositiveNumber } from './command-helpers.js';

/** Environment variable holding the admin token when `--admin-token` is not given. */
export const ADMIN_TOKEN_ENV = 'RSATTAE_ADMIN_TOKEN';

interface ServeCliOptions {
  model: string;
  host: string;
  port: number;
  precompute: number;
  scoreCacheMb: number;
  maxBatch: number;
  bodyLimit: number;
  adminToken?: string;
  cors?: string;
  logLevel: LogLevel;
  shutdownGrace: number;
}

function parsePort(value: string): number {
  const n = parseNonNegativeInt(value);
  if (n > 65535) throw new InvalidArgumentError('expected a port number from 0 to 65535.');
  return n;
}

async function serve(opts: ServeCliOptions): Promise<void> {
  // Idle OpenMP threads of libxgboost spin by default: on a busy 2-core machine that cost ~16 ms of CPU per predict
  // call even for one row (0.2 ms passive), starving the event loop. Read once, when libxgboost loads, which has not
  // happened yet in this process.
  process.env.OMP_WAIT_POLICY ??= 'passive';
  const adminToken = opts.adminToken ?? (process.env[ADMIN_TOKEN_ENV] || undefined);
  const server = await createServer({
    model: resolve(opts.model),
    precompute: opts.precompute,
    scoreCacheBytes: opts.scoreCacheMb * 1024 * 1024,
    maxBatch: opts.maxBatch,
    bodyLimit: opts.bodyLimit,
    adminToken,
    cors: opts.cors,
    logLevel: opts.logLevel,
  });
  const url = await server.listen({ host: opts.host, port: opts.port });
  const info = server.holder.current.info;
  note(
    `rsattae serve: listening on ${url} (model ${info.dir}: ${info.users} users, ${info.items} items` +
      `${info.precomputedK ? `, top-${info.precomputedK} precomputed` : ''}${info.scoreCacheBytes ? `, ${(info.scoreCacheBytes / 2 ** 20).toFixed(1)} MiB score matrix` : ''}${adminToken ? ', POST /admin/reload enabled' : ''})`,
  );
  const stopped = new Promise<void>((done) => {
    const stop = (signal: NodeJS.Signals): void => {
      note(`rsattae serve: ${signal}: finishing requests in flight, then stopping`);
      server.shutdown({ graceMs: opts.shutdownGrace * 1000 }).then(done, (err: unknown) => {
        note(`rsattae serve: shutdown failed: ${err instanceof Error ? err.message : String(err)}`);
        process.exitCode = 1;
        done();
      });
    };
    process.once('SIGTERM', stop);
    process.once('SIGINT', stop);
  });
  const onHangup = (): void => {
    note('rsattae serve: SIGHUP: reloading the model');
    server.reload().then(
      (m) => note(`rsattae serve: reloaded ${m.dir} (${m.users} users, ${m.items} items)`),
      (err: unknown) => note(`rsattae serve: reload failed, the previous model keeps serving: ${err instanceof Error ? err.message : String(err)}`),
    );
  };
  process.on('SIGHUP', onHangup);
  await stopped;
  process.off('SIGHUP', onHangup);
  note('rsattae serve: stopped');
}

/** Registers `serve` on the program. */
export function registerServeCommand(program: Command): void {
  program
    .command('serve')
    .description('serve a model bundle over HTTP: predictions, recommendations, similar items, metrics (see docs/serving.md)')
    .requiredOption('--model <dir>', 'model bundle directory (reloads read it again)')
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .option('--port <n>', 'port to listen on (0: any free port)', parsePort, 8080)
    .option('--precompute <k>', 'precompute the top-k items of every known user at load (0: off)', parseNonNegativeInt, 0)
    .option(
      '--score-cache-mb <MiB>',
      'with --precompute, keep the users x items score matrix (4 bytes a pair) when it fits in this many MiB: known pairs are then looked up (0: never)',
      parseNonNegativeInt,
      DEFAULT_SCORE_CACHE_BYTES / 1024 / 1024,
    )
    .option('--max-batch <n>', 'most (user, item) pairs in one POST /v1/predictions', parsePositiveInt, DEFAULT_MAX_BATCH)
    .option('--body-limit <bytes>', 'largest request body; larger ones get 413', parsePositiveInt, DEFAULT_BODY_LIMIT)
    .option('--admin-token <token>', `enables POST /admin/reload with this bearer token (default: $${ADMIN_TOKEN_ENV}; unset: no admin routes)`)
    .option('--cors <origin>', 'answer cross-origin requests from this origin (* for any); default: no CORS')
    .option('--log-level <level>', 'structured request logs (JSON on stdout) from this level', parseChoice(LOG_LEVELS), 'info')
    .option('--shutdown-grace <seconds>', 'on SIGTERM, longest wait for the requests received; model work not started by then is answered 503 with Retry-After', parsePositiveNumber, 10)
    .action((opts: ServeCliOptions) => serve(opts));
}
