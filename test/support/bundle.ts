import path from 'node:path';
import { build } from 'esbuild';

/** A TypeScript entry point of this repository bundled into one JS file, so a test starts it with plain `node`. */
export async function bundle(entry: string, outfile: string): Promise<string> {
  await build({
    entryPoints: [path.join(__dirname, '../..', entry)],
    bundle: true,
    platform: 'node',
    target: 'node20',
    outfile,
    logLevel: 'silent',
  });
  return outfile;
}
