import { cloudWatchDimensionValue } from './arn';
import { RouterError } from './errors';
import { datapoints, metricKind } from './metric-data';
import type { MetricsStore } from './metrics-store';
import type { GetMetricDataRequest, MetricDataQuery } from '../../shared/router-api/schemas';
import type { MetricDataResult } from '../../shared/router-api/views';

/**
 * CloudWatch GetMetricData over the router's stats. Namespace AWS/ApplicationELB; the TargetGroup dimension
 * (`targetgroup/<name>/<id>` or the full ARN) selects a target group, the LoadBalancer dimension alone the
 * whole load balancer. Like CloudWatch, a query that matches nothing returns no datapoints, not an error;
 * `messages` says why, so callers can tell "no traffic" from "no such metric".
 */

export const NAMESPACE = 'AWS/ApplicationELB';
/** CloudWatch's limit on datapoints per GetMetricData call. */
const MAX_DATAPOINTS = 100_800;

export function getMetricData(
  store: MetricsStore,
  loadBalancerArn: string,
  request: GetMetricDataRequest,
): { metricDataResults: MetricDataResult[] } {
  const points = request.metricDataQueries.reduce(
    (n, q) => n + Math.ceil((request.endTime - request.startTime) / 1000 / q.metricStat.period),
    0,
  );
  if (points > MAX_DATAPOINTS) {
    throw new RouterError(
      'ValidationError',
      `the request asks for ${points} datapoints; at most ${MAX_DATAPOINTS} per call (use a longer period or a shorter window)`,
    );
  }
  const lbValue = cloudWatchDimensionValue(loadBalancerArn);
  return { metricDataResults: request.metricDataQueries.map((q) => one(store, lbValue, request, q)) };
}

function one(
  store: MetricsStore,
  lbValue: string,
  request: GetMetricDataRequest,
  query: MetricDataQuery,
): MetricDataResult {
  const { metric, period, stat } = query.metricStat;
  const result: MetricDataResult = {
    id: query.id,
    label: query.label ?? metric.metricName,
    timestamps: [],
    values: [],
    statusCode: 'Complete',
    messages: [],
  };
  const seriesKey = seriesFor(metric.namespace, metric.dimensions, lbValue, result.messages);
  if (!seriesKey) return result;
  if (!metricKind(metric.metricName)) {
    result.messages.push({ code: 'UnknownMetric', value: `the local router does not produce ${metric.metricName}` });
    return result;
  }
  if (!store.hasSeries(seriesKey)) {
    result.messages.push({ code: 'NoData', value: `no requests recorded yet for ${seriesKey}` });
    return result;
  }
  const data = datapoints(
    (from, to) => store.read(seriesKey, from, to),
    metric.metricName,
    stat,
    period,
    request.startTime,
    request.endTime,
  );
  data.notes.forEach((value) => result.messages.push({ code: 'PartialData', value }));
  const order = data.timestamps.map((_, i) => i);
  if (request.scanBy === 'TimestampDescending') order.reverse();
  result.timestamps = order.map((i) => data.timestamps[i]);
  result.values = order.map((i) => data.values[i]);
  return result;
}

function seriesFor(
  namespace: string,
  dimensions: { name: string; value: string }[],
  lbValue: string,
  messages: MetricDataResult['messages'],
): string | undefined {
  if (namespace !== NAMESPACE) {
    messages.push({ code: 'UnknownNamespace', value: `the local router serves only ${NAMESPACE}, not ${namespace}` });
    return undefined;
  }
  const byName = new Map(dimensions.map((d) => [d.name, d.value]));
  const other = [...byName.keys()].filter((n) => n !== 'TargetGroup' && n !== 'LoadBalancer');
  if (other.length > 0) {
    messages.push({
      code: 'UnknownDimension',
      value: `the local router has no dimension ${other.join(', ')} (only TargetGroup and LoadBalancer)`,
    });
    return undefined;
  }
  const lb = byName.get('LoadBalancer');
  if (lb !== undefined && cloudWatchDimensionValue(lb) !== lbValue) {
    messages.push({ code: 'UnknownLoadBalancer', value: `this router's load balancer is ${lbValue}, not ${lb}` });
    return undefined;
  }
  const tg = byName.get('TargetGroup');
  if (tg !== undefined) return cloudWatchDimensionValue(tg);
  if (lb !== undefined) return lbValue;
  messages.push({ code: 'MissingDimension', value: 'give a TargetGroup or LoadBalancer dimension' });
  return undefined;
}
