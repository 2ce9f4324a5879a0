import { buildSync } from 'esbuild';
import path from 'node:path';

/**
 * A local run must not load the AWS SDK: the local adapters share names (target group names, error
 * classes) with the AWS adapters only through modules that import no SDK. esbuild follows the runtime
 * imports exactly as Node would (type-only imports are dropped), so its input list is what gets loaded.
 */

const ROOT = path.resolve(__dirname, '../../..');

function runtimeModules(entry: string): string[] {
  const result = buildSync({
    entryPoints: [path.join(ROOT, entry)],
    bundle: true,
    write: false,
    metafile: true,
    platform: 'node',
    format: 'cjs',
    logLevel: 'silent',
    absWorkingDir: ROOT,
  });
  return Object.keys(result.metafile.inputs);
}

describe.each(['shared/fleet/local-fleet.ts', 'shared/traffic/local-traffic.ts'])('%s', (entry) => {
  it('loads no AWS SDK module and no AWS adapter at runtime', () => {
    const modules = runtimeModules(entry);
    expect(modules).toContain(entry);
    expect(modules.filter((m) => /node_modules\/@(aws-sdk|smithy)\//.test(m))).toEqual([]);
    expect(modules.filter((m) => /shared\/(fleet\/ec2-fleet|traffic\/alb-traffic)\.ts$/.test(m))).toEqual([]);
  });
});
