/** Prometheus metrics of one server: request counts and latency histograms per route, reloads, process defaults. */
import { Counter, collectDefaultMetrics, Histogram, Registry } from 'prom-client';

/** The metrics one server updates; each server has its own registry, so several can live in one process. */
export interface ServerMetrics {
  readonly registry: Registry;
  readonly requests: Counter<'method' | 'route' | 'status'>;
  readonly duration: Histogram<'method' | 'route'>;
  readonly reloads: Counter<'result'>;
}

/** Latency buckets in seconds: fine below 20 ms, where the serving targets are. */
const BUCKETS = [0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10];

/** A fresh registry with the server's metrics and Node's default process metrics. */
export function createMetrics(): ServerMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  return {
    registry,
    requests: new Counter({
      name: 'rsattae_http_requests_total',
      help: 'HTTP requests answered, by method, route template and status',
      labelNames: ['method', 'route', 'status'] as const,
      registers: [registry],
    }),
    duration: new Histogram({
      name: 'rsattae_http_request_duration_seconds',
      help: 'Time from request received to response sent, by method and route template',
      labelNames: ['method', 'route'] as const,
      buckets: BUCKETS,
      registers: [registry],
    }),
    reloads: new Counter({
      name: 'rsattae_model_reloads_total',
      help: 'Model reloads, by result (ok: swapped in; failed: the old model kept serving)',
      labelNames: ['result'] as const,
      registers: [registry],
    }),
  };
}
