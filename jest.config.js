/**
 * Three projects, run by `npm test` in one jest so both workers stay busy: unit (pure, about a minute, the
 * fast loop: `npm run test:unit`), integration (real servers: moto, Prometheus, Chromium, processes) and e2e
 * (whole runs). Types are checked once by `npm run typecheck`, so jest only strips them (swc).
 */

// The AWS SDK warns once per test file (each file loads it anew) that its releases after January 2027 need
// Node 22. The README's "Node versions" says so once; the test output stays for the tests. Spawned CLIs inherit it.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

/** swc as tsc would emit for tsconfig.json: CommonJS, ES2022 class fields. */
const swc = [
  '@swc/jest',
  {
    jsc: { parser: { syntax: 'typescript' }, target: 'es2022' },
    module: { type: 'commonjs' },
    sourceMaps: 'inline',
  },
];

/** Servers a worker keeps across its test files (see test/support/moto.ts). */
const servers = {
  globalSetup: '<rootDir>/test/support/global-setup.ts',
  globalTeardown: '<rootDir>/test/support/global-teardown.ts',
};

const project = (name, { roots = [], ...extra } = {}) => ({
  displayName: name,
  testEnvironment: 'node',
  roots: [`<rootDir>/test/${name}`, ...roots],
  testMatch: ['**/*.test.ts'],
  transform: {
    '^.+\\.ts$': swc,
    // @middy/core ships ESM only; jest's module system needs it as CommonJS.
    '^.+/node_modules/@middy/.+\\.js$': swc,
  },
  transformIgnorePatterns: ['/node_modules/(?!@middy/)'],
  ...extra,
});

/**
 * The fault matrix (test/faults/, docs/faults.md) runs in both: its files that run whole canary runs
 * (`*.slow.test.ts`) with e2e, the others (the catalogue's check, bad input, the run API) with integration.
 */
const FAULTS = '<rootDir>/test/faults';
const faultsFast = {
  roots: [FAULTS],
  testPathIgnorePatterns: ['/node_modules/', '/test/faults/.*\\.slow\\.test\\.ts$'],
};
const faultsSlow = {
  roots: [FAULTS],
  testPathIgnorePatterns: ['/node_modules/', '/test/faults/(?!.*\\.slow\\.test\\.ts$)'],
};

/** @type {import('jest').Config} */
module.exports = {
  projects: [
    project('unit'),
    project('integration', { ...servers, ...faultsFast }),
    project('e2e', { ...servers, ...faultsSlow }),
  ],
  testTimeout: 30000,
  // Most of the slow tests wait on servers and timers, not on the CPU: two workers on two cores.
  maxWorkers: 2,
  testSequencer: '<rootDir>/test/support/cost-sequencer.js',
};
