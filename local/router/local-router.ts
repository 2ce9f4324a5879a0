import { Agent, createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { z } from 'zod';
import { createRng } from '../common/random';
import { createAdminHandler } from './admin-api';
import { cloudWatchDimensionValue } from './arn';
import { ElbState } from './elb-state';
import { HealthChecker } from './health-checker';
import { MetricsStore, type MetricsStoreOptions } from './metrics-store';
import { createProxyHandler } from './proxy';
import { healthCheckSettingsSchema, targetGroupNameSchema, type TargetInput } from '../../shared/router-api/schemas';

/**
 * A local stand-in for an Application Load Balancer: one HTTP listener (the data plane) whose default action
 * forwards to a production target group, listener rules with weighted forwards, health checks, per-target-group
 * CloudWatch-style metrics, and an admin API (see admin-api.ts) on a second port standing in for the ELBv2 and
 * CloudWatch APIs. Run it in-process (`new LocalRouter(options).start()`) or as a process (main.ts).
 */

export interface LocalRouterOptions {
  host?: string;
  /** Listener port; 0 (default) = any free port. */
  port?: number;
  /** Admin API port; 0 (default) = any free port. */
  adminPort?: number;
  /** Name in the load balancer's ARN; the listener's and production group's ARNs derive from it. */
  loadBalancerName?: string;
  production?: {
    name?: string;
    targets?: TargetInput[];
    healthCheck?: Partial<z.input<typeof healthCheckSettingsSchema>>;
    deregistrationDelaySeconds?: number;
  };
  metrics?: Omit<MetricsStoreOptions, 'random'>;
  /** How long the listener waits for a target's response before answering 504 (ALB's idle timeout: 60 s). */
  targetTimeoutMs?: number;
  /** Seed of the metrics reservoir's sampling. */
  seed?: number;
  /** Health transitions and lifecycle events (default: none). */
  log?: (event: string, fields: Record<string, unknown>) => void;
}

export interface LocalRouterEndpoints {
  host: string;
  port: number;
  adminPort: number;
  /** The listener's base URL: send traffic here. */
  url: string;
  /** The admin API's base URL: what LocalFleet/LocalTraffic/LocalMetricSource take as `routerUrl`. */
  adminUrl: string;
  loadBalancerArn: string;
  listenerArn: string;
  productionTargetGroupArn: string;
}

export class LocalRouter {
  readonly state: ElbState;
  readonly metrics: MetricsStore;
  private readonly health: HealthChecker;
  private readonly agent = new Agent({ keepAlive: true, maxSockets: 512 });
  private readonly host: string;
  private listenerServer?: Server;
  private adminServer?: Server;
  private gaugeTimer?: NodeJS.Timeout;
  private endpoints?: LocalRouterEndpoints;

  constructor(private readonly options: LocalRouterOptions = {}) {
    this.host = options.host ?? '127.0.0.1';
    const log = options.log ?? (() => undefined);
    const production = options.production ?? {};
    this.state = new ElbState({
      loadBalancerName: options.loadBalancerName ?? 'local-router',
      listenerPort: options.port ?? 0,
      production: {
        name: targetGroupNameSchema.parse(production.name ?? 'production'),
        healthCheck: healthCheckSettingsSchema.parse({ path: '/health', ...production.healthCheck }),
        deregistrationDelaySeconds: production.deregistrationDelaySeconds ?? 5,
      },
    });
    if (production.targets?.length) this.state.registerTargets(this.state.productionTargetGroupArn, production.targets);
    const rng = createRng(options.seed ?? 1);
    this.metrics = new MetricsStore({ ...options.metrics, random: rng.next });
    this.health = new HealthChecker(this.state, {
      onChange: (group, target, before) =>
        log('target-health', {
          targetGroup: group.name,
          target: `${target.id}:${target.port}`,
          from: before.state,
          to: target.health.state,
          reason: target.health.reason,
        }),
    });
  }

  async start(): Promise<LocalRouterEndpoints> {
    if (this.endpoints) return this.endpoints;
    this.adminServer = await listen(
      createServer(createAdminHandler(this.state, this.metrics)),
      this.host,
      this.options.adminPort ?? 0,
    );
    const handler = createProxyHandler({
      state: this.state,
      metrics: this.metrics,
      agent: this.agent,
      listenerPort: () => this.state.listener.port,
      targetTimeoutMs: this.options.targetTimeoutMs ?? 60_000,
      now: Date.now,
    });
    // The targets given up front stand for a fleet that already serves (production): the listener opens once
    // they have had their first health checks. Opened earlier, every request before the first passing check
    // found no healthy target and got the router's own 503, counted against production as if it had failed.
    this.health.start();
    await this.health.initialChecksDone(this.initialHealthTimeoutMs());
    this.listenerServer = await listen(createServer(handler), this.host, this.options.port ?? 0);
    const listenerPort = (this.listenerServer.address() as AddressInfo).port;
    this.state.listener.port = listenerPort;
    this.listenerServer.keepAliveTimeout = 60_000;
    this.gaugeTimer = setInterval(() => this.sampleHostCounts(), 1000);
    this.gaugeTimer.unref();
    const adminPort = (this.adminServer.address() as AddressInfo).port;
    this.endpoints = {
      host: this.host,
      port: listenerPort,
      adminPort,
      url: `http://${this.host}:${listenerPort}`,
      adminUrl: `http://${this.host}:${adminPort}`,
      loadBalancerArn: this.state.loadBalancerArn,
      listenerArn: this.state.listener.arn,
      productionTargetGroupArn: this.state.productionTargetGroupArn,
    };
    return this.endpoints;
  }

  async stop(): Promise<void> {
    if (this.gaugeTimer) clearInterval(this.gaugeTimer);
    await this.health.stop();
    await Promise.all([close(this.listenerServer), close(this.adminServer)]);
    this.agent.destroy();
    this.listenerServer = undefined;
    this.adminServer = undefined;
    this.endpoints = undefined;
  }

  /** Long enough for the checks that take an initial target to healthy or unhealthy (ELBv2's thresholds). */
  private initialHealthTimeoutMs(): number {
    const checks = this.state.allTargetGroups().map((g) => {
      const h = g.healthCheck;
      return h.unhealthyThresholdCount * Math.max(h.intervalSeconds, h.timeoutSeconds) * 1000;
    });
    return Math.max(0, ...checks) + 1000;
  }

  /** ALB's HealthyHostCount / UnHealthyHostCount, one sample per target group per second. */
  private sampleHostCounts(): void {
    const now = Date.now();
    for (const group of this.state.allTargetGroups()) {
      const targets = [...group.targets.values()];
      const key = cloudWatchDimensionValue(group.arn);
      this.metrics.setGauge(key, 'HealthyHostCount', now, targets.filter((t) => t.health.state === 'healthy').length);
      this.metrics.setGauge(
        key,
        'UnHealthyHostCount',
        now,
        targets.filter((t) => t.health.state === 'unhealthy').length,
      );
    }
  }
}

function listen(server: Server, host: string, port: number): Promise<Server> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve(server);
    });
  });
}

function close(server: Server | undefined): Promise<void> {
  if (!server) return Promise.resolve();
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}
