// @ts-check
/**
 * Lint guards the layer boundaries of scripts/: data flows core -> kql -> config -> content -> validate -> livetest
 * (btg test) -> emit -> deploy -> posture -> (pipeline, cli, bench), and no folder may import one to its right.
 * Only scripts/kql/ touches the Kusto bridge; only the command-line front ends print.
 */
const js = require('@eslint/js');
const tseslint = require('typescript-eslint');
const importX = require('eslint-plugin-import-x');

/** Layers from the bottom up; a folder may import its own layer and those below it. */
const LAYERS = [
  ['core', 'security', 'paths.ts'],
  ['kql'],
  ['config'],
  ['content'],
  ['validate'],
  // `btg test` runs the rules' rows (contentctl's validate -> test -> build order); the report shows the results
  ['livetest'],
  ['emit'],
  ['deploy'],
  ['posture'],
  ['pipeline.ts', 'buildCache.ts', 'cli', 'bench'],
];
const at = (p) => `./scripts/${p}`;
const zones = LAYERS.slice(0, -1).flatMap((layer, i) =>
  layer.map((target) => ({
    target: at(target),
    from: LAYERS.slice(i + 1)
      .flat()
      .map(at),
    message: `scripts/${target} is below these in the pipeline and must not import them (core -> kql -> config -> content -> validate -> livetest -> emit -> deploy -> posture -> cli).`,
  })),
);

module.exports = tseslint.config(
  {
    ignores: [
      'dist/**',
      'dist-tools/**',
      'out/**',
      'node_modules/**',
      'coverage/**',
      'test/golden/**',
      'test/fixtures/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  { linterOptions: { reportUnusedDisableDirectives: 'off' } },
  {
    files: ['**/*.ts'],
    plugins: { 'import-x': importX },
    settings: { 'import-x/resolver': { node: { extensions: ['.ts', '.js', '.json'] } } },
    rules: {
      'import-x/no-cycle': ['error', { ignoreExternal: true }],
      'import-x/no-restricted-paths': ['error', { zones }],
      'no-console': 'error',
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['@kusto/language-service-next', '@kusto/language-service-next/*'],
              message: 'Only scripts/kql/ touches the Kusto bridge: use its analyzer API.',
            },
          ],
        },
      ],
      // the bridge and the ARM/Graph payloads are untyped at their edges; those files say so locally
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-require-imports': 'off',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' },
      ],
      // terse loops use comma sequences (`(a++, b.push(x))`)
      '@typescript-eslint/no-unused-expressions': 'off',
    },
  },
  // these match control characters on purpose: they strip them from output
  {
    files: ['scripts/security/**/*.ts', 'scripts/emit/report/markdown.ts', 'scripts/content/monitorAlert.ts'],
    rules: { 'no-control-regex': 'off' },
  },
  { files: ['scripts/kql/**/*.ts'], rules: { 'no-restricted-imports': 'off' } },
  { files: ['scripts/cli/**/*.ts', 'scripts/bench/**/*.ts', 'test/**/*.ts'], rules: { 'no-console': 'off' } },
  {
    files: ['test/**/*.ts'],
    rules: {
      'import-x/no-restricted-paths': 'off',
      'no-restricted-imports': 'off',
      'no-control-regex': 'off',
      'no-regex-spaces': 'off',
    },
  },
  {
    files: ['**/*.js'],
    languageOptions: {
      sourceType: 'commonjs',
      globals: {
        require: 'readonly',
        module: 'writable',
        process: 'readonly',
        __dirname: 'readonly',
        globalThis: 'readonly',
        console: 'readonly',
      },
    },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
