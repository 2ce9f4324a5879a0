/** Links into the AWS console, in the partition and region the resource lives in. */

/** Names as the run API makes them (letters, digits, '.', '-', '_'; e.g. `checkout_1.42.0_gh-4711-1`). */
const EXECUTION_ARN =
  /^arn:(aws|aws-cn|aws-us-gov):states:([a-z]{2}(?:-[a-z]+)+-\d{1,2}):(\d{12}):execution:([A-Za-z0-9._-]{1,80}):([A-Za-z0-9._-]{1,80})$/;

function consoleHost(partition: string, region: string): string {
  switch (partition) {
    case 'aws-cn':
      return `https://${region}.console.amazonaws.cn`;
    case 'aws-us-gov':
      return 'https://console.amazonaws-us-gov.com';
    default:
      return `https://${region}.console.aws.amazon.com`;
  }
}

/**
 * The Step Functions console page of a standard workflow's execution; undefined for anything else (a local
 * run's execution id, an express execution, another partition's ARN), since a wrong link is worse than none.
 */
export function stepFunctionsExecutionUrl(executionArn: string): string | undefined {
  const match = EXECUTION_ARN.exec(executionArn);
  if (!match) return undefined;
  const [, partition, region] = match;
  return `${consoleHost(partition, region)}/states/home?region=${region}#/v2/executions/details/${executionArn}`;
}
