/**
 * How long `cdk synth` of CanaryJudgeStack takes offline, and what it produces: `npm run bench:synth`
 * (ts-node --transpile-only bench/cdk-synth-bench.ts). Synthesizes the default stack in-process (esbuild
 * bundling of every function included, as `npx cdk deploy` does), then lints the template with cfn-lint.
 * Prints wall times, bundle sizes and the template size. Flags: --no-lint, --json.
 */
import { App, type CfnElement } from 'aws-cdk-lib';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CanaryJudgeStack } from '../infra/lib/canary-judge-stack';

const args = new Set(process.argv.slice(2));
const outdir = mkdtempSync(path.join(tmpdir(), 'canary-judge-synth-'));
try {
  const started = process.hrtime.bigint();
  const app = new App({ outdir });
  const stack = new CanaryJudgeStack(app, 'CanaryJudgeStack');
  const assembly = app.synth();
  const synthMs = Number(process.hrtime.bigint() - started) / 1e6;

  const templatePath = path.join(outdir, assembly.getStackByName(stack.stackName).templateFile);
  const template = JSON.parse(readFileSync(templatePath, 'utf8')) as {
    Resources: Record<string, { Properties?: { Code?: { S3Key?: string } } }>;
  };
  const bundles = Object.entries(stack.canaryJudge.functions).map(([name, fn]) => {
    const key = template.Resources[stack.getLogicalId(fn.node.defaultChild as CfnElement)].Properties!.Code!.S3Key!;
    const bytes = statSync(path.join(outdir, `asset.${key.replace(/\.zip$/, '')}`, 'index.js')).size;
    return { name, kB: Math.round(bytes / 1024) };
  });

  let lintMs: number | undefined;
  let lintStatus: number | null | undefined;
  if (!args.has('--no-lint')) {
    const lintStart = process.hrtime.bigint();
    const lint = spawnSync('cfn-lint', ['--ignore-checks', 'W3005', '--', templatePath], { encoding: 'utf8' });
    lintMs = Number(process.hrtime.bigint() - lintStart) / 1e6;
    lintStatus = lint.error ? null : lint.status;
  }

  const result = {
    functions: bundles.length,
    synthSeconds: +(synthMs / 1000).toFixed(2),
    templateKB: Math.round(statSync(templatePath).size / 1024),
    bundlesKB: bundles,
    cfnLintSeconds: lintMs === undefined ? undefined : +(lintMs / 1000).toFixed(2),
    cfnLintExit: lintStatus,
    maxRssMB: Math.round(process.resourceUsage().maxRSS / 1024),
  };
  if (args.has('--json')) {
    console.log(JSON.stringify(result));
  } else {
    console.log(`synth (bundling ${result.functions} functions with esbuild): ${result.synthSeconds} s`);
    console.log(
      `template: ${result.templateKB} KiB; bundles: ${bundles.map((b) => `${b.name} ${b.kB} KiB`).join(', ')}`,
    );
    if (lintMs !== undefined)
      console.log(`cfn-lint: ${result.cfnLintSeconds} s, exit ${lintStatus ?? 'not run (missing?)'}`);
    console.log(`max RSS: ${result.maxRssMB} MiB`);
  }
} finally {
  rmSync(outdir, { recursive: true, force: true });
}
