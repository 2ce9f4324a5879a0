import type {
  CloudWatchCountsQuery,
  CloudWatchExceedanceQuery,
  CloudWatchQuery,
  ScopeDimension,
} from '../../shared/metrics/metric-query';

/** Metric queries the metrics tests share, written as the presets write them. */

/** An ALB per-target-group CloudWatch query. */
export function albQuery(metricName: string, stat: string): CloudWatchQuery {
  return {
    type: 'cloudwatch',
    namespace: 'AWS/ApplicationELB',
    metricName,
    stat,
    dimensions: {},
    scopeDimension: 'TargetGroup',
  };
}

/** Errors as counts: 5xx answered by the targets + connections that failed, of all requests. */
export function albErrorCounts(): CloudWatchCountsQuery {
  return {
    type: 'cloudwatch-counts',
    events: [albQuery('HTTPCode_Target_5XX_Count', 'Sum'), albQuery('TargetConnectionErrorCount', 'Sum')],
    total: albQuery('RequestCount', 'Sum'),
  };
}

/** Requests answered slower than `above` seconds (ALB TargetResponseTime). */
export function slowerThan(
  above: number,
  statistic: 'PR' | 'TC' = 'PR',
  scopeDimension: ScopeDimension = 'TargetGroup',
): CloudWatchExceedanceQuery {
  return {
    type: 'cloudwatch-exceedance',
    namespace: 'AWS/ApplicationELB',
    metricName: 'TargetResponseTime',
    dimensions: {},
    scopeDimension,
    above,
    statistic,
  };
}
