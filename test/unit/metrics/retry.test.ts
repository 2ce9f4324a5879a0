import { HttpStatusError, RetriesExhaustedError, isTransient, withRetry } from '../../../shared/metrics/retry';

function named(name: string, extra: object = {}): Error {
  return Object.assign(new Error(`${name} happened`), { name }, extra);
}

describe('withRetry', () => {
  it('backs off exponentially with equal jitter, capped, and stops after the bound', async () => {
    const delays: number[] = [];
    let calls = 0;
    const failing = withRetry(
      async () => {
        calls++;
        throw named('ThrottlingException');
      },
      { attempts: 5, baseDelayMs: 100, maxDelayMs: 300, sleep: async (ms) => void delays.push(ms), random: () => 0 },
    );
    await expect(failing).rejects.toThrow('ThrottlingException: ThrottlingException happened (5 attempts)');
    expect(calls).toBe(5);
    // Half the backoff fixed (random 0): 100, 200, 300 (capped), 300.
    expect(delays).toEqual([50, 100, 150, 150]);
  });

  it('returns the first success and tells the attempt number', async () => {
    const seen: number[] = [];
    const value = await withRetry(
      async (attempt) => {
        seen.push(attempt);
        if (attempt < 3) throw named('ServiceUnavailable');
        return 'ok';
      },
      { sleep: async () => undefined },
    );
    expect(value).toBe('ok');
    expect(seen).toEqual([1, 2, 3]);
  });

  it('does not retry an error that will not go away, and keeps it', async () => {
    let calls = 0;
    const bad = named('ValidationError');
    const error = await withRetry(
      async () => {
        calls++;
        throw bad;
      },
      { sleep: async () => undefined },
    ).catch((e) => e);
    expect(calls).toBe(1);
    expect(error).toBeInstanceOf(RetriesExhaustedError);
    expect(error.lastError).toBe(bad);
    expect(error.attempts).toBe(1);
  });
});

describe('isTransient', () => {
  it.each([
    [named('Throttling'), true],
    [named('InternalFailure'), true],
    [named('Whatever', { $metadata: { httpStatusCode: 503 } }), true],
    [named('Whatever', { $metadata: { httpStatusCode: 429 } }), true],
    [named('Whatever', { $retryable: { throttling: true } }), true],
    [
      Object.assign(new TypeError('fetch failed'), {
        cause: Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }),
      }),
      true,
    ],
    [new HttpStatusError(502, 'bad gateway'), true],
    [new HttpStatusError(400, 'bad query'), false],
    [named('AccessDenied', { $metadata: { httpStatusCode: 403 } }), false],
    ['a string', false],
  ])('%s -> %s', (error, expected) => {
    expect(isTransient(error)).toBe(expected);
  });
});
