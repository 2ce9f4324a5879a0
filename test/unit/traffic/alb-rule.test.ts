import {
  MATCH_ALL,
  choosePriority,
  conditionsOf,
  forwardAction,
  forwardWeights,
  ruleConditions,
} from '../../../shared/traffic/alb-rule';

const traffic = { listenerArn: 'arn:listener', productionTargetGroupArn: 'arn:prod' };
const targets = {
  productionTargetGroupArn: 'arn:prod',
  baselineTargetGroupArn: 'arn:base',
  canaryTargetGroupArn: 'arn:can',
};

describe('ruleConditions', () => {
  it('is match-all without conditions', () => {
    expect(ruleConditions(undefined)).toBe(MATCH_ALL);
    expect(ruleConditions({})).toBe(MATCH_ALL);
  });

  it('maps every condition kind and reads it back', () => {
    const config = {
      hostHeader: ['shop.example.com'],
      pathPattern: ['/cart/*'],
      httpRequestMethod: ['GET'],
      httpHeader: { name: 'X-Canary', values: ['1'] },
    };
    const conditions = ruleConditions(config);
    expect(conditions).toEqual([
      { Field: 'host-header', HostHeaderConfig: { Values: ['shop.example.com'] } },
      { Field: 'path-pattern', PathPatternConfig: { Values: ['/cart/*'] } },
      { Field: 'http-request-method', HttpRequestMethodConfig: { Values: ['GET'] } },
      { Field: 'http-header', HttpHeaderConfig: { HttpHeaderName: 'X-Canary', Values: ['1'] } },
    ]);
    expect(conditionsOf(conditions)).toEqual(config);
    expect(conditionsOf(MATCH_ALL)).toBeUndefined();
  });

  it("enforces ALB's 3 values per condition and 5 per rule, naming the field", () => {
    expect(() => ruleConditions({ pathPattern: ['/a', '/b', '/c', '/d'] })).toThrow(
      'traffic.conditions.pathPattern: an ALB condition takes at most 3 values, got 4',
    );
    expect(() => ruleConditions({ pathPattern: ['/a', '/b', '/c'], hostHeader: ['x', 'y', 'z'] })).toThrow(
      'traffic.conditions: an ALB rule takes at most 5 condition values in all, got 6',
    );
  });
});

describe('forwardAction', () => {
  it('builds the weighted forward with stickiness off by default', () => {
    expect(forwardAction(targets, { production: 90, baseline: 5, canary: 5 }, traffic)).toEqual([
      {
        Type: 'forward',
        ForwardConfig: {
          TargetGroups: [
            { TargetGroupArn: 'arn:prod', Weight: 90 },
            { TargetGroupArn: 'arn:base', Weight: 5 },
            { TargetGroupArn: 'arn:can', Weight: 5 },
          ],
          TargetGroupStickinessConfig: { Enabled: false },
        },
      },
    ]);
    const sticky = forwardAction(
      targets,
      { production: 0, baseline: 1, canary: 1 },
      {
        ...traffic,
        stickiness: { enabled: true, durationSeconds: 60 },
      },
    );
    expect(sticky[0].ForwardConfig!.TargetGroupStickinessConfig).toEqual({ Enabled: true, DurationSeconds: 60 });
  });

  it.each([
    [
      { production: -1, baseline: 5, canary: 5 },
      'weights.production: an ALB weight is an integer from 0 to 999, got -1',
    ],
    [
      { production: 90, baseline: 5.5, canary: 5.5 },
      'weights.baseline: an ALB weight is an integer from 0 to 999, got 5.5',
    ],
    [
      { production: 0, baseline: 1000, canary: 1000 },
      'weights.canary: an ALB weight is an integer from 0 to 999, got 1000',
    ],
    [
      { production: 90, baseline: 4, canary: 6 },
      'weights.canary: baseline and canary must get the same weight (got 4 and 6)',
    ],
    [{ production: 0, baseline: 0, canary: 0 }, 'weights: at least one weight must be above 0'],
  ])('refuses %j', (weights, message) => {
    expect(() => forwardAction(targets, weights, traffic)).toThrow(message);
  });

  it('refuses a target group used twice', () => {
    expect(() =>
      forwardAction(
        { ...targets, canaryTargetGroupArn: 'arn:base' },
        { production: 90, baseline: 5, canary: 5 },
        traffic,
      ),
    ).toThrow('targetGroups: production, baseline and canary need three different target groups');
  });
});

describe('forwardWeights', () => {
  it('reads a weighted forward, a plain forward and other actions', () => {
    expect(forwardWeights(forwardAction(targets, { production: 80, baseline: 10, canary: 10 }, traffic))).toEqual(
      new Map([
        ['arn:prod', 80],
        ['arn:base', 10],
        ['arn:can', 10],
      ]),
    );
    expect(forwardWeights([{ Type: 'forward', TargetGroupArn: 'arn:prod' }])).toEqual(new Map([['arn:prod', 1]]));
    expect(forwardWeights([{ Type: 'fixed-response' }]).size).toBe(0);
  });
});

describe('choosePriority', () => {
  it('gives a conditional rule the lowest free priority', () => {
    expect(choosePriority([], false)).toBe(1);
    expect(choosePriority([1, 2, 4, 10], false)).toBe(3);
  });

  it('puts the match-all rule after every existing rule', () => {
    expect(choosePriority([], true)).toBe(1);
    expect(choosePriority([1, 2, 4, 10], true)).toBe(11);
  });

  it('says so when nothing is free', () => {
    expect(() => choosePriority([50_000], true)).toThrow(
      "traffic.rulePriority: no free priority after the listener's last rule (50000); give traffic.rulePriority",
    );
  });
});
