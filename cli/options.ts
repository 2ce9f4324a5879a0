import { InvalidArgumentError, Option } from 'commander';

/** Shared option parsers: a bad value is a commander usage error (exit code 3), naming the flag. */

function numberWhere(check: (n: number) => boolean, expectation: string) {
  return (value: string): number => {
    const n = Number(value);
    if (value.trim() === '' || !check(n)) throw new InvalidArgumentError(`expected ${expectation}`);
    return n;
  };
}

export const parseScore = numberWhere((n) => n >= 0 && n <= 100, 'a score from 0 to 100');

export const parseConfidence = numberWhere((n) => n > 0 && n < 1, 'a number strictly between 0 and 1, e.g. 0.98');

/** `of`: whose interval it is, e.g. "each metric's interval". */
export function confidenceOption(of: string): Option {
  return new Option('--confidence <level>', `two-sided confidence level of ${of}`)
    .argParser(parseConfidence)
    .default(0.98);
}
