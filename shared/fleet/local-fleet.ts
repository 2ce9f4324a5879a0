import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { freePort } from '../net/free-port';
import { RouterAdminClient, RouterApiError } from '../router-api/client';
import type { TargetHealthView } from '../router-api/views';
import { ValidationError } from '../config/validation';
import { ROLE_TAG, RUN_ID_TAG, SERVICE_TAG } from '../run-model/resource-tags';
import type { Role, VersionResources } from '../run-model/run-state';
import { TargetGroupInUseError } from './errors';
import { fleetHealth, NO_INSTANCES, targetGroupGone, type InstanceObservation } from './fleet-health';
import type { Fleet, LaunchRequest, TeardownReport, VersionHealth } from './fleet';
import { isOurs, portAccepts, spawnInstance, thisProcess } from './local-processes';
import {
  localInstanceId,
  readRecords,
  recordFile,
  RECORD_PREFIX,
  stopRecorded,
  writeJson,
  type ProcessRecord,
} from './process-records';
import { targetGroupName } from './target-group-name';

/**
 * Fleet on this machine: each instance is a child process of the version's `local.command`, listening on
 * $PORT, registered as a target of the version's own target group in the local router. What launch
 * creates is written under `<stateDir>/<runId>/` as it is created, so teardown works after a launch that
 * failed halfway and from another process (e.g. `canary-judge cleanup` after the CLI was killed).
 */

export interface LocalFleetOptions {
  /** The local router's admin URL (CANARY_JUDGE_ROUTER_URL). */
  routerUrl: string;
  stateDir: string;
  /** SIGTERM → SIGKILL grace per instance. */
  killGraceMs?: number;
  /** How long teardown waits for deregistered targets to finish in-flight requests. */
  drainTimeoutMs?: number;
  host?: string;
}

/** One instance as recorded on disk. */
interface InstanceRecord extends ProcessRecord {
  role: Role;
  targetGroupArn: string;
}

interface GroupRecord {
  role: Role;
  targetGroupArn: string;
  deletedAt?: string;
}

/** How long launch waits for its instances to listen before leaving their registration to health(). */
const LISTEN_WAIT_MS = 3000;

export class LocalFleet implements Fleet {
  private readonly router: RouterAdminClient;
  private readonly host: string;
  private readonly killGraceMs: number;
  private readonly drainTimeoutMs: number;

  constructor(private readonly options: LocalFleetOptions) {
    this.router = new RouterAdminClient(options.routerUrl);
    this.host = options.host ?? '127.0.0.1';
    this.killGraceMs = options.killGraceMs ?? 5000;
    this.drainTimeoutMs = options.drainTimeoutMs ?? 5000;
  }

  async launch(request: LaunchRequest): Promise<VersionResources> {
    const spec = request.spec.local;
    if (!spec) {
      throw new ValidationError('run input', [
        { path: `${request.role}.local`, message: 'a local launch spec is required for target "local"' },
      ]);
    }
    const runDir = await this.runDir(request.runId);
    const ping = await this.router.ping();
    const [production] = await this.router
      .describeTargetGroups({ arns: [request.productionTargetGroupArn] })
      .catch((error: unknown) => {
        if (error instanceof RouterApiError && error.code === 'TargetGroupNotFound') {
          throw new ValidationError('run input', [
            {
              path: 'traffic.productionTargetGroupArn',
              message: `target group ${request.productionTargetGroupArn} not found in the local router`,
            },
          ]);
        }
        throw error;
      });
    // Production's health check, with the path and interval the run asks for (the timeout must stay below the interval).
    const interval = request.healthCheck.intervalSeconds;
    const healthCheck = {
      ...production.healthCheck,
      path: request.healthCheck.path,
      intervalSeconds: interval,
      timeoutSeconds: Math.min(production.healthCheck.timeoutSeconds, interval / 2),
    };
    const group = await this.router.createTargetGroup({
      name: targetGroupName(request.runId, request.role),
      healthCheck,
      deregistrationDelaySeconds: 5,
      tags: [
        { key: RUN_ID_TAG, value: request.runId },
        { key: SERVICE_TAG, value: request.service },
        { key: ROLE_TAG, value: request.role },
      ],
    });
    await writeJson(join(runDir, `group-${request.role}.json`), {
      role: request.role,
      targetGroupArn: group.targetGroupArn,
    } satisfies GroupRecord);

    const instances: InstanceRecord[] = [];
    for (let i = 0; i < spec.instanceCount; i += 1) {
      const port = await freePort(this.host);
      const logFile = join(runDir, `${request.role}-${i}.log`);
      const spawned = await spawnInstance(spec.command, {
        cwd: spec.cwd,
        logFile,
        env: {
          ...process.env,
          ...spec.env,
          PORT: String(port),
          HOST: this.host,
          ROLE: request.role,
          VERSION: request.spec.version,
          RUN_ID: request.runId,
          CANARY_JUDGE_PARENT_PID: String(process.pid),
        },
      });
      const record: InstanceRecord = {
        instanceId: localInstanceId(spawned.pid),
        pid: spawned.pid,
        startTicks: spawned.startTicks,
        owner: thisProcess(),
        port,
        role: request.role,
        version: request.spec.version,
        targetGroupArn: group.targetGroupArn,
        command: spec.command,
        logFile,
        startedAt: new Date().toISOString(),
      };
      await writeJson(recordFile(runDir, spawned.pid), record);
      instances.push(record);
    }
    // Like an EC2 instance that is still booting, an instance is registered once it listens (here, or
    // by health() later): a target registered before that would fail its first checks and need
    // healthyThresholdCount passes to recover.
    await this.registerListening(group.targetGroupArn, instances, Date.now() + LISTEN_WAIT_MS);
    return {
      role: request.role,
      version: request.spec.version,
      targetGroupArn: group.targetGroupArn,
      instanceIds: instances.map((i) => i.instanceId),
      loadBalancerArn: ping.loadBalancerArn,
    };
  }

  async health(resources: VersionResources): Promise<VersionHealth> {
    if (resources.instanceIds.length === 0) return NO_INSTANCES;
    let targets: TargetHealthView[];
    try {
      targets = await this.router.describeTargetHealth(resources.targetGroupArn);
    } catch (error) {
      if (error instanceof RouterApiError && error.code === 'TargetGroupNotFound') {
        return targetGroupGone(resources.targetGroupArn);
      }
      throw error;
    }
    const records = new Map((await this.instances(await this.runDirOf(resources))).map((r) => [r.instanceId, r]));
    const observations = resources.instanceIds.map((id): InstanceObservation => {
      const record = records.get(id);
      if (!record || !isOurs(record)) {
        return { id, kind: 'dead', note: `process exited${record ? ` (see ${record.logFile})` : ''}` };
      }
      const target = targets.find((t) => t.target.port === record.port);
      if (!target) return { id, kind: 'unregistered', note: `starting, not listening on port ${record.port} yet` };
      if (target.state === 'healthy') return { id, kind: 'healthy' };
      return { id, kind: 'pending', note: `${target.state}${target.reason ? ` ${target.reason}` : ''}` };
    });
    const { health, register } = fleetHealth(observations);
    const unregistered = register.map((id) => records.get(id)).filter((r): r is InstanceRecord => r !== undefined);
    if (unregistered.length > 0) await this.registerListening(resources.targetGroupArn, unregistered, Date.now());
    return health;
  }

  /**
   * Like Ec2Fleet: while a listener rule still forwards to one of the run's groups, nothing is touched
   * (TargetGroupInUseError, retryable). Otherwise deregister, wait for in-flight requests, stop the
   * processes (SIGTERM, then SIGKILL), delete the groups found by run-id tag, by state file and as given.
   */
  async teardown(runId: string, known: VersionResources[]): Promise<TeardownReport> {
    const report: TeardownReport = { removed: [], alreadyGone: [] };
    const runDir = join(this.options.stateDir, runId);
    const groupFiles = await readRecords<GroupRecord>(runDir, 'group-');
    const recordedArns = [...groupFiles.map((g) => g.record.targetGroupArn), ...known.map((k) => k.targetGroupArn)];
    let existing: string[];
    try {
      existing = await this.detachGroups(runId, recordedArns, report);
    } catch (error) {
      if (!(error instanceof RouterApiError && error.code === 'Unreachable')) throw error;
      // The router is gone and its target groups with it; the processes may still run and must stop.
      existing = [];
      for (const arn of new Set(recordedArns)) report.alreadyGone.push(`target group ${arn} (${error.message})`);
    }

    const records = await this.instances(runDir);
    for (const record of records) {
      const what = `instance ${record.instanceId}`;
      if (record.stoppedAt) {
        report.alreadyGone.push(what);
        continue;
      }
      const stopped = await stopRecorded(recordFile(runDir, record.pid), record, this.killGraceMs);
      report[stopped ? 'removed' : 'alreadyGone'].push(what);
    }
    const recorded = new Set(records.map((r) => r.instanceId));
    for (const id of known.flatMap((k) => k.instanceIds))
      if (!recorded.has(id)) report.alreadyGone.push(`instance ${id}`);

    for (const arn of existing) {
      try {
        await this.router.deleteTargetGroup(arn);
        report.removed.push(`target group ${arn}`);
      } catch (error) {
        if (error instanceof RouterApiError && error.code === 'TargetGroupNotFound')
          report.alreadyGone.push(`target group ${arn}`);
        else if (error instanceof RouterApiError && error.code === 'ResourceInUse')
          throw new TargetGroupInUseError([error.message]);
        else throw error;
      }
    }
    for (const { file, record } of groupFiles) {
      if (!record.deletedAt) await writeJson(file, { ...record, deletedAt: new Date().toISOString() });
    }
    return report;
  }

  async existing(runId: string): Promise<string[]> {
    let groups: string[];
    try {
      groups = (await this.router.findResources([{ key: RUN_ID_TAG, value: runId }], 'targetgroup')).map(
        (r) => `target group ${r.resourceArn}`,
      );
    } catch (error) {
      // A router that is gone took its target groups with it.
      if (!(error instanceof RouterApiError && error.code === 'Unreachable')) throw error;
      groups = [];
    }
    const live = (await this.instances(join(this.options.stateDir, runId))).filter((r) => !r.stoppedAt && isOurs(r));
    return [...groups, ...live.map((r) => `instance ${r.instanceId}`)];
  }

  /**
   * The run's groups that still exist (found by tag, state file and as given), with their targets
   * deregistered and drained; throws TargetGroupInUseError, touching nothing, while a rule forwards to one.
   */
  private async detachGroups(runId: string, recordedArns: string[], report: TeardownReport): Promise<string[]> {
    const tagged = (await this.router.findResources([{ key: RUN_ID_TAG, value: runId }], 'targetgroup')).map(
      (r) => r.resourceArn,
    );
    const arns = [...new Set([...tagged, ...recordedArns])];
    const all = (await this.router.describeTargetGroups()).map((g) => g.targetGroupArn);
    const existing = arns.filter((arn) => all.includes(arn));
    for (const arn of arns) if (!existing.includes(arn)) report.alreadyGone.push(`target group ${arn}`);

    const users = (await this.router.describeRules())
      .map((rule) => ({
        rule,
        used: rule.actions[0].targetGroups.map((t) => t.targetGroupArn).filter((arn) => existing.includes(arn)),
      }))
      .filter((u) => u.used.length > 0)
      .map(
        (u) =>
          `${u.rule.isDefault ? "the listener's default action" : `rule ${u.rule.ruleArn}`} forwards to ${u.used.join(', ')}`,
      );
    if (users.length > 0) throw new TargetGroupInUseError(users);

    for (const arn of existing) {
      const targets = await this.router.describeTargetHealth(arn);
      const active = targets.filter((t) => t.state !== 'draining').map((t) => t.target);
      if (active.length > 0) await this.router.deregisterTargets(arn, active);
    }
    await this.waitDrained(existing);
    return existing;
  }

  /** Register the instances that accept connections, polling until `deadline` for the others. */
  private async registerListening(
    targetGroupArn: string,
    instances: InstanceRecord[],
    deadline: number,
  ): Promise<void> {
    let waiting = instances;
    for (;;) {
      const open = await Promise.all(waiting.map((i) => portAccepts(this.host, i.port)));
      const ready = waiting.filter((_, k) => open[k]);
      if (ready.length > 0)
        await this.router.registerTargets(
          targetGroupArn,
          ready.map((i) => ({ id: this.host, port: i.port })),
        );
      waiting = waiting.filter((instance, k) => !open[k] && isOurs(instance));
      if (waiting.length === 0 || Date.now() >= deadline) return;
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  private async waitDrained(arns: string[]): Promise<void> {
    const deadline = Date.now() + this.drainTimeoutMs;
    for (const arn of arns) {
      while (Date.now() < deadline) {
        const targets = await this.router.describeTargetHealth(arn).catch(() => []);
        if (!targets.some((t) => t.state === 'draining')) break;
        await new Promise((r) => setTimeout(r, 50));
      }
    }
  }

  private async runDir(runId: string): Promise<string> {
    const dir = join(this.options.stateDir, runId);
    await mkdir(dir, { recursive: true });
    return dir;
  }

  /** The run directory of resources whose run id we only know from the target group's tags. */
  private async runDirOf(resources: VersionResources): Promise<string> {
    const [tags] = await this.router.describeTags([resources.targetGroupArn]);
    const runId = tags?.tags.find((t) => t.key === RUN_ID_TAG)?.value ?? '';
    return join(this.options.stateDir, runId);
  }

  private async instances(runDir: string): Promise<InstanceRecord[]> {
    return (await readRecords<InstanceRecord>(runDir, RECORD_PREFIX)).map((r) => r.record);
  }
}
