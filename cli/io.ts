import { readFileSync } from 'node:fs';
import type { z } from 'zod';
import { parseOrThrow, ValidationError } from '../shared/config/validation';

/** The CLI's edges: streams and input files, passed in so commands can be called directly in tests. */

export interface CliIo {
  stdout(text: string): void;
  stderr(text: string): void;
  /** All of standard input (read once, on demand). */
  readStdin(): string;
}

export const processIo: CliIo = {
  stdout: (text) => void process.stdout.write(text),
  stderr: (text) => void process.stderr.write(text),
  readStdin: () => readFileSync(0, 'utf8'),
};

/** Exit code for bad input of any command: unreadable file, bad JSON, invalid field, bad flag. */
export const EXIT_BAD_INPUT = 3;
/** An unexpected error (a bug), kept apart from the verdict codes 0-2. */
export const EXIT_INTERNAL = 4;

/** Bad input whose message already names the file (or flag) and the field. */
export class InputError extends Error {
  override readonly name = 'InputError';
}

/** Reads and parses a JSON file; `-` is standard input. `flag` names the option in messages. */
export function readJsonInput(file: string, flag: string, io: CliIo): unknown {
  let text: string;
  try {
    text = file === '-' ? io.readStdin() : readFileSync(file, 'utf8');
  } catch (error) {
    throw new InputError(`cannot read ${flag} ${file}: ${(error as Error).message}`);
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new InputError(`${flag} ${file === '-' ? 'stdin' : file} is not valid JSON: ${(error as Error).message}`);
  }
}

/** Validates with a schema; a failure names the file, then the field path and the problem. */
export function parseInput<S extends z.ZodType>(schema: S, value: unknown, file: string, what: string): z.infer<S> {
  try {
    return parseOrThrow(schema, value, what);
  } catch (error) {
    if (error instanceof ValidationError) throw new InputError(`${file === '-' ? 'stdin' : file}: ${error.message}`);
    throw error;
  }
}

/** Runs a command body: bad input goes to stderr as one line with exit code 3; anything else propagates. */
export function withBadInputHandling(command: string, io: CliIo, body: () => number): number {
  try {
    return body();
  } catch (error) {
    if (error instanceof InputError || error instanceof ValidationError) {
      io.stderr(`canary-judge ${command}: ${error.message}\n`);
      return EXIT_BAD_INPUT;
    }
    throw error;
  }
}
