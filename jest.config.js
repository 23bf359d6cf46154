/** Two projects: fast unit/golden tests, and slow end-to-end ones (emulator, Chromium). CI runs both. */

/**
 * TypeScript is transpiled by SWC (type-stripping only, ~15x faster than ts-jest's per-file TypeScript transpile,
 * which every worker paid again for all of scripts/ and test/ on a cold cache as in CI). The types are checked by
 * `npm run lint` (tsc -p tsconfig.test.json), which CI runs before the tests. The options mirror tsconfig.json: ES2022,
 * CommonJS, class fields with define semantics (TypeScript's default at ES2022). Source maps go to Jest as objects,
 * not inline comments: stack traces map the same, and a cold cache (CI) cost 17 s less CPU (187 s -> 170 s in all).
 */
const swc = [
  '@swc/jest',
  {
    jsc: { parser: { syntax: 'typescript' }, target: 'es2022', transform: { useDefineForClassFields: true } },
    module: { type: 'commonjs' },
    sourceMaps: true,
  },
];

const common = {
  // one Kusto.Language bridge per worker process, shared by the test files it runs
  testEnvironment: '<rootDir>/test/support/jest/kusto-environment.js',
  transform: { '^.+\\.ts$': swc },
  moduleFileExtensions: ['ts', 'js', 'json'],
  // property tests run with a fixed seed so every run is reproducible (FC_SEED=<n> to explore others)
  setupFilesAfterEnv: ['<rootDir>/test/setup.ts'],
};
module.exports = {
  // both cores: the default (cores - 1) leaves one idle on a 2-core machine while the main process waits
  maxWorkers: process.env.JEST_MAX_WORKERS ?? '100%',
  projects: [
    {
      ...common,
      displayName: 'unit',
      testMatch: ['<rootDir>/test/**/*.test.ts'],
      testPathIgnorePatterns: ['/node_modules/', '\\.e2e\\.test\\.ts$'],
    },
    { ...common, displayName: 'e2e', testMatch: ['<rootDir>/test/**/*.e2e.test.ts'] },
  ],
};
