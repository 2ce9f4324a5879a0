import type { Test } from '@jest/test-result';
import CostSequencer from '../../support/cost-sequencer';

/** The order jest's workers take test files in: costliest project first, jest's own order inside each. */

function testFile(project: string, file: string, size: number): Test {
  return {
    path: `/repo/test/${project}/${file}`,
    context: {
      // No timing cache (as in a fresh clone): jest falls back to file size.
      config: { displayName: { name: project }, cache: false },
      hasteFS: { getSize: () => size },
    },
  } as unknown as Test;
}

it('runs e2e, then integration, then unit files, each project largest file first', () => {
  const tests = [
    testFile('unit', 'big.test.ts', 9000),
    testFile('integration', 'small.test.ts', 100),
    testFile('e2e', 'small.test.ts', 50),
    testFile('unit', 'small.test.ts', 10),
    testFile('integration', 'big.test.ts', 5000),
    testFile('e2e', 'big.test.ts', 3000),
  ];
  const order = (new CostSequencer().sort(tests) as Test[]).map((t) => t.path.replace('/repo/test/', ''));
  expect(order).toEqual([
    'e2e/big.test.ts',
    'e2e/small.test.ts',
    'integration/big.test.ts',
    'integration/small.test.ts',
    'unit/big.test.ts',
    'unit/small.test.ts',
  ]);
});
