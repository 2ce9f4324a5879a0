import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** 1 ms .. 1 s: the range a web request's latency lives in, dense around 10-100 ms. */
export const LATENCY_BUCKETS_SECONDS = [
  0.001, 0.0025, 0.005, 0.0075, 0.01, 0.015, 0.02, 0.025, 0.03, 0.04, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5, 0.75,
  1,
];

export interface ServiceMetrics {
  registry: Registry;
  observe(route: string, code: number, seconds: number): void;
}

/** Its own registry (not prom-client's global one), so several services can live in one test process. */
export function createServiceMetrics(labels: { role: string; version: string; run_id: string }): ServiceMetrics {
  const registry = new Registry();
  registry.setDefaultLabels(labels);
  collectDefaultMetrics({ register: registry });
  const duration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'Time to answer an HTTP request, by status code and route',
    labelNames: ['code', 'route'],
    buckets: LATENCY_BUCKETS_SECONDS,
    registers: [registry],
  });
  const requests = new Counter({
    name: 'http_requests_total',
    help: 'HTTP requests answered, by status code',
    labelNames: ['code'],
    registers: [registry],
  });
  return {
    registry,
    observe(route, code, seconds) {
      duration.observe({ code: String(code), route }, seconds);
      requests.inc({ code: String(code) });
    },
  };
}
