import { GetSecretValueCommand, ResourceNotFoundException } from '@aws-sdk/client-secrets-manager';
import { SecretCache } from '../../../shared/secrets';

/** SecretCache's rotation support, with a stand-in client that counts reads (Secrets Manager itself: webhook-api.test.ts). */

function client(values: { current: string; previous?: string }) {
  const reads: string[] = [];
  return {
    reads,
    send: async (command: GetSecretValueCommand) => {
      const stage = command.input.VersionStage ?? 'AWSCURRENT';
      reads.push(stage);
      const value = stage === 'AWSCURRENT' ? values.current : values.previous;
      if (value === undefined) {
        throw new ResourceNotFoundException({ message: `no version with stage ${stage}`, $metadata: {} });
      }
      return { SecretString: value };
    },
  };
}

describe('SecretCache.versions / forget', () => {
  it('gives the current value first, then the previous one; a secret never rotated has only the current', async () => {
    expect(await new SecretCache({ client: client({ current: 'b', previous: 'a' }) as never }).versions('s')).toEqual([
      'b',
      'a',
    ]);
    expect(await new SecretCache({ client: client({ current: 'a' }) as never }).versions('s')).toEqual(['a']);
  });

  it('re-reads after forget(), at most once per minRereadMs however many requests ask', async () => {
    let now = 0;
    const fake = client({ current: 'a' });
    const cache = new SecretCache({ client: fake as never, minRereadMs: 1000, now: () => now });
    await cache.versions('s');
    expect(fake.reads).toHaveLength(2);
    now = 500;
    expect([cache.forget('s'), cache.forget('s')]).toEqual([false, false]);
    await cache.versions('s');
    expect(fake.reads).toHaveLength(2);
    now = 1000;
    expect(cache.forget('s')).toBe(true);
    await cache.versions('s');
    expect(fake.reads).toHaveLength(4);
  });
});
