import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SERVERS_DIR_ENV } from './moto';

/**
 * Jest global setup (integration and e2e): a directory where each worker records the moto server it starts
 * on first use, for global-teardown.ts to stop. The workers inherit the variable.
 */
export default function globalSetup(): void {
  process.env[SERVERS_DIR_ENV] = mkdtempSync(join(tmpdir(), 'canary-judge-test-servers-'));
}
