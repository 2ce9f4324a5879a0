import { alignColumns } from '../../../cli/text-table';

describe('alignColumns', () => {
  it('pads every column but the last to its widest cell, counting code points', () => {
    expect(
      alignColumns([
        ['RUN', 'VERSIONS', 'WHY'],
        ['r-1', '1.0 → 1.1', 'latency higher'],
        ['run-22', 'a → b', ''],
      ]),
    ).toEqual(['RUN     VERSIONS   WHY', 'r-1     1.0 → 1.1  latency higher', 'run-22  a → b']);
  });

  it('gives no lines for no rows', () => {
    expect(alignColumns([])).toEqual([]);
  });
});
