import { CloudWatchClient, GetMetricDataCommand, PutMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { startMoto, type Moto } from '../../support/moto';

jest.setTimeout(60_000);

/**
 * What docs/aws-adapters.md says about moto and dimension order, checked: moto 5.2.1 sorts both dimension lists
 * before comparing them, but its Dimension ordering compares a value with the other dimension's name, so the
 * "sort" does not bring two orders of the same dimensions together: data put with [A, B] is not found with [B, A]
 * (real CloudWatch ignores the order). This is why the CloudWatch source sends dimensions sorted by name.
 */

let moto: Moto;
let cw: CloudWatchClient;
const minute = Math.floor(Date.now() / 60_000) * 60_000 - 120_000;

beforeAll(async () => {
  moto = await startMoto();
  cw = new CloudWatchClient({ ...moto.config, disableRequestCompression: true });
});

afterAll(async () => {
  await moto?.stop();
});

async function found(metric: string, put: string[][], query: string[][]): Promise<number[]> {
  const dims = (pairs: string[][]) => pairs.map(([Name, Value]) => ({ Name, Value }));
  await cw.send(
    new PutMetricDataCommand({
      Namespace: 'DimensionOrder',
      MetricData: [{ MetricName: metric, Dimensions: dims(put), Timestamp: new Date(minute), Value: 5 }],
    }),
  );
  const result = await cw.send(
    new GetMetricDataCommand({
      StartTime: new Date(minute - 60_000),
      EndTime: new Date(minute + 120_000),
      MetricDataQueries: [
        {
          Id: 'q',
          MetricStat: {
            Metric: { Namespace: 'DimensionOrder', MetricName: metric, Dimensions: dims(query) },
            Period: 60,
            Stat: 'Sum',
          },
        },
      ],
    }),
  );
  return result.MetricDataResults?.[0]?.Values ?? [];
}

test('moto finds data by dimensions only in the order they were put', async () => {
  const alb = [
    ['LoadBalancer', 'app/web/1'],
    ['TargetGroup', 'targetgroup/canary/2'],
  ];
  expect(await found('Same', alb, alb)).toEqual([5]);
  expect(await found('Reversed', alb, [...alb].reverse())).toEqual([]);
  const service = [
    ['Service', 'web'],
    ['Version', 'v1'],
  ];
  expect(await found('ReversedAgain', service, [...service].reverse())).toEqual([]);
});
