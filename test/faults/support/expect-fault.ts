import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { escapeSlack } from '../../../shared/notify/slack-message';
import { escapeHtml } from '../../../shared/reports/escape';
import { allText } from '../../support/block-kit';
import type { Fault } from '../catalog';
import type { CliBench, CliResult } from '../../support/cli-bench';
import type { Receiver } from '../../support/receiver';

/** The assertions every fault of a local run (or of the command line) shares; see catalog.ts. */

/** A frame of a JavaScript stack trace, as Node prints one. */
const STACK_FRAME = /^\s+at .+(\(.*:\d+:\d+\)|:\d+:\d+)$/m;

export function expectNoStackTrace(text: string): void {
  expect(text.match(STACK_FRAME)?.[0] ?? null).toBeNull();
}

/** Exit code, no stack trace, the reason a person reads (the run's `reason`, or the message on stderr). */
export function expectEnded(row: Fault, result: CliResult): void {
  expect({ code: result.code, signal: result.signal }).toEqual({ code: row.exit, signal: null });
  expectNoStackTrace(`${result.stdout}\n${result.stderr}`);
  const reason = result.json?.reason ?? result.stderr;
  expect(reason).toContain(row.reason);
}

/** Polls until no process of the bench's sample service is left (the OS reaps them a moment after the CLI). */
export async function expectNoServiceProcess(bench: CliBench, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (bench.servicePids().length > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  expect(bench.servicePids()).toEqual([]);
}

/** The Slack messages of the row's run (its webhook path on the receiver), parsed. */
export function slackMessages(receiver: Receiver, row: Fault): Record<string, unknown>[] {
  return receiver.at(slackPath(row)).map((r) => JSON.parse(r.body) as Record<string, unknown>);
}

export const slackPath = (row: Fault) => `/slack/${row.id}`;

/**
 * A local run that ended by the row: exit code and reason, the router left with production only (read back
 * before it stopped), no sample-service process left, and a report and a finished message iff due.
 */
export async function expectLocalRunEnded(
  row: Fault,
  result: CliResult,
  bench: CliBench,
  receiver: Receiver,
): Promise<void> {
  expectEnded(row, result);
  expect(result.json?.routerAfterRun).toEqual({ productionOnly: true, extraRules: [], extraTargetGroups: [] });
  await expectNoServiceProcess(bench);
  const report = path.join(bench.reportsDir, `fault-${row.id}`, 'report.html');
  expect(existsSync(report)).toBe(row.report);
  if (row.report) expect(readFileSync(report, 'utf8')).toContain(escapeHtml(row.reason));
  const messages = slackMessages(receiver, row);
  expect(messages).toHaveLength(row.notification ? 1 : 0);
  if (row.notification) expect(allText(messages[0])).toContain(escapeSlack(row.reason));
}
