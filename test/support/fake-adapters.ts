import type { Adapters } from '../../shared/adapters';
import type { TrafficConfig } from '../../shared/config/run-config';
import { ValidationError } from '../../shared/config/validation';
import type { Fleet, LaunchRequest, TeardownReport, VersionHealth } from '../../shared/fleet/fleet';
import type { MetricRequest, MetricSeries, MetricSource } from '../../shared/metrics/metric-source';
import type { Notifier, RunEvent } from '../../shared/notify/notifier';
import type { ReportStore, StoredReport } from '../../shared/reports/report-store';
import type { Role, RunState, VersionResources } from '../../shared/run-model/run-state';
import type { ShiftRequest, Traffic, TrafficRule, Weights } from '../../shared/traffic/traffic';

/**
 * In-memory adapters that behave like the real ones where the workflow depends on it: everything a run
 * creates is tagged with its run id, teardown finds it by tag (idempotent), the listener has one lock.
 */

interface FakeResource {
  id: string;
  kind: 'target-group' | 'instance' | 'rule';
  runId: string;
}

export class FakeFleet implements Fleet {
  readonly resources = new Map<string, FakeResource>();
  readonly calls: string[] = [];
  /** Launching this role creates its target group and then fails (a provision that stopped half-way). */
  failLaunchOf?: Role;
  health_: Partial<Record<Role, VersionHealth>> = {};

  async launch(request: LaunchRequest): Promise<VersionResources> {
    this.calls.push(`launch:${request.role}`);
    const tg = `tg/${request.runId}/${request.role}`;
    this.resources.set(tg, { id: tg, kind: 'target-group', runId: request.runId });
    if (this.failLaunchOf === request.role) throw new Error(`capacity: cannot start ${request.role}`);
    const instanceIds = Array.from(
      { length: request.spec.local?.instanceCount ?? 1 },
      (_, i) => `i-${request.role}-${i}`,
    );
    for (const id of instanceIds) this.resources.set(id, { id, kind: 'instance', runId: request.runId });
    return { role: request.role, version: request.spec.version, targetGroupArn: tg, instanceIds };
  }

  async health(resources: VersionResources): Promise<VersionHealth> {
    this.calls.push(`health:${resources.role}`);
    return (
      this.health_[resources.role] ?? {
        status: 'healthy',
        detail: `${resources.instanceIds.length}/${resources.instanceIds.length} healthy`,
      }
    );
  }

  async teardown(runId: string, known: VersionResources[]): Promise<TeardownReport> {
    this.calls.push(`teardown:${known.map((k) => k.role).join(',')}`);
    const removed: string[] = [];
    for (const [id, r] of this.resources) {
      if (r.runId === runId) {
        this.resources.delete(id);
        removed.push(id);
      }
    }
    const knownIds = known.flatMap((k) => [k.targetGroupArn, ...k.instanceIds]);
    return { removed, alreadyGone: knownIds.filter((id) => !removed.includes(id)) };
  }

  async existing(runId: string): Promise<string[]> {
    return this.of(runId);
  }

  of(runId: string): string[] {
    return [...this.resources.values()].filter((r) => r.runId === runId).map((r) => r.id);
  }
}

export class FakeTraffic implements Traffic {
  readonly listeners = new Set<string>();
  readonly rules = new Map<string, { ruleArn: string; runId: string; weights: Weights }>();
  readonly calls: string[] = [];
  readonly history: Weights[] = [];

  constructor(listenerArn: string) {
    this.listeners.add(listenerArn);
  }

  async assertAvailable(runId: string, traffic: TrafficConfig): Promise<void> {
    this.calls.push('assertAvailable');
    if (!this.listeners.has(traffic.listenerArn)) {
      throw new ValidationError('run input', [
        { path: 'traffic.listenerArn', message: `no listener ${traffic.listenerArn}` },
      ]);
    }
    const other = [...this.rules.values()].find((r) => r.runId !== runId);
    if (other) {
      const error = new Error(`listener ${traffic.listenerArn} is in use by canary-judge run "${other.runId}"`);
      error.name = 'TrafficLocked';
      throw error;
    }
  }

  async shift(request: ShiftRequest): Promise<TrafficRule> {
    this.calls.push(`shift:${request.weights.canary}`);
    const held = this.rules.get(request.traffic.listenerArn);
    if (held && held.runId !== request.runId) {
      const error = new Error(`listener ${request.traffic.listenerArn} is in use by canary-judge run "${held.runId}"`);
      error.name = 'TrafficLocked';
      throw error;
    }
    const ruleArn = request.ruleArn ?? `rule/${request.runId}`;
    this.rules.set(request.traffic.listenerArn, { ruleArn, runId: request.runId, weights: request.weights });
    this.history.push(request.weights);
    return { ruleArn, weights: request.weights };
  }

  async restore(runId: string, traffic: TrafficConfig): Promise<{ removed: boolean }> {
    this.calls.push('restore');
    const rule = this.rules.get(traffic.listenerArn);
    if (rule?.runId !== runId) return { removed: false };
    this.rules.delete(traffic.listenerArn);
    return { removed: true };
  }

  async describe(runId: string, traffic: TrafficConfig): Promise<TrafficRule | undefined> {
    const rule = this.rules.get(traffic.listenerArn);
    return rule?.runId === runId ? { ruleArn: rule.ruleArn, weights: rule.weights } : undefined;
  }

  /** What production gets now on the listener: 100 unless a run's rule forwards elsewhere. */
  productionWeight(listenerArn: string): number {
    return this.rules.get(listenerArn)?.weights.production ?? 100;
  }
}

export type SeriesMaker = (name: string, role: Role, request: MetricRequest) => number[] | Error;

/** Per-second series made up by a function of (metric, role); an Error for a metric = the source failed for it. */
export class FakeMetrics implements MetricSource {
  readonly description = 'fake metrics';
  readonly requests: MetricRequest[] = [];
  constructor(private readonly make: SeriesMaker) {}

  async fetch(request: MetricRequest): Promise<MetricSeries[]> {
    this.requests.push(request);
    return request.metrics.map(({ name }) => {
      const baseline = this.make(name, 'baseline', request);
      const canary = this.make(name, 'canary', request);
      const failure = baseline instanceof Error ? baseline : canary instanceof Error ? canary : undefined;
      const series = (values: number[] | Error) => {
        const v = values instanceof Error ? [] : values;
        return { timestamps: v.map((_, i) => request.window.start.getTime() + i * 1000), values: v };
      };
      return {
        name,
        baseline: series(baseline),
        canary: series(canary),
        ...(failure ? { error: failure.message } : {}),
      };
    });
  }
}

export class MemoryReportStore implements ReportStore {
  readonly files = new Map<string, { body: string; contentType: string }>();

  async put(runId: string, name: string, body: string, contentType: string): Promise<StoredReport> {
    const key = `${runId}/${name}`;
    this.files.set(key, { body, contentType });
    return { key, url: `memory://${key}` };
  }

  async get(runId: string, name: string): Promise<string | undefined> {
    return this.files.get(`${runId}/${name}`)?.body;
  }

  async list(runId: string): Promise<string[]> {
    return [...this.files.keys()].filter((k) => k.startsWith(`${runId}/`)).map((k) => k.slice(runId.length + 1));
  }

  async runIds(): Promise<string[]> {
    return [...new Set([...this.files.keys()].filter((k) => k.includes('/')).map((k) => k.split('/')[0]))].sort();
  }

  async putRoot(name: string, body: string, contentType: string): Promise<StoredReport> {
    this.files.set(name, { body, contentType });
    return { key: name, url: `memory://${name}` };
  }

  async rootLink(runId: string, name: string): Promise<string> {
    return `${runId}/${name}`;
  }
}

export class RecordingNotifier implements Notifier {
  readonly events: RunEvent[] = [];
  async notify(event: RunEvent): Promise<void> {
    this.events.push(event);
  }
}

export interface FakeAdapters extends Adapters {
  fleet: FakeFleet;
  traffic: FakeTraffic;
  metrics: FakeMetrics;
  reports: MemoryReportStore;
  notifiers: RecordingNotifier[];
  promoted: RunState[];
}

export function fakeAdapters(listenerArn: string, make: SeriesMaker = () => [1, 2, 3]): FakeAdapters {
  const promoted: RunState[] = [];
  return {
    fleet: new FakeFleet(),
    traffic: new FakeTraffic(listenerArn),
    metrics: new FakeMetrics(make),
    reports: new MemoryReportStore(),
    notifiers: [new RecordingNotifier()],
    promoter: {
      promote: async (state) => {
        promoted.push(state);
        return 'rolled out by the fake promoter';
      },
    },
    promoted,
  };
}
