const Sequencer = require('@jest/test-sequencer').default;

/**
 * Costliest project first (e2e, integration, unit), so the long files start while the short ones can still
 * fill the other worker: a fresh clone (CI) has no timing cache, and jest alone would order by file size,
 * which puts a 70-second e2e file behind dozens of sub-second unit files. Within a project, jest's own order
 * (last run's failures, then last run's duration, then size).
 */
const COST_RANK = { e2e: 0, integration: 1, unit: 2 };

const rank = (test) => COST_RANK[test.context.config.displayName?.name] ?? 1;

class CostSequencer extends Sequencer {
  sort(tests) {
    // Array#sort is stable: jest's order survives within each project.
    return super.sort(tests).sort((a, b) => rank(a) - rank(b));
  }
}

module.exports = CostSequencer;
