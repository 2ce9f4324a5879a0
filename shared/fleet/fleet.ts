import type { HealthCheckConfig, VersionSpec } from '../config/run-config';
import type { HealthStatus, Role, VersionResources } from '../run-model/run-state';

/** Port: launch a version side by side with production, report its health, take it all away again. */

export interface LaunchRequest {
  runId: string;
  service: string;
  role: Role;
  spec: VersionSpec;
  /** The new target group copies protocol, port, VPC and health check from this one. */
  productionTargetGroupArn: string;
  healthCheck: HealthCheckConfig;
}

export interface VersionHealth {
  status: HealthStatus;
  /** Human-readable, e.g. "1/2 healthy; i-0abc: Target.FailedHealthChecks". */
  detail: string;
}

export interface TeardownReport {
  /** What was removed now; what was already gone is not an error (teardown is idempotent). */
  removed: string[];
  alreadyGone: string[];
}

export interface Fleet {
  /** Create the version's target group, start its instances, register them. Tags everything with the run id. */
  launch(request: LaunchRequest): Promise<VersionResources>;
  health(resources: VersionResources): Promise<VersionHealth>;
  /**
   * Deregister and terminate everything tagged with the run id (the resources given are a hint: a
   * provision that failed halfway may have created more than it recorded). Safe to call twice.
   */
  teardown(runId: string, known: VersionResources[]): Promise<TeardownReport>;
  /**
   * What of the run exists now, found by its run id (tags, records): "target group <arn>", "instance <id>".
   * Empty for a run id that names no live resources.
   */
  existing(runId: string): Promise<string[]>;
}
