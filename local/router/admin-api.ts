import type { IncomingMessage, ServerResponse } from 'node:http';
import type { z } from 'zod';
import { formatPath } from '../../shared/config/validation';
import type { ResourceType } from '../../shared/router-api/views';
import type { ElbState } from './elb-state';
import { RouterError } from './errors';
import { getMetricData } from './get-metric-data';
import type { MetricsStore } from './metrics-store';
import {
  addTagsSchema,
  createRuleSchema,
  createTargetGroupSchema,
  getMetricDataSchema,
  modifyListenerSchema,
  modifyRuleSchema,
  removeTagsSchema,
  targetsRequestSchema,
} from '../../shared/router-api/schemas';
import { listenerView, ruleView, targetGroupView, targetHealthViews } from './views';

/**
 * The router's admin API: JSON over HTTP on its own port, one endpoint per ELBv2 / CloudWatch call the
 * adapters need. ARNs travel in query strings or bodies (they contain "/" and ":").
 *
 *   GET    /admin/ping                                  → { loadBalancerArn, listenerArn, productionTargetGroupArn }
 *   GET    /admin/listeners                             → { listeners: ListenerView[] }                   (DescribeListeners)
 *   PUT    /admin/listeners        {listenerArn, defaultActions}  → { listener }                          (ModifyListener)
 *   GET    /admin/target-groups[?arn=..][&name=..]      → { targetGroups: TargetGroupView[] }             (DescribeTargetGroups)
 *   POST   /admin/target-groups    {name, healthCheck?, deregistrationDelaySeconds?, tags?} → 201 { targetGroup }
 *   DELETE /admin/target-groups?arn=..                  → { deleted }                                     (DeleteTargetGroup)
 *   POST   /admin/targets/register   {targetGroupArn, targets: [{id, port}]} → { targetHealthDescriptions }
 *   POST   /admin/targets/deregister {targetGroupArn, targets: [{id, port}]} → { targetHealthDescriptions }
 *   GET    /admin/target-health?targetGroupArn=..       → { targetHealthDescriptions: TargetHealthView[] }
 *   GET    /admin/rules[?listenerArn=..][&ruleArn=..]   → { rules: RuleView[] } (by priority, default last) (DescribeRules)
 *   POST   /admin/rules            {listenerArn, priority, conditions, actions, tags?} → 201 { rule }     (CreateRule)
 *   PUT    /admin/rules            {ruleArn, conditions?, actions?} → { rule }                            (ModifyRule)
 *   DELETE /admin/rules?ruleArn=..                      → { deleted }                                     (DeleteRule)
 *   GET    /admin/tags?resourceArn=..[&resourceArn=..]  → { tagDescriptions: [{resourceArn, tags}] }      (DescribeTags)
 *   POST   /admin/tags             {resourceArns, tags} → {}                                              (AddTags)
 *   POST   /admin/tags/remove      {resourceArns, tagKeys} → {}                                           (RemoveTags)
 *   GET    /admin/resources?tag=key=value[&tag=key][&type=targetgroup|listener-rule] → { resources }      (tag lookup)
 *   POST   /admin/metric-data      {metricDataQueries, startTime, endTime, scanBy?} → { metricDataResults } (GetMetricData)
 *
 * Errors: `{ error: { code, message } }` with 400 (bad input), 404 (unknown ARN), 409 (in use / priority taken).
 */

const MAX_BODY_BYTES = 1 << 20;

interface Call {
  query: URLSearchParams;
  body: unknown;
}

type Handler = (call: Call) => { status?: number; body: unknown };

function parse<S extends z.ZodType>(schema: S, data: unknown): z.infer<S> {
  const result = schema.safeParse(data);
  if (result.success) return result.data;
  const detail = result.error.issues.map((i) => `${formatPath(i.path) || '(body)'}: ${i.message}`).join('; ');
  throw new RouterError('ValidationError', detail);
}

function required(query: URLSearchParams, name: string): string {
  const value = query.get(name);
  if (!value) throw new RouterError('ValidationError', `query parameter ${name} is required`);
  return value;
}

export function createAdminHandler(
  state: ElbState,
  metrics: MetricsStore,
): (req: IncomingMessage, res: ServerResponse) => void {
  const routes: Record<string, Handler> = {
    'GET /admin/ping': () => ({
      body: {
        loadBalancerArn: state.loadBalancerArn,
        listenerArn: state.listener.arn,
        productionTargetGroupArn: state.productionTargetGroupArn,
      },
    }),
    'GET /admin/listeners': () => ({ body: { listeners: [listenerView(state.listener)] } }),
    'PUT /admin/listeners': ({ body }) => {
      const input = parse(modifyListenerSchema, body);
      return { body: { listener: listenerView(state.modifyListener(input.listenerArn, input.defaultActions)) } };
    },
    'GET /admin/target-groups': ({ query }) => {
      const arns = query.getAll('arn');
      const names = query.getAll('name');
      const groups =
        arns.length + names.length === 0
          ? state.allTargetGroups()
          : [...arns.map((a) => state.targetGroup(a)), ...names.map((n) => state.targetGroupByName(n))];
      return { body: { targetGroups: groups.map((g) => targetGroupView(state, g)) } };
    },
    'POST /admin/target-groups': ({ body }) => {
      const group = state.createTargetGroup(parse(createTargetGroupSchema, body));
      return { status: 201, body: { targetGroup: targetGroupView(state, group) } };
    },
    'DELETE /admin/target-groups': ({ query }) => {
      const arn = required(query, 'arn');
      state.deleteTargetGroup(arn);
      return { body: { deleted: arn } };
    },
    'POST /admin/targets/register': ({ body }) => {
      const input = parse(targetsRequestSchema, body);
      state.registerTargets(input.targetGroupArn, input.targets);
      return { body: { targetHealthDescriptions: targetHealthViews(state.targetGroup(input.targetGroupArn)) } };
    },
    'POST /admin/targets/deregister': ({ body }) => {
      const input = parse(targetsRequestSchema, body);
      state.deregisterTargets(input.targetGroupArn, input.targets);
      return { body: { targetHealthDescriptions: targetHealthViews(state.targetGroup(input.targetGroupArn)) } };
    },
    'GET /admin/target-health': ({ query }) => ({
      body: { targetHealthDescriptions: targetHealthViews(state.targetGroup(required(query, 'targetGroupArn'))) },
    }),
    'GET /admin/rules': ({ query }) => {
      const listenerArn = query.get('listenerArn');
      if (listenerArn) state.checkListener(listenerArn);
      const ruleArns = query.getAll('ruleArn');
      const rules = ruleArns.length > 0 ? ruleArns.map((a) => state.rule(a)) : state.orderedRules();
      return { body: { rules: rules.map(ruleView) } };
    },
    'POST /admin/rules': ({ body }) => ({
      status: 201,
      body: { rule: ruleView(state.createRule(parse(createRuleSchema, body))) },
    }),
    'PUT /admin/rules': ({ body }) => ({ body: { rule: ruleView(state.modifyRule(parse(modifyRuleSchema, body))) } }),
    'DELETE /admin/rules': ({ query }) => {
      const arn = required(query, 'ruleArn');
      state.deleteRule(arn);
      return { body: { deleted: arn } };
    },
    'GET /admin/tags': ({ query }) => {
      const arns = query.getAll('resourceArn');
      if (arns.length === 0)
        throw new RouterError('ValidationError', 'query parameter resourceArn is required (repeat it for several)');
      return {
        body: { tagDescriptions: arns.map((resourceArn) => ({ resourceArn, tags: state.tagsOf(resourceArn) })) },
      };
    },
    'POST /admin/tags': ({ body }) => {
      const input = parse(addTagsSchema, body);
      state.addTags(input.resourceArns, input.tags);
      return { body: {} };
    },
    'POST /admin/tags/remove': ({ body }) => {
      const input = parse(removeTagsSchema, body);
      state.removeTags(input.resourceArns, input.tagKeys);
      return { body: {} };
    },
    'GET /admin/resources': ({ query }) => {
      const filters = query.getAll('tag').map((t) => {
        const eq = t.indexOf('=');
        return eq < 0 ? { key: t } : { key: t.slice(0, eq), value: t.slice(eq + 1) };
      });
      if (filters.length === 0)
        throw new RouterError('ValidationError', 'give at least one tag=key=value (or tag=key) filter');
      const type = query.get('type') ?? undefined;
      if (type && !['loadbalancer', 'listener', 'listener-rule', 'targetgroup'].includes(type)) {
        throw new RouterError(
          'ValidationError',
          `type must be loadbalancer, listener, listener-rule or targetgroup, not ${type}`,
        );
      }
      return { body: { resources: state.findByTags(filters, type as ResourceType | undefined) } };
    },
    'POST /admin/metric-data': ({ body }) => ({
      body: getMetricData(metrics, state.loadBalancerArn, parse(getMetricDataSchema, body)),
    }),
  };

  return (req, res) => {
    const url = new URL(req.url ?? '/', 'http://admin');
    const key = `${req.method} ${url.pathname.replace(/\/+$/, '')}`;
    readBody(req).then(
      (text) => {
        try {
          const handler = routes[key];
          if (!handler) {
            const known = Object.keys(routes).some((k) => k.endsWith(` ${url.pathname}`));
            throw new RouterError(
              known ? 'MethodNotAllowed' : 'NotFound',
              `${known ? 'method not allowed' : 'no admin endpoint'}: ${key}`,
            );
          }
          let body: unknown = undefined;
          if (text.length > 0) {
            try {
              body = JSON.parse(text);
            } catch {
              throw new RouterError('InvalidJson', 'the request body is not valid JSON');
            }
          }
          const out = handler({ query: url.searchParams, body });
          sendJson(res, out.status ?? 200, out.body);
        } catch (error) {
          if (error instanceof RouterError)
            sendJson(res, error.status, { error: { code: error.code, message: error.message } });
          else
            sendJson(res, 500, {
              error: { code: 'InternalError', message: error instanceof Error ? error.message : String(error) },
            });
        }
      },
      (error: Error) => sendJson(res, 413, { error: { code: 'ValidationError', message: error.message } }),
    );
  };
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(new Error(`request body over ${MAX_BODY_BYTES} bytes`));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}
