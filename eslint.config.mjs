// ESLint (flat config): typescript-eslint's type-aware rules over src, test and bench, and the layer rule.
// `npm run lint` runs it with --max-warnings 0; formatting is Prettier's job (.prettierrc.json), not ESLint's.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/** Layers, lowest first (docs/ARCHITECTURE.md). Each lists the folders under src/ it must not import. */
const ABOVE = {
  linalg: ['io', 'data', 'kernels', 'kha', 'eval', 'model', 'app', 'report', 'cli'],
  io: ['linalg', 'data', 'kernels', 'kha', 'eval', 'model', 'app', 'report', 'cli'],
  data: ['kernels', 'kha', 'eval', 'model', 'app', 'report', 'cli'],
  kernels: ['kha', 'eval', 'model', 'app', 'report', 'cli'],
  kha: ['eval', 'model', 'app', 'report', 'cli'],
  eval: ['model', 'app', 'report', 'cli'],
  model: ['app', 'report', 'cli'],
  app: ['report', 'cli'],
  report: ['cli'],
};

/** Relative imports only climb out of the folder (`../`, `../../`), so the first named folder is the layer. */
const layerRule = (above) => [
  'error',
  {
    patterns: [
      {
        regex: `^(\\./)?(\\.\\./)+(${above.join('|')})(/|$)`,
        message: 'a lower layer must not import a higher one (see docs/ARCHITECTURE.md, "Layers")',
      },
    ],
  },
];

export default tseslint.config(
  { ignores: ['dist/**', 'dist-bench/**', 'coverage/**', 'data/**', 'scripts/**', '**/*.generated.ts', '*.mjs'] },
  {
    files: ['**/*.ts'],
    extends: [js.configs.recommended, ...tseslint.configs.recommendedTypeChecked],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      // Part of the preset, named here because they are the reason for type-aware linting: a promise
      // nobody awaits loses its rejection, and an async callback where a void one is expected races.
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      // Off: tsc reports unused locals and parameters (noUnusedLocals, noUnusedParameters), honouring
      // the `_` prefix of interface-required parameters; a second report of the same thing is noise.
      '@typescript-eslint/no-unused-vars': 'off',
      // Off: `async` on a method without `await` is how this code implements Promise-returning
      // interfaces (RowSource.rows, GramBackend.cross) synchronously; it also turns a throw into a rejection.
      '@typescript-eslint/require-await': 'off',
      // A catch block that forwards what it caught to reject() passes `unknown` on unchanged.
      '@typescript-eslint/prefer-promise-reject-errors': ['error', { allowThrowingUnknown: true }],
      // A `let` that a callback reads before its one assignment cannot be a const (the TDZ would throw).
      'prefer-const': ['error', { ignoreReadBeforeAssign: true }],
      // Lazy loads of heavy or binary dependencies (see the comments at each), and the wasm assembler,
      // which is plain JavaScript shared with scripts/build-wasm.js and has no type declarations.
      '@typescript-eslint/no-require-imports': [
        'error',
        { allow: ['^mnist$', '^gpu\\.js$', '/scripts/build-wasm\\.js$'] },
      ],
    },
  },
  {
    // Tests read the CLI's JSON output (JSON.parse gives `any`) and check its fields with expect: a
    // wrong field fails the expect, so typing each parsed report would add casts and catch nothing.
    files: ['test/**/*.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
    },
  },
  ...Object.entries(ABOVE).map(([layer, above]) => ({
    files: [`src/${layer}/**/*.ts`],
    rules: { 'no-restricted-imports': layerRule(above) },
  })),
);
