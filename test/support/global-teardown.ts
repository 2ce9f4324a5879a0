import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { SERVERS_DIR_ENV, stopServer } from './moto';

/** Jest global teardown: stops the servers the workers recorded (global-setup.ts) and removes their directory. */
export default async function globalTeardown(): Promise<void> {
  const dir = process.env[SERVERS_DIR_ENV];
  if (!dir) return;
  const records = readdirSync(dir).filter((name) => /^moto-.*\.json$/.test(name));
  await Promise.all(
    records.map((name) => stopServer((JSON.parse(readFileSync(join(dir, name), 'utf8')) as { pid: number }).pid)),
  );
  rmSync(dir, { recursive: true, force: true });
}
