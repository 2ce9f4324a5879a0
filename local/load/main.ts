import { Command, InvalidArgumentError } from 'commander';
import { formatProgress, runLoad } from './load-generator';

/** `node dist/local/load/main.js --url http://127.0.0.1:8080/ --rps 100 --duration 30` */

const positive = (value: string): number => {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError('must be a number > 0');
  return n;
};
const header = (value: string, previous: Record<string, string>): Record<string, string> => {
  const colon = value.indexOf(':');
  if (colon <= 0) throw new InvalidArgumentError(`expected "Name: value", got "${value}"`);
  return { ...previous, [value.slice(0, colon).trim()]: value.slice(colon + 1).trim() };
};

const program = new Command('local-load')
  .description('Open-loop HTTP load at a fixed rate; reports counts per status and per target group.')
  .requiredOption('--url <url>', 'where to send requests (the local router listener)')
  .option('--rps <n>', 'requests per second', positive, 50)
  .option('--duration <seconds>', 'how long to send', positive, 10)
  .option('--concurrency <n>', 'most requests in flight at once', positive, 64)
  .option('--timeout <ms>', 'per-request timeout', positive, 10_000)
  .option('--header <name:value>', 'extra request header (repeatable)', header, {})
  .option('--json', 'print the final stats as JSON (and no progress)')
  .showHelpAfterError();

async function main(): Promise<void> {
  const opts = program.parse().opts<{
    url: string;
    rps: number;
    duration: number;
    concurrency: number;
    timeout: number;
    header: Record<string, string>;
    json?: boolean;
  }>();
  const stats = await runLoad(
    {
      url: opts.url,
      rps: opts.rps,
      durationSeconds: opts.duration,
      concurrency: Math.floor(opts.concurrency),
      timeoutMs: opts.timeout,
      headers: opts.header,
    },
    { onProgress: opts.json ? undefined : (s) => process.stderr.write(`${formatProgress(s)}\n`) },
  );
  process.stdout.write(opts.json ? `${JSON.stringify(stats)}\n` : `${formatProgress(stats)}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`local-load: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(2);
});
